"""Baseline models against hand-computed cases and the spec's vectors (specs/baselines.md)."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

import detente
from detente import ModelError, models
from detente.models import weighted_median
from detente.scenario import ScenarioArrays


def test_emission_case_matches_spec() -> None:
    # specs/eum.md §9.2 and baselines.md §7: mean 7.389956, capability mean 7.475248, median 7.
    assert detente.forecast("emission-standards-1994", "compromise").outcomes["lag"] == approx(
        7.389956, abs=1e-6
    )
    assert detente.forecast("emission-standards-1994", "mean").outcomes["lag"] == approx(
        7.475248, abs=1e-6
    )
    assert detente.forecast("emission-standards-1994", "median").outcomes["lag"] == 7.0
    assert (
        detente.forecast("emission-standards-1994", "median", weights="capability").outcomes["lag"]
        == 7.0
    )


def test_compromise_by_hand() -> None:
    # (2·0.5·10 + 1·1·40) / (2·0.5 + 1·1) = 50 / 2 = 25
    arrays = ScenarioArrays.build([10, 40], salience=[0.5, 1.0], capability=[2, 1])
    assert models.get("compromise")(arrays).outcome[0, 0] == approx(25.0)


def test_mean_weight_options_by_hand() -> None:
    arrays = ScenarioArrays.build([10, 40], salience=[0.5, 1.0], capability=[2, 1])
    mean = models.get("mean")
    assert mean(arrays, mean.make_params()).outcome[0, 0] == approx(20.0)  # (20 + 40) / 3
    assert mean(arrays, mean.make_params(weights="salience")).outcome[0, 0] == approx(30.0)
    assert mean(arrays, mean.make_params(weights="equal")).outcome[0, 0] == approx(25.0)


def test_median_tie_rules() -> None:
    # Weights 1, 1 at 20 and 60: cumulative weight is exactly half at 20.
    x, w = np.array([20.0, 60.0]), np.array([1.0, 1.0])
    assert weighted_median(x, w) == 20.0
    assert weighted_median(x, w, tie="upper") == 60.0
    assert weighted_median(x, w, tie="midpoint") == 40.0


def test_median_counts_all_actors_at_a_position_before_declaring_a_tie() -> None:
    # Two actors at 20 (weights 1 + 1) out of 4 total: exactly half at 20 → tie with 60.
    x, w = np.array([20.0, 20.0, 60.0]), np.array([1.0, 1.0, 2.0])
    assert weighted_median(x, w, tie="upper") == 60.0
    # Weight 3 of 4 at 20: no tie.
    assert weighted_median(x, np.array([1.0, 2.0, 1.0]), tie="upper") == 20.0


def test_zero_weight_actors_never_decide() -> None:
    assert weighted_median(np.array([10.0, 50.0, 90.0]), np.array([0.0, 1.0, 0.0])) == 50.0


def test_median_is_batched_over_draws_and_issues() -> None:
    x = np.array([[[10.0, 30.0, 90.0]], [[80.0, 20.0, 50.0]]])
    w = np.ones_like(x)
    assert weighted_median(x, w).tolist() == [[30.0], [50.0]]


def test_no_weight_on_an_issue_is_a_clear_error() -> None:
    arrays = ScenarioArrays.build(
        [10, 40], salience=[0.0, 0.0], capability=[2, 1], issue_ids=["TERR"]
    )
    with pytest.raises(
        ModelError, match="issue TERR has no actor with a position and a positive weight"
    ):
        models.get("compromise")(arrays)


def test_status_quo_model_needs_a_status_quo() -> None:
    with pytest.raises(ModelError, match="issue lag has no status quo"):
        detente.forecast("emission-standards-1994", "status_quo")
    arrays = ScenarioArrays.build([10, 40], status_quo=[35.0])
    assert models.get("status_quo")(arrays).outcome[0, 0] == 35.0


def test_forecast_tables_and_json() -> None:
    fc = detente.forecast("emission-standards-1994", "median", draws=1)
    assert fc.to_frame().to_dict(orient="records") == [{"draw": 0, "issue": "lag", "outcome": 7.0}]
    assert fc.rounds_frame().empty
    assert fc.to_json() == {
        "scenario": "emission-standards-1994",
        "model": "median",
        "params": {"weights": "capability_salience", "tie": "lower"},
        "draws": 1,
        "outcomes": {"lag": 7.0},
        "rounds": [],
    }
    assert "median forecast for emission-standards-1994" in fc.summary()


def test_unknown_model_and_parameter_are_named() -> None:
    with pytest.raises(
        ModelError, match=r"unknown model 'medain'; the models are: .*did you mean 'median'"
    ):
        models.get("medain")
    with pytest.raises(
        ModelError, match=r"model 'median' has no parameter 'tye'.*did you mean 'tie'"
    ):
        detente.forecast("emission-standards-1994", "median", tye="upper")
    with pytest.raises(
        ModelError,
        match="parameter 'tie' expects one of 'lower', 'midpoint', 'upper'; got 'middle'",
    ):
        detente.forecast("emission-standards-1994", "median", tie="middle")


def test_scenario_default_parameters_apply_and_explicit_ones_win(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = detente.load_scenario("emission-standards-1994").to_yaml()
    path = tmp_path / "s.yaml"
    path.write_text(text + "model_parameters:\n  median: {weights: equal}\n")
    assert detente.forecast(path, "median").params.weights == "equal"
    assert detente.forecast(path, "median", weights="capability").params.weights == "capability"
