"""Turn 0 of the dummy case in detail (``specs/smp.md`` §8.2, "Turn 0 in detail" [spec])."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente import load_scenario
from detente.models.smp import SmpParams
from detente.models.smp._challenge import challenges, estimated_risk, utility
from detente.models.smp._inputs import smp_inputs
from detente.models.smp._turn import assess_state, take_turn

NAN = np.nan
GAINS = [
    [NAN, -0.030113, -0.211651, -0.059008, -0.036448, -0.034271, +0.094735],
    [+0.280999, NAN, -0.326918, -0.076202, +0.097215, -0.101749, +0.108137],
    [+0.327371, +0.389103, NAN, +0.336411, +0.430982, +0.318449, +0.471133],
    [+0.283872, +0.167400, -0.260611, NAN, +0.054081, +0.026509, +0.156947],
    [+0.011577, -0.008482, -0.111298, -0.014572, NAN, +0.001314, +0.008327],
    [+0.170563, +0.298633, -0.185643, +0.067545, +0.090991, NAN, +0.062137],
    [-0.070937, +0.028584, -0.416602, -0.082528, -0.053831, -0.043139, NAN],
]
WIN = [
    [NAN, 0.204846, 0.252917, 0.199229, 0.241438, 0.226932, 0.764309],
    [0.796420, NAN, 0.124061, 0.199867, 0.714221, 0.148210, 0.601907],
    [0.747088, 0.875914, NAN, 0.788094, 0.879058, 0.676729, 0.833442],
    [0.805608, 0.798271, 0.211398, NAN, 0.672020, 0.426335, 0.812520],
    [0.583594, 0.054332, 0.079958, 0.050964, NAN, 0.468621, 0.713656],
    [0.771430, 0.851036, 0.323646, 0.570687, 0.823131, NAN, 0.875747],
    [0.233962, 0.396973, 0.166896, 0.190412, 0.274152, 0.127967, NAN],
]


@pytest.fixture(scope="module")
def turn_zero():
    params = SmpParams()
    x, actors = smp_inputs(load_scenario("ktab-dummy-3dim").to_arrays(), params)
    state = assess_state(x, x, actors, params)
    return params, x, actors, state


def test_distances_of_turn_zero(turn_zero) -> None:
    # §8.2 distance table, first two rows.
    _, _, _, state = turn_zero
    assert state.d[0, 0] == approx(
        [0.0, 0.096924, 0.361346, 0.129864, 0.071124, 0.118219, 0.110005], abs=1e-6
    )
    assert state.d[0, 6] == approx(
        [0.187255, 0.274716, 0.577723, 0.184491, 0.134451, 0.087258, 0.0], abs=1e-6
    )


def test_actor_zero_estimates_actor_one_utilities(turn_zero) -> None:
    # §8.2 "Example of §4.3": U^0_{1·}.
    params, _, _, state = turn_zero
    r01 = estimated_risk(state.r, params.big_r_adjust)[0, 0, 1]
    assert utility(state.d[0, 1], r01) == approx(
        [0.568060, 1.000000, 0.521969, 0.754609, 0.798869, 0.680637, 0.654365], abs=1e-6
    )


def test_challenge_gains_and_win_probabilities(turn_zero) -> None:
    # §8.2 own-perspective gains G_ij and win probabilities P_ij, every pair.
    params, _, actors, state = turn_zero
    found = challenges(state.d, state.r, actors.capability, actors.total_salience, params)
    assert found.gain_all[0] == approx(np.array(GAINS), abs=1e-6, nan_ok=True)
    assert found.p_all[0] == approx(np.array(WIN), abs=1e-6, nan_ok=True)
    assert found.target[0].tolist() == [6, 0, 6, 0, 0, 1, 1]


def test_queues_and_their_winning_options(turn_zero) -> None:
    # §8.2 queue table: lengths (status quo included), the winner and its probability.
    params, x, actors, state = turn_zero
    turn = take_turn(x, x, state, actors, params, None)
    res = turn.resolution
    assert res.queue_length[0].tolist() == [5, 4, 2, 2, 2, 2, 4]
    assert res.chosen[0].tolist() == [4, 6, -1, 3, 4, 5, 0]  # by initiator; −1 = status quo
    assert res.probability[0] == approx(
        [0.496750, 0.569622, 0.634674, 0.837295, 0.928352, 0.627073, 0.663403], abs=1e-6
    )
