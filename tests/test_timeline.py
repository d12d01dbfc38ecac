"""The forecast timeline: built-in dated versions, edits between versions, attribution."""

from __future__ import annotations

import pytest

import detente
from detente._timeline import diff_edits
from detente.scenario import builtin_names, builtin_versions, load_scenario


def test_ukraine_has_a_version_as_of_the_paris_meeting() -> None:
    assert builtin_versions("ukraine-2026") == ["ukraine-2026@2026-01-06", "ukraine-2026"]
    early = load_scenario("ukraine-2026@2026-01-06")
    assert (early.id, early.as_of.isoformat() if early.as_of else None) == (
        "ukraine-2026",
        "2026-01-06",
    )
    assert "ukraine-2026@2026-01-06" not in builtin_names()
    assert builtin_versions("emission-standards-1994") == ["emission-standards-1994"]


def test_the_paris_version_cites_only_sources_dated_by_6_january_2026() -> None:
    early = load_scenario("ukraine-2026@2026-01-06")
    for src in early.sources:
        date = (src.date or "").strip("[]")
        assert not date.startswith(("2026-02", "2026-01-07", "2026-01-08", "2026-01-2")), src.id
        assert date != "2026-01", src.id  # month-only January dates may postdate the meeting


def test_the_edits_between_the_dates_are_the_re_estimated_stances() -> None:
    old, new = load_scenario("ukraine-2026@2026-01-06"), load_scenario("ukraine-2026")
    assert [e.where for e in diff_edits(old, new)] == [
        "actors[russia].issues[GUAR]",
        "actors[united_states].issues[TERR]",
        "actors[united_states].issues[GUAR]",
        "actors[turkiye].issues[GUAR]",
        "no_deal.yearly_cost[russia]",
    ]


def test_each_shift_is_attributed_to_the_edits_that_move_it_alone() -> None:
    result = detente.timeline("ukraine-2026", deal=True)
    assert [p.label for p in result.points] == ["ukraine-2026@2026-01-06", "ukraine-2026"]
    packages = [g.id for g in load_scenario("ukraine-2026").guarantees]
    for point in result.points:  # the deal's answers at both dates, per package
        assert "P(deal)" in point.metrics
        for name in ("P(accept)", "P(viable)"):
            assert {f"{name} {p}" for p in packages} <= set(point.metrics), point.label
    early, late = (p.metrics for p in result.points)
    assert late["compromise GUAR"] == pytest.approx(
        detente.forecast("ukraine-2026").outcomes["GUAR"]
    )
    [guar] = [s for s in result.shifts if s.metric == "compromise GUAR"]
    assert guar.before == pytest.approx(early["compromise GUAR"])
    assert [e for e, _ in guar.contributions] == [
        "actors[russia].issues[GUAR]",
        "actors[united_states].issues[GUAR]",
        "actors[turkiye].issues[GUAR]",
    ]
    # The compromise is linear in each position, so one-at-a-time contributions add up.
    assert sum(c for _, c in guar.contributions) == pytest.approx(guar.change)
    assert {s.metric for s in result.shifts} == {"compromise TERR", "compromise GUAR"}


def test_every_number_of_the_paris_version_is_sourced_from_its_own_list() -> None:
    early = load_scenario("ukraine-2026@2026-01-06")
    known = {s.id for s in early.sources}
    for actor in early.actors:
        numbers = [actor.capability] + [
            q for st in actor.issues.values() for q in (st.position, st.salience)
        ]
        for q in numbers:
            assert q is not None and q.source and set(q.source) <= known, actor.id


def test_the_paris_version_asks_the_deal_question_from_its_own_sources() -> None:
    early, late = load_scenario("ukraine-2026@2026-01-06"), load_scenario("ukraine-2026")
    assert early.no_deal is not None
    assert set(early.red_lines) == set(late.red_lines)
    assert len(early.conditions) == len(late.conditions)
    assert [p.id for p in early.proposals] == [p.id for p in late.proposals]
    assert [g.id for g in early.guarantees] == [g.id for g in late.guarantees]
    assert all(g.issue_value for g in early.guarantees)
    # An explicit walk-away would override the no-deal path, as on 26 February.
    assert not [a.id for a in early.actors for st in a.issues.values() if st.walk_away]
    known = {s.id for s in early.sources}
    cited = [*early.no_deal.source, *(s for c in early.conditions for s in c.source)]
    cited += [s for q in early.no_deal.issues.values() for s in q.source]
    cited += [s for q in early.no_deal.yearly_cost.values() for s in q.source]
    cited += [s for lines in early.red_lines.values() for r in lines.values() for s in r.source]
    cited += [
        s for p in early.proposals for q in p.issues.values() for s in (*p.sources, *q.source)
    ]
    assert cited and set(cited) <= known
