"""The scenario builder's form: a scenario's raw data as form fields, and a posted form back.

The form carries the whole scenario, so a draft (a case built from nothing, a row just added)
needs nothing stored. Each actor, issue and the scenario itself also carry their raw data as
loaded (hidden ``orig_*`` JSON fields): what the form does not show (ranges of saliences, notes
and sources of numbers) is kept from there, and a field left out of a post keeps its value.

Field names (``A``/``D``/``S`` are row indices of actors, issues, sources): ``meta:id|title|
description|as_of|status``; ``issue_id|issue_name|issue_desc|scale_min|scale_max|unit|anchors|sq|
no_deal:D``; ``actor_id|actor_name|actor_desc|cap|veto|nd_cost:A``; per cell ``pos_low|pos|
pos_high|sal|capi|walk|red_min|red_max|src|mark:A.D`` (a blank position: the actor takes no
part); ``source_id|title|publisher|url|date|quote:S``; ``nd_horizon``, ``nd_discount``; and YAML
text for ``yaml:guarantees|conditions|proposals|model_parameters``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import yaml

from ...errors import Problem, ScenarioError
from ...scenario import Scenario, dump_yaml, parse_scenario
from ...scenario._yaml_loader import load as load_yaml

__all__ = ["MARKS", "YAML_SECTIONS", "apply_form", "draft", "problem_cells", "view"]

Raw = dict[str, Any]
Form = Mapping[str, str]

# The evidence marks a value's note starts with: a documented fact, a team estimate, an
# inference made without a direct statement (the weakest).
MARKS = ("F", "E", "I")
# Sections whose nesting a table cannot show well: edited as YAML text, checked like a file.
YAML_SECTIONS = ("guarantees", "conditions", "proposals", "model_parameters")
_MARK = re.compile(r"^\[([FEI])\]\s*")


# --- quantities: compact raw values (95, {value: ...}, {low, mode, high}) <-> parts ------------


def _parts(value: Any) -> dict[str, Any] | None:
    """A raw quantity as low/mode/high/source/note (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return {"low": value, "mode": value, "high": value, "source": [], "note": None}
    mode = value.get("value", value.get("mode"))
    source = value.get("source", [])
    return {
        "low": value.get("low", mode),
        "mode": mode,
        "high": value.get("high", mode),
        "source": [source] if isinstance(source, str) else list(source),
        "note": value.get("note"),
    }


def _raw(parts: dict[str, Any]) -> Any:
    """Parts back to the compact raw form (a bare number when nothing else is said)."""
    extra = {k: parts[k] for k in ("source", "note") if parts.get(k)}
    if parts["low"] == parts["mode"] == parts["high"]:
        return {"value": parts["mode"], **extra} if extra else parts["mode"]
    return {"low": parts["low"], "mode": parts["mode"], "high": parts["high"], **extra}


def _number(text: str) -> float | str | None:
    """A cell's number; its text when it is not one (the checks then name the field)."""
    text = text.strip()
    if text.count(",") == 1 and "." not in text:  # a decimal comma (European keyboards)
        text = text.replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Fields:
    """The posted form read field by field; a field left out keeps its old value."""

    def __init__(self, form: Form) -> None:
        self.form = form

    def has(self, name: str) -> bool:
        return name in self.form

    def text(self, name: str, old: Any = "") -> Any:
        return self.form[name].strip() if name in self.form else old

    def point(self, name: str, old: Any) -> Any:
        """A value edited through its most likely value: a point stays a point, a range keeps
        its ends, sources and notes are kept."""
        if name not in self.form:
            return old
        value = _number(self.form[name])
        if value is None:
            return None
        parts = _parts(old)
        if parts is None:
            return value
        if value != parts["mode"]:
            point = parts["low"] == parts["mode"] == parts["high"]
            parts.update(
                mode=value,
                low=value if point else parts["low"],
                high=value if point else parts["high"],
            )
        return _raw(parts)

    def orig(self, name: str) -> Any:
        """The raw data a row was loaded with (hidden JSON field); {} for a new row."""
        text = self.form.get(name, "")
        try:
            value = json.loads(text) if text else {}
        except json.JSONDecodeError:
            value = {}
        return value if isinstance(value, dict) else {}


# --- the raw scenario as rows for the page ------------------------------------------------------


def _cell(stance: Raw | None, red: Raw | None) -> dict[str, str]:
    pos = _parts((stance or {}).get("position"))
    note = (pos or {}).get("note") or ""
    mark = _MARK.match(note)
    red = red or {}
    return {
        "pos_low": _text(pos and pos["low"]),
        "pos": _text(pos and pos["mode"]),
        "pos_high": _text(pos and pos["high"]),
        "sal": _text((_parts((stance or {}).get("salience")) or {}).get("mode")),
        "capi": _text((_parts((stance or {}).get("capability")) or {}).get("mode")),
        "walk": _text((_parts((stance or {}).get("walk_away")) or {}).get("mode")),
        "red_min": _text((_parts(red.get("min")) or {}).get("mode")),
        "red_max": _text((_parts(red.get("max")) or {}).get("mode")),
        "src": ", ".join((pos or {}).get("source", [])),
        "mark": mark.group(1) if mark else "",
    }


def view(raw: Raw) -> dict[str, Any]:
    """What the builder page shows, as text per field, from raw scenario data (a scenario's
    ``model_dump(mode="json")`` or a draft from :func:`draft`)."""
    no_deal = raw.get("no_deal") or {}
    nd_issues, nd_costs = no_deal.get("issues") or {}, no_deal.get("yearly_cost") or {}
    red_lines = raw.get("red_lines") or {}
    issues = []
    for issue in raw.get("issues") or []:
        scale = issue.get("scale") or {}
        anchors = "\n".join(
            f"{_text(a.get('value'))} = {a.get('label', '')}" for a in scale.get("anchors") or []
        )
        issues.append(
            {
                "orig": json.dumps({"issue": issue, "no_deal": nd_issues.get(issue.get("id"))}),
                "id": _text(issue.get("id")),
                "name": _text(issue.get("name")),
                "desc": _text(issue.get("description")),
                "min": _text(scale.get("min", 0.0)),
                "max": _text(scale.get("max", 100.0)),
                "unit": _text(scale.get("unit")),
                "anchors": anchors,
                "sq": _text((_parts(issue.get("status_quo")) or {}).get("mode")),
                "no_deal": _text((_parts(nd_issues.get(issue.get("id"))) or {}).get("mode")),
            }
        )
    actors = []
    for actor in raw.get("actors") or []:
        aid = actor.get("id")
        stances, reds = actor.get("issues") or {}, red_lines.get(aid) or {}
        keep = {"actor": actor, "red_lines": reds, "cost": nd_costs.get(aid)}
        actors.append(
            {
                "orig": json.dumps(keep),
                "id": _text(aid),
                "name": _text(actor.get("name")),
                "desc": _text(actor.get("description")),
                "cap": _text((_parts(actor.get("capability")) or {}).get("mode")),
                "veto": bool(actor.get("veto")),
                "nd_cost": _text((_parts(nd_costs.get(aid)) or {}).get("mode")),
                "cells": [
                    _cell(stances.get(i.get("id")), reds.get(i.get("id")))
                    for i in raw.get("issues") or []
                ],
            }
        )
    sections = {
        name: yaml.safe_dump(raw[name], sort_keys=False, allow_unicode=True, width=100)
        if raw.get(name)
        else ""
        for name in YAML_SECTIONS
    }
    rest = {k: v for k, v in no_deal.items() if k not in ("issues", "yearly_cost")}
    return {
        "meta": {k: _text(raw.get(k)) for k in ("id", "title", "description", "as_of")}
        | {"status": raw.get("status") or "reviewed"},
        "orig": json.dumps(
            {"no_deal": rest, "status": raw.get("status"), **{k: raw.get(k) for k in YAML_SECTIONS}}
        ),
        "issues": issues,
        "actors": actors,
        "sources": [
            {k: _text(s.get(k)) for k in ("id", "title", "publisher", "url", "date", "quote")}
            for s in raw.get("sources") or []
        ],
        "horizon": _text((_parts(no_deal.get("horizon_years")) or {}).get("mode")),
        "discount": _text((_parts(no_deal.get("discount")) or {}).get("mode")),
        "yaml": sections,
        "marks": MARKS,
    }


# --- a posted form back into raw data -----------------------------------------------------------


def _rows(form: Form, prefix: str) -> list[int]:
    """The row indices present in the form for fields ``prefix:N``, in order."""
    found = {int(k[len(prefix) + 1 :]) for k in form if re.fullmatch(rf"{prefix}:\d{{1,4}}", k)}
    return sorted(found)


def _anchors(text: str, problems: list[Problem], where: str) -> list[dict[str, Any]]:
    out = []
    # One anchor a line: labels quote texts, so they may hold ';' and '=' (split at the first).
    for piece in filter(None, (p.strip() for p in text.splitlines())):
        value, sep, label = piece.partition("=")
        number = _number(value)
        if not sep or not isinstance(number, float):
            problems.append(
                Problem(
                    "bad_anchor",
                    where,
                    f"write one anchor a line as 'value = label'; got '{piece[:60]}'",
                    piece[:60],
                )
            )
            continue
        out.append({"value": number, "label": label.strip()})
    return out


def _issues(f: _Fields, problems: list[Problem]) -> tuple[list[Raw], dict[str, Any]]:
    issues, no_deal = [], {}
    for d in _rows(f.form, "issue_id"):
        keep = f.orig(f"orig_issue:{d}")
        issue = dict(keep.get("issue") or {})
        issue["id"] = f.text(f"issue_id:{d}")
        issue["name"] = f.text(f"issue_name:{d}", issue.get("name", "")) or issue["id"]
        issue["description"] = f.text(f"issue_desc:{d}", issue.get("description", ""))
        scale = dict(issue.get("scale") or {})
        for key, name in (("min", "scale_min"), ("max", "scale_max")):
            value = _number(f.text(name + f":{d}", _text(scale.get(key, ""))))
            scale.pop(key, None) if value is None else scale.__setitem__(key, value)
        scale["unit"] = f.text(f"unit:{d}", scale.get("unit")) or None
        if f.has(f"anchors:{d}"):
            where = f"issues[{issue['id']}].scale.anchors"
            scale["anchors"] = _anchors(f.text(f"anchors:{d}"), problems, where)
        issue["scale"] = {k: v for k, v in scale.items() if v not in (None, [])}
        sq = f.point(f"sq:{d}", issue.get("status_quo"))
        issue.pop("status_quo", None) if sq is None else issue.__setitem__("status_quo", sq)
        value = f.point(f"no_deal:{d}", keep.get("no_deal"))
        if value is not None:
            no_deal[issue["id"]] = value
        issues.append(issue)
    return issues, no_deal


def _stance(f: _Fields, key: str, old: Raw | None) -> Raw | None:
    """One actor × issue cell; None when its position is blank (the actor takes no part)."""
    old = old or {}
    if f.has(f"pos:{key}") and not f.text(f"pos:{key}"):
        return None
    old_pos = _parts(old.get("position"))
    if not f.has(f"pos:{key}"):
        return old or None
    values = {end: _number(f.text(f"{name}:{key}")) for end, name in _POSITION}
    mode = values["mode"]
    parts = dict(old_pos or {"source": [], "note": None})
    parts.update(
        low=mode if values["low"] is None else values["low"],
        mode=mode,
        high=mode if values["high"] is None else values["high"],
    )
    if f.has(f"src:{key}"):
        parts["source"] = [s.strip() for s in f.text(f"src:{key}").split(",") if s.strip()]
    if f.has(f"mark:{key}"):
        rest = _MARK.sub("", parts.get("note") or "")
        mark = f.text(f"mark:{key}")
        parts["note"] = (f"[{mark}] {rest}".strip() if mark in MARKS else rest) or None
    stance: Raw = {k: v for k, v in old.items() if k != "position"}
    stance["position"] = _raw(parts)
    sal = f.point(f"sal:{key}", old.get("salience"))
    stance["salience"] = sal
    for name, field in (("capi", "capability"), ("walk", "walk_away")):
        value = f.point(f"{name}:{key}", old.get(field))
        stance.pop(field, None) if value is None else stance.__setitem__(field, value)
    return stance


_POSITION = (("low", "pos_low"), ("mode", "pos"), ("high", "pos_high"))


def _actors(f: _Fields, issue_ids: list[str]) -> tuple[list[Raw], dict[str, Any], dict[str, Any]]:
    # Cells are matched to an actor's old stances through each issue row's loaded id, so
    # renaming an issue keeps the ranges and notes on it.
    rows = _rows(f.form, "issue_id")
    old_ids = [(f.orig(f"orig_issue:{d}").get("issue") or {}).get("id") for d in rows]
    actors, red_lines, costs = [], {}, {}
    for a in _rows(f.form, "actor_id"):
        keep = f.orig(f"orig_actor:{a}")
        actor = dict(keep.get("actor") or {})
        old_stances, old_reds = actor.get("issues") or {}, keep.get("red_lines") or {}
        actor["id"] = f.text(f"actor_id:{a}")
        actor["name"] = f.text(f"actor_name:{a}", actor.get("name", "")) or actor["id"]
        actor["description"] = f.text(f"actor_desc:{a}", actor.get("description", ""))
        cap = f.point(f"cap:{a}", actor.get("capability"))
        actor.pop("capability", None) if cap is None else actor.__setitem__("capability", cap)
        actor["veto"] = f.form.get(f"veto:{a}") == "on"
        stances, reds = {}, {}
        for d, issue_id, old_id in zip(rows, issue_ids, old_ids, strict=True):
            key = f"{a}.{d}"
            stance = _stance(f, key, old_stances.get(old_id) if old_id else None)
            if stance is not None:
                stances[issue_id] = stance
            red = dict(old_reds.get(old_id) or {}) if old_id else {}
            for end in ("min", "max"):
                value = f.point(f"red_{end}:{key}", red.get(end))
                red.pop(end, None) if value is None else red.__setitem__(end, value)
            if red.get("min") is not None or red.get("max") is not None:
                reds[issue_id] = red
        actor["issues"] = stances
        if reds:
            red_lines[actor["id"]] = reds
        cost = f.point(f"nd_cost:{a}", keep.get("cost"))
        if cost is not None:
            costs[actor["id"]] = cost
        actors.append(actor)
    return actors, red_lines, costs


def _sources(f: _Fields) -> list[Raw]:
    sources = []
    for s in _rows(f.form, "source_id"):
        source = {"id": f.text(f"source_id:{s}")}
        for key in ("title", "publisher", "url", "date", "quote"):
            value = f.text(f"{key}:{s}")
            if value:
                source[key] = value
        source.setdefault("title", source["id"])
        sources.append(source)
    return sources


def draft(form: Form) -> tuple[Raw, list[Problem]]:
    """The raw scenario a posted builder form describes, and the problems found reading it
    (anchors, YAML sections) before the scenario checks run."""
    f, problems = _Fields(form), list[Problem]()
    keep = f.orig("orig_meta")
    raw: Raw = {k: f.text(f"meta:{k}") for k in ("id", "title", "description")}
    if f.text("meta:as_of"):
        raw["as_of"] = f.text("meta:as_of")
    # A draft from the news stays a draft until a person sets it reviewed here; a form without
    # the field keeps what was loaded, so saving never reviews a draft by accident.
    status = f.text("meta:status", keep.get("status")) or "reviewed"
    if status != "reviewed":
        raw["status"] = status
    raw["sources"] = _sources(f)
    raw["issues"], nd_issues = _issues(f, problems)
    raw["actors"], red_lines, costs = _actors(f, [i["id"] for i in raw["issues"]])
    no_deal = dict(keep.get("no_deal") or {})
    horizon = f.point("nd_horizon", no_deal.get("horizon_years"))
    discount = f.point("nd_discount", no_deal.get("discount"))
    for key, value in (("horizon_years", horizon), ("discount", discount)):
        no_deal.pop(key, None) if value is None else no_deal.__setitem__(key, value)
    if horizon is not None or nd_issues or costs:
        raw["no_deal"] = {**no_deal, "issues": nd_issues, "yearly_cost": costs}
    if red_lines:
        raw["red_lines"] = red_lines
    for name in YAML_SECTIONS:
        field = f"yaml:{name}"
        if not f.has(field):
            value = keep.get(name)
        else:
            try:
                value = load_yaml(f.text(field))[1] if f.text(field) else None
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = f" (line {mark.line + 1})" if mark is not None else ""
                reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                problems.append(Problem("invalid_yaml", name, f"not valid YAML{line}: {reason}"))
                value = keep.get(name)
        if value:
            raw[name] = value
    return raw, problems


def apply_action(raw: Raw, action: str) -> Raw:
    """A draft with a row added or removed (``add_actor``, ``del_issue:2``, ...)."""
    verb, _, index = action.partition(":")
    n_issues = len(raw["issues"])
    if verb == "add_issue":
        k = n_issues + 1
        raw["issues"].append({"id": f"issue{k}", "name": f"Issue {k}"})
    elif verb == "add_actor":
        k = len(raw["actors"]) + 1
        raw["actors"].append({"id": f"actor{k}", "name": f"Actor {k}", "issues": {}})
    elif verb == "add_source":
        k = len(raw["sources"]) + 1
        raw["sources"].append({"id": f"S{k}", "title": ""})
    elif verb.startswith("del_") and index.isdigit():
        rows = {"del_issue": "issues", "del_actor": "actors", "del_source": "sources"}.get(verb)
        if rows and int(index) < len(raw[rows]):
            gone = raw[rows].pop(int(index))
            if rows == "issues":
                for actor in raw["actors"]:
                    actor.get("issues", {}).pop(gone["id"], None)
                for reds in (raw.get("red_lines") or {}).values():
                    reds.pop(gone["id"], None)
                (raw.get("no_deal") or {}).get("issues", {}).pop(gone["id"], None)
            elif rows == "actors":
                (raw.get("red_lines") or {}).pop(gone["id"], None)
                (raw.get("no_deal") or {}).get("yearly_cost", {}).pop(gone["id"], None)
    return raw


def apply_form(form: Form) -> tuple[Scenario, str]:
    """The scenario a builder form describes, checked like a file, and its YAML text.

    Raises :class:`ScenarioError` with every problem (the form's own and the scenario checks').
    """
    raw, problems = draft(form)
    try:
        scenario = parse_scenario(raw)
    except ScenarioError as exc:
        raise ScenarioError([*problems, *exc.problems], source=raw.get("id") or None) from None
    if problems:
        raise ScenarioError(problems, source=scenario.id)
    return scenario, dump_yaml(scenario)


_CELL = re.compile(r"actors\[([^\]]+)\](?:\.issues\[([^\]]+)\])?")
_RED = re.compile(r"red_lines\[([^\]]+)\]\[([^\]]+)\]")
_ISSUE = re.compile(r"^issues\[([^\]]+)\]")


def problem_cells(error: ScenarioError, raw: Raw) -> dict[str, list[str]]:
    """Form keys (``A.D`` for a cell, ``A`` for an actor, ``issue:D``) → messages, for showing
    problems beside their fields."""
    actors = {a.get("id"): k for k, a in enumerate(raw.get("actors") or [])}
    issues = {i.get("id"): k for k, i in enumerate(raw.get("issues") or [])}
    out: dict[str, list[str]] = {}
    for p in error.problems:
        cell = _CELL.search(p.location) or _RED.search(p.location)
        key = None
        if cell and cell.group(1) in actors:
            a = actors[cell.group(1)]
            key = f"{a}.{issues[cell.group(2)]}" if cell.group(2) in issues else str(a)
        elif (found := _ISSUE.search(p.location)) and found.group(1) in issues:
            key = f"issue:{issues[found.group(1)]}"
        if key is not None:
            out.setdefault(key, []).append(p.message)
    return out
