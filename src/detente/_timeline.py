"""How the forecasts moved across a scenario's dated versions, and which edits moved them.

For each version (oldest first): the compromise forecast per issue, P(deterrence) per guarantee
package, and the deal check's P(deal) with P(accept) and P(viable) per guarantee package (its
viability rows). Each shift between two versions is attributed to that version's edits by
re-running the previous version with one edit at a time: an edit's contribution is the change
it alone makes. Edits are the smallest units of a scenario that carry numbers (an actor's stance
on one issue, an actor's capability or veto, an issue's scale or status quo, a guarantee
package, a part of the no-deal path, a red line, the linked offers, a named text); changes to
notes, sources and descriptions move nothing and are not edits."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._forecast import forecast
from ._history import Version, versions
from .deal import check_deal
from .errors import ScenarioError
from .guarantees import assess_guarantees
from .scenario import Scenario, parse_scenario

__all__ = ["Edit", "Point", "Shift", "Timeline", "diff_edits", "timeline", "timeline_of"]

# Draws of each P(deterrence); the same seed for every version, so differences are the edits'.
GUARANTEE_DRAWS = 4000
_TEXT = {"note", "source", "sources", "description", "name", "title", "quote"}
_SHOWN = 3  # largest contributions named per shift
_BY_ID = ("issues", "actors", "guarantees", "proposals", "sources")  # lists of items with ids


@dataclass(frozen=True)
class Edit:
    """One change between two versions: where (``actors[russia].issues[GUAR]``) and the values."""

    where: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Point:
    """The forecasts of one version."""

    label: str
    as_of: str | None
    note: str
    metrics: dict[str, float]


@dataclass(frozen=True)
class Shift:
    """How one metric moved into a version, and the edits that moved it most."""

    label: str
    metric: str
    before: float
    after: float
    contributions: tuple[tuple[str, float], ...]

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Timeline:
    """Points (one per version) and the attributed shifts between them."""

    scenario_id: str
    points: tuple[Point, ...]
    shifts: tuple[Shift, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "points": [
                {"label": p.label, "as_of": p.as_of, "note": p.note, "metrics": p.metrics}
                for p in self.points
            ],
            "shifts": [
                {
                    "version": s.label,
                    "metric": s.metric,
                    "before": s.before,
                    "after": s.after,
                    "contributions": [{"edit": e, "change": c} for e, c in s.contributions],
                }
                for s in self.shifts
            ],
        }


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _TEXT}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


def _keyed(raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` with its lists of items that have ids turned into dicts by id."""
    return {k: _by_id(v) if k in _BY_ID else v for k, v in raw.items()}


def _path(where: str) -> list[str]:
    """``actors[russia].issues[GUAR]`` -> ``['actors', 'russia', 'issues', 'GUAR']``."""
    return re.findall(r"[^.\[\]]+", where)


def diff_edits(old: Scenario, new: Scenario) -> list[Edit]:
    """The edits that turn ``old`` into ``new``, ignoring text (notes, sources, descriptions).

    >>> from detente.scenario import load_scenario
    >>> old, new = load_scenario("ukraine-2026@2026-01-06"), load_scenario("ukraine-2026")
    >>> [e.where for e in diff_edits(old, new)][:2]
    ['actors[russia].issues[GUAR]', 'actors[united_states].issues[TERR]']
    """
    a = _keyed(_strip(old.model_dump(mode="json")))
    b = _keyed(_strip(new.model_dump(mode="json")))
    edits: list[Edit] = []

    def add(where: str, x: Any, y: Any) -> None:
        if x != y:
            edits.append(Edit(where, x, y))

    def each(where: str, x: dict[str, Any], y: dict[str, Any]) -> None:
        for key in dict.fromkeys([*x, *y]):
            add(f"{where}[{key}]", x.get(key), y.get(key))

    each("issues", a["issues"], b["issues"])
    before, after = a["actors"], b["actors"]
    for key in dict.fromkeys([*before, *after]):
        x, y = before.get(key), after.get(key)
        if x is None or y is None:
            add(f"actors[{key}]", x, y)
            continue
        each(f"actors[{key}].issues", x["issues"], y["issues"])
        for name in dict.fromkeys([*x, *y]):
            if name != "issues":
                add(f"actors[{key}].{name}", x.get(name), y.get(name))
    each("guarantees", a["guarantees"], b["guarantees"])
    # The deal question: the no-deal path by part (per issue, per actor's yearly cost), each
    # red line, the linked offers as one set (they have no ids), each named text.
    x, y = a.get("no_deal"), b.get("no_deal")
    if x is None or y is None:
        add("no_deal", x, y)
    else:
        for name in dict.fromkeys([*x, *y]):
            if name in ("issues", "yearly_cost"):
                each(f"no_deal.{name}", x.get(name) or {}, y.get(name) or {})
            else:
                add(f"no_deal.{name}", x.get(name), y.get(name))
    x, y = a.get("red_lines") or {}, b.get("red_lines") or {}
    for actor in dict.fromkeys([*x, *y]):
        each(f"red_lines[{actor}]", x.get(actor) or {}, y.get(actor) or {})
    add("conditions", a.get("conditions"), b.get("conditions"))
    each("proposals", a.get("proposals") or {}, b.get("proposals") or {})
    add("model_parameters", a.get("model_parameters"), b.get("model_parameters"))
    return edits


