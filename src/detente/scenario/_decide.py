"""The input format of the ``decide`` exchange-model program: reader and writer.

A ``decide`` file is a delimited text file (``;``, tab or ``,``; cells may be quoted) whose rows
start with a tag:

- ``#A;actor id;full name;comment`` — an actor;
- ``#P;issue id;description`` — an issue;
- ``#M;issue id;value;meaning`` — a point of an issue's scale (the scale runs from the lowest to
  the highest point; an issue without points runs 0–100);
- ``#D;actor id;issue id;position;salience;power;comment`` — an actor's stance on an issue
  (position on the issue's scale, salience 0–1, power = capability on that issue);
- ``#/`` and ``#O`` rows are free text (comments, issue notes) and carry no numbers.

Unlike ``decide`` this reader refuses surplus cells instead of gluing them into the last field,
and refuses saliences above 1 unless told the file uses a 0–100 scale (``salience_scale=100``):
the exchange model's position reset needs saliences in [0, 1] (``exchange.md`` §9.7).

>>> s = read_decide("#A;a;A\\n#A;b;B\\n#P;i;Issue\\n#D;a;i;20;0.5;1\\n#D;b;i;80;1;2\\n")
>>> s.actor("b").issues["i"].salience.mode, s.issue("i").scale.max
(100.0, 100.0)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, ScenarioError, shown
from ._csv_rows import csv_rows
from ._parse import Locator, Path, parse_scenario
from ._schema import Quantity, Scenario

__all__ = ["is_decide_text", "read_decide", "write_decide"]

# Tag → (row kind, field names after the tag, how many of them are required).
_ROWS: dict[str, tuple[str, tuple[str, ...], int]] = {
    "#A": ("actor", ("id", "name", "comment"), 1),
    "#P": ("issue", ("id", "description"), 1),
    "#M": ("scale point", ("issue", "value", "meaning"), 2),
    "#D": ("stance", ("actor", "issue", "position", "salience", "power", "comment"), 5),
}
_TEXT_TAGS = ("#/", "#O")


def is_decide_text(text: str) -> bool:
    """Whether ``text`` looks like a ``decide`` file: its first non-blank row starts with a tag."""
    for line in text.splitlines():
        cell = line.strip().lstrip("'\"")
        if cell:
            return cell[:2] in _ROWS or cell[:2] in _TEXT_TAGS
    return False


def _delimiter(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip("'\"")
        if stripped:
            rest = stripped[2:].lstrip("'\"")
            return rest[:1] if rest[:1] in (";", "\t", ",") else ";"
    return ";"


def _clean(cell: str) -> str:
    cell = cell.strip()
    if len(cell) >= 2 and cell[0] == cell[-1] and cell[0] in "'\"":
        cell = cell[1:-1].strip()
    return cell


@dataclass
class _Problems:
    """The problems found so far; each names the kind of row (``#D row``) and the row number."""

    file: str | None
    found: list[Problem] = field(default_factory=list)

    def add(
        self, code: str, kind: str, row: int, message: str, column: str | None = None, **kw: Any
    ) -> None:
        self.found.append(
            Problem(code, kind, message, file=self.file, line=row, column=column, **kw)
        )

    def number(self, text: str, column: str, kind: str, row: int) -> float | None:
        try:
            return float(text)
        except ValueError:
            self.add(
                "not_a_number",
                kind,
                row,
                f"expected a number for '{column}'; got {shown(text)}",
                column=column,
                given=text,
            )
            return None


@dataclass
class _Declared:
    """What the rows declare, in file order: actors, issues, scale points and stances."""

    actors: dict[str, dict[str, Any]] = field(default_factory=dict)
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    points: dict[str, list[tuple[float, str, int]]] = field(default_factory=dict)
    stances: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_decide(
    text: str,
    *,
    file: str | None = None,
    scenario_id: str = "scenario",
    salience_scale: float = 1.0,
) -> Scenario:
    """Parse a ``decide`` input file into a checked scenario; every problem names its row.

    ``salience_scale`` is the top of the file's salience scale: 1 (``decide``'s sample files,
    the default) or 100. Saliences are stored on 0–100 like every Détente scenario.
    """
    problems = _Problems(file)
    declared = _Declared()
    for row, tag, fields in _tagged_rows(text, problems):
        _declare(declared, row, tag, fields, problems)
    _scales(declared, problems)
    lines: dict[Path, int] = {}
    columns: dict[Path, str] = {}
    _stances(declared, salience_scale, problems, lines, columns)
    if not declared.actors and not problems.found:
        problems.add(
            "empty", "(file)", 1, "no #A (actor) rows found; this is not a decide input file"
        )
    if problems.found:
        raise ScenarioError(problems.found, source=file)
    for k, actor in enumerate(declared.actors.values()):
        lines[("actors", k)] = actor.pop("_row")
    for k, issue in enumerate(declared.issues.values()):
        lines[("issues", k)] = issue.pop("_row")
    raw = {
        "id": scenario_id,
        "title": scenario_id,
        "issues": list(declared.issues.values()),
        "actors": list(declared.actors.values()),
    }
    return parse_scenario(raw, locator=Locator(file=file, lines=lines, columns=columns))


def _tagged_rows(text: str, problems: _Problems) -> Iterator[tuple[int, str, dict[str, str]]]:
    """``(row, tag, fields by name)`` of each number-carrying row whose cells fit its tag."""
    for row, raw_cells in csv_rows(text, file=problems.file, delimiter=_delimiter(text)):
        cells = [_clean(c) for c in raw_cells]
        while cells and cells[-1] == "":
            cells.pop()
        if not cells or cells[0][:2] in _TEXT_TAGS:
            continue
        tag = cells[0]
        kind = f"{tag} row"
        if tag not in _ROWS:
            problems.add(
                "unknown_row",
                kind,
                row,
                f"unknown row tag {shown(tag)}; decide rows start with #A (actor), #P (issue), "
                "#M (scale point), #D (stance), #/ or #O (text)",
                given=tag,
            )
            continue
        what, names, required = _ROWS[tag]
        values = cells[1:]
        if len(values) > len(names):
            problems.add(
                "surplus_cells",
                kind,
                row,
                f"a {tag} ({what}) row has {len(names)} fields ({', '.join(names)}); got "
                f"{len(values)}: {', '.join(shown(v) for v in values[len(names) :])} left over",
                given=len(values),
            )
            continue
        fields = dict(zip(names, values, strict=False))
        missing = [n for n in names[:required] if not fields.get(n)]
        if missing:
            problems.add(
                "missing",
                kind,
                row,
                f"a {tag} ({what}) row needs {', '.join(names[:required])}; "
                f"'{missing[0]}' is empty",
                column=missing[0],
            )
            continue
        yield row, tag, fields


def _declare(
    declared: _Declared, row: int, tag: str, fields: dict[str, str], problems: _Problems
) -> None:
    """Record one #A, #P, #M or #D row (stances are checked once every declaration is read)."""
    kind = f"{tag} row"
    if tag == "#A":
        if fields["id"] in declared.actors:
            problems.add("duplicate_id", kind, row, f"actor '{fields['id']}' is declared twice")
        declared.actors[fields["id"]] = {
            "id": fields["id"],
            "name": fields.get("name") or fields["id"],
            "description": fields.get("comment", ""),
            "issues": {},
            "_row": row,
        }
    elif tag == "#P":
        if fields["id"] in declared.issues:
            problems.add("duplicate_id", kind, row, f"issue '{fields['id']}' is declared twice")
        declared.issues[fields["id"]] = {
            "id": fields["id"],
            "name": fields.get("description") or fields["id"],
            "_row": row,
        }
    elif tag == "#M":
        value = problems.number(fields["value"], "value", kind, row)
        if value is not None:
            point = (value, fields.get("meaning", ""), row)
            declared.points.setdefault(fields["issue"], []).append(point)
    else:
        declared.stances.append((row, fields))


def _scales(declared: _Declared, problems: _Problems) -> None:
    """Each issue's scale from its #M points: lowest to highest, worded points as anchors."""
    for issue_id, pts in declared.points.items():
        if issue_id not in declared.issues:
            problems.add(
                "unknown_issue",
                "#M row",
                pts[0][2],
                f"scale point for undeclared issue '{issue_id}'",
            )
            continue
        scale_points = [v for v, _, _ in pts]
        lo, hi = min(scale_points), max(scale_points)
        if lo == hi:
            problems.add(
                "bad_scale",
                "#M row",
                pts[0][2],
                f"issue '{issue_id}' has a single scale value {lo}; give its lowest and "
                "highest points (#M rows)",
            )
            continue
        anchors = [{"value": v, "label": m} for v, m, _ in pts if m and v not in (lo, hi)]
        declared.issues[issue_id]["scale"] = {"min": lo, "max": hi, "anchors": anchors}


def _stances(
    declared: _Declared,
    salience_scale: float,
    problems: _Problems,
    lines: dict[Path, int],
    columns: dict[Path, str],
) -> None:
    """Put each #D row on its actor, saliences mapped to 0–100, recording rows and columns."""
    actor_index = {a: k for k, a in enumerate(declared.actors)}
    for row, fields in declared.stances:
        actor_id, issue_id = fields["actor"], fields["issue"]
        if actor_id not in declared.actors:
            problems.add(
                "unknown_actor",
                "#D row",
                row,
                f"stance of undeclared actor '{actor_id}' (no #A row)",
            )
            continue
        if issue_id not in declared.issues:
            problems.add(
                "unknown_issue",
                "#D row",
                row,
                f"stance on undeclared issue '{issue_id}' (no #P row)",
            )
            continue
        numbers = {
            k: problems.number(fields[k], k, "#D row", row)
            for k in ("position", "salience", "power")
        }
        if any(v is None for v in numbers.values()):
            continue
        salience = float(numbers["salience"] or 0.0)
        if not 0.0 <= salience <= salience_scale:
            hint = " (for a 0–100 file use salience_scale=100)" if salience_scale == 1 else ""
            problems.add(
                "out_of_range",
                "#D row",
                row,
                f"salience of '{actor_id}' on '{issue_id}' must lie between 0 and "
                f"{salience_scale:g}; got {salience:g}{hint}",
                column="salience",
                given=salience,
            )
            continue
        stance_actor = declared.actors[actor_id]
        if issue_id in stance_actor["issues"]:
            problems.add(
                "duplicate_id",
                "#D row",
                row,
                f"actor '{actor_id}' has a second #D row for '{issue_id}'",
            )
            continue
        stance_actor["issues"][issue_id] = {
            "position": numbers["position"],
            "salience": salience * 100.0 / salience_scale,
            "capability": numbers["power"],
        }
        at: Path = ("actors", actor_index[actor_id], "issues", issue_id)
        for fld, col in (
            ("position", "position"),
            ("salience", "salience"),
            ("capability", "power"),
        ):
            lines[(*at, fld)] = row
            columns[(*at, fld)] = col
        lines[at] = row


def _mode(q: Quantity | None) -> float | None:
    return None if q is None else q.mode


def write_decide(scenario: Scenario) -> str:
    """The scenario in the ``decide`` input format (``;``-separated).

    ``decide`` files hold one number per field, so uncertain numbers are written at their mode;
    status quo, veto players, walk-away points and sources have no place in the format and are
    left out (a ``#/`` comment row says so). Saliences are written on 0–1.

    >>> from detente.scenario import load_scenario
    >>> text = write_decide(load_scenario("decide-sample"))
    >>> text.splitlines()[-1]
    '#D;Wcentr;kleine-of-grote-ring;100;0.9;0.9'
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(
        [
            "#/",
            f"scenario {scenario.id} written by Detente; uncertain numbers at their mode; "
            "status quo, veto, walk-away points and sources are not part of this format",
        ]
    )
    for actor in scenario.actors:
        writer.writerow(["#A", actor.id, actor.name, actor.description])
    for issue in scenario.issues:
        writer.writerow(["#P", issue.id, issue.name])
    for issue in scenario.issues:
        writer.writerow(["#M", issue.id, _fmt(issue.scale.min), "lowest point"])
        for anchor in issue.scale.anchors:
            writer.writerow(["#M", issue.id, _fmt(anchor.value), anchor.label])
        writer.writerow(["#M", issue.id, _fmt(issue.scale.max), "highest point"])
    for actor in scenario.actors:
        for issue_id, stance in actor.issues.items():
            # The scenario checks guarantee a capability on the stance or on the actor.
            power = _mode(stance.capability) if stance.capability else _mode(actor.capability)
            writer.writerow(
                [
                    "#D",
                    actor.id,
                    issue_id,
                    _fmt(stance.position.mode),
                    _fmt(stance.salience.mode / 100.0),
                    _fmt(power or 0.0),
                ]
            )
    return out.getvalue()


def _fmt(value: float) -> str:
    """Shortest text that reads back as the same number (integers without ``.0``)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
