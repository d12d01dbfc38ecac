"""Models A, B and C of the deterrence spec: worked examples 1 and 2 and validation (§9, §10)."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente import ModelError
from detente.guarantees import (
    bargaining_range,
    commitment_problem,
    rudimentary_deterrence,
    unilateral_deterrence,
)


def test_model_a_threshold_and_verdicts_with_tie_counted_as_deterred() -> None:
    # Spec §10 example 1(a): t_A = 0.4; p_B = 0.35 challenge, 0.40 deterred (tie), 0.50 deterred.
    v = rudimentary_deterrence(0.20, 0.60, -0.40, np.array([0.35, 0.40, 0.50]))
    assert float(v.threshold) == approx(0.4, abs=1e-12)
    assert v.eu_challenge.tolist() == approx([0.25, 0.20, 0.10], abs=1e-12)
    assert v.verdict.tolist() == ["challenge", "deterred", "deterred"]


def test_model_a_rejects_conflict_not_worse_than_status_quo() -> None:
    # Spec §3.4 validation: the message names the violated inequality.
    with pytest.raises(ModelError, match=r"a_DD \(-0.1\) must be < a_SQ \(-0.2\)"):
        rudimentary_deterrence(-0.2, 0.6, -0.1, 0.5)
    with pytest.raises(ModelError, match=r"p_B must lie between 0 and 1; got 1.5"):
        rudimentary_deterrence(0.2, 0.6, -0.4, 1.5)


def test_model_b_thresholds_and_hard_soft_split() -> None:
    # Spec §10 example 1(b): t_H = 3/8, t_S = 1/3; at q = 0.35 only the Soft type is deterred.
    v = unilateral_deterrence(
        0.0,
        0.30,
        -0.50,
        -0.60,
        np.array([0.30, 0.35, 0.40]),
        c_f_soft=-0.90,
        d_l=0.5,
        d_c=0.0,
        d_f_soft=-1.0,
    )
    assert float(v.t_hard) == approx(0.375, abs=1e-12)
    assert float(v.t_soft) == approx(1 / 3, abs=1e-12)
    assert v.hard_initiates.tolist() == [True, True, False]
    assert v.soft_initiates.tolist() == [True, False, False]
    assert v.deterred.tolist() == [False, False, True]
    # Soft-defender cut-off r* = 0.5 / 1.5 = 1/3.
    assert v.r_star is not None and float(v.r_star) == approx(1 / 3, abs=1e-12)


def test_model_b_capability_failure_overrides_even_full_credibility() -> None:
    # Spec §10 example 1(b), c_F+ = +0.05: t_H = 1.2 > 1, not deterred for every q incl. q = 1.
    v = unilateral_deterrence(0.0, 0.30, 0.05, -0.60, np.array([0.0, 0.5, 1.0]))
    assert float(v.t_hard) == approx(1.2, abs=1e-12)
    assert v.deterred.tolist() == [False, False, False]
    assert v.reason.tolist() == ["capability"] * 3


def test_model_b_bluffing_raises_q() -> None:
    # Spec §4.3: q = p_Def + (1 - p_Def) sigma_S.
    v = unilateral_deterrence(0.0, 0.30, -0.50, -0.60, 0.2, sigma_s=0.25)
    assert float(v.q) == approx(0.4, abs=1e-12)
    assert bool(v.deterred)


def test_bargaining_range_and_offers() -> None:
    # Spec §10 example 2(a): range [0.50, 0.75], width 0.25; 0.45 rejected by A, 0.80 by B.
    r = bargaining_range(0.60, 0.10, 0.15)
    assert (float(r.low), float(r.high), float(r.width)) == approx((0.50, 0.75, 0.25), abs=1e-12)
    a_ok, b_ok = r.accepts(np.array([0.45, 0.80, 0.60]))
    assert a_ok.tolist() == [False, True, True]
    assert b_ok.tolist() == [True, False, True]


def test_commitment_problem_verdicts_and_critical_value() -> None:
    # Spec §10 example 2(b): war, war, settle (tie); p* = 11/20.
    v = commitment_problem(0.60, np.array([0.30, 0.50, 0.55]), 0.9, 0.50)
    assert v.verdict.tolist() == ["war", "war", "settle"]
    assert v.settle_value.tolist() == approx([0.325, 0.505, 0.55], abs=1e-12)
    assert float(v.p_star) == approx(0.55, abs=1e-12)


def test_game_inputs_out_of_range_are_named() -> None:
    # Spec §9.
    with pytest.raises(ModelError, match="delta must lie strictly between 0 and 1; got 1"):
        commitment_problem(0.6, 0.5, 1.0, 0.5)
    with pytest.raises(ModelError, match=r"p' \(0.7\) must be <= p \(0.6\)"):
        commitment_problem(0.6, 0.7, 0.9, 0.5)
    with pytest.raises(ModelError, match="c_B must be > 0; got 0"):
        bargaining_range(0.6, 0.1, 0.0)
    with pytest.raises(ModelError, match=r"c_L \(-0.4\) must be < c_F\+ \(-0.5\)"):
        unilateral_deterrence(0.0, 0.3, -0.5, -0.4, 0.5)
