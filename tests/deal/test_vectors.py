"""The hand-derived test vectors of ``specs/deal.md`` §8 (linear utility, one issue, w = 1)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pytest import approx

from detente.deal import check_deal
from detente.deal._accept import REASONS, accept
from detente.deal._nash import nash_package
from detente.deal._question import DealQuestion, PackageTerms, build_question
from detente.scenario import Scenario, parse_scenario

FIXTURES = Path(__file__).parents[1] / "data" / "deal"


def case(**extra: Any) -> Scenario:
    """Spec §8.1: A (ideal 0) and B (ideal 100), both veto players; status quo 40; the war is
    expected to take the issue to 60 within the horizon; a year of war costs A 10 points."""
    no_deal = {"horizon_years": 1, "discount": 1, "issues": {"X": 60}, "yearly_cost": {"A": 10}}
    no_deal.update(extra.pop("no_deal", {}))
    raw = {
        "id": "v",
        "title": "Spec 8 vectors",
        "issues": [{"id": "X", "name": "X", "status_quo": 40}],
        "actors": [
            {
                "id": "A",
                "name": "A",
                "veto": True,
                "capability": 1,
                "issues": {"X": {"position": 0, "salience": 50}},
            },
            {
                "id": "B",
                "name": "B",
                "veto": True,
                "capability": 1,
                "issues": {"X": {"position": 100, "salience": 50}},
            },
        ],
        "no_deal": no_deal,
        **extra,
    }
    return parse_scenario(raw)


def question(s: Scenario) -> DealQuestion:
    return build_question(s, s.to_arrays())


def signs(q: DealQuestion, terms: PackageTerms, xs: list[float]) -> np.ndarray:
    """``bool[len(xs), V]``: who signs each one-issue package."""
    acc = accept(q, np.array([[[x] for x in xs]]), terms)
    return acc.accepts[0]


def zone_ends(q: DealQuestion, terms: PackageTerms) -> tuple[float, float]:
    """The accepted set's ends on a 0.01 grid (the set is an interval here)."""
    grid = np.round(np.arange(0.0, 100.001, 0.01), 2)
    ok = signs(q, terms, grid.tolist()).all(-1)
    return float(grid[ok].min()), float(grid[ok].max())


def test_1_no_deal_path_gives_zone_60_70_and_nash_65() -> None:
    q = question(case())
    assert q.no_deal[0] == approx([-0.70, -0.40], abs=1e-12)
    assert q.definitions == ("no_deal_path", "no_deal_path")
    none = q.packages["none"]
    assert zone_ends(q, none) == (60.0, 70.0)
    assert nash_package(q, none).x[0, 0] == approx(65.0, abs=1e-6)


def test_1_longer_discounted_horizon_gives_zone_60_75_and_nash_67_5() -> None:
    q = question(case(no_deal={"horizon_years": 2, "discount": 0.5}))
    assert q.no_deal[0] == approx([-0.75, -0.40], abs=1e-12)
    none = q.packages["none"]
    assert zone_ends(q, none) == (60.0, 75.0)
    assert nash_package(q, none).x[0, 0] == approx(67.5, abs=1e-6)


def test_2_red_line_68_moves_the_nash_package_to_68() -> None:
    q = question(case(red_lines={"B": {"X": {"min": 68}}}))
    none = q.packages["none"]
    assert zone_ends(q, none) == (68.0, 70.0)
    assert nash_package(q, none).x[0, 0] == approx(68.0, abs=1e-6)
    # Below the red line B refuses for the red line, not for its utility.
    acc = accept(q, np.array([[[66.0]]]), none)
    assert REASONS[acc.reason[0, 0, 1]] == "red line"


def test_2_red_line_72_empties_the_zone_and_is_named_as_the_reason() -> None:
    s = case(red_lines={"B": {"X": {"min": 72}}})
    q = question(s)
    assert not signs(q, q.packages["none"], np.arange(0, 100.5, 0.5).tolist()).all(-1).any()
    report = check_deal(s)
    row = report.row("none")
    assert row.p_accept == 0.0
    assert row.red_lines == {"B's red line on X": 1.0}
    assert "B's red line on X" in report.reason()
    # Without B the zone would be A's: B blocks for its red line on X.
    assert row.reasons["B"] == "red line" and row.issues["B"] == "X"


