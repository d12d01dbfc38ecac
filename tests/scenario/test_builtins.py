"""The built-in scenarios: each loads, cites its sources and reproduces its reference values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import numpy as np
import pytest
from pytest import approx

import detente
from detente.scenario import Quantity, Scenario
from detente.scenario._load import builtin_names

# The scenarios this module is responsible for (other built-ins are tested by their authors).
OURS = [
    "cop15-copenhagen-2009",
    "cop21-paris-2015",
    "emission-standards-1994",
    "greece-debt-2015",
    "ktab-soe-policy",
    "ukraine-2026",
]


@cache
def builtin(name: str) -> Scenario:
    """Each built-in parsed once per test session (scenarios are immutable)."""
    return detente.load_scenario(name)


def quantities(s: Scenario) -> Iterator[tuple[str, Quantity]]:
    """Every number of a scenario with a label saying where it sits."""
    for issue in s.issues:
        if issue.status_quo is not None:
            yield f"{issue.id}.status_quo", issue.status_quo
    for actor in s.actors:
        if actor.capability is not None:
            yield f"{actor.id}.capability", actor.capability
        for issue_id, stance in actor.issues.items():
            for name in ("position", "salience", "capability", "walk_away"):
                value = getattr(stance, name)
                if value is not None:
                    yield f"{actor.id}.{issue_id}.{name}", value


@pytest.mark.parametrize("name", OURS)
def test_builtin_is_listed_loads_and_every_number_is_sourced(name: str) -> None:
    assert name in builtin_names()
    scenario = detente.load_scenario(name)
    assert scenario.id == name
    assert scenario == builtin(name)
    known = {src.id for src in scenario.sources}
    for where, q in quantities(scenario):
        assert q.source, f"{name}: {where} has no source"
        assert set(q.source) <= known, f"{name}: {where} cites {q.source}, not all in sources"


# specs/baselines.md §7, "Reference values on small cases": compromise / capability-weighted
# mean / weighted median (c·s weights), on the file's own scale, tolerance 1e-6.
SECTION_7 = {
    ("emission-standards-1994", "lag"): (7.389956, 7.475248, 7.0),
    ("greece-debt-2015", "terms"): (82.222222, 85.714286, 100.0),
    ("ktab-soe-policy", "policy"): (35.006301, 35.553161, 30.0),
    ("cop15-copenhagen-2009", "Newtreaty"): (61.576271, 60.519481, 100.0),
    ("cop15-copenhagen-2009", "DevlopC2020"): (58.144654, 56.103896, 70.0),
    ("cop15-copenhagen-2009", "Domestred"): (30.707395, 29.740260, 10.0),
    ("cop15-copenhagen-2009", "MRVdecrease"): (52.235915, 53.376623, 70.0),
    ("cop15-copenhagen-2009", "Commitments"): (51.949891, 46.907895, 85.0),
    ("cop15-copenhagen-2009", "Control"): (57.621448, 52.402597, 75.0),
    ("cop15-copenhagen-2009", "Extra"): (64.620690, 56.513158, 90.0),
    ("cop21-paris-2015", "differentiation"): (49.255404, 50.869565, 40.0),
    ("cop21-paris-2015", "mrv"): (57.211274, 55.279503, 70.0),
    ("cop21-paris-2015", "legal"): (57.968750, 56.894410, 50.0),
    ("cop21-paris-2015", "adapt_legal"): (59.511450, 48.819876, 70.0),
    ("cop21-paris-2015", "adapt_inst"): (59.640360, 56.211180, 60.0),
    ("cop21-paris-2015", "finance_vol"): (47.644085, 47.080745, 20.0),
    ("cop21-paris-2015", "finance_who"): (38.097126, 40.000000, 60.0),
    ("cop21-paris-2015", "adapt_finance"): (55.121727, 50.186335, 50.0),
    ("cop21-paris-2015", "ld"): (40.105843, 39.844720, 20.0),
    ("cop21-paris-2015", "progress"): (45.596171, 44.565217, 40.0),
    ("cop21-paris-2015", "amb2050"): (67.877517, 66.046512, 65.0),
    ("cop21-paris-2015", "amb2100"): (85.708583, 83.488372, 80.0),
    ("cop21-paris-2015", "eaa"): (57.100515, 60.621118, 90.0),
}


@pytest.mark.parametrize("model", ["compromise", "mean", "median"])
@pytest.mark.parametrize("name", sorted({name for name, _ in SECTION_7}))
def test_builtin_reproduces_baselines_section_7(name: str, model: str) -> None:
    column = ["compromise", "mean", "median"].index(model)
    expected = {issue: v[column] for (case, issue), v in SECTION_7.items() if case == name}
    outcomes = detente.forecast(builtin(name), model).outcomes
    assert outcomes == approx(expected, abs=1e-6)


def test_multi_issue_cases_keep_the_file_order_and_missing_pairs() -> None:
    # data/README.md: actor and issue order of first appearance is the input order.
    cop15 = builtin("cop15-copenhagen-2009")
    assert cop15.actor_ids[:3] == ["USA", "EU (incl Norway)", "Australia"]
    assert cop15.issue_ids == [
        "Newtreaty",
        "DevlopC2020",
        "Domestred",
        "MRVdecrease",
        "Commitments",
        "Control",
        "Extra",
    ]
    # Russia takes no part in Commitments and Extra (75 of 77 pairs present).
    assert set(cop15.actor("Russia").issues) == set(cop15.issue_ids) - {"Commitments", "Extra"}
    cop21 = builtin("cop21-paris-2015")
    assert cop21.actor_ids[0] == "African_grp" and cop21.actor_ids[-1] == "USA"
    assert sum(len(a.issues) for a in cop21.actors) == 181
    assert sum("amb2050" in a.issues for a in cop21.actors) == 8


def test_ukraine_structure() -> None:
    s = builtin("ukraine-2026")
    assert str(s.as_of) == "2026-02-26"
    assert s.issue_ids == ["TERR", "CRIM", "ZNPP", "GUAR", "ARMY", "NATO", "SANC"]
    assert s.actor_ids == [
        "ukraine",
        "russia",
        "united_states",
        "france",
        "united_kingdom",
        "germany",
        "eu_coalition",
        "poland",
        "turkiye",
        "china",
    ]
    assert [a.id for a in s.actors if a.veto] == ["ukraine", "russia", "united_states"]
    # Every source of the brief, S01…S94, the addendum's figures S95…S124, and TEAM for the
    # brief's own estimates.
    assert {src.id for src in s.sources} == {f"S{k:02d}" for k in range(1, 125)} | {"TEAM"}
    # Reference points, brief section (b) [E].
    status_quo = {i.id: i.status_quo.mode for i in s.issues if i.status_quo is not None}
    assert status_quo == {
        "TERR": 40,
        "CRIM": 30,
        "ZNPP": 90,
        "GUAR": 60,
        "ARMY": 0,
        "NATO": 30,
        "SANC": 10,
    }
    for actor in s.actors:
        assert len(actor.issues) == 7
        for stance in actor.issues.values():
            assert stance.position.low <= stance.position.mode <= stance.position.high
            # No explicit walk-away: it would override the no-deal path (deal spec §1).
            assert stance.walk_away is None
    # Two cells of the brief's detail tables, to catch a shifted column.
    russia_znpp = s.actor("russia").issues["ZNPP"]
    assert (russia_znpp.position.low, russia_znpp.position.mode, russia_znpp.position.high) == (
        55,
        80,
        100,
    )
    assert russia_znpp.position.source == ("S39", "S40", "S41", "S42")
    assert s.actor("china").capability is not None
    assert s.actor("china").capability.mode == 25


def test_ukraine_compromise_matches_the_brief_summary_matrix() -> None:
    # Compromise = sum(c*s*x) / sum(c*s) over actors, with c from brief section (d)
    # (UA 60, RU 85, US 100, FR 30, UK 30, DE 35, EU+ 35, PL 15, TR 15, CN 25) and the
    # most-likely position x / salience s of the summary matrix, section (c). Actor order as above:
    # TERR: c*s = 5700, 8075, 6000, 1650, 1650, 1925, 1925, 900, 600, 500 (sum 28925);
    #   sum(c*s*x) = 5700*30 + 8075*85 + 6000*62 + 1650*38 + 1650*38 + 1925*42 + 1925*38
    #   + 900*33 + 600*45 + 500*55 = 1592975 -> 1592975 / 28925 = 55.072602
    # CRIM: c*s = 3900, 6800, 3000, 1200, 1200, 1400, 1400, 675, 675, 375 (sum 20625);
    #   3900*25 + 6800*95 + 3000*62 + 1200*40*2 + 1400*40*2 + 675*35 + 675*30 + 375*55
    #   = 1202000 -> 58.278788
    # ZNPP: c*s = 3000, 3825, 4500, 1050, 750, 875, 875, 300, 225, 375 (sum 15775);
    #   3000*20 + 3825*80 + 4500*50 + 1050*35 + 750*35 + 875*35 + 875*30 + 300*25 + 225*45
    #   + 375*60 = 751000 -> 47.606973
    # GUAR: c*s = 5700, 7225, 5500, 2550, 2550, 2450, 2100, 1125, 750, 875 (sum 30825);
    #   5700*15 + 7225*90 + 5500*40 + 2550*25*2 + 2450*32 + 2100*35 + 1125*30 + 750*40
    #   + 875*80 = 1368900 -> 44.408759
    # ARMY: c*s = 4200, 5100, 3000, 1500, 1500, 1750, 1400, 675, 225, 250 (sum 19600);
    #   4200*20 + 5100*40 + 3000*22 + (1500+1500+1750+1400)*20 + 675*15 + 225*25 + 250*45
    #   = 504000 -> 25.714286
    # NATO: c*s = 3600, 7650, 4000, 1200, 1200, 1575, 1225, 825, 450, 1125 (sum 22850);
    #   3600*50 + 7650*95 + 4000*80 + 1200*42*2 + 1575*45 + 1225*40 + 825*30 + 450*50
    #   + 1125*92 = 1598175 -> 69.942013
    # SANC: c*s = 3300, 5950, 5500, 1500, 1500, 2275, 2275, 825, 525, 1500 (sum 25150);
    #   3300*15 + 5950*90 + 5500*60 + 1500*20 + 1500*15 + 2275*18 + 2275*25 + 825*12
    #   + 525*60 + 1500*95 = 1249225 -> 49.670974
    expected = {
        "TERR": 1592975 / 28925,
        "CRIM": 1202000 / 20625,
        "ZNPP": 751000 / 15775,
        "GUAR": 1368900 / 30825,
        "ARMY": 504000 / 19600,
        "NATO": 1598175 / 22850,
        "SANC": 1249225 / 25150,
    }
    outcomes = detente.forecast("ukraine-2026", "compromise").outcomes
    assert outcomes == approx(expected, abs=1e-9)
    assert outcomes["TERR"] == approx(55.072602, abs=1e-6)


def test_ukraine_draws_are_reproducible_and_stay_in_range() -> None:
    s = builtin("ukraine-2026")
    first = s.to_arrays(draws=1000, seed=1)
    second = s.to_arrays(draws=1000, seed=1)
    for field in ("positions", "salience", "capability", "status_quo", "walk_away"):
        np.testing.assert_array_equal(getattr(first, field), getattr(second, field))
    other = s.to_arrays(draws=1000, seed=2)
    assert not np.array_equal(first.positions, other.positions)
    for i, actor in enumerate(s.actors):
        for j, issue in enumerate(s.issues):
            q = actor.issues[issue.id].position
            drawn = first.positions[:, i, j]
            low, high = issue.scale.to_internal(q.low), issue.scale.to_internal(q.high)
            assert np.all((drawn >= low) & (drawn <= high)), (actor.id, issue.id)
            # Uncertain positions really vary across draws.
            assert np.ptp(drawn) > 0.5 * (high - low)


def test_ukraine_army_anchors_carry_the_caps_of_the_piecewise_linear_mapping() -> None:
    # Brief section (b), issue 5: score linear in the cap N between the anchors
    # (1,000,000 -> 0, 800,000 -> 20, 600,000 -> 40, 250,000 -> 70, 85,000 -> 100);
    # check values 900,000 -> 10, 500,000 -> 48.571, 167,500 -> 85.
    anchors = builtin("ukraine-2026").issue("ARMY").scale.anchors
    caps = [float(re.search(r"([\d,]+) personnel", a.label)[1].replace(",", "")) for a in anchors]
    scores = [a.value for a in anchors]
    assert caps == [1_000_000, 800_000, 600_000, 250_000, 85_000]
    # np.interp needs increasing x: the score falls as the cap rises.
    check = np.interp([900_000, 500_000, 167_500], caps[::-1], scores[::-1])
    assert check == approx([10.0, 48.571, 85.0], abs=1e-3)
