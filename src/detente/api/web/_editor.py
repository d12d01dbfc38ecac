"""The scenario editor's grid: a scenario as form rows, and a form back into a scenario."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ...errors import Problem, ScenarioError
from ...scenario import Quantity, Scenario, read_yaml

__all__ = ["Cell", "apply_form", "grid"]


@dataclass(frozen=True)
class Cell:
    """One actor × issue cell of the grid (``None`` where the actor takes no part)."""

    key: str
    low: float
    mode: float
    high: float
    salience: float
    sources: str


def _sources(*quantities: Quantity | None) -> str:
    ids = sorted({s for q in quantities if q is not None for s in q.source})
    return ", ".join(ids)


def grid(scenario: Scenario) -> list[tuple[Any, list[Cell | None]]]:
    """Rows of (actor, cells per issue) for the editor."""
    rows = []
    for a, actor in enumerate(scenario.actors):
        cells: list[Cell | None] = []
        for d, issue in enumerate(scenario.issues):
            stance = actor.issues.get(issue.id)
            if stance is None:
                cells.append(None)
                continue
            p = stance.position
            cells.append(
                Cell(
                    f"{a}.{d}",
                    p.low,
                    p.mode,
                    p.high,
                    stance.salience.mode,
                    _sources(p, stance.salience),
                )
            )
        rows.append((actor, cells))
    return rows


def _number(form: Mapping[str, str], name: str, where: str, problems: list[Problem]) -> float:
    text = (form.get(name) or "").strip()
    try:
        return float(text)
    except ValueError:
        problems.append(Problem("not_a_number", where, f"expected a number; got '{text}'", text))
        return float("nan")


def _quantity(old: Quantity, low: float, mode: float, high: float) -> dict[str, Any]:
    out: dict[str, Any] = {"low": low, "mode": mode, "high": high}
    if old.source:
        out["source"] = list(old.source)
    if old.note:
        out["note"] = old.note
    return out


def apply_form(scenario: Scenario, form: Mapping[str, str]) -> tuple[Scenario, str]:
    """The scenario with the grid's values, checked like a file, and its YAML text.

    Field names: ``pos_low|pos|pos_high|sal:A.D`` (actor and issue index), ``cap:A``,
    ``veto:A``. Sources and notes of edited numbers are kept. Raises :class:`ScenarioError`.
    """
    data = scenario.model_dump(mode="json")
    problems: list[Problem] = []
    for a, actor in enumerate(scenario.actors):
        raw_actor = data["actors"][a]
        where_actor = f"actors[{actor.id}]"
        raw_actor["veto"] = form.get(f"veto:{a}") == "on"
        if actor.capability is not None and f"cap:{a}" in form:
            c = actor.capability
            value = _number(form, f"cap:{a}", f"{where_actor}.capability", problems)
            if value != c.mode:
                point = c.low == c.mode == c.high
                raw_actor["capability"] = _quantity(
                    c, value if point else c.low, value, value if point else c.high
                )
        for d, issue in enumerate(scenario.issues):
            stance = actor.issues.get(issue.id)
            key = f"{a}.{d}"
            if stance is None or f"pos:{key}" not in form:
                continue
            where = f"{where_actor}.issues[{issue.id}]"
            low = _number(form, f"pos_low:{key}", f"{where}.position", problems)
            mode = _number(form, f"pos:{key}", f"{where}.position", problems)
            high = _number(form, f"pos_high:{key}", f"{where}.position", problems)
            raw = raw_actor["issues"][issue.id]
            if (low, mode, high) != (
                stance.position.low,
                stance.position.mode,
                stance.position.high,
            ):
                raw["position"] = _quantity(stance.position, low, mode, high)
            sal = _number(form, f"sal:{key}", f"{where}.salience", problems)
            s = stance.salience
            if sal != s.mode:
                point = s.low == s.mode == s.high
                raw["salience"] = _quantity(
                    s, sal if point else s.low, sal, sal if point else s.high
                )
    if problems:
        raise ScenarioError(problems, source=scenario.id)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return read_yaml(text, file=f"{scenario.id}.yaml"), text


_CELL = re.compile(r"actors\[([^\]]+)\](?:\.issues\[([^\]]+)\])?")


def problem_cells(error: ScenarioError, scenario: Scenario) -> dict[str, list[str]]:
    """Grid keys (``A.D`` or ``A``) → messages, for showing problems in their cells."""
    actors = {actor.id: a for a, actor in enumerate(scenario.actors)}
    issues = {issue.id: d for d, issue in enumerate(scenario.issues)}
    out: dict[str, list[str]] = {}
    for p in error.problems:
        found = _CELL.search(p.location)
        if not found or found.group(1) not in actors:
            continue
        a = actors[found.group(1)]
        key = f"{a}.{issues[found.group(2)]}" if found.group(2) in issues else str(a)
        out.setdefault(key, []).append(p.message)
    return out
