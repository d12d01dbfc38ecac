"""Statements in an article: who said what on which issue, with the exact words.

Rules over spaCy sentences and phrase matches (see :mod:`._nlp`):

- a quoted passage (straight or curly double quotes) is attributed to the name nearest to a
  reporting verb outside the quote, before it (``Macron said: "..."``) or after it
  (``"...," said Peskov``); a bare ``he``/``she`` reporting verb keeps the previous speaker;
- reported speech without quotes (``Zelensky said that Kyiv would ...``) quotes the clause
  after the verb, verbatim;
- a sentence with an issue term but no speaker is a fact stated by the article [F];
- the kind (rejection, conditional offer, demand, commitment, stated position) is read from cue
  words in the quoted words, negation winning over commitment (``will not accept``), or from a
  reporting verb that names it (``demands``, ``rejects``, ``pledged``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from ._article import Article
from ._nlp import Match, Pipeline

__all__ = ["Kind", "Statement", "extract_statements"]

Kind = Literal["rejection", "conditional", "demand", "commitment", "position", "fact"]

_VERBS = {
    "said", "says", "say", "told", "tells", "stated", "states", "warned", "warns", "added",
    "adds", "insisted", "insists", "declared", "declares", "announced", "announces", "wrote",
    "writes", "stressed", "stresses", "argued", "argues", "noted", "notes", "claimed", "claims",
    "repeated", "repeats", "according", "pledged", "pledges", "vowed", "vows", "demanded",
    "demands", "rejected", "rejects", "confirmed", "confirms", "described", "describes",
    "called", "calls", "offered", "offers", "promised", "promises", "committed",
}  # fmt: skip
# A reporting verb that itself says what kind of statement follows ("Moscow demands ...").
_VERB_KINDS: dict[str, Kind] = {
    "demanded": "demand", "demands": "demand", "insisted": "demand", "insists": "demand",
    "rejected": "rejection", "rejects": "rejection", "pledged": "commitment",
    "pledges": "commitment", "vowed": "commitment", "vows": "commitment",
    "promised": "commitment", "promises": "commitment", "committed": "commitment",
    "offered": "conditional", "offers": "conditional",
}  # fmt: skip
# A name fewer than _NEAR_BEFORE tokens before its reporting verb is its subject ("Tusk told",
# "Brazil's foreign ministry said"), or one at most _NEAR_AFTER tokens after it
# ("said Peskov", "said the Kremlin"); names further away are only mentioned.
_NEAR_BEFORE = 4
_NEAR_AFTER = 2
_PRONOUNS = {"he", "she", "He", "She"}
_QUOTE = re.compile(r"[\"“]([^\"“”]{3,}?)[\"”]")
# Cue phrases per kind, tried in this order: the first kind with a cue names the statement.
_CUES: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    ("conditional", ("only if", "provided that", "on condition", "as long as", "unless")),
    (
        "rejection",
        (
            "will not", "won't", "would not", "cannot accept", "can't accept", "never", "reject",
            "rejects", "rejected", "refuse", "refuses", "refused", "unacceptable", "no way",
            "not accept", "not agree", "not allow", "oppose", "opposes", "ruled out", "rules out",
        ),
    ),
    (
        "demand",
        (
            "must", "demand", "demands", "insist", "insists", "has to", "have to", "should",
            "calls for", "call for",
        ),
    ),
    (
        "commitment",
        (
            "will", "commit", "commits", "committed", "pledge", "pledges", "pledged", "promise",
            "promised", "ready to", "prepared to", "agreed to", "we are going to",
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Statement:
    """One item of evidence: a statement by an actor, or a fact stated by the article.

    ``quote`` is verbatim in the article's text (``article.text[start:end] == quote``);
    ``sentence`` is the sentence around it; ``issues`` are issue ids found in the sentence.
    """

    kind: Kind
    quote: str
    sentence: str
    article: str
    start: int
    speaker: str | None = None
    actor: str | None = None
    issues: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()

    @property
    def end(self) -> int:
        return self.start + len(self.quote)


def _kind(words: str) -> Kind:
    low = f" {words.lower()} "
    for kind, cues in _CUES:
        if any(re.search(rf"\b{re.escape(cue)}\b", low) for cue in cues):
            return kind
    return "position"


def _verbs(sentence: Any) -> list[Any]:
    return [t for t in sentence if t.text.lower() in _VERBS]


def _outside(start: int, quotes: list[tuple[int, int]]) -> bool:
    """Whether the character at ``start`` lies outside every quoted span."""
    return not any(a <= start < b for a, b in quotes)


def _speaker(
    sentence: Any, names: list[Match], quotes: list[tuple[int, int]]
) -> tuple[Match | None, bool]:
    """The name that is the subject of a reporting verb outside the quotes (or follows it);
    and whether a pronoun ("he said") spoke instead."""
    doc = sentence.doc
    verbs = [v for v in _verbs(sentence) if _outside(v.idx, quotes)]
    free = [m for m in names if _outside(m.start, quotes)]
    if not verbs:
        # 'Zelensky: "..."' -- a quote with one name beside it and no verb.
        return (free[0] if quotes and len(free) == 1 else None), False
    for verb in verbs:
        near = []
        for m in free:
            span = doc.char_span(m.start, m.end)
            if span is None:
                continue
            if span.end <= verb.i and verb.i - span.end < _NEAR_BEFORE:
                near.append((verb.i - span.end, m))
            elif span.start > verb.i and span.start - verb.i <= _NEAR_AFTER:
                near.append((span.start - verb.i, m))
        if near:
            return min(near, key=lambda t: t[0])[1], False
        if any(doc[k].text in _PRONOUNS for k in range(max(verb.i - 2, 0), verb.i + 2)):
            return None, True
    return None, False


def _verb_kind(sentence: Any) -> Kind | None:
    for verb in _verbs(sentence):
        kind = _VERB_KINDS.get(verb.text.lower())
        if kind is not None:
            return kind
    return None


def _reported(sentence: Any, speaker: Match) -> tuple[int, int] | None:
    """The clause after the speaker's reporting verb (after "that" when present)."""
    for verb in _verbs(sentence):
        if verb.idx < speaker.end or verb.text.lower() == "according":
            continue
        after = verb.i + 1
        # "said in November that ...": the clause starts after a nearby "that".
        for k in range(after, min(after + 4, sentence.end)):
            if sentence.doc[k].text.lower() == "that":
                after = k + 1
                break
        if after >= sentence.end - 1:
            return None
        start = sentence.doc[after].idx
        end = sentence.end_char
        last = sentence.doc[sentence.end - 1]
        if last.text in {".", "!", "?"}:
            end = last.idx
        return start, end
    return None


