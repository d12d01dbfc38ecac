"""The exchange model against ``specs/exchange.md`` §10 (sample case, both bookkeeping sets)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from pytest import approx

from detente import load_scenario
from detente.models.exchange import ExchangeParams, exchange
from detente.models.exchange._round import run_round
from detente.scenario import ScenarioArrays

DATA = Path(__file__).parent.parent / "data" / "exchange"
# Column order of the spec's trajectory tables (§10.3); the scenario keeps the input order.
SPEC_ORDER = [
    "extra-investering",
    "kleine-of-grote-ring",
    "tol-hoogte",
    "tolheffing-binnenstad",
    "wanneer-tol",
    "woonwerkverkeer",
]


@pytest.fixture(scope="module")
def sample() -> ScenarioArrays:
    return load_scenario("decide-sample").to_arrays()


@pytest.fixture(scope="module")
def ten_rounds(sample: ScenarioArrays) -> dict[str, object]:
    return {
        bk: exchange(sample, ExchangeParams(rounds=10, bookkeeping=bk))
        for bk in ("decide", "clean")
    }


def _columns(arrays: ScenarioArrays, values: np.ndarray) -> np.ndarray:
    """Values ``[..., D]`` in the scenario's issue order → the spec's column order."""
    index = [arrays.issue_ids.index(k) for k in SPEC_ORDER]
    return np.asarray(values)[..., index]


def test_round_one_setup_has_240_candidates_and_the_best_gain(sample: ScenarioArrays) -> None:
    # exchange.md §10.3: 240 candidates; best 1.973684210526, then 1.792636308765, 1.741486068111.
    weight = sample.capability * sample.salience
    result = run_round(
        sample.positions,
        sample.salience,
        weight,
        sample.mask,
        ExchangeParams(),
        np.random.default_rng(0),
    )
    assert int(result.candidates[0]) == 240
    gains = np.sort(result.initial_gains[0][np.isfinite(result.initial_gains[0])])[::-1]
    assert gains[:3] == approx([1.973684210526, 1.792636308765, 1.741486068111], abs=1e-9)


def test_round_one_realizes_the_spec_39_exchanges_in_order(sample: ScenarioArrays) -> None:
    # exchange.md §10.3 table "Round 1 realized exchanges" (positions normalised, tolerance 1e-6).
    forecast = exchange(sample, ExchangeParams(rounds=1))
    ev = forecast.events
    assert ev is not None
    with (DATA / "round1_exchanges.csv").open() as handle:
        spec = list(csv.DictReader(handle))
    assert len(ev["gain"]) == len(spec) == 39
    lo, hi = sample.scale_min, sample.scale_max
    issue = {k: j for j, k in enumerate(sample.issue_ids)}

    def normalised(value: float, issue_id: str) -> float:
        j = issue[issue_id]
        return 100.0 * (value - lo[j]) / (hi[j] - lo[j])

    for k, row in enumerate(spec):
        assert ev["order"][k] == int(row["order"])
        assert ev["gain"][k] == approx(float(row["gain"]), abs=1e-9)
        for side in ("i", "j"):
            assert ev[f"actor_{side}"][k] == row[f"actor_{side}"]
            supplied = row[f"issue_supplied_{side}"]
            assert ev[f"issue_supplied_{side}"][k] == supplied
            for end in ("from", "to"):
                got = normalised(float(ev[f"{end}_{side}"][k]), supplied)
                assert got == approx(float(row[f"{end}_{side}"]), abs=1e-6), (k + 1, side, end)
    # #34 is the only realization cut by the outcome-overshoot check (§10.3 checks).
    assert list(np.flatnonzero(ev["overshoot_cut"]) + 1) == [34]


def test_round_one_voting_outcome_matches_the_spec(sample: ScenarioArrays) -> None:
    # exchange.md §10.3 "Voting outcome after round 1", de-normalised.
    forecast = exchange(sample, ExchangeParams(rounds=1))
    got = [forecast.outcomes[k] for k in SPEC_ORDER]
    assert got == approx(
        [75.146199, 46.772734, 3.659033, 67.177856, 50.682797, 16.234703], abs=1e-6
    )


# exchange.md §10.3: preference outcome at the start of each round (row 0 = input), rounds 0–7
# [decide; spec identical] and 8–10 [spec], de-normalised, in SPEC_ORDER.
DECIDE_PREFERENCES = [
    [49.488304, 56.600832, 2.270992, 49.353234, 50.578947, 52.485549],
    [56.869883, 56.476930, 2.594173, 52.293770, 51.371849, 45.128457],
    [64.490315, 54.475194, 2.919444, 54.924784, 51.199592, 36.912315],
    [71.402006, 53.965109, 3.245227, 55.520230, 53.858322, 29.702470],
    [71.057484, 51.683699, 3.433457, 57.256359, 52.684677, 24.999894],
    [74.905368, 49.809920, 3.584295, 59.905537, 52.150419, 21.750016],
    [75.685586, 48.892845, 3.770588, 61.773085, 50.892373, 18.401642],
    [78.133114, 47.670500, 3.845127, 63.288228, 49.871192, 15.995421],
    [80.072056, 48.665093, 3.942150, 63.654648, 49.074542, 15.668890],
    [80.440631, 47.508556, 4.036404, 64.998437, 49.007218, 13.732170],
    [79.951128, 47.738551, 4.117993, 66.144472, 47.859497, 13.188160],
]
DECIDE_VOTING = [
    [75.146199, 46.772734, 3.659033, 67.177856, 50.682797, 16.234703],
    [80.913904, 40.510337, 4.033351, 69.759598, 50.448818, 10.761765],
    [87.761126, 46.022952, 4.287532, 60.240426, 66.754881, 5.701452],
    [71.290550, 38.083504, 4.179296, 69.505139, 48.301260, 8.576731],
    [82.624772, 38.678962, 4.109563, 74.652354, 50.204521, 9.837658],
    [78.662395, 41.783787, 4.452310, 73.528766, 47.627878, 7.204981],
    [82.624772, 43.623033, 4.132268, 73.207904, 46.490953, 8.964082],
    [85.139324, 51.858671, 4.228492, 66.348972, 45.836756, 13.195432],
    [81.896142, 42.415437, 4.422819, 72.681752, 47.055497, 8.361391],
    [78.223440, 48.427082, 4.368288, 73.634786, 44.562851, 11.741528],
]


def test_decide_set_reproduces_the_ten_round_trajectory(
    sample: ScenarioArrays, ten_rounds: dict[str, object]
) -> None:
    # exchange.md §10.3: trajectory, voting outcomes, realized counts and tie counts, rounds 1–10.
    forecast = ten_rounds["decide"]
    assert forecast.rounds is not None
    assert _columns(sample, forecast.rounds.mean[0]) == approx(
        np.array(DECIDE_PREFERENCES), abs=1e-6
    )
    voting = _columns(sample, forecast.extras["voting_outcome"][0])
    assert voting == approx(np.array(DECIDE_VOTING), abs=1e-6)
    assert list(forecast.extras["realized"][0]) == [39, 37, 36, 42, 35, 39, 36, 36, 36, 31]
    assert list(forecast.extras["ties"][0]) == [1, 2, 3, 1, 3, 1, 0, 2, 1, 1]
    # The forecast is the last round's voting outcome.
    assert [forecast.outcomes[k] for k in SPEC_ORDER] == approx(DECIDE_VOTING[-1], abs=1e-6)


def test_clean_set_matches_its_regression_values(
    sample: ScenarioArrays, ten_rounds: dict[str, object]
) -> None:
    # exchange.md §10.4: round 1 (44 realized), preference outcome after rounds 1 and 10.
    forecast = ten_rounds["clean"]
    assert forecast.rounds is not None
    voting = _columns(sample, forecast.extras["voting_outcome"][0])
    assert voting[0] == approx(
        [76.461988, 47.033711, 3.659033, 70.011986, 49.924659, 12.542739], abs=1e-6
    )
    prefs = _columns(sample, forecast.rounds.mean[0])
    assert prefs[1] == approx(
        [57.264620, 56.534345, 2.594173, 52.629693, 50.736174, 44.351093], abs=1e-6
    )
    assert prefs[10] == approx(
        [79.512813, 48.115381, 4.290237, 68.030189, 43.911866, 12.256861], abs=1e-6
    )
    assert list(forecast.extras["realized"][0]) == [44, 37, 41, 40, 40, 35, 40, 37, 33, 38]
    assert list(forecast.extras["ties"][0]) == [1, 2, 3, 2, 3, 1, 1, 2, 2, 0]
