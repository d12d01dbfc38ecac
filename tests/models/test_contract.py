"""One conformance suite for every registered model (the scikit-learn habit).

Chunking the draws changes nothing; permuting draws permutes outputs; inputs and parameters are
never modified; the same inputs give byte-identical results; a point run is a batch of one. For
every model and every setting that draws random numbers, the chunked runner gives the same bytes
for chunk sizes 1, 7 and 40, on worker processes and on a Dask cluster.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente import ModelError, load_scenario, models, run_draws
from detente.models import Forecast
from detente.scenario import Scenario, ScenarioArrays, uncertain_inputs
from detente.uncertainty import sample_uniforms

SCENARIO = load_scenario(Path(__file__).parents[1] / "assets" / "contract.yaml")
DRAWS = 12
# Every registered model with its defaults, plus the eum's numpy reference path (issue 14: the
# suite runs on both the compiled kernel and the reference).
CONFIGURATIONS = {name: (name, {}) for name in models.names()} | {
    "eum-numpy": ("eum", {"engine": "numpy"}),
    "nash-numpy": ("nash", {"engine": "numpy"}),
    "exchange-numpy": ("exchange", {"engine": "numpy"}),
}


def spec_and_params(config: str) -> tuple[models.ModelSpec, object]:
    name, values = CONFIGURATIONS[config]
    spec = models.get(name)
    return spec, spec.make_params(**values)


@pytest.fixture(scope="module")
def batch() -> ScenarioArrays:
    return SCENARIO.to_arrays(draws=DRAWS, seed=11)


def run(name: str, arrays: ScenarioArrays) -> np.ndarray:
    spec, params = spec_and_params(name)
    return spec(arrays, params).outcome


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_chunking_the_draws_changes_nothing(name: str, batch: ScenarioArrays) -> None:
    whole = run(name, batch)
    parts = np.concatenate(
        [run(name, batch.take(slice(0, 5))), run(name, batch.take(slice(5, None)))]
    )
    np.testing.assert_array_equal(whole, parts)


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_permuting_draws_permutes_outcomes(name: str, batch: ScenarioArrays) -> None:
    order = np.random.default_rng(0).permutation(DRAWS)
    np.testing.assert_array_equal(run(name, batch)[order], run(name, batch.take(order)))


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_inputs_and_params_are_not_modified(name: str, batch: ScenarioArrays) -> None:
    before = copy.deepcopy(batch)
    spec, params = spec_and_params(name)
    params_before = copy.deepcopy(params)
    spec(batch, params)
    for field in ("positions", "salience", "capability", "status_quo", "walk_away"):
        np.testing.assert_array_equal(getattr(batch, field), getattr(before, field))
    assert params == params_before


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_same_inputs_give_byte_identical_results(name: str, batch: ScenarioArrays) -> None:
    assert run(name, batch).tobytes() == run(name, batch).tobytes()


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_point_run_is_a_batch_of_one(name: str) -> None:
    point = SCENARIO.to_arrays()
    outcome = run(name, point)
    assert outcome.shape == (1, 2)
    assert np.all(np.isfinite(outcome))
    np.testing.assert_array_equal(run(name, point.take(np.array([0]))), outcome)


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_outcome_stays_on_the_issue_scale(name: str, batch: ScenarioArrays) -> None:
    outcome = run(name, batch)
    assert np.all((outcome[:, 0] >= 0) & (outcome[:, 0] <= 100))
    assert np.all((outcome[:, 1] >= 0) & (outcome[:, 1] <= 10))


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_every_parameter_is_documented(name: str) -> None:
    for pname, _default, doc in spec_and_params(name)[0].parameters():
        assert doc, f"parameter '{pname}' of model '{name}' has no documentation"


# --- Same seed, same answer, however the draws are cut and wherever they run ---------------

# Every model at its defaults, and every setting that makes a model draw random numbers. Random
# tie-breaks need tied gains: the decide sample has them (the contract case has none); its 40
# draws all sit at the modes, so the draws differ only by their random numbers.
TIES = load_scenario("decide-sample")
Setting = tuple[Scenario, str, dict[str, Any]]
RANDOM: list[Setting] = [
    (SCENARIO, "exchange", {"rex_p": 0.5}),
    (SCENARIO, "exchange", {"rex_p": 1.0, "rex_redraw": "on_recompute"}),
    (TIES, "exchange", {"tie_break": "seeded_random", "rounds": 2}),
    (SCENARIO, "smp", {"state_transitions": "Stochastic"}),
]
# Early stopping is per draw, so a chunk's draws stop when they would in the whole batch (each
# tolerance makes some of the 40 draws stop early and others run on).
STOPPING: list[Setting] = [
    (SCENARIO, "eum", {"until_stable": 0.5}),
    (SCENARIO, "exchange", {"until_stable": 5.0}),
    (SCENARIO, "smp", {"until_stable": 0.5}),
]
# The numpy reference of a compiled model passes the same contract as its kernel (issue 14).
REFERENCES: list[Setting] = [
    (SCENARIO, "smp", {"engine": "numpy"}),
    (SCENARIO, "smp", {"engine": "numpy", "state_transitions": "Stochastic"}),
    (SCENARIO, "nash", {"engine": "numpy"}),
    (SCENARIO, "exchange", {"engine": "numpy"}),
    (SCENARIO, "exchange", {"engine": "numpy", "rex_p": 0.5}),
    (TIES, "exchange", {"engine": "numpy", "tie_break": "seeded_random", "rounds": 2}),
]
SETTINGS: list[Setting] = (
    [(SCENARIO, name, {}) for name in models.names()] + RANDOM + STOPPING + REFERENCES
)
RUN_DRAWS = 40


def _label(setting: Setting) -> str:
    scenario, name, params = setting
    return f"{scenario.id}-{name}" + "".join(f"[{k}={v}]" for k, v in params.items())


def chunked(setting: Setting, seed: int = 0, **backend: Any) -> Forecast:
    """The setting's run of 40 draws (run seed 3) through the one chunked runner."""
    scenario, name, params = setting
    params = {**params, "seed": seed} if seed else params
    uniforms = sample_uniforms(uncertain_inputs(scenario), RUN_DRAWS, 3)
    chosen = models.get(name).make_params(**params)
    return run_draws(scenario, name, chosen, uniforms, seed=3, **backend)


