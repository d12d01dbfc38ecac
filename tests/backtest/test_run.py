"""Running models on a batch of DEU issues: batched calls, refused issues, dynamic entries."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from detente import ModelError, models
from detente.backtest import DeuData, ModelChoice, backtest, parse_models, run_model
from detente.models import DynamicParams, ModelSpec, make_forecast
from detente.scenario import ScenarioArrays


@dataclass(frozen=True)
class DriftParams(DynamicParams):
    """Test double: a dynamic model whose final mean and median differ by a known amount."""


def drift(arrays: ScenarioArrays, params: DriftParams) -> object:
    x = np.swapaxes(arrays.positions, 1, 2)
    w = np.swapaxes(np.where(arrays.mask, arrays.capability * arrays.salience, 0.0), 1, 2)
    mean = models.weighted_mean(x, w)
    r = params.rounds
    rounds_mean = np.repeat(mean[:, None, :], r + 1, axis=1)
    return make_forecast(
        arrays, "drift", params, mean, rounds_mean=rounds_mean, rounds_median=rounds_mean + 1.0
    )


DRIFT = ModelSpec("drift", drift, DriftParams, "test double", dynamic=True)  # type: ignore[arg-type]


def test_one_batched_call_per_model(dev: DeuData, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    spec = models.get("compromise")

    def counting(arrays: ScenarioArrays, params: object) -> object:
        calls.append(arrays.n_issues)
        return spec.run(arrays, params)

    counted = ModelSpec("compromise", counting, spec.params_type, "counted")  # type: ignore[arg-type]
    result = run_model(
        dev.take(np.flatnonzero(np.isfinite(dev.outcome))),
        ModelChoice("compromise", {}, spec=counted),
    )
    assert calls == [248]
    assert np.isfinite(result.forecasts["compromise"]).all()


def test_refused_issues_are_isolated_and_reasons_kept(dev: DeuData) -> None:
    r = run_model(dev, ModelChoice("status_quo", {}))
    forecast = r.forecasts["status_quo"]
    assert int(np.isfinite(forecast).sum()) == 180
    assert len(r.refused) == 77
    issue, reason = next(iter(r.refused.items()))
    assert np.isnan(forecast[dev.issues.index(issue)])
    assert "has no status quo" in reason


def test_dynamic_model_gives_final_median_and_mean_entries(dev: DeuData) -> None:
    r = run_model(dev, ModelChoice("drift", {"rounds": 3}, spec=DRIFT))
    assert list(r.forecasts) == ["drift[rounds=3]:median", "drift[rounds=3]:mean"]
    gap = r.forecasts["drift[rounds=3]:median"] - r.forecasts["drift[rounds=3]:mean"]
    assert np.allclose(gap, 1.0)
    only = run_model(dev, ModelChoice("drift", {}, spec=DRIFT, rounds=("median",)))
    assert list(only.forecasts) == ["drift:median"]


def test_joint_models_run_once_per_proposal(dev: DeuData) -> None:
    sizes: list[int] = []
    base = models.get("compromise")

    def package(arrays: ScenarioArrays, params: object) -> object:
        sizes.append(arrays.n_issues)
        return base.run(arrays, params)

    spec = ModelSpec("joint", package, base.params_type, "per-proposal double", couples_issues=True)
    part = dev.take(np.arange(10))
    r = run_model(part, ModelChoice("joint", {}, spec=spec))
    assert sizes == [list(part.proposals).count(p) for p in dict.fromkeys(part.proposals)]
    whole = run_model(part, ModelChoice("compromise", {}))
    assert np.allclose(r.forecasts["joint"], whole.forecasts["compromise"])


def test_the_models_that_couple_issues_say_so() -> None:
    coupled = {name for name in models.names() if models.get(name).couples_issues}
    assert coupled == {"exchange", "nash", "smp"}


def test_bad_parameter_or_name_is_a_model_error(dev: DeuData) -> None:
    with pytest.raises(ModelError, match=r"model 'median'.*tie.*'sideways'"):
        run_model(dev, ModelChoice("median", {"tie": "sideways"}))
    with pytest.raises(
        ModelError, match=r"unknown model 'compromize'; the models are: .*did you mean 'compromise'"
    ):
        backtest(dev, "compromise,compromize", resamples=50)


def test_model_refusing_every_issue_gives_an_empty_entry(dev: DeuData) -> None:
    part = dev.take(np.flatnonzero(np.isnan(dev.arrays.status_quo[0]))[:5])
    board = backtest(part, "status_quo", resamples=50)
    e = board.entry("status_quo")
    assert e.scores.n == 0 and len(e.refused) == 5
    assert np.isnan(e.vs_baseline.delta)


def test_leaderboard_lists_every_registered_model(dev: DeuData) -> None:
    board = backtest(dev, resamples=100)
    names = {e.name for e in board.entries}
    for name in models.names():
        spec = models.get(name)
        expected = {f"{name}:median", f"{name}:mean"} if spec.dynamic else {name}
        assert expected <= names
    for e in board.entries:
        assert np.isfinite(e.vs_baseline.low) == (e.scores.n > 0)


def test_parse_models_reads_params_and_statistics() -> None:
    choices = parse_models(
        "compromise, mean[weights=equal], median[weights=capability;tie=midpoint], eum:mean"
    )
    assert [c.name for c in choices] == ["compromise", "mean", "median", "eum"]
    assert choices[2].params == {"weights": "capability", "tie": "midpoint"}
    assert choices[3].rounds == ("mean",)
    with pytest.raises(ModelError, match=r"cannot read model '9x' in --models"):
        parse_models("compromise,9x")
    with pytest.raises(ModelError, match=r"model parameter must be NAME=VALUE; got 'equal'"):
        parse_models("mean[equal]")


def test_missing_entry_names_the_entries(dev: DeuData) -> None:
    board = backtest(dev, "compromise", resamples=50)
    with pytest.raises(ModelError, match="no entry 'nope' in the leaderboard"):
        board.entry("nope")


def test_reference_forecasters_name_what_is_missing(dev: DeuData) -> None:
    # A misspelt actor is a refusal on every issue, with the reason kept for the report.
    typo = run_model(dev, ModelChoice("position", {"actor": "epp"}))
    assert np.isnan(typo.forecasts["position[actor=epp]"]).all()
    assert "no actor 'epp'; did you mean 'ep'" in typo.refused[dev.issues[0]]
    r = run_model(dev, ModelChoice("position", {"actor": "ep"}))
    assert len(r.refused) == 257 - int(dev.arrays.mask[1].sum())
    assert "has no position of 'ep'" in next(iter(r.refused.values()))


def test_model_refusing_the_issues_together_is_scored_issue_by_issue(dev: DeuData) -> None:
    base = models.get("compromise")

    def alone_only(arrays: ScenarioArrays, params: object) -> object:
        if arrays.n_issues > 1:
            raise ModelError("model 'alone': needs the issues one at a time")
        return base.run(arrays, params)

    spec = ModelSpec("alone", alone_only, base.params_type, "test double")  # type: ignore[arg-type]
    part = dev.take(np.arange(3))
    r = run_model(part, ModelChoice("alone", {}, spec=spec))
    # Each issue's own forecast stands (here: the compromise forecast), and nothing is refused.
    expected = run_model(part, ModelChoice("compromise", {})).forecasts["compromise"]
    np.testing.assert_array_equal(r.forecasts["alone"], expected)
    assert r.refused == {}


def test_subset_of_issues_gives_the_same_forecasts(dev: DeuData) -> None:
    # Batch invariance: forecasting a subset (in another order) reproduces those issues.
    whole = run_model(dev, ModelChoice("median", {})).forecasts["median"]
    idx = np.array([200, 3, 57, 4])
    part = run_model(dev.take(idx), ModelChoice("median", {})).forecasts["median"]
    assert np.array_equal(part, whole[idx])


def test_tidy_frame_has_one_row_per_entry_and_issue(dev: DeuData) -> None:
    board = backtest(dev, "compromise,status_quo", resamples=10)
    frame = board.to_frame()
    assert len(frame) == 2 * 257
    sq = frame[frame["model"] == "status_quo"]
    assert int(sq["error"].notna().sum()) == 174
    assert sq["error"].mean() == pytest.approx(50.84, abs=0.005)  # baselines.md §6.6


def test_expected_utility_with_a_status_quo_weight_stays_finite_on_deu(dev: DeuData) -> None:
    # Spec eum.md §6: the bases of the U^b/U^w powers lie in [0, 1]; on DEU issues where both
    # distances equal the range, rounding took 0.5 − offset just below 0 and produced NaN.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = run_model(dev, ModelChoice("eum", {"status_quo_prob": 0.5}))
    for label, values in r.forecasts.items():
        scored = values[np.isfinite(dev.outcome)]
        assert np.isfinite(scored).all(), label
