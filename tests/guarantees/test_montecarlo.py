"""Monte Carlo P(deterrence holds): spec §8 and worked example 4, pivots and monotonicity."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente import ModelError
from detente.guarantees import (
    GuaranteeParams,
    GuarantorInput,
    ReliabilityPrior,
    prior,
    simulate_deterrence,
)

N = 200_000  # spec §10 example 4: tolerances are for 200 000 draws and any seed


def _example4c(seed: int = 20260106) -> list[GuarantorInput]:
    pact, post = prior("bf2018_defense_pact"), prior("bf2018_post1945")
    return [
        GuarantorInput("G1", pact, {"military_capabilities": 0.25}, "declaration", "in_country"),
        GuarantorInput("G2", pact, {"military_capabilities": 0.25}, "declaration", "in_country"),
        GuarantorInput("G3", pact, {"military_capabilities": 0.15}, "declaration", "adjacent"),
        GuarantorInput("G4", post, {"intelligence_logistics": 0.35}, "statement", "none"),
    ]


def test_one_guarantor_matches_exact_binomial_answer() -> None:
    # Spec §10 example 4(a): P(Binomial(19, 3/8) <= 9) = 0.869088; tolerance 0.004; se ~ 0.00075.
    g = GuarantorInput("G", prior("bf2018_overall"), {"military_capabilities": 0.80})
    r = simulate_deterrence([g], c_w=0.30, params=GuaranteeParams(draws=N))
    assert abs(r.p_deterrence - 0.869088) <= 0.004
    assert r.standard_error == approx(0.00075, abs=0.00005)
    assert r.t_hard["mean"] == approx(0.375, abs=1e-12)


def test_two_guarantors_match_numerical_integration() -> None:
    # Spec §10 example 4(b): p_deter = 0.569549, tolerance 0.005.
    a = GuarantorInput("A", ReliabilityPrior.from_beta(8.2, 11.8), {"military_capabilities": 0.5})
    b = GuarantorInput("B", ReliabilityPrior.from_beta(4.4, 15.6), {"military_capabilities": 0.5})
    r = simulate_deterrence([a, b], c_w=0.30, params=GuaranteeParams(draws=N, seed=11))
    assert abs(r.p_deterrence - 0.569549) <= 0.005


def test_example3_package_with_priors_shifts_each_draw_not_the_mean() -> None:
    # Spec §10 example 4(c): E[q_eff] = 0.351014 (±0.001); p_deter = 0.8695 (±0.005). Shifting
    # the prior means instead gives 0.352554, outside the tolerance.
    r = simulate_deterrence(_example4c(), c_w=0.30, params=GuaranteeParams(draws=N))
    assert abs(r.q_eff["mean"] - 0.351014) <= 0.001  # type: ignore[operator]
    assert abs(r.p_deterrence - 0.8695) <= 0.005
    assert r.theta_mean == approx([0.527885, 0.527885, 0.353810, 0.097144], abs=0.002)


def test_same_seed_gives_identical_arrays_and_other_seed_differs() -> None:
    p = GuaranteeParams(draws=2000, seed=5)
    one = simulate_deterrence(_example4c(), c_w=(0.2, 0.3, 0.4), params=p)
    two = simulate_deterrence(_example4c(), c_w=(0.2, 0.3, 0.4), params=p)
    assert np.array_equal(one.theta_prime, two.theta_prime)
    assert np.array_equal(one.deterred, two.deterred)
    other = simulate_deterrence(
        _example4c(), c_w=(0.2, 0.3, 0.4), params=GuaranteeParams(draws=2000, seed=6)
    )
    assert not np.array_equal(one.theta_prime, other.theta_prime)


def test_removing_a_guarantor_never_raises_p_and_more_honour_never_lowers_it() -> None:
    # Spec §11: monotonicity on the same draws (masking, as in the pivot table).
    r = simulate_deterrence(_example4c(), c_w=0.30, params=GuaranteeParams(draws=20_000))
    assert all(p <= r.p_deterrence for p in r.p_without)
    assert all(e >= 0 for e in r.pivotal_effect)
    # The two in-country guarantors are the most pivotal; the US-like one least.
    effects = r.pivotal_effect
    assert effects[0] > effects[3] and effects[1] > effects[3]
    frame = r.to_frame()
    assert list(frame["guarantor"]) == ["G1", "G2", "G3", "G4"]
    assert list(frame.columns) == [
        "guarantor",
        "theta_mean",
        "contribution_mean",
        "p_without",
        "pivotal_effect",
    ]
    stronger = [
        *_example4c()[:3],
        GuarantorInput(
            "G4",
            prior("bf2018_post1945"),
            {"intelligence_logistics": 0.35},
            "agreement",
            "adjacent",
        ),
    ]
    r2 = simulate_deterrence(stronger, c_w=0.30, params=GuaranteeParams(draws=20_000))
    # Same seed, same theta draws; only G4's shift rises, so no draw can lose deterrence.
    assert np.all(r2.deterred >= r.deterred)
    assert r2.p_deterrence > r.p_deterrence


def test_common_shock_widens_q_eff_spread() -> None:
    narrow = simulate_deterrence(_example4c(), c_w=0.30, params=GuaranteeParams(draws=20_000))
    wide = simulate_deterrence(
        _example4c(), c_w=0.30, params=GuaranteeParams(draws=20_000, sigma_c=1.0)
    )
    assert np.std(wide.q_eff_draws) > np.std(narrow.q_eff_draws)


def test_monte_carlo_validation_errors() -> None:
    # Spec §9.
    g = GuarantorInput("G", prior("llm2000"), {"military_capabilities": 0.5})
    with pytest.raises(ModelError, match="the guarantee package is empty"):
        simulate_deterrence([], c_w=0.3)
    with pytest.raises(ModelError, match="n_draws must be at least 1; got 0"):
        simulate_deterrence([g], c_w=0.3, params=GuaranteeParams(draws=0))
    with pytest.raises(ModelError, match=r"c_W must satisfy low <= mode <= high; got \(0.4, 0.3"):
        simulate_deterrence([g], c_w=(0.4, 0.3, 0.5))
    bad = GuarantorInput("UK", prior("llm2000"), {"military_capability": 0.5})
    with pytest.raises(ModelError, match="did you mean 'military_capabilities'"):
        simulate_deterrence([bad], c_w=0.3)
    neg = GuarantorInput("UK", prior("llm2000"), {"additional_sanctions": -0.5})
    with pytest.raises(ModelError, match=r"cost of 'UK'\.additional_sanctions must be >= 0"):
        simulate_deterrence([neg], c_w=0.3)
