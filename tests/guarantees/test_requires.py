"""A guarantor that ``requires`` others acts only if they act too (deal spec §2.3: "the UK and
France deploy only with a US backstop"), in ``simulate_deterrence`` as in the deal's keep step."""

from __future__ import annotations

import pytest
from pytest import approx

from detente import ModelError, assess_guarantees
from detente.guarantees import (
    GuaranteeParams,
    GuarantorInput,
    ReliabilityPrior,
    requirements,
    simulate_deterrence,
)

# A prior so concentrated that theta = 0.5 on every draw (sd 1.6e-5): the verdicts below are
# the hand arithmetic of the deterrence spec's (D3)-(D4), not Monte Carlo estimates.
HALF = ReliabilityPrior("half", 0.5, 1e9)
PARAMS = GuaranteeParams(draws=2000)


def _pair(*, requires: tuple[str, ...]) -> list[GuarantorInput]:
    return [
        GuarantorInput("a", HALF, {"military_capabilities": 0.8}, requires=requires),
        GuarantorInput("b", HALF, {"diplomatic_initiatives": 0.01}),
    ]


def test_a_guarantor_alone_deters_but_not_when_it_waits_for_a_coin_flip() -> None:
    # Alone: E[hurt] = 0.5 * 0.8 + 0.5 * 0.01 = 0.405 >= c_W = 0.30: deterred on every draw.
    free = simulate_deterrence(_pair(requires=()), c_w=0.30, params=PARAMS)
    assert free.p_deterrence == 1.0
    # 'a' requires 'b': theta'_a = 0.5 * 0.5 = 0.25, E[hurt] = 0.25 * 0.8 + 0.5 * 0.01 = 0.205
    # < 0.30, although the package could hurt enough (0.81 > 0.30): never deterred.
    tied = simulate_deterrence(_pair(requires=("b",)), c_w=0.30, params=PARAMS)
    assert tied.p_deterrence == 0.0
    assert tied.p_capable == 1.0
    assert tied.theta_mean == approx([0.25, 0.5], abs=1e-4)


def test_the_pivot_table_removes_a_required_guarantor_with_those_that_need_it() -> None:
    # c_W = 0.2: with 'a' tied to 'b', E[hurt] = 0.205 >= 0.2 deters. Without 'a' the rest hurts
    # 0.005; without 'b', 'a' drops out too and nothing is left.
    r = simulate_deterrence(_pair(requires=("b",)), c_w=0.20, params=PARAMS)
    assert r.p_deterrence == 1.0
    assert r.p_without == (0.0, 0.0)
    assert r.pivotal_effect == (1.0, 1.0)


def test_requirements_are_followed_through_others() -> None:
    g = [
        GuarantorInput("us", HALF, {"military_capabilities": 0.1}),
        GuarantorInput("uk", HALF, {"military_capabilities": 0.1}, requires=("us",)),
        GuarantorInput("ee", HALF, {"military_capabilities": 0.1}, requires=("uk",)),
    ]
    assert requirements(g) == [set(), {0}, {0, 1}]
    r = simulate_deterrence(g, c_w=0.01, params=PARAMS)
    assert r.theta_mean == approx([0.5, 0.25, 0.125], abs=1e-4)


def test_requiring_a_guarantor_that_is_not_in_the_package_is_refused() -> None:
    g = [GuarantorInput("uk", HALF, {"military_capabilities": 0.1}, requires=("united_state",))]
    with pytest.raises(ModelError, match=r"guarantor 'uk' requires 'united_state', which is not"):
        simulate_deterrence(g, c_w=0.3, params=PARAMS)


def test_on_ukraine_2026_paris_without_a_us_backstop_rarely_deters() -> None:
    # The UK and France require the United States, which under Paris only makes a statement
    # (post-1945 prior, shift -1): the two co-leads rarely act, and deterrence fails; the
    # backstop (a signed US agreement) restores it.
    p = {
        k: assess_guarantees("ukraine-2026", k, draws=20_000, sensitivity=False).p_deterrence
        for k in ("paris-2026", "paris-2026-us-backstop")
    }
    assert p["paris-2026"] < 0.05 < 0.85 < p["paris-2026-us-backstop"]
