"""Properties of the SMP (``specs/smp.md`` §8.7) and its batch contract."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente import forecast, load_scenario
from detente.errors import ModelError
from detente.models import get
from detente.scenario import ScenarioArrays

SMP = get("smp")


def _dummy() -> ScenarioArrays:
    return load_scenario("ktab-dummy-3dim").to_arrays()


def _replace(arrays: ScenarioArrays, **fields: object) -> ScenarioArrays:
    return type(arrays)(**{**arrays.__dict__, **fields})


def test_permuting_actors_permutes_the_history() -> None:
    # §8.7: a random permutation of the actors permutes every state of the run.
    arrays = _dummy()
    perm = np.random.default_rng(7).permutation(arrays.n_actors)
    permuted = _replace(
        arrays,
        actor_ids=tuple(arrays.actor_ids[i] for i in perm),
        positions=arrays.positions[:, perm],
        salience=arrays.salience[:, perm],
        capability=arrays.capability[:, perm],
        mask=arrays.mask[perm],
        walk_away=arrays.walk_away[:, perm],
        veto=arrays.veto[perm],
    )
    base, moved = SMP(arrays), SMP(permuted)
    assert moved.rounds.n_rounds == base.rounds.n_rounds
    assert np.array_equal(moved.rounds.positions[:, :, :], base.rounds.positions[:, :, perm])
    assert moved.outcome == approx(base.outcome, abs=1e-9)


def test_batch_equals_one_draw_at_a_time() -> None:
    # Draws with different numbers of turns: the batch pads each with its final state.
    scenario = load_scenario("ktab-soe-pol-comp")
    arrays = scenario.to_arrays()
    rng = np.random.default_rng(3)
    noise = np.exp(0.2 * rng.standard_normal((4, arrays.n_actors, 1)))
    batch = _replace(
        arrays,
        positions=np.repeat(arrays.positions, 4, axis=0),
        salience=np.repeat(arrays.salience, 4, axis=0),
        capability=arrays.capability * noise,
        status_quo=np.repeat(arrays.status_quo, 4, axis=0),
        walk_away=np.repeat(arrays.walk_away, 4, axis=0),
        draw_index=np.arange(4),
        deal=None,  # smp reads no deal inputs; the scenario's are for one draw only
    )
    together = SMP(batch)
    steps = together.rounds.stable_round
    assert len(set(steps.tolist())) > 1  # the draws really stop at different turns
    for b in range(4):
        alone = SMP(batch.take(np.array([b])))
        t = alone.rounds.n_rounds
        assert t == steps[b]
        assert np.array_equal(together.rounds.positions[b, : t + 1], alone.rounds.positions[0])
        assert (together.rounds.positions[b, t:] == alone.rounds.positions[0, -1]).all()
        assert together.outcome[b] == approx(alone.outcome[0], abs=1e-12)
    events = together.events_frame()
    assert sorted(set(events["draw"])) == [0, 1, 2, 3]


def test_no_commit_and_full_commit_are_the_same_model() -> None:
    # §7.11 / §8.7: third parties abstain under both settings, so the runs are identical.
    arrays = _dummy()
    no = SMP(arrays, SMP.make_params(third_party_commit="NoCommit"))
    full = SMP(arrays, SMP.make_params(third_party_commit="FullCommit"))
    assert np.array_equal(no.rounds.positions, full.rounds.positions)


def test_identity_accommodation_keeps_ideals_at_positions() -> None:
    f = SMP(_dummy())
    assert np.array_equal(f.extras["ideals"], f.rounds.positions)


def test_distinct_probabilities_sum_to_one_in_every_state() -> None:
    f = forecast("ktab-soe-competitive", "smp")
    assert f.extras["distinct_probability"].sum(axis=-1) == approx(1.0, abs=1e-12)


def test_actors_at_one_position_stay_put_for_two_steps() -> None:
    # §7.4 / §8.7: no challenges, 2 steps, probability 1 for the single distinct position.
    arrays = ScenarioArrays.build(
        [[40.0, 60.0]] * 4, salience=[[0.3, 0.5]] * 4, capability=[[1.0, 1.0]] * 4
    )
    f = SMP(arrays)
    assert f.rounds.n_rounds == 2
    assert f.extras["risk_attitude"][0] == approx(0.0)
    assert f.extras["distinct_probability"][0, -1] == approx([1.0, 0, 0, 0])
    assert len(f.events_frame()) == 0
    assert f.outcome[0] == approx([40.0, 60.0])


def test_run_stops_at_the_turn_limit() -> None:
    # §5: at most `rounds` turns; the stop rule says which rule fired.
    f = SMP(_dummy(), SMP.make_params(rounds=3))
    assert f.rounds.n_rounds == 3
    assert f.rounds.stop_rule == "turn limit"


def test_until_stable_stops_earlier() -> None:
    # The first turn moves SActor-00 by 38.34 on Pstn2 and no coordinate by more than 40.
    f = SMP(_dummy(), SMP.make_params(until_stable=40.0))
    assert f.rounds.n_rounds == 1
    assert f.rounds.stop_rule == "until_stable"


def test_stochastic_transitions_reproduce_for_a_seed() -> None:
    # §7.5: KTAB's stochastic runs differ from run to run; Détente's are byte-identical.
    arrays = _dummy()
    params = SMP.make_params(state_transitions="Stochastic", seed=11)
    first, again = SMP(arrays, params), SMP(arrays, params)
    assert np.array_equal(first.rounds.positions, again.rounds.positions)
    other = SMP(arrays, SMP.make_params(state_transitions="Stochastic", seed=12))
    deterministic = SMP(arrays)
    assert not (
        np.array_equal(first.rounds.positions, other.rounds.positions)
        and np.array_equal(first.rounds.positions, deterministic.rounds.positions)
    )


def test_monte_carlo_draws_run_as_one_batch() -> None:
    f = forecast("ktab-soe-pol-comp", "smp", draws=1)
    assert f.draws == 1
    assert f.rounds is not None and f.rounds.mean.shape == (1, 28, 2)
    summary = SMP(load_scenario("ktab-soe-pol-comp").to_arrays(), SMP.make_params(keep="summary"))
    assert summary.rounds is not None and summary.rounds.positions is None


def test_salience_sums_above_100_are_refused_or_combined() -> None:
    # §2.4: 'error' names the actor and its sum; 'ktab_combine' rebuilds KTAB's SOE-Pol-Comp rule.
    arrays = ScenarioArrays.build(
        [[30, 20], [45, 65], [50, 50]],
        salience=[[0.3, 0.6], [0.65, 0.6], [0.5, 0.5]],
        capability=[[100, 100], [65, 55], [20, 20]],
        actor_ids=["XJ", "LK", "SHX"],
    )
    with pytest.raises(ModelError, match=r"saliences of actor 'LK' sum to 125"):
        SMP(arrays)
    f = SMP(arrays, SMP.make_params(salience_total="ktab_combine"))
    assert f.rounds.n_rounds >= 2
    from detente.models.smp._inputs import smp_inputs

    _, actors = smp_inputs(arrays, SMP.make_params(salience_total="ktab_combine"))
    # LK: 1 − 0.35·0.4 = 0.86 split 0.65 : 0.6 → 44.7 / 41.3 and capability 60.2, as in the file.
    assert 100 * actors.salience[0, 1] == approx([44.72, 41.28], abs=0.01)
    assert actors.capability[0, 1] == approx(60.2, abs=0.01)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (dict(positions=[[10], [20]]), r"between 3 and 250 actors.*got 2"),
        (
            dict(positions=[[10], [20], [30]], capability=[[1], [0], [2]]),
            r"actor 'a1' has capability 0",
        ),
        (
            dict(positions=[[10], [20], [30]], salience=[[0.5], [0.0], [0.2]]),
            r"actor 'a1' has zero salience",
        ),
        (
            dict(
                positions=[[10, 5], [20, 5], [30, 5]],
                capability=[[1, 2], [1, 1], [1, 1]],
                salience=[[0.2, 0.2]] * 3,
            ),
            r"actor 'a0' has different capabilities",
        ),
        (
            dict(
                positions=[[10, 5], [20, 5], [30, 5]],
                salience=[[0.2, 0.2]] * 3,
                mask=np.array([[True, True], [True, False], [True, True]]),
            ),
            r"actor 'a1' has no position on issue 'i1'",
        ),
    ],
)
def test_bad_inputs_get_clear_errors(build: dict[str, object], message: str) -> None:
    with pytest.raises(ModelError, match=message):
        SMP(ScenarioArrays.build(**build))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 0], [0, 1]], r"accommodation must be 3×3"),
        ([[1, 0, 0], [0, 1.5, 0], [0, 0, 1]], r"accommodation\[1\]\[1\] must lie in \[0, 1\]"),
        ([[1, 0, 0], [0.5, 0.6, 0], [0, 0, 1]], r"row 1 of accommodation sums to 1.1"),
    ],
)
def test_bad_accommodation_is_refused(matrix: list[list[float]], message: str) -> None:
    arrays = ScenarioArrays.build([10.0, 50.0, 90.0], salience=0.5)
    with pytest.raises(ModelError, match=message):
        SMP(arrays, SMP.make_params(accommodation=matrix))


def test_unknown_option_value_lists_the_choices() -> None:
    with pytest.raises(ModelError, match=r"voting_rule' expects one of 'Binary'.*got 'Quadratic'"):
        SMP.make_params(voting_rule="Quadratic")


@pytest.mark.parametrize("engine", ["kernel", "numpy"])
def test_markov_cap_raises_model_error(monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    # §7.8: a Markov PCE that does not converge raises ModelError instead of looping forever.
    from detente.models.smp import _kernel, _voting

    monkeypatch.setattr(_voting, "MARKOV_MAX_ITER", 2)
    monkeypatch.setattr(_kernel, "MARKOV_MAX_ITER", 2)
    with pytest.raises(ModelError, match=r"MarkovUniform PCE of the risk attitudes did not"):
        SMP(_dummy(), SMP.make_params(pce_model="MarkovUniform", engine=engine))
