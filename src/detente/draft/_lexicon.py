"""Which words put a sentence on which issue: the shipped lexicon, a user file, a scenario.

With a scenario (``--into``), each lexicon issue is mapped to the scenario issue whose name
(counted twice) and description share most of its terms, and the scenario's issues bring their
scales and worded anchors, which are what placements are read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import ArticleError
from ..scenario import Issue, Scenario

__all__ = ["Lexicon", "LexiconIssue", "load_lexicon"]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    terms: list[str] = []


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issues: list[_Entry]


@dataclass(frozen=True)
class LexiconIssue:
    """An issue, the terms that signal it, and (from a scenario) its full definition."""

    id: str
    name: str
    terms: tuple[str, ...]
    issue: Issue | None = None


@dataclass(frozen=True)
class Lexicon:
    """Issues by id, and which lexicon ids were folded into which scenario issue."""

    issues: dict[str, LexiconIssue]
    mapped: dict[str, str] = field(default_factory=dict)

    def terms(self) -> dict[str, str]:
        return {t: i.id for i in self.issues.values() for t in i.terms}


def _read(text: str, where: str) -> list[_Entry]:
    try:
        return _File.model_validate(yaml.safe_load(text)).issues
    except yaml.YAMLError as exc:
        raise ArticleError(f"{where}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ArticleError(
            f"{where}: {loc}: {first['msg']}; expected `issues:` with {{id, name, terms}}"
        ) from None


def _hits(terms: tuple[str, ...], text: str) -> int:
    return sum(bool(re.search(rf"\b{re.escape(t)}\b", text, re.IGNORECASE)) for t in terms)


def load_lexicon(extra: str | Path | None = None, *, into: Scenario | None = None) -> Lexicon:
    """The shipped lexicon, then ``extra`` (a user file), then folded into ``into``'s issues.

    >>> from detente.scenario import load_scenario
    >>> lex = load_lexicon(into=load_scenario("ukraine-2026"))
    >>> lex.mapped["nuclear_plant"], lex.mapped["crimea"], lex.terms()["Sevastopol"]
    ('ZNPP', 'CRIM', 'CRIM')
    """
    shipped = (resources.files("detente.draft") / "data" / "lexicon.yaml").read_text("utf-8")
    entries = _read(shipped, "lexicon.yaml (shipped)")
    if extra is not None:
        p = Path(extra)
        if not p.is_file():
            raise ArticleError(f"{extra}: no such lexicon file")
        entries += _read(p.read_text(encoding="utf-8"), str(extra))
    issues: dict[str, LexiconIssue] = {}
    for e in entries:
        old = issues.get(e.id)
        terms = (*(old.terms if old else ()), *e.terms)
        issues[e.id] = LexiconIssue(e.id, e.name, tuple(dict.fromkeys(terms)))
    if into is None:
        return Lexicon(issues)
    folded: dict[str, LexiconIssue] = {i.id: LexiconIssue(i.id, i.name, (), i) for i in into.issues}
    mapped: dict[str, str] = {}
    for lex in issues.values():
        scores = {
            i.id: 2 * _hits(lex.terms, i.name) + _hits(lex.terms, i.description)
            for i in into.issues
        }
        best = max(scores, key=lambda k: scores[k], default=None)
        if best is None or scores[best] == 0:
            folded[lex.id] = lex
            continue
        mapped[lex.id] = best
        target = folded[best]
        folded[best] = LexiconIssue(
            best, target.name, tuple(dict.fromkeys(target.terms + lex.terms)), target.issue
        )
    return Lexicon(folded, mapped)