def assert_identical(a: Forecast, b: Forecast) -> None:
    """Every number of two forecasts is the same, byte for byte (outcome, rounds, events,
    per-draw extras)."""
    assert a.outcome.tobytes() == b.outcome.tobytes()
    assert (a.rounds is None) == (b.rounds is None)
    if a.rounds is not None and b.rounds is not None:
        for field in ("mean", "median", "outcome", "positions", "stable_round"):
            x, y = getattr(a.rounds, field), getattr(b.rounds, field)
            assert (x is None and y is None) or x.tobytes() == y.tobytes(), field
    assert (a.events is None) == (b.events is None)
    if a.events is not None and b.events is not None:
        assert list(a.events) == list(b.events)
        for column in a.events:
            np.testing.assert_array_equal(a.events[column], b.events[column], err_msg=column)
    assert list(a.extras) == list(b.extras)
    for key, value in a.extras.items():
        if isinstance(value, np.ndarray):
            assert value.tobytes() == b.extras[key].tobytes(), key
        else:
            assert value == b.extras[key], key


@pytest.fixture(scope="module")
def whole_runs() -> dict[str, Forecast]:
    return {_label(s): chunked(s, chunk_size=RUN_DRAWS) for s in SETTINGS}


@pytest.mark.parametrize("chunk_size", [1, 7])
@pytest.mark.parametrize("setting", SETTINGS, ids=_label)
def test_chunk_size_never_changes_a_number(
    setting: Setting, chunk_size: int, whole_runs: dict[str, Forecast]
) -> None:
    assert_identical(chunked(setting, chunk_size=chunk_size), whole_runs[_label(setting)])


