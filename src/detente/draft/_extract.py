"""One extraction over several articles: statements, the sources they cite, and placements.

The engine is the offline rules (:mod:`._statements`) unless an OpenAI-compatible endpoint is
given (:mod:`._llm`); either way every quote is checked to be verbatim in its article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..scenario import Anchor, Scenario, Source
from ._article import Article
from ._gazetteer import Gazetteer, load_gazetteer
from ._lexicon import Lexicon, LexiconIssue, load_lexicon
from ._nlp import Pipeline, make_pipeline
from ._statements import Statement, extract_statements

__all__ = ["Extraction", "LlmEngine", "Placement", "extract"]

# An anchor is read into a statement only when this many meaningful words are shared with it,
# and no other anchor of the issue shares as many: fewer matches too often by chance.
MIN_SHARED_WORDS = 3
# Half-width of the range around a placed anchor, in % of the scale: wide on purpose, since a
# placement is an inference [I] from words, not a measurement.
HALF_WIDTH = 20.0


@dataclass(frozen=True)
class LlmEngine:
    """The optional engine: an OpenAI-compatible chat endpoint and a model name."""

    url: str
    model: str
    timeout: float = 120.0


@dataclass(frozen=True)
class Placement:
    """A statement read as a position on an issue's scale, from an anchor's words."""

    issue: str
    anchor: Anchor
    low: float
    high: float
    shared: tuple[str, ...]


@dataclass(frozen=True)
class Extraction:
    """What a set of articles says: statements (each citing ``sources[article]``), and more."""

    articles: tuple[Article, ...]
    sources: dict[str, Source]
    statements: tuple[Statement, ...]
    gazetteer: Gazetteer
    lexicon: Lexicon
    pipeline: Pipeline
    dropped: tuple[str, ...] = field(default=())

    def source_of(self, statement: Statement) -> str:
        return self.sources[statement.article].id

    def placement(self, statement: Statement, issue_id: str) -> Placement | None:
        """Where ``statement`` puts its actor on ``issue_id``, if an anchor's words match.

        Rejections and facts are never placed: refusing an anchor's words says where the actor
        is not, and a fact says nothing about a stance.
        """
        lex = self.lexicon.issues.get(issue_id)
        if lex is None or lex.issue is None or statement.kind in ("rejection", "fact"):
            return None
        words = self.pipeline.content_words(statement.quote)
        scored = sorted(
            (
                (len(words & self.pipeline.content_words(a.label)), k, a)
                for k, a in enumerate(lex.issue.scale.anchors)
            ),
            key=lambda t: (-t[0], t[1]),
        )
        if not scored or scored[0][0] < MIN_SHARED_WORDS:
            return None
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            return None
        anchor = scored[0][2]
        scale = lex.issue.scale
        half = HALF_WIDTH * (scale.max - scale.min) / 100.0
        shared = tuple(sorted(words & self.pipeline.content_words(anchor.label)))
        return Placement(
            issue_id,
            anchor,
            max(scale.min, anchor.value - half),
            min(scale.max, anchor.value + half),
            shared,
        )


def _source_ids(articles: Sequence[Article], taken: set[str]) -> dict[str, Source]:
    out: dict[str, Source] = {}
    k = 0
    for article in articles:
        k += 1
        while f"NEWS{k}" in taken:
            k += 1
        out[article.name] = Source(
            id=f"NEWS{k}",
            title=article.title,
            publisher=article.publisher,
            url=article.url,
            date=article.date,
        )
    return out


def _verbatim(statement: Statement, article: Article) -> bool:
    return article.text[statement.start : statement.end] == statement.quote


def extract(
    articles: Sequence[Article],
    *,
    into: Scenario | None = None,
    gazetteer: str | Path | None = None,
    lexicon: str | Path | None = None,
    llm: LlmEngine | None = None,
) -> Extraction:
    """Statements of ``articles`` with the rules (or ``llm``), against ``into``'s issues if given.

    >>> from detente.draft import parse_article
    >>> a = parse_article(b'"We will never give up Crimea," said Zelensky.', name="a.txt")
    >>> s = extract([a]).statements[0]
    >>> s.kind, s.actor, s.speaker, s.issues, s.quote
    ('rejection', 'ukraine', 'Zelensky', ('crimea',), 'We will never give up Crimea')
    """
    gaz = load_gazetteer(gazetteer)
    lex = load_lexicon(lexicon, into=into)
    pipeline = make_pipeline(gaz.names(), lex.terms())
    taken = {s.id for s in into.sources} if into is not None else set()
    sources = _source_ids(articles, taken)
    statements: list[Statement] = []
    dropped: list[str] = []
    for article in articles:
        if llm is None:
            found = extract_statements(article, pipeline)
        else:
            from ._llm import llm_statements

            found, lost = llm_statements(article, llm, gaz, lex, pipeline)
            dropped += lost
        statements += [s for s in found if _verbatim(s, article)]
    return Extraction(
        tuple(articles), sources, tuple(statements), gaz, lex, pipeline, tuple(dropped)
    )


def issue_name(lex: LexiconIssue) -> str:
    return lex.issue.name if lex.issue is not None else lex.name


def short(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut at a word with an ellipsis when longer than ``limit``."""
    one = re.sub(r"\s+", " ", text).strip()
    return one if len(one) <= limit else one[: limit - 1].rsplit(" ", 1)[0] + "…"