_MISSING = object()


def _apply(old: Scenario, new: Scenario, edit: Edit) -> Scenario | None:
    """``old`` with the part ``edit`` names taken from ``new``; None if that alone is unsound."""
    raw = _keyed(old.model_dump(mode="json", exclude_defaults=True))
    full = _keyed(new.model_dump(mode="json", exclude_defaults=True))
    # The edit's numbers cite the new version's sources: bring them all (text moves nothing).
    raw["sources"] = raw.get("sources", {}) | full.get("sources", {})
    *parents, last = _path(edit.where)
    value: Any = full
    for key in [*parents, last]:
        value = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
    target = raw
    for key in parents:
        target = target.setdefault(key, {})
    if value is _MISSING:
        target.pop(last, None)
    else:
        target[last] = copy.deepcopy(value)
    return _parse({k: list(v.values()) if k in _BY_ID else v for k, v in raw.items()})


def _parse(raw: dict[str, Any]) -> Scenario | None:
    try:
        return parse_scenario(raw)
    except ScenarioError:
        return None


def _metrics(s: Scenario, *, deal: bool) -> dict[str, float]:
    out = {f"compromise {k}": v for k, v in forecast(s, "compromise").outcomes.items()}
    for pkg in s.guarantees:
        a = assess_guarantees(s, pkg.id, draws=GUARANTEE_DRAWS, seed=0, sensitivity=False)
        out[f"P(deterrence) {pkg.id}"] = a.p_deterrence
    if deal:
        report = check_deal(s).to_json()
        out["P(deal)"] = float(report["p_deal"])
        for row in report["viability"]:
            out[f"P(accept) {row['package']}"] = float(row["p_accept"])
            out[f"P(viable) {row['package']}"] = float(row["p_viable"])
    return out


def timeline(scenario: str, *, db: str | None = None, deal: bool = True) -> Timeline:
    """How the forecasts of ``scenario`` moved across its dated versions, and why.

    The versions are the built-in dates (``ukraine-2026@2026-01-06``, ``ukraine-2026``) or, with
    ``db``, those stored under that name or id. ``deal=False`` leaves out the deal check (it takes
    a few seconds per version).

    >>> t = timeline("ukraine-2026", deal=False)
    >>> [p.as_of for p in t.points]
    ['2026-01-06', '2026-02-26']
    """
    return timeline_of(versions(scenario, db=db), deal=deal)


def timeline_of(history: Sequence[Version], *, deal: bool = True) -> Timeline:
    """Forecasts across ``history`` (oldest first) with each shift attributed to its edits."""
    ordered = sorted(history, key=lambda v: (v.scenario.as_of is None, v.scenario.as_of))
    points: list[Point] = []
    shifts: list[Shift] = []
    previous: tuple[Version, dict[str, float]] | None = None
    for version in ordered:
        metrics = _metrics(version.scenario, deal=deal)
        as_of = version.scenario.as_of.isoformat() if version.scenario.as_of else None
        points.append(Point(version.label, as_of, version.note, metrics))
        if previous is not None:
            shifts += _attribute(previous[0].scenario, version, previous[1], metrics, deal=deal)
        previous = (version, metrics)
    return Timeline(ordered[-1].scenario.id, tuple(points), tuple(shifts))


def _attribute(
    old: Scenario,
    version: Version,
    before: dict[str, float],
    after: dict[str, float],
    *,
    deal: bool,
) -> list[Shift]:
    moved = [m for m in after if m in before and abs(after[m] - before[m]) > 1e-9]
    if not moved:
        return []
    needs_deal = deal and any(not m.startswith(("compromise", "P(deterrence)")) for m in moved)
    alone: dict[str, dict[str, float] | None] = {}
    for edit in diff_edits(old, version.scenario):
        one = _apply(old, version.scenario, edit)
        alone[edit.where] = None if one is None else _metrics(one, deal=needs_deal)
    out = []
    for m in moved:
        parts = [
            (where, values[m] - before[m])
            for where, values in alone.items()
            if values is not None and m in values and abs(values[m] - before[m]) > 1e-9
        ]
        parts.sort(key=lambda t: -abs(t[1]))
        out.append(Shift(version.label, m, before[m], after[m], tuple(parts[:_SHOWN])))
    return out
