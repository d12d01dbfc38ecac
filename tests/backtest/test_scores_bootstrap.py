"""Scores and the paired bootstrap on small hand-checked numbers (baselines.md §6.3–6.4)."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente import ModelError
from detente.backtest import breakdown, paired_bootstrap, score


def test_score_by_hand() -> None:
    s = score(np.array([0.0, 5.0, 20.0, 10.0]), ["a", "a", "b", "c"])
    assert (s.n, s.n_proposals) == (4, 3)
    assert s.mae == approx(8.75)
    assert s.rmse == approx(np.sqrt((0 + 25 + 400 + 100) / 4))
    assert s.median_ae == approx(7.5)
    assert s.within_10 == approx(0.75)  # 10 counts as within 10 points


def test_score_of_nothing_is_nan_with_n_zero() -> None:
    s = score(np.array([np.nan, np.nan]), ["a", "b"])
    assert s.n == 0 and np.isnan(s.mae)
    assert s.to_dict()["mae"] is None


def test_breakdown_keeps_first_appearance_order() -> None:
    out = breakdown(np.array([1.0, 3.0, 10.0, np.nan]), ["QMV", "Unan", "QMV", "Unan"])
    assert list(out) == ["QMV", "Unan"]
    assert out["QMV"].mae == approx(5.5) and out["Unan"].n == 1


def test_bootstrap_is_seeded_and_reproducible() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.uniform(0, 50, 60), rng.uniform(0, 50, 60)
    props = [f"p{k // 3}" for k in range(60)]
    r1 = paired_bootstrap(a, b, props, resamples=2000, seed=3)
    r2 = paired_bootstrap(a, b, props, resamples=2000, seed=3)
    r3 = paired_bootstrap(a, b, props, resamples=2000, seed=4)
    assert (r1.low, r1.high) == (r2.low, r2.high)
    assert (r1.low, r1.high) != (r3.low, r3.high)
    assert r1.delta == approx(np.mean(a - b))
    assert r1.low < r1.delta < r1.high
    assert (r1.n, r1.n_proposals, r1.unit) == (60, 20, "proposal")


def test_bootstrap_uses_the_intersection_of_scored_issues() -> None:
    a = np.array([1.0, np.nan, 3.0, 4.0])
    b = np.array([2.0, 2.0, np.nan, 6.0])
    r = paired_bootstrap(a, b, ["p", "p", "q", "r"], unit="issue", resamples=500)
    assert r.n == 2 and r.n_proposals == 2
    assert r.delta == approx(((1 - 2) + (4 - 6)) / 2)


def test_proposal_unit_weights_by_issue_count() -> None:
    # One proposal with three issues (delta -3 each), one with one issue (delta +1): every
    # resample's statistic is a ratio of summed deltas to issues, so the bounds lie in [-3, 1]
    # and the observed value is (-9 + 1) / 4.
    a = np.array([0.0, 0.0, 0.0, 1.0])
    b = np.array([3.0, 3.0, 3.0, 0.0])
    r = paired_bootstrap(a, b, ["x", "x", "x", "y"], resamples=4000, seed=1)
    assert r.delta == approx(-2.0)
    assert -3.0 <= r.low < r.high <= 1.0
    assert r.low == approx(-3.0) and r.high == approx(1.0)


def test_bootstrap_rejects_bad_arguments() -> None:
    a = np.zeros(3)
    with pytest.raises(ModelError, match="one entry per issue"):
        paired_bootstrap(a, np.zeros(2), ["p", "q", "r"])
    with pytest.raises(ModelError, match="unit must be 'proposal' or 'issue'; got 'draw'"):
        paired_bootstrap(a, a, ["p", "q", "r"], unit="draw")  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="resamples must be at least 1; got 0"):
        paired_bootstrap(a, a, ["p", "q", "r"], resamples=0)