def extract_statements(article: Article, pipeline: Pipeline) -> list[Statement]:
    """Every statement and stated fact of ``article``, in reading order."""
    out: list[Statement] = []
    previous: Match | None = None
    text = article.text
    for sentence in pipeline.sentences(text):
        names = pipeline.names(sentence)
        issues = tuple(dict.fromkeys(m.key for m in pipeline.terms(sentence)))
        mentioned = tuple(dict.fromkeys(m.key for m in names))
        base = sentence.start_char
        quotes = [(base + q.start(1), base + q.end(1)) for q in _QUOTE.finditer(sentence.text)]
        speaker, by_pronoun = _speaker(sentence, names, quotes)
        if by_pronoun:
            speaker = previous
        spans: Iterable[tuple[int, int]] = quotes
        if not quotes and speaker is not None and not by_pronoun:
            clause = _reported(sentence, speaker)
            spans = [clause] if clause else []
        made = False
        for a, b in spans:
            quote = text[a:b].strip(" ,\n")
            a = text.index(quote, a)
            kind = _kind(quote)
            # The verb ("demands", "rejects") says more than weak cues in the words it reports.
            if kind not in ("conditional", "rejection") and speaker is not None:
                kind = _verb_kind(sentence) or kind
            stmt = Statement(
                kind=kind,
                quote=quote,
                sentence=sentence.text.strip(),
                article=article.name,
                start=a,
                speaker=speaker.text if speaker else None,
                actor=speaker.key if speaker else None,
                issues=issues,
                mentioned=mentioned,
            )
            if speaker is None:
                stmt = replace(stmt, kind="fact")
            out.append(stmt)
            made = True
        if speaker is not None:
            previous = speaker
        if not made and issues:
            words = sentence.text.strip()
            out.append(
                Statement(
                    kind="fact",
                    quote=words,
                    sentence=words,
                    article=article.name,
                    start=text.index(words, sentence.start_char),
                    issues=issues,
                    mentioned=mentioned,
                )
            )
    return out
