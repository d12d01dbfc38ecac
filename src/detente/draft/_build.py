"""A draft scenario (``status: draft``) from an extraction: every number marked for review.

Layout of a draft: one source per article; the issues found (the lexicon's, or with ``into`` the
scenario's own); the actors who speak or are named beside an issue. Every actor gets a stance on
every issue so the draft is well formed: a position placed on an anchor where the actor's own
words match it (a range of ±20% of the scale, [I]), else the whole scale ("not placed", [I]);
saliences and capabilities are wide [I] ranges. The statements themselves, with their verbatim
quotes, are in the notes ([F]: the article says so).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from ..errors import ArticleError
from ..scenario import Scenario, parse_scenario
from ._article import Article, iso_date
from ._extract import Extraction, Placement, extract, issue_name
from ._statements import Statement

__all__ = ["draft_scenario", "evidence", "scenario_actor", "wide_range"]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return (slug if len(slug) <= 60 else slug[:61].rsplit("-", 1)[0]) or "draft"


def evidence(statement: Statement, source: str) -> str:
    """One statement as a line of a note: ``[F] Zelensky (rejection): "..." (NEWS1)``."""
    who = f"{statement.speaker} ({statement.kind})" if statement.speaker else "the article"
    return f'[F] {who}: "{statement.quote}" ({source})'


def scenario_actor(extraction: Extraction, actor: str, into: Scenario | None) -> str:
    """The id ``actor`` (a gazetteer id) has in ``into``: same id, or a name it is part of."""
    if into is None or actor in into.actor_ids:
        return actor
    entry = extraction.gazetteer.entries[actor]
    for a in into.actors:
        for name in (entry.name, *entry.names):
            if re.search(rf"\b{re.escape(name)}\b", a.name):
                return a.id
    return actor


def _as_of(articles: Sequence[Article]) -> str | None:
    dates = [d for a in articles if (d := iso_date(a.date)) is not None]
    return max(dates).isoformat() if dates else None


def wide_range(low: float, mode: float, high: float, source: str, note: str) -> dict[str, Any]:
    """A triangular range in the file format, citing ``source``, with its note."""
    return {"low": low, "mode": mode, "high": high, "source": source, "note": note}


def draft_scenario(
    articles: Extraction | Sequence[Article], *, into: Scenario | None = None
) -> Scenario:
    """A ``status: draft`` scenario from articles (or a finished extraction)."""
    ex = articles if isinstance(articles, Extraction) else extract(articles, into=into)
    issue_ids = list(dict.fromkeys(i for s in ex.statements for i in s.issues))
    if not issue_ids:
        raise ArticleError(
            "no issue found in the articles: no sentence uses a term of the lexicon; add terms "
            "with --lexicon FILE (see docs/news.md)"
        )
    said: dict[str, list[Statement]] = {}
    for s in ex.statements:
        for actor in ([s.actor] if s.actor else []) + [m for m in s.mentioned if s.issues]:
            said.setdefault(scenario_actor(ex, actor, into), [])
        if s.actor:
            said[scenario_actor(ex, s.actor, into)].append(s)
    if not said:
        raise ArticleError(
            "no actor found in the articles: no name of the gazetteer appears beside an issue; "
            "add names with --gazetteer FILE (see docs/news.md)"
        )
    first = ex.articles[0]
    first_source = ex.sources[first.name].id
    facts = [s for s in ex.statements if s.kind == "fact"]
    issues = []
    for issue_id in issue_ids:
        lex = ex.lexicon.issues[issue_id]
        notes = [evidence(f, ex.source_of(f)) for f in facts if issue_id in f.issues]
        entry: dict[str, Any] = {"id": issue_id, "name": issue_name(lex)}
        if lex.issue is not None:
            # Its scale and anchors, not its status quo: that cites the scenario, not the news.
            entry = lex.issue.model_dump(mode="json", exclude_defaults=True)
            entry.pop("status_quo", None)
        entry["description"] = "\n".join(notes)
        issues.append(entry)
    scales = {i["id"]: ex.lexicon.issues[i["id"]] for i in issues}
    actors = []
    for actor_id, statements in said.items():
        known = ex.gazetteer.entries.get(actor_id)
        name = known.name if known else (into.actor(actor_id).name if into else actor_id)
        source = ex.source_of(statements[0]) if statements else first_source
        stances: dict[str, Any] = {}
        for issue_id in issue_ids:
            on = [s for s in statements if issue_id in s.issues]
            lines = [evidence(s, ex.source_of(s)) for s in on]
            where = ex.source_of(on[0]) if on else source
            placed: list[tuple[Statement, Placement]] = [
                (s, p) for s in on if (p := ex.placement(s, issue_id)) is not None
            ]
            lex = scales[issue_id]
            lo, hi = (lex.issue.scale.min, lex.issue.scale.max) if lex.issue else (0.0, 100.0)
            if placed:
                s, p = placed[-1]  # the latest words count
                position = wide_range(
                    p.low,
                    p.anchor.value,
                    p.high,
                    ex.source_of(s),
                    f"[I] placed at the anchor '{p.anchor.label}' (shared words: "
                    f"{', '.join(p.shared)}); needs review. " + " ".join(lines),
                )
            else:
                position = wide_range(
                    lo,
                    (lo + hi) / 2,
                    hi,
                    where,
                    "[I] not placed: no anchor's words match; needs review. " + " ".join(lines),
                )
            stances[issue_id] = {
                "position": position,
                "salience": wide_range(20, 50, 80, where, "[I] not in the article; needs review"),
            }
        actors.append(
            {
                "id": actor_id,
                "name": name,
                "description": "\n".join(evidence(s, ex.source_of(s)) for s in statements),
                "capability": wide_range(
                    10, 50, 90, source, "[I] not in the article: estimate the actor's clout"
                ),
                "issues": stances,
            }
        )
    quotes = {a.name: [s.quote for s in ex.statements if s.article == a.name] for a in ex.articles}
    sources = [
        {
            **ex.sources[a.name].model_dump(mode="json", exclude_none=True),
            **({"quote": "; ".join(f'"{q}"' for q in quotes[a.name])} if quotes[a.name] else {}),
        }
        for a in ex.articles
    ]
    raw: dict[str, Any] = {
        "id": _slug(first.title),
        "title": f"Draft: {first.title}",
        "status": "draft",
        "description": (
            f"Drafted by `detente draft` from {len(ex.articles)} article(s). Every number is an "
            "inference [I] to review; the notes quote the articles verbatim [F]."
        ),
        "sources": sources,
        "issues": issues,
        "actors": actors,
    }
    if (as_of := _as_of(ex.articles)) is not None:
        raw["as_of"] = as_of
    return parse_scenario(raw)
