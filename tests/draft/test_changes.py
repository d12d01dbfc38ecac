"""Proposed changes from the news, and applying the accepted ones."""

from __future__ import annotations

import pytest
from news_articles import article

from detente.draft import apply_changes, propose_changes
from detente.errors import DetenteError
from detente.scenario import load_scenario


def changes():  # type: ignore[no-untyped-def]
    return propose_changes(load_scenario("ukraine-2026"), [article("moscow-freeze.txt")])


def test_freeze_article_proposes_a_source_a_moved_position_and_a_new_actor() -> None:
    found = {c.kind: c for c in changes()}
    assert [c.id for c in changes()] == ["C1", "C2", "C3"]
    moved = found["position_moved"]
    assert moved.target == "actors[russia].issues[TERR].position"
    assert moved.evidence == (
        '[F] Peskov (position): "Russia could accept a plain freeze on the current line '
        'everywhere, with no recognition" (NEWS1)',
    )
    assert found["new_actor"].target == "actors[brazil]"
    assert found["new_source"].value["date"] == "2026-03-02"


def test_accepting_one_change_brings_its_source_and_dates_the_scenario() -> None:
    base = load_scenario("ukraine-2026")
    updated = apply_changes(base, changes(), ["C2"])
    position = updated.actor("russia").issues["TERR"].position
    assert (position.low, position.mode, position.high) == (20, 40, 60)
    assert position.source == ("NEWS1",)
    assert updated.sources[-1].id == "NEWS1"
    assert updated.as_of is not None and updated.as_of.isoformat() == "2026-03-02"
    assert "brazil" not in updated.actor_ids


def test_accepting_the_new_actor_adds_it_on_the_issue_it_spoke_on() -> None:
    updated = apply_changes(load_scenario("ukraine-2026"), changes(), ["C3"])
    assert list(updated.actor("brazil").issues) == ["SANC"]


def test_an_unknown_change_id_is_refused_with_the_list() -> None:
    with pytest.raises(
        DetenteError, match="no proposed change called C9; the changes are C1, C2, C3"
    ):
        apply_changes(load_scenario("ukraine-2026"), changes(), ["C9"])


def test_paris_analysis_proposes_guarantee_commitments_with_quotes() -> None:
    found = propose_changes(load_scenario("ukraine-2026"), [article("paris-analysis.md")])
    commitments = [c for c in found if c.kind == "commitment"]
    assert commitments[0].target == "actors[eu_coalition].description"
    assert "a system of politically and legally binding guarantees" in commitments[0].evidence[0]
