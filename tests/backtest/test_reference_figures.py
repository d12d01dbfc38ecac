"""The DEU development-set reference figures of ``specs/baselines.md`` §6.6 (tolerance ±0.01;
bootstrap interval bounds ±0.1, §6.4)."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente.backtest import DeuData, Leaderboard, backtest, paired_bootstrap

# (entry, overall MAE, n, DEU I, DEU II-new, DEU III-new) — baselines.md §6.6, development set.
DEV_TABLE = [
    ("compromise", 25.46, 248, 27.07, 24.67, 18.82),
    ("mean", 25.42, 248, 27.45, 23.64, 21.19),
    ("mean[weights=salience]", 26.30, 248, 26.98, 25.51, 25.92),
    ("mean[weights=equal]", 26.03, 248, 26.99, 25.10, 24.45),
    ("member_state_mean", 26.79, 248, 26.50, 27.44, 25.28),
    ("constant[value=50]", 28.87, 248, 30.78, 27.33, 24.21),
    ("median_actor", 32.03, 248, 32.44, 31.94, 29.74),
    ("median", 30.87, 248, 32.99, 28.84, 27.37),
    ("median[weights=capability]", 31.10, 248, 34.34, 27.80, 26.84),
    ("position[actor=ep]", 35.12, 208, 38.92, 31.63, 32.63),
    ("position[actor=com]", 37.92, 244, 38.49, 38.01, 33.68),
    ("status_quo", 50.84, 174, 50.39, 51.66, 50.00),
]


@pytest.fixture(scope="module")
def board(dev: DeuData) -> Leaderboard:
    return backtest(dev, [row[0] for row in DEV_TABLE], resamples=200)


@pytest.mark.parametrize(("name", "mae", "n", "w1", "w2", "w3"), DEV_TABLE)
def test_dev_set_table(
    board: Leaderboard, name: str, mae: float, n: int, w1: float, w2: float, w3: float
) -> None:
    # baselines.md §6.6, "Measured on the DEU development set": reproduce to ±0.01.
    entry = board.entry(name)
    assert entry.scores.n == n
    assert entry.scores.mae == approx(mae, abs=0.005)
    waves = entry.by_wave
    assert waves["DEU I"].mae == approx(w1, abs=0.005)
    assert waves["DEU II-new"].mae == approx(w2, abs=0.005)
    assert waves["DEU III-new"].mae == approx(w3, abs=0.005)


def test_compromise_counts_and_wave_sizes(board: Leaderboard) -> None:
    # §6.6: 248 issues with an outcome, 96 proposals; waves 128 / 101 / 19.
    c = board.entry("compromise")
    assert (board.n_issues, board.n_proposals) == (248, 96)
    assert (c.scores.n, c.scores.n_proposals) == (248, 96)
    assert [c.by_wave[w].n for w in ("DEU I", "DEU II-new", "DEU III-new")] == [128, 101, 19]


def test_per_issue_compromise_checks(board: Leaderboard, dev: DeuData) -> None:
    # §6.6 per-issue checks: d00032i1 52.905660 (outcome 100), d00032i2 53.231939 (outcome 0),
    # d00032i3 85.470085 (outcome 100).
    f = board.entry("compromise").forecasts
    expected = {
        "d00032i1": (52.905660, 100),
        "d00032i2": (53.231939, 0),
        "d00032i3": (85.470085, 100),
    }
    for issue, (forecast, outcome) in expected.items():
        j = dev.issues.index(issue)
        assert f[j] == approx(forecast, abs=1e-6)
        assert dev.outcome[j] == outcome


# §6.6 paired bootstrap examples (B = 10,000; bounds ±0.1):
# (other entry, delta, CI by issue, CI by proposal), A = compromise.
BOOTSTRAP = [
    ("mean[weights=equal]", -0.567, (-1.86, 0.73), (-2.01, 0.92)),
    ("mean", 0.044, (-0.80, 0.92), (-0.94, 1.03)),
    ("median_actor", -6.567, (-9.75, -3.49), (-9.95, -3.26)),
]


@pytest.mark.parametrize(("other", "delta", "ci_issue", "ci_proposal"), BOOTSTRAP)
def test_paired_bootstrap_examples(
    board: Leaderboard,
    dev: DeuData,
    other: str,
    delta: float,
    ci_issue: tuple[float, float],
    ci_proposal: tuple[float, float],
) -> None:
    a = board.entry("compromise").errors
    b = board.entry(other).errors
    for unit, ci in (("issue", ci_issue), ("proposal", ci_proposal)):
        r = paired_bootstrap(a, b, dev.proposals, unit=unit, resamples=10_000, seed=0)
        assert (r.n, r.n_proposals) == (248, 96)
        assert r.delta == approx(delta, abs=5e-4)
        assert r.low == approx(ci[0], abs=0.1)
        assert r.high == approx(ci[1], abs=0.1)


def test_entry_interval_is_against_compromise_on_shared_issues(board: Leaderboard) -> None:
    # status_quo forecasts 174 issues; its difference is computed on those 174 only (§6.2).
    sq, c = board.entry("status_quo"), board.entry("compromise")
    shared = np.isfinite(sq.errors)
    assert sq.vs_baseline.n == 174
    assert sq.vs_baseline.delta == approx(np.mean(sq.errors[shared] - c.errors[shared]))
