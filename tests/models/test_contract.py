"""One conformance suite for every registered model (the scikit-learn habit).

Chunking the draws changes nothing; permuting draws permutes outputs; inputs and parameters are
never modified; the same inputs give byte-identical results; a point run is a batch of one.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from detente import load_scenario, models
from detente.scenario import ScenarioArrays

SCENARIO = load_scenario(Path(__file__).parents[1] / "assets" / "contract.yaml")
DRAWS = 12
# Every registered model with its defaults, plus the eum's numpy reference path (issue 14: the
# suite runs on both the compiled kernel and the reference).
CONFIGURATIONS = {name: (name, {}) for name in models.names()} | {
    "eum-numpy": ("eum", {"engine": "numpy"}),
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
