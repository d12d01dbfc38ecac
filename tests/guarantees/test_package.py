"""Package → q_eff, t_H and the verdict (spec §6, worked example 3) and the priors (§7)."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente import ModelError
from detente.guarantees import (
    GuaranteeParams,
    ReliabilityPrior,
    honour_probability,
    package_outcome,
    prior,
)

K = np.array([0.25, 0.25, 0.15, 0.35])  # spec example 3: UK-, France-, Germany-, US-like


def test_example3_package_of_four_guarantors_deters_with_margin_018() -> None:
    # Spec §10 example 3: q_eff = 0.48, c_F+ = -0.70, t_H = 0.30, EU = -0.18, q_any = 0.944.
    o = package_outcome(np.array([[0.6, 0.6, 0.5, 0.3]]), K, [0.0], [0.30])
    assert o.q_eff[0] == approx(0.48, abs=1e-6)
    assert o.c_f_hard[0] == approx(-0.70, abs=1e-6)
    assert o.t_hard[0] == approx(0.30, abs=1e-6)
    assert o.eu_attack[0] == approx(-0.18, abs=1e-6)
    assert o.q_any[0] == approx(0.944, abs=1e-6)
    assert o.deterred[0] and o.capable[0]


def test_example3b_post1945_rate_for_all_does_not_deter() -> None:
    # Spec §10 example 3(b): q_eff = 0.22 < t_H = 0.30, EU = +0.08.
    o = package_outcome(np.full((1, 4), 0.22), K, [0.0], [0.30])
    assert o.q_eff[0] == approx(0.22, abs=1e-6)
    assert o.eu_attack[0] == approx(0.08, abs=1e-6)
    assert not o.deterred[0]


def test_example3c_threshold_rises_when_a_guarantor_leaves() -> None:
    # Spec §10 example 3(c): t_H = 6/13, q_eff = 15/26, EU = -0.075, deterred.
    o = package_outcome(np.array([[0.6, 0.6, 0.5]]), K[:3], [0.0], [0.30])
    assert o.c_f_hard[0] == approx(-0.35, abs=1e-6)
    assert o.t_hard[0] == approx(0.461538, abs=1e-6)
    assert o.q_eff[0] == approx(0.576923, abs=1e-6)
    assert o.eu_attack[0] == approx(-0.075, abs=1e-6)
    assert o.deterred[0]


def test_example3d_modifier_arithmetic_in_log_odds() -> None:
    # Spec §10 example 3(d): the three shifted rates, then sum theta'K = 0.352554, EU = -0.052554.
    p = GuaranteeParams()
    shifts = np.array(
        [
            p.shift("declaration", "in_country"),
            p.shift("declaration", "adjacent"),
            p.shift("statement", "none"),
        ]
    )
    assert shifts.tolist() == [0.5, -0.25, -1.0]
    tp = honour_probability(np.array([[0.41, 0.41, 0.22]]), shifts)
    assert tp[0] == approx([0.533956, 0.351155, 0.094007], abs=1e-6)
    theta = np.array([[tp[0, 0], tp[0, 0], tp[0, 1], tp[0, 2]]])
    o = package_outcome(theta, K, [0.0], [0.30])
    assert o.expected_cost[0] == approx(0.352554, abs=1e-6)
    assert o.eu_attack[0] == approx(-0.052554, abs=1e-6)
    assert o.deterred[0]


def test_package_reduction_agrees_with_expected_utility_on_random_draws() -> None:
    # Spec §6.3 (D3): q_eff >= t_H  <=>  c_SQ >= EU_Ch(attack), on every draw.
    rng = np.random.default_rng(7)
    theta = rng.random((5000, 3))
    k = rng.random((5000, 3))
    c_sq = rng.normal(0, 0.1, 5000)
    c_w = c_sq + rng.random(5000) * 0.8
    o = package_outcome(theta, k, c_sq, c_w)
    by_threshold = o.q_eff >= o.t_hard
    by_utility = c_sq >= o.eu_attack
    assert np.array_equal(by_threshold, by_utility)
    assert np.array_equal(o.deterred, by_threshold & o.capable)


def test_package_without_any_cost_fails_on_capability_not_error() -> None:
    # Spec §9: sum K = 0 is not an error; deterred = False, reason capability.
    o = package_outcome(np.array([[0.9]]), np.array([[0.0]]), [0.0], [0.3])
    assert not o.capable[0] and not o.deterred[0]


def test_negative_cost_and_bad_probability_are_refused() -> None:
    with pytest.raises(ModelError, match=r"guarantor costs K must be >= 0; got -0\.1"):
        package_outcome(np.array([[0.5]]), np.array([[-0.1]]), [0.0], [0.3])
    with pytest.raises(ModelError, match="attribution probability a must lie between 0 and 1"):
        honour_probability(0.5, 0.0, attribution=1.2)


@pytest.mark.parametrize(
    ("name", "alpha", "beta", "sd", "q05", "q95"),
    [
        ("llm2000", 14.9, 5.1, 0.0951, 0.5751, 0.8865),
        ("leeds2003", 15.0, 5.0, 0.0945, 0.5809, 0.8901),
        ("bf2018_overall", 10.0, 10.0, 0.1091, 0.3201, 0.6799),
        ("bf2018_pre1945", 13.2, 6.8, 0.1034, 0.4807, 0.8207),
        ("bf2018_post1945", 4.4, 15.6, 0.0904, 0.0887, 0.3837),
        ("bf2018_defense_pact", 8.2, 11.8, 0.1073, 0.2384, 0.5921),
    ],
)
def test_prior_table_of_spec_7_2(
    name: str, alpha: float, beta: float, sd: float, q05: float, q95: float
) -> None:
    # Spec §7.2 table, kappa = 20; quantile tolerance 1e-3.
    p = prior(name)
    assert (p.alpha, p.beta) == approx((alpha, beta), abs=1e-9)
    assert p.sd == approx(sd, abs=1e-4)
    assert p.quantile(0.05) == approx(q05, abs=1e-3)
    assert p.quantile(0.95) == approx(q95, abs=1e-3)
    assert p.source  # every published prior carries its citation


def test_prior_errors_name_the_value() -> None:
    with pytest.raises(ModelError, match="unknown prior 'llm200'; did you mean 'llm2000'"):
        prior("llm200")
    with pytest.raises(ModelError, match=r"mu must lie strictly between 0 and 1; got 1\.2"):
        ReliabilityPrior("x", 1.2)
    with pytest.raises(ModelError, match="kappa must be > 0; got 0"):
        prior("llm2000", kappa=0)
    with pytest.raises(ModelError, match="Beta beta must be > 0; got -1"):
        ReliabilityPrior.from_beta(2, -1)
    with pytest.raises(ModelError, match="unknown commitment level 'treaty'"):
        GuaranteeParams().shift("treaty", "none")
