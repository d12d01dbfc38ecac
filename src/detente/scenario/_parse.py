"""From raw data (what a YAML, CSV or XLSX reader produced) to a checked :class:`Scenario`.

Structure is checked by pydantic, meaning by :mod:`._checks`; both report problems with a path
(``actors[russia].issues[TERR].salience``) and, where the reader knows it, the line or the row
and column in the file.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError, did_you_mean
from ._checks import check_scenario
from ._schema import Quantity, Scenario

__all__ = ["Locator", "parse_scenario"]

Path = tuple[str | int, ...]


@dataclass
class Locator:
    """Where each part of the raw data came from in its file.

    ``lines`` maps a raw path to a line (YAML) or row (CSV, XLSX) number; ``columns`` maps a raw
    path to a column name (CSV, XLSX). Lookup falls back to the longest known prefix.
    """

    file: str | None = None
    lines: dict[Path, int] = field(default_factory=dict)
    columns: dict[Path, str] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int | None, str | None]:
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.lines:
                return self.lines[prefix], self.columns.get(prefix)
        return None, None


# Fields whose values map free keys (issue ids, model names) rather than field names.
_KEYED = {"issues", "model_parameters", "red_lines", "yearly_cost", "issue_value"}


def display_path(raw: Any, path: Path) -> str:
    """``('actors', 3, 'issues', 'TERR')`` → ``actors[russia].issues[TERR]``, using ids."""
    out = ""
    node: Any = raw
    keyed = False
    for part in path:
        child = None
        if isinstance(part, int):
            if isinstance(node, list) and 0 <= part < len(node):
                child = node[part]
            label = part
            if isinstance(child, Mapping) and isinstance(child.get("id"), str | int):
                label = child["id"]
            out += f"[{label}]"
            keyed = False
        else:
            if isinstance(node, Mapping):
                child = node.get(part)
            if keyed:
                out += f"[{part}]"
                keyed = False
            else:
                out += ("." if out else "") + part
                keyed = part in _KEYED and isinstance(child, Mapping)
        node = child
    return out


def _model_at(path: Path) -> type[BaseModel] | None:
    """The schema class that the raw mapping at ``path`` is validated against."""
    cls: Any = Scenario
    for part in path:
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            if isinstance(part, str) and part in cls.model_fields:
                cls = cls.model_fields[part].annotation
                continue
            return None
        cls = _element_type(cls)
        if cls is None:
            return None
    found = (
        _element_type(cls) if not (isinstance(cls, type) and issubclass(cls, BaseModel)) else cls
    )
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def _element_type(annotation: Any) -> Any:
    """The model inside ``X | None``, ``tuple[X, ...]`` or ``dict[str, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None):
                return _element_type(arg) or arg
    if origin is tuple and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _problem_from_pydantic(err: Mapping[str, Any], raw: Any, locator: Locator) -> Problem:
    loc: Path = tuple(err["loc"])
    kind = err["type"]
    given = err.get("input")
    line, column = locator.where(loc)
    if kind == "extra_forbidden":
        name = str(loc[-1])
        owner = _model_at(loc[:-1])
        allowed = list(owner.model_fields) if owner else []
        if owner is Quantity:
            allowed = ["value", "low", "mode", "high", "source", "note"]
        hint = did_you_mean(name, allowed)
        message = f"unknown field '{name}'{hint}"
        if allowed and not hint:
            message += f"; the fields here are: {', '.join(allowed)}"
        return Problem(
            "unknown_field",
            display_path(raw, loc[:-1]) or "(top level)",
            message,
            name,
            "a known field",
            locator.file,
            line,
            column,
        )
    where = display_path(raw, loc) or "(top level)"
    if kind == "missing":
        return Problem(
            "missing",
            display_path(raw, loc[:-1]) or "(top level)",
            f"required field '{loc[-1]}' is missing",
            None,
            str(loc[-1]),
            locator.file,
            line,
            column,
        )
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type"}:
        message = f"expected a number; got {given!r}"
        code = "not_a_number"
    elif kind in {"string_type"}:
        message = f"expected text; got {given!r}"
        code = "not_text"
    elif kind.startswith("bool"):
        message = f"expected true or false; got {given!r}"
        code = "not_a_boolean"
    elif kind.startswith("date"):
        message = f"expected a date such as 2026-02-26; got {given!r}"
        code = "not_a_date"
    elif kind in {"tuple_type", "list_type"}:
        message = f"expected a list; got {type(given).__name__}"
        code = "not_a_list"
    elif kind in {"dict_type", "model_type", "model_attributes_type"}:
        message = f"expected a mapping of fields; got {given!r}"
        code = "not_a_mapping"
    elif kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
        code = "not_a_number" if "expected a number" in message else "invalid"
    elif kind == "string_too_short":
        message = "must not be empty"
        code = "empty"
    else:
        message = err["msg"]
        code = kind
    return Problem(code, where, message, given, None, locator.file, line, column)


def parse_scenario(raw: Any, *, locator: Locator | None = None) -> Scenario:
    """A checked :class:`Scenario` from raw data; every problem raises one :class:`ScenarioError`.

    >>> s = parse_scenario({"id": "t", "title": "T", "issues": [{"id": "x", "name": "X"}],
    ...     "actors": [{"id": "a", "name": "A", "capability": 1,
    ...                 "issues": {"x": {"position": 40, "salience": 50}}}]})
    >>> s.actors[0].issues["x"].position.mode
    40.0
    """
    locator = locator or Locator()
    if raw is None:
        raise ScenarioError.single(
            "empty", "the file is empty; expected a scenario", file=locator.file
        )
    if not isinstance(raw, Mapping):
        raise ScenarioError.single(
            "not_a_scenario",
            f"this is not a scenario: expected a mapping with 'id', 'title', 'issues' and "
            f"'actors'; got {type(raw).__name__}",
            file=locator.file,
        )
    if not {"issues", "actors"} & set(raw):
        raise ScenarioError.single(
            "not_a_scenario",
            "this is not a scenario: it has neither 'issues' nor 'actors' "
            f"(top-level keys: {', '.join(map(str, list(raw)[:8])) or 'none'})",
            file=locator.file,
        )
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        problems = [_problem_from_pydantic(e, raw, locator) for e in exc.errors()]
        raise ScenarioError(problems, source=locator.file) from None
    problems = [
        Problem(
            p.code,
            display_path(raw, p.path),
            p.message,
            p.given,
            p.expected,
            locator.file,
            *locator.where(p.path),
        )
        for p in check_scenario(scenario)
    ]
    if problems:
        raise ScenarioError(problems, source=locator.file)
    return scenario
