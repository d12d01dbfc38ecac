"""Proposed changes to a scenario from the news, each with its evidence; applying the accepted.

Kinds of change:

- ``new_source``: the article itself, to cite;
- ``new_actor``: someone who speaks on the scenario's issues but is not in it (wide [I] ranges);
- ``position_moved``: an actor's words match an anchor outside its current position range;
- ``commitment``: an actor commits to something on an issue (a guarantee, a force): the
  quote is added to the actor's description as a documented fact [F].

A change cites its article, so accepting any change also adds that article's ``new_source``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import DetenteError
from ..scenario import Scenario, parse_scenario
from ._article import Article, iso_date
from ._build import evidence, scenario_actor, wide_range
from ._extract import Extraction, extract, short

__all__ = ["Change", "apply_changes", "propose_changes"]

ChangeKind = Literal["new_source", "new_actor", "position_moved", "commitment"]


@dataclass(frozen=True)
class Change:
    """One proposed change: where, what, why (verbatim quotes) and the new value."""

    id: str
    kind: ChangeKind
    target: str
    summary: str
    evidence: tuple[str, ...]
    source: str
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "target": self.target,
            "summary": self.summary,
            "evidence": list(self.evidence),
            "source": self.source,
            "value": self.value,
        }


def propose_changes(scenario: Scenario, articles: Extraction | Sequence[Article]) -> list[Change]:
    """The changes the articles suggest to ``scenario``, in order: sources first.

    >>> from detente.scenario import load_scenario
    >>> from detente.draft import parse_article
    >>> a = parse_article(b'"No new sanctions," Brazil said.', name="a.txt")
    >>> [(c.id, c.kind, c.target) for c in propose_changes(load_scenario("ukraine-2026"), [a])]
    [('C1', 'new_source', 'sources[NEWS1]'), ('C2', 'new_actor', 'actors[brazil]')]
    """
    ex = articles if isinstance(articles, Extraction) else extract(articles, into=scenario)
    out: list[tuple[ChangeKind, str, str, tuple[str, ...], str, Any]] = []
    for article in ex.articles:
        src = ex.sources[article.name]
        out.append(
            (
                "new_source",
                f"sources[{src.id}]",
                f"cite '{short(article.title, 80)}' ({src.date or 'undated'}) as {src.id}",
                (),
                src.id,
                src.model_dump(mode="json", exclude_none=True),
            )
        )
    new_actors: dict[str, dict[str, Any]] = {}
    for s in ex.statements:
        if s.actor is None:
            continue
        actor = scenario_actor(ex, s.actor, scenario)
        source = ex.source_of(s)
        line = evidence(s, source)
        on = [i for i in s.issues if i in scenario.issue_ids]
        if actor not in scenario.actor_ids:
            if not on:
                continue
            entry = new_actors.setdefault(actor, {"evidence": [], "issues": [], "source": source})
            entry["evidence"].append(line)
            entry["issues"] += [i for i in on if i not in entry["issues"]]
            continue
        for issue_id in on:
            stance = scenario.actor(actor).issues.get(issue_id)
            placed = ex.placement(s, issue_id)
            if stance is None or placed is None:
                continue
            current = stance.position
            if current.low <= placed.anchor.value <= current.high:
                continue
            out.append(
                (
                    "position_moved",
                    f"actors[{actor}].issues[{issue_id}].position",
                    f"{actor} on {issue_id}: from {current.low:g}–{current.high:g} (mode "
                    f"{current.mode:g}) to {placed.low:g}–{placed.high:g} around the anchor "
                    f"'{short(placed.anchor.label, 80)}'",
                    (line,),
                    source,
                    {
                        "low": placed.low,
                        "mode": placed.anchor.value,
                        "high": placed.high,
                        "source": source,
                        "note": f"[I] moved by the news; needs review. {line}",
                    },
                )
            )
        if s.kind == "commitment" and on:
            out.append(
                (
                    "commitment",
                    f"actors[{actor}].description",
                    f"{actor} commits on {', '.join(on)}",
                    (line,),
                    source,
                    line,
                )
            )
    for actor, entry in new_actors.items():
        g = ex.gazetteer.entries[actor]
        value = {
            "id": actor,
            "name": g.name,
            "description": "\n".join(entry["evidence"]),
            "capability": wide_range(10, 50, 90, entry["source"], "[I] estimate the actor's clout"),
            "issues": {
                i: {
                    "position": wide_range(
                        scenario.issue(i).scale.min,
                        (scenario.issue(i).scale.min + scenario.issue(i).scale.max) / 2,
                        scenario.issue(i).scale.max,
                        entry["source"],
                        "[I] not placed; needs review",
                    ),
                    "salience": wide_range(20, 50, 80, entry["source"], "[I] needs review"),
                }
                for i in entry["issues"]
            },
        }
        out.append(
            (
                "new_actor",
                f"actors[{actor}]",
                f"add {g.name} ({actor}), who speaks on {', '.join(entry['issues'])}",
                tuple(entry["evidence"]),
                entry["source"],
                value,
            )
        )
    return [Change(f"C{k}", *item) for k, item in enumerate(out, start=1)]


def apply_changes(scenario: Scenario, changes: Sequence[Change], accept: Iterable[str]) -> Scenario:
    """``scenario`` with the changes whose ids are in ``accept`` (and the sources they cite).

    Unknown ids are refused by name. The result passes every scenario check. Its ``as_of``
    moves to the latest date of the accepted articles when that is later: the scenario now
    knows what they said, which dates it on the timeline.
    """
    by_id = {c.id: c for c in changes}
    wanted = list(dict.fromkeys(accept))
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise DetenteError(
            f"no proposed change called {', '.join(unknown)}; the changes are "
            f"{', '.join(by_id) or '(none)'}"
        )
    chosen = [by_id[i] for i in wanted]
    cited = {c.source for c in chosen}
    chosen = [c for c in changes if c.kind == "new_source" and c.source in cited] + [
        c for c in chosen if c.kind != "new_source"
    ]
    raw = scenario.model_dump(mode="json", exclude_defaults=True)
    for c in chosen:
        if c.kind == "new_source":
            raw.setdefault("sources", []).append(c.value)
            date = iso_date(c.value.get("date"))
            if date is not None and (scenario.as_of is None or date > scenario.as_of):
                raw["as_of"] = max(date.isoformat(), raw.get("as_of") or "")
        elif c.kind == "new_actor":
            raw["actors"].append(c.value)
        else:
            actor = next(a for a in raw["actors"] if f"actors[{a['id']}]" in c.target)
            if c.kind == "commitment":
                actor["description"] = "\n".join(filter(None, [actor.get("description"), c.value]))
            else:
                issue = c.target.split(".issues[")[1].split("]")[0]
                actor["issues"][issue]["position"] = c.value
    return parse_scenario(raw)