# Worker processes take seconds to start: the random settings and one deterministic dynamic
# model cover the path (the static models share it line for line).
@pytest.mark.parametrize("setting", [*RANDOM, (SCENARIO, "eum", {})], ids=_label)
def test_worker_processes_give_the_in_process_numbers(
    setting: Setting, whole_runs: dict[str, Forecast]
) -> None:
    assert_identical(chunked(setting, chunk_size=20, workers=2), whole_runs[_label(setting)])


def test_a_dask_cluster_gives_the_in_process_numbers(whole_runs: dict[str, Forecast]) -> None:
    from distributed import LocalCluster

    setting = RANDOM[0]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        there = chunked(setting, chunk_size=13, scheduler=cluster.scheduler_address)
    assert_identical(there, whole_runs[_label(setting)])


@pytest.mark.parametrize("setting", STOPPING, ids=_label)
def test_stopping_settings_really_stop_some_draws_early(
    setting: Setting, whole_runs: dict[str, Forecast]
) -> None:
    rounds = whole_runs[_label(setting)].rounds
    assert rounds is not None and len(set(rounds.stable_round.tolist())) > 1


@pytest.mark.parametrize("setting", RANDOM, ids=_label)
def test_random_settings_really_draw_and_follow_the_model_seed(
    setting: Setting, whole_runs: dict[str, Forecast]
) -> None:
    # Without this, the chunking tests could pass on a setting that draws nothing.
    base = whole_runs[_label(setting)].outcome
    assert not np.array_equal(base, chunked(setting, seed=1).outcome)


def test_a_draw_keeps_its_random_numbers_outside_its_batch() -> None:
    # Draw 17 alone, as draw 17 of the run, is row 17 of the whole run.
    spec = models.get("exchange")
    params = spec.make_params(rex_p=0.5)
    arrays = SCENARIO.to_arrays(draws=RUN_DRAWS, seed=3)
    whole = spec(arrays, params).outcome
    alone = spec(arrays.take(np.array([17])), params).outcome
    assert alone.tobytes() == whole[17:18].tobytes()


# --- Dynamic models: a hook per round, and a bounded number of rounds -----------------------

DYNAMIC = [name for name in models.names() if models.get(name).dynamic]


@pytest.mark.parametrize("name", DYNAMIC)
def test_a_dynamic_model_calls_the_round_hook_before_every_round(name: str) -> None:
    spec = models.get(name)
    seen: list[int] = []
    plain = spec(SCENARIO.to_arrays(), spec.make_params(rounds=3))
    hooked = spec(SCENARIO.to_arrays(), spec.make_params(rounds=3), on_round=seen.append)
    assert plain.rounds is not None and len(seen) >= plain.rounds.n_rounds
    assert seen == sorted(seen) and len(seen) <= 4
    # The hook is outside the math: the results are the same with or without it.
    assert_identical(hooked, plain)


class Stop(Exception):
    pass


@pytest.mark.parametrize("name", DYNAMIC)
def test_raising_from_the_round_hook_stops_the_run_within_a_round(name: str) -> None:
    spec = models.get(name)
    rounds: list[int] = []

    def stop_at_two(r: int) -> None:
        rounds.append(r)
        if len(rounds) == 2:
            raise Stop

    with pytest.raises(Stop):
        spec(SCENARIO.to_arrays(), spec.make_params(rounds=500), on_round=stop_at_two)
    assert len(rounds) == 2


@pytest.mark.parametrize("name", DYNAMIC)
def test_rounds_past_the_maximum_are_refused_by_name(name: str) -> None:
    spec = models.get(name)
    assert spec.make_params(rounds=models.MAX_ROUNDS).rounds == 1000
    with pytest.raises(
        ModelError, match=rf"^model '{name}': 'rounds' must be at most 1,000; got 2,147,483,648$"
    ):
        spec.make_params(rounds=2_147_483_648)
