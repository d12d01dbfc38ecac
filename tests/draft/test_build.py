"""Drafts: the Paris analysis becomes a well-formed draft with verbatim evidence, refused by
every door that computes until it is reviewed."""

from __future__ import annotations

from functools import cache

import pytest
from news_articles import article

import detente
from detente.draft import draft_scenario, extract, parse_article
from detente.errors import ArticleError, ScenarioError
from detente.scenario import Scenario, load_scenario, parse_scenario, review_items


@cache
def paris() -> Scenario:
    return draft_scenario([article("paris-analysis.md")])


def test_paris_draft_lists_the_european_leaders_the_us_envoy_kyiv_and_the_kremlin() -> None:
    s = paris()
    assert s.status == "draft"
    assert {"coalition_of_the_willing", "united_states", "ukraine", "russia"} <= set(s.actor_ids)
    assert s.actor("united_states").description.startswith('[F] Witkoff (position): "the United')


def test_paris_draft_finds_the_force_the_responses_territory_crimea_and_the_plant() -> None:
    assert {
        "foreign_forces",
        "security_guarantees",
        "territory",
        "crimea",
        "nuclear_plant",
    } <= set(paris().issue_ids)
    plant = paris().issue("nuclear_plant").description
    assert "Two questions remain open: the future of the Zaporizhzhia Nuclear Power Plant" in plant


def test_every_quote_in_the_draft_is_verbatim_in_the_article() -> None:
    text = article("paris-analysis.md").text
    ex = extract([article("paris-analysis.md")])
    assert len(ex.statements) >= 10
    for s in ex.statements:
        assert text[s.start : s.end] == s.quote
    four_responses = (
        "may include the use of military capabilities, intelligence and logistical support, "
        "diplomatic initiatives, and adoption of additional sanctions"
    )
    assert four_responses in paris().sources[0].quote  # type: ignore[operator]


def test_the_article_is_the_source_with_its_title_date_and_url() -> None:
    [src] = paris().sources
    assert (src.id, src.date, src.url) == (
        "NEWS1",
        "2026-01-07",
        "https://example.org/detente/paris-analysis",
    )
    assert paris().as_of is not None and paris().as_of.isoformat() == "2026-01-07"


def test_a_draft_round_trips_through_yaml_and_every_number_needs_review() -> None:
    again = detente.scenario.read_yaml(paris().to_yaml())
    assert again == paris()
    items = review_items(again)
    n_numbers = sum(1 + 2 * len(a.issues) for a in again.actors)  # capability, position, salience
    assert len(items) == n_numbers


def test_without_an_anchor_nothing_is_placed_the_whole_scale_is_the_range() -> None:
    stance = paris().actor("russia").issues["territory"].position
    assert (stance.low, stance.mode, stance.high) == (0, 50, 100)
    assert stance.note is not None and stance.note.startswith("[I] not placed")


def test_into_a_scenario_uses_its_issues_and_places_on_a_matching_anchor() -> None:
    base = load_scenario("ukraine-2026")
    s = draft_scenario([article("moscow-freeze.txt")], into=base)
    assert "TERR" in s.issue_ids and s.issue("TERR").scale == base.issue("TERR").scale
    position = s.actor("russia").issues["TERR"].position
    assert (position.low, position.mode, position.high) == (20, 40, 60)
    assert position.note is not None and position.note.startswith(
        "[I] placed at the anchor 'Plain freeze on the current line everywhere"
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda s: detente.forecast(s),
        lambda s: detente.compare(s),
        lambda s: detente.simulate(s, draws=10),
        lambda s: detente.check_deal(s),
        lambda s: detente.assess_guarantees(s),
    ],
    ids=["forecast", "compare", "simulate", "deal", "guarantees"],
)
def test_every_door_that_computes_refuses_a_draft_with_what_to_do(call: object) -> None:
    with pytest.raises(ScenarioError, match="is a draft: review the items marked") as info:
        call(paris())  # type: ignore[operator]
    assert info.value.problems[0].code == "draft"
    assert "then set status: reviewed" in str(info.value)


def test_a_reviewed_draft_forecasts() -> None:
    raw = paris().model_dump(mode="json")
    raw["status"] = "reviewed"
    assert set(detente.forecast(parse_scenario(raw)).outcomes) == set(paris().issue_ids)


def test_old_files_without_status_are_reviewed() -> None:
    assert load_scenario("emission-standards-1994").status == "reviewed"
    assert "status" not in load_scenario("emission-standards-1994").to_yaml()


def test_an_article_with_no_issue_term_cannot_be_drafted() -> None:
    a = parse_article(b"Weather\n\nMacron said it was sunny.", name="w.txt")
    with pytest.raises(ArticleError, match="no issue found in the articles"):
        draft_scenario([a])


def test_several_articles_are_several_sources_each_item_citing_its_own() -> None:
    s = draft_scenario([article("attribution.txt"), article("conditions.txt")])
    assert [(x.id, x.title) for x in s.sources] == [
        ("NEWS1", "Attribution patterns"),
        ("NEWS2", "Offers and refusals"),
    ]
    assert s.as_of is not None and s.as_of.isoformat() == "2026-01-12"
    assert s.actor("germany").description == (
        '[F] Merz (commitment): "Germany is committed to financing Ukraine\'s armed forces" (NEWS2)'
    )
    assert '"We will never recognise the occupation of Crimea" (NEWS1)' in (
        s.actor("ukraine").description
    )
