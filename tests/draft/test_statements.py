"""The offline rules: who said what, on which issue, of which kind, with the exact words."""

from __future__ import annotations

from news_articles import article

from detente.draft import Statement, extract, parse_article


def statements(name: str) -> list[Statement]:
    return list(extract([article(name)]).statements)


def by_speaker(items: list[Statement], speaker: str) -> list[Statement]:
    return [s for s in items if s.speaker == speaker]


def test_attribution_after_the_quote_names_the_leader_and_the_state_they_speak_for() -> None:
    [s] = by_speaker(statements("attribution.txt"), "Zelensky")
    assert (s.actor, s.kind, s.issues) == ("ukraine", "rejection", ("crimea",))
    assert s.quote == "We will never recognise the occupation of Crimea"


def test_attribution_before_the_quote() -> None:
    [s] = by_speaker(statements("attribution.txt"), "Macron")
    assert (s.actor, s.kind) == ("france", "commitment")
    assert s.quote == "France is ready to send troops after a ceasefire."


def test_quote_then_told_reporters_is_a_demand_by_poland() -> None:
    [s] = by_speaker(statements("attribution.txt"), "Tusk")
    assert (s.actor, s.kind, s.issues) == ("poland", "demand", ("sanctions",))


def test_reported_speech_quotes_the_clause_after_said_that_verbatim() -> None:
    items = statements("attribution.txt")
    [s] = by_speaker(items, "Peskov")
    assert (s.actor, s.kind) == ("russia", "rejection")  # "would not accept": negation wins
    assert s.quote == "Moscow would not accept foreign troops in Ukraine"
    text = article("attribution.txt").text
    assert text[s.start : s.end] == s.quote


def test_he_said_keeps_the_previous_speaker() -> None:
    starmer = by_speaker(statements("attribution.txt"), "Starmer")
    assert [s.quote for s in starmer] == [
        "Britain will lead the multinational force",
        "We will put the deployment to a vote.",
    ]
    assert {s.actor for s in starmer} == {"united_kingdom"}


def test_a_sentence_on_an_issue_with_no_speaker_is_a_fact_of_the_article() -> None:
    [fact] = [s for s in statements("attribution.txt") if s.kind == "fact"]
    assert fact.quote == "Russia controls about one-fifth of Ukraine's territory."
    assert (fact.speaker, fact.actor, fact.issues) == (None, None, ("territory",))


def test_only_if_makes_a_conditional_offer() -> None:
    [s] = by_speaker(statements("conditions.txt"), "Putin")
    assert (s.actor, s.kind) == ("russia", "conditional")
    assert s.quote == "a ceasefire is possible only if Ukraine withdraws from Donbas"
    assert set(s.issues) == {"ceasefire", "territory"}


def test_will_not_accept_is_a_rejection_not_a_commitment() -> None:
    [s] = by_speaker(statements("conditions.txt"), "Zelensky")
    assert (s.kind, s.issues) == ("rejection", ("army_size",))


def test_a_rejecting_verb_makes_a_rejection_and_the_kremlin_is_russia() -> None:
    [s] = by_speaker(statements("conditions.txt"), "The Kremlin")
    assert (s.actor, s.kind, s.issues) == ("russia", "rejection", ("alliance_membership",))


def test_names_far_from_the_reporting_verb_do_not_speak() -> None:
    text = b'If Russia attacks again, the draft wording says the response "may include sanctions".'
    [s] = extract([parse_article(b"T\n\n" + text, name="a.txt")]).statements
    assert (s.kind, s.speaker, s.actor) == ("fact", None, None)


def test_a_quote_opening_a_sentence_after_a_full_stop_starts_that_sentence() -> None:
    text = b'Leaders met. "We will never give up Crimea," said Zelensky.'
    [s] = extract([parse_article(b"T\n\n" + text, name="a.txt")]).statements
    assert s.sentence == '"We will never give up Crimea," said Zelensky.'


def test_html_article_statements_carry_speakers_from_the_paragraphs() -> None:
    items = statements("meta.html")
    [zelensky] = by_speaker(items, "Zelensky")
    assert zelensky.quote == "Ukraine will never withdraw from the Donetsk region"
    [sybiha] = by_speaker(items, "Sybiha")
    assert (sybiha.actor, sybiha.kind) == ("ukraine", "demand")
