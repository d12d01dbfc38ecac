"""Monte Carlo runs: sampling, chunking, summaries, JSON, dynamic models."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pytest import approx

import detente
from detente import ModelError, simulate
from detente.scenario import Scenario, triangular_ppf, uncertain_inputs


def test_simulation_draws_are_the_forecast_draws_bit_for_bit(mini: Scenario) -> None:
    # simulate samples with the same uniforms as forecast(draws=..., seed=...).
    sim = simulate(mini, "compromise", draws=500, seed=3)
    direct = detente.forecast(mini, "compromise", draws=500, seed=3)
    assert np.array_equal(sim.outcome, direct.outcome)


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 10_000])
def test_chunk_size_never_changes_a_number(mini: Scenario, chunk_size: int) -> None:
    whole = simulate(mini, "median", draws=200, seed=11, chunk_size=10_000)
    chunked = simulate(mini, "median", draws=200, seed=11, chunk_size=chunk_size)
    assert np.array_equal(whole.outcome, chunked.outcome)


def test_one_draw_is_the_point_forecast_at_the_modes(mini: Scenario) -> None:
    sim = simulate(mini, "compromise", draws=1)
    point = detente.forecast(mini, "compromise")
    assert sim.outcome.tolist() == point.outcome.tolist()


def test_summaries_match_the_draws(mini: Scenario) -> None:
    sim = simulate(mini, "compromise", draws=2000, seed=5)
    x = sim.outcome[:, 0]
    assert sim.median("TERR") == np.median(x)
    assert sim.mean("TERR") == approx(x.mean(), abs=1e-12)
    assert sim.interval("TERR", 0.8) == approx(tuple(np.quantile(x, [0.1, 0.9])))
    assert sim.interval("TERR", 0.95) == approx(tuple(np.quantile(x, [0.025, 0.975])))
    assert sim.prob("TERR", lo=55.0) == approx(float((x >= 55).mean()))
    assert sim.prob("TERR", lo=50.0, hi=60.0) == approx(float(((x >= 50) & (x <= 60)).mean()))
    edges, counts = sim.histogram("TERR")
    assert edges[0] == 0.0 and edges[-1] == 100.0 and counts.sum() == 2000
    bands = sim.bands("TERR")
    # TERR anchors 15, 30, 40, 55, 70, 80 cut the 0–100 scale into seven bands.
    assert [(b.low, b.high) for b in bands][:3] == [(0, 15), (15, 30), (30, 40)]
    assert sum(b.share for b in bands) == approx(1.0)
    in_55_70 = float(((x >= 55) & (x < 70)).mean())
    assert bands[4].share == approx(in_55_70)


def test_the_mini_case_terr_forecast_spreads_around_the_modal_compromise(mini: Scenario) -> None:
    # Modal compromise on TERR: sum(c*s*x)/sum(c*s) = 14301.25 / 247.5 = 57.7828 (weights
    # 60*.95, 85*.95, 100*.6, 30*.55, 35*.55, 15*.6, 25*.2 from the test scenario).
    sim = simulate(mini, "compromise", draws=4000, seed=1)
    lo, hi = sim.interval("TERR", 0.8)
    assert detente.forecast(mini).outcomes["TERR"] == approx(14301.25 / 247.5, abs=1e-9)
    assert lo < 14301.25 / 247.5 < hi
    # Triangular means exceed the modes here (Russia 85 → 86.67, Ukraine 30 → 35), so the
    # Monte Carlo mean sits above the modal forecast.
    assert sim.mean("TERR") > 14301.25 / 247.5


def test_bands_default_to_five_equal_stretches_without_anchors() -> None:
    sim = simulate("emission-standards-1994", "compromise", draws=10)
    # emission anchors 4, 7, 10 on 0–12 years; the forecast 7.389956 sits in 7–10 on every draw.
    assert [(b.low, b.high, b.share) for b in sim.bands("lag")] == [
        (0, 4, 0.0),
        (4, 7, 0.0),
        (7, 10, 1.0),
        (10, 12, 0.0),
    ]


def test_same_seed_same_json_other_seed_other_json(mini: Scenario) -> None:
    a = json.dumps(simulate(mini, "compromise", draws=300, seed=9).to_json())
    b = json.dumps(simulate(mini, "compromise", draws=300, seed=9).to_json())
    c = json.dumps(simulate(mini, "compromise", draws=300, seed=10).to_json())
    assert a == b
    assert a != c


def test_json_carries_what_reproduces_and_summarises_the_run(mini: Scenario) -> None:
    data = simulate(mini, "median", draws=100, seed=2).to_json()
    assert data["scenario"] == "ukraine-mini" and data["model"] == "median"
    assert data["draws"] == 100 and data["seed"] == 2
    assert data["params"] == {"weights": "capability_salience", "tie": "lower"}
    terr = data["issues"]["TERR"]
    assert set(terr) == {"median", "mean", "interval_80", "interval_95", "histogram", "bands"}
    assert sum(terr["histogram"]["counts"]) == 100
    assert len(terr["histogram"]["edges"]) == 21
    assert "rounds_to_stable" not in data


def test_frame_is_tidy_in_draw_order(mini: Scenario) -> None:
    sim = simulate(mini, "compromise", draws=20, seed=4)
    frame = sim.to_frame()
    assert list(frame.columns) == ["draw", "issue", "outcome"]
    assert len(frame) == 40
    assert (
        frame.loc[(frame.draw == 3) & (frame.issue == "NATO"), "outcome"].item()
        == (sim.outcome[3, 1])
    )


def test_dynamic_models_report_rounds_to_stability(mini: Scenario, converge_model: object) -> None:
    sim = simulate(mini, "converge", draws=300, seed=8, rounds=30, until_stable=0.01)
    # The toy model keeps the compromise, moving each actor halfway per round.
    assert np.allclose(sim.outcome, detente.forecast(mini, draws=300, seed=8).outcome)
    # Its largest move in round r is 0.5**r * max|x0 - mean|; stable at the first r with that
    # below 0.01.
    arrays = detente.scenario.to_arrays(mini, draws=300, seed=8)
    gap = np.nanmax(np.abs(arrays.positions - sim.outcome[:, None, :]), axis=(1, 2))
    expected = np.ceil(np.log2(gap / 0.01)).astype(int)
    assert np.array_equal(sim.stable_round, expected)
    shares = sim.rounds_to_stable()
    assert shares is not None and sum(shares.values()) == approx(1.0)
    data = sim.to_json()
    assert data["params"]["keep"] == "summary"  # only outcomes and stability are kept
    assert data["rounds_to_stable"]["rounds"] == 30
    assert data["rounds_to_stable"]["median"] == float(np.median(expected))
    assert "stable_round" in sim.to_frame().columns


def test_correlated_group_keeps_marginals_and_correlates_ranks(mini: Scenario) -> None:
    from scipy import stats

    from detente.uncertainty import Correlated, sample_uniforms

    inputs = uncertain_inputs(mini)
    bloc = Correlated("position", 0.8, actors=("france", "germany", "poland"), issues=("TERR",))
    u = sample_uniforms(inputs, 20_000, 6, [bloc])
    labels = [r.label for r in inputs]
    fr, de = labels.index("france.position[TERR]"), labels.index("germany.position[TERR]")
    us = labels.index("usa.position[TERR]")
    # Marginals stay uniform (so each input keeps its triangular distribution).
    assert stats.kstest(u[:, fr], "uniform").pvalue > 0.01
    # Rank correlation of a Gaussian copula: (6/π)·asin(ρ/2) = 0.7859 for ρ = 0.8.
    rank = stats.spearmanr(u[:, fr], u[:, de]).statistic
    assert rank == approx(6 / np.pi * np.arcsin(0.4), abs=0.02)
    assert abs(stats.spearmanr(u[:, fr], u[:, us]).statistic) < 0.03
    # The France position itself: the triangular 30/38/50 quantiles hold.
    values = triangular_ppf(u[:, fr], np.float64(30), np.float64(38), np.float64(50))
    assert np.median(values) == approx(float(triangular_ppf(np.array(0.5), 30, 38, 50)), abs=0.3)


def test_a_correlated_bloc_widens_the_spread(mini: Scenario) -> None:
    from detente.uncertainty import Correlated

    bloc = Correlated("position", 0.9, actors=("france", "germany", "poland"))
    free = simulate(mini, draws=4000, seed=1)
    tied = simulate(mini, draws=4000, seed=1, correlated=[bloc])
    width = lambda s: np.subtract(*s.interval("NATO", 0.95)[::-1])  # noqa: E731
    assert width(tied) > width(free)
    described = "position of france,germany,poland on all issues (rho=0.9)"
    assert tied.to_json()["correlated"] == [described]


def test_bad_correlation_groups_are_refused_by_name(mini: Scenario) -> None:
    from detente.uncertainty import Correlated

    with pytest.raises(ModelError, match=r"matches 1 uncertain input; it needs at least two"):
        simulate(mini, draws=10, correlated=[Correlated("salience", 0.5, actors=("usa",))])
    with pytest.raises(ModelError, match=r"rho must lie between -0.5 and 1 .* got -0.7"):
        simulate(
            mini,
            draws=10,
            correlated=[
                Correlated("position", -0.7, actors=("usa", "china", "france"), issues=("TERR",))
            ],
        )
    both = [Correlated("position", 0.5, actors=("usa",)), Correlated("position", 0.5)]
    with pytest.raises(ModelError, match=r"input usa.position\[TERR\] is in two correlated groups"):
        simulate(mini, draws=10, correlated=both)


def test_bad_run_arguments_get_clear_errors(mini: Scenario) -> None:
    with pytest.raises(ModelError, match="draws must be at least 1; got 0"):
        simulate(mini, draws=0)
    with pytest.raises(
        ModelError, match=r"unknown model 'medain'; the models are: .*did you mean 'median'"
    ):
        simulate(mini, "medain", draws=10)
    with pytest.raises(ModelError, match="no issue 'TER'; did you mean 'TERR'"):
        simulate(mini, draws=10).prob("TER", lo=1)
    with pytest.raises(ModelError, match="chunk_size must be at least 1; got 0"):
        simulate(mini, draws=10, chunk_size=0)
    with pytest.raises(ModelError, match="interval level must lie between 0 and 1; got 80"):
        simulate(mini, draws=10).interval("TERR", 80)


def test_a_summary_forecast_runs_dynamic_models_without_the_full_record(mini: Scenario) -> None:
    """compare's forecasts of many draws used to record every draw's events and positions per
    round (6.3 million event rows on 1,000 ukraine-2026 draws) only for the summary to drop
    them; the numbers are those of the full run."""
    summary = detente.forecast(mini, "eum", draws=40, seed=2, full=False)
    whole = detente.forecast(mini, "eum", draws=40, seed=2)
    assert summary.params.keep == "summary" and whole.params.keep == "full"
    assert summary.events is None and whole.events is not None
    np.testing.assert_array_equal(summary.outcome, whole.outcome)
    assert summary.rounds is not None and whole.rounds is not None
    np.testing.assert_array_equal(summary.rounds.median, whole.rounds.median)