def test_3_a_condition_rejects_whatever_the_utility() -> None:
    raw = {
        "id": "c",
        "title": "Spec 8.3",
        "issues": [
            {"id": "P", "name": "P", "status_quo": 0},
            {"id": "Q", "name": "Q", "status_quo": 0},
        ],
        "actors": [
            {
                "id": "A",
                "name": "A",
                "veto": True,
                "capability": 1,
                "issues": {
                    "P": {"position": 100, "salience": 50},
                    "Q": {"position": 100, "salience": 50},
                },
            },
            {
                "id": "B",
                "name": "B",
                "veto": True,
                "capability": 1,
                "issues": {
                    "P": {"position": 0, "salience": 50},
                    "Q": {"position": 0, "salience": 50},
                },
            },
        ],
        "conditions": [
            {"actor": "A", "if": {"issue": "P", "min": 50}, "then": {"issue": "Q", "max": 30}}
        ],
    }
    q = question(parse_scenario(raw))
    none = q.packages["none"]
    acc = accept(q, np.array([[[55.0, 40.0], [55.0, 25.0]]]), none)
    # P = 55, Q = 40 is far better for A than its status quo (0, 0), yet it refuses.
    assert q.utility(np.array([[[55.0, 40.0]]]))[0, 0, 0] > q.no_deal[0, 0]
    assert not acc.accepts[0, 0, 0] and REASONS[acc.reason[0, 0, 0]] == "condition"
    assert acc.accepts[0, 1, 0] and acc.reason[0, 1, 0] == 0
    # The Nash package leaves the condition's "if" region or meets its "then".
    x = nash_package(q, none).x[0]
    assert x[0] < 50.0 or x[1] <= 30.0 + 1e-9
    assert accept(q, x[None, None], none).all_accept.all()


def breach_terms(q: DealQuestion, kept: float) -> PackageTerms:
    """A defended (A) against B: a guarantee package kept with probability ``kept``."""
    return PackageTerms("g", "g", {}, np.full(q.draws, kept), challenger=1)


@pytest.mark.parametrize(("x", "threshold"), [(65.0, 0.25 / 0.30), (60.0, 0.20 / 0.30)])
def test_4_breach_risk_thresholds(x: float, threshold: float) -> None:
    q = question(case())
    assert signs(q, breach_terms(q, threshold + 1e-9), [x])[0, 0]
    assert not signs(q, breach_terms(q, threshold - 1e-6), [x])[0, 0]
    acc = accept(q, np.array([[[x]]]), breach_terms(q, threshold - 1e-6))
    assert REASONS[acc.reason[0, 0, 0]] == "breach risk"
    assert threshold == approx(0.8333333 if x == 65.0 else 0.6666667, abs=1e-6)


def test_4_breach_risk_shrinks_the_zone_to_60_62_5() -> None:
    q = question(case())
    terms = breach_terms(q, 0.75)
    assert zone_ends(q, terms) == (60.0, 62.5)
    x = nash_package(q, terms).x[0, 0]
    assert 60.0 <= x <= 62.5 + 1e-9


def test_no_deal_and_boundary_walk_aways_are_results_not_errors() -> None:
    # Sweeping A's walk-away across the break-even (the zone shrinks to the point 60, then
    # closes) gives a result with a reason every time.
    s = case()
    for value in (-0.70, -0.65, -0.60 - 1e-9, -0.60, -0.5999, -0.55):
        report = check_deal(s, walk_away={"A": value})
        assert report.definitions["A"] == "explicit"
        if value <= -0.60:
            assert report.row("none").p_accept == 1.0
        else:
            assert report.row("none").p_accept == 0.0 and report.reason()


def test_pinned_issue_overrides_the_package_text() -> None:
    s = case()
    q = question(s)
    terms = replace(q.packages["none"], pinned={0: 66.0})
    assert q.pin(np.array([[[10.0]]]), terms)[0, 0, 0] == 66.0


def test_5_a_stronger_pinned_guarantee_is_harder_to_sign_and_to_break() -> None:
    # docs/deal.md §8.5. The challenger b accepts iff its yearly cost of war (0–10–40 points,
    # triangular) reaches 80/7 = 11.43 points under GUAR 20 and 240/7 = 34.29 under GUAR 60:
    # P(accept) = (40 - 11.43)^2 / 1200 = 0.680 and (40 - 34.29)^2 / 1200 = 0.027. The deal is
    # kept iff theta' >= 0.375 with theta ~ Beta(10, 10): theta >= expit(logit(0.375) + 1) = 0.620 (P = 0.141)
    # under a statement (shift -1), theta >= expit(logit(0.375) - 1.25) = 0.147 (P = 0.9999) under a ratified
    # treaty with forces in the country (shift +1.25).
    from scipy.special import expit, logit
    from scipy.stats import beta

    from detente import load_scenario
    from detente.deal._viability import viability

    s = load_scenario(FIXTURES / "pinned-guarantee.yaml")
    q = build_question(s, s.to_arrays(draws=2000, seed=3), seed=3)
    weak, strong = viability(q, q.packages["weak"]), viability(q, q.packages["strong"])
    assert weak.p_accept == approx(0.680, abs=0.03)
    assert strong.p_accept == approx(0.027, abs=0.01)
    kept_weak = float(beta.sf(expit(logit(0.375) + 1.0), 10, 10))
    kept_strong = float(beta.sf(expit(logit(0.375) - 1.25), 10, 10))
    assert (round(kept_weak, 3), round(kept_strong, 4)) == (0.141, 0.9999)
    assert weak.p_kept == approx(kept_weak, abs=0.02)
    assert strong.p_kept == approx(kept_strong, abs=0.01)
    # The challenger is who blocks, and for its utility on the pinned issue's package.
    assert set(strong.blockers) == {"b"} and strong.reasons["b"] == "utility"
