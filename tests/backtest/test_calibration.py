"""Calibrated predictive intervals: the conformal math, the out-of-sample coverage on the DEU
development set (the acceptance figures of issue 16) and the shipped calibration file."""

from __future__ import annotations

import numpy as np
import pytest

from detente._intervals import calibration, intervals, intervals_from_draws
from detente.backtest import (
    DeuData,
    backtest,
    conformal_cv,
    ensemble_weights,
    predictive_interval,
    residual_atoms,
    run_model,
    weighted_ensemble,
)
from detente.backtest._conformal import interval_score
from detente.backtest._run import ModelChoice
from detente.errors import ModelError
from detente.scenario import load_scenario


def test_one_draw_reads_the_error_quantiles_back() -> None:
    atoms = residual_atoms(np.arange(-50.0, 51.0))  # errors -50 … 50, uniform
    lo, hi = predictive_interval(np.array([[50.0]]), atoms, 0.5)
    assert (lo[0], hi[0]) == pytest.approx((25.0, 75.0), abs=0.6)


def test_input_spread_widens_the_calibrated_interval() -> None:
    atoms = residual_atoms(np.linspace(-10.0, 10.0, 101))
    point = predictive_interval(np.full((1, 1), 50.0), atoms, 0.8)
    spread = predictive_interval(np.linspace(30.0, 70.0, 500)[:, None], atoms, 0.8)
    inputs_only = predictive_interval(np.linspace(30.0, 70.0, 500)[:, None], np.zeros(1), 0.8)
    width = spread[1][0] - spread[0][0]
    assert point[1][0] - point[0][0] == pytest.approx(16.0, abs=0.5)
    assert inputs_only[1][0] - inputs_only[0][0] == pytest.approx(32.0, abs=0.5)
    assert width > 32.0 + 2.0


def test_intervals_are_clipped_to_the_scale() -> None:
    atoms = residual_atoms(np.linspace(-40.0, 40.0, 101))
    lo, hi = predictive_interval(np.array([[95.0, 5.0]]), atoms, 0.95)
    assert hi[0] == 100.0 and lo[1] == 0.0


def test_interval_score_is_width_plus_penalised_miss() -> None:
    score = interval_score(
        np.array([40.0, 40.0]), np.array([60.0, 60.0]), np.array([50.0, 70.0]), 0.8
    )
    assert score.tolist() == pytest.approx([20.0, 20.0 + 2 / 0.2 * 10.0])


def test_too_few_issues_cannot_be_calibrated() -> None:
    with pytest.raises(ModelError, match="calibration needs at least 20 scored issues; got 3"):
        residual_atoms(np.array([1.0, 2.0, np.nan, 3.0]))
    fold = np.zeros(10, dtype=np.intp)
    assert conformal_cv(np.zeros(10), np.ones(10), fold) is None


def test_bad_level_is_refused() -> None:
    with pytest.raises(ModelError, match="strictly between 0 and 1; got 80"):
        predictive_interval(np.zeros((1, 1)), np.zeros(1), 80)


def test_default_interval_is_calibrated_out_of_sample_on_the_development_set() -> None:
    # Issue 16's acceptance: compromise (the default model), 10-fold CV grouped by proposal.
    cal = backtest(models="compromise", resamples=10).entry("compromise").calibration
    assert cal is not None and cal.n == 248 and cal.folds == 10
    assert cal.coverage[0.8] == pytest.approx(0.7863, abs=1e-4)
    assert cal.coverage[0.5] == pytest.approx(0.4839, abs=1e-4)
    assert 0.75 <= cal.coverage[0.8] <= 0.85
    assert 0.45 <= cal.coverage[0.5] <= 0.55
    assert cal.width[0.8] == pytest.approx(73.4, abs=0.1)


def test_backtest_json_reports_coverage_width_and_score_per_model() -> None:
    record = backtest(models="compromise,median", resamples=10).to_json()["models"]["median"]
    cal = record["calibration"]
    assert set(cal) == {"coverage", "width", "interval_score", "n", "folds"}
    assert set(cal["coverage"]) == {"0.5", "0.8", "0.95"}


def test_shipped_calibration_matches_the_data_it_names(dev: DeuData) -> None:
    doc = calibration()
    assert doc["provenance"]["data"] == "deu_dev.csv"
    assert doc["provenance"]["issues"] == 248
    forecasts = run_model(dev, ModelChoice("compromise", {})).forecasts["compromise"]
    fresh = residual_atoms(dev.outcome - forecasts)
    assert doc["models"]["compromise"]["atoms"] == pytest.approx(fresh.tolist(), abs=1e-3)
    assert 0.75 <= doc["ensemble"]["out_of_sample"]["coverage"]["0.8"] <= 0.85


def test_ensemble_weights_favour_skill_and_skip_missing_forecasts() -> None:
    w = ensemble_weights({"good": 10.0, "bad": 20.0})
    assert w["good"] == pytest.approx(0.8) and w["bad"] == pytest.approx(0.2)
    values = weighted_ensemble({"good": np.array([10.0, 10.0]), "bad": np.array([60.0, np.nan])}, w)
    assert values.tolist() == pytest.approx([20.0, 10.0])


def test_calibrated_interval_is_on_the_issue_scale_and_inputs_only_is_labelled() -> None:
    import detente

    s = load_scenario("emission-standards-1994")  # scale 0–12 years
    fc = detente.forecast(s, "compromise", draws=200, seed=1)
    cal, inputs = intervals(fc, s), intervals(fc, s, calibrated=False)
    assert (cal.kind, inputs.kind) == ("calibrated", "inputs only")
    c_lo, c_hi = cal.interval("lag", 0.8)
    i_lo, i_hi = inputs.interval("lag", 0.8)
    assert 0.0 <= c_lo < i_lo <= i_hi < c_hi <= 12.0
    with pytest.raises(ModelError, match=r"no 0\.9 interval for issue 'lag'"):
        cal.interval("lag", 0.9)


def test_an_uncalibrated_model_is_named() -> None:
    s = load_scenario("emission-standards-1994")
    with pytest.raises(
        ModelError, match="model 'oracle' has no calibration; calibrated models: compromise"
    ):
        intervals_from_draws("oracle", np.array([[5.0]]), s, ["lag"])
