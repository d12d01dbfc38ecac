"""The deal sections in the table formats: XLSX sheets and long-CSV columns (deal spec §1, §2, §5).

XLSX sheets (each optional; values on each issue's own scale, a number or ``low``/``high``
around it):

- ``no_deal``: ``field, id, low, mode, high``; ``field`` is ``horizon_years``, ``discount``,
  ``issues`` (``id`` = an issue) or ``yearly_cost`` (``id`` = an actor).
- ``red_lines``: ``actor, issue, min_low, min, min_high, max_low, max, max_high``.
- ``conditions``: ``actor, if_issue, if_min, if_max, if_package, then_issue, then_min,
  then_max, then_package`` (package lists separated by commas or spaces).
- ``proposals``: ``proposal, title, date, package, issue, low, mode, high``, one row per
  proposal and issue; a proposal's title, date and package may be repeated on each of its rows
  and must then agree.

The long CSV (and the XLSX ``positions`` sheet) carries red lines as columns of each actor–issue
row: :data:`RED_LINE_COLUMNS`. The other sections do not fit one row per actor–issue pair.
Tables carry no sources or notes (as for positions): write YAML to add them. Guarantee packages
have no sheet, so a workbook's proposals and conditions can only name the package ``none``.
Raw cells go to the schema unchanged, so a bad number is reported by the same check as in YAML,
with its sheet, row and column (``no_deal!mode``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, ScenarioError, did_you_mean
from ._parse import display_path
from ._quantity import Quantity
from ._schema import Scenario

__all__ = [
    "RED_LINE_COLUMNS",
    "SHEETS",
    "Sections",
    "read_deal_sheets",
    "red_line_cells",
    "red_lines_from_rows",
    "write_deal_sheets",
]

Path = tuple[str | int, ...]
Rows = list[tuple[int, dict[str, Any]]]
# Reads one sheet: (header, [(row number, {column: cell})]).
SheetReader = Callable[[str], tuple[list[str], Rows]]

_BOUNDS = ("min", "max")
_COLUMNS: dict[str, list[str]] = {
    "no_deal": ["field", "id", "low", "mode", "high"],
    "red_lines": ["actor", "issue", "min_low", "min", "min_high", "max_low", "max", "max_high"],
    "conditions": [
        "actor",
        *("if_issue", "if_min", "if_max", "if_package"),
        *("then_issue", "then_min", "then_max", "then_package"),
    ],
    "proposals": ["proposal", "title", "date", "package", "issue", "low", "mode", "high"],
}
_REQUIRED = {
    "no_deal": ["field", "mode"],
    "red_lines": ["actor", "issue"],
    "conditions": ["actor"],
    "proposals": ["proposal", "issue"],
}
SHEETS = tuple(_COLUMNS)
RED_LINE_COLUMNS = [f"red_line_{c}" for c in _COLUMNS["red_lines"][2:]]
_SCALARS = ("horizon_years", "discount")
_KEYED = {"issues": "issue", "yearly_cost": "actor"}


@dataclass
class Sections:
    """Raw deal sections read from tables, with the row and column of every value."""

    file: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    lines: dict[Path, int] = field(default_factory=dict)
    columns: dict[Path, str] = field(default_factory=dict)

    def at(self, path: Path, row: int, column: str) -> None:
        self.lines[path] = row
        self.columns[path] = column

    def merge_into(
        self, raw: dict[str, Any], lines: dict[Path, int], columns: dict[Path, str]
    ) -> None:
        """Add these sections to a scenario's raw data; a red line given twice is refused."""
        for key, value in self.raw.items():
            if key != "red_lines" or key not in raw:
                raw[key] = value
                continue
            for actor, per_issue in value.items():
                for issue in per_issue:
                    if issue in raw[key].get(actor, {}):
                        row = self.lines.get(("red_lines", actor, issue))
                        exc = _error(
                            "duplicate_id",
                            f"the red line of '{actor}' on '{issue}' is given twice (in the "
                            "red_lines sheet and in the positions columns)",
                            row,
                            "red_lines!issue",
                            display_path(self.raw, ("red_lines", actor, issue)),
                        )
                        raise exc.with_file(self.file) if self.file else exc
                raw[key].setdefault(actor, {}).update(per_issue)
        lines.update(self.lines)
        columns.update(self.columns)


def _error(
    code: str, message: str, row: int | None, column: str, location: str | None = None
) -> ScenarioError:
    """One problem at a row and column; ``location`` is the scenario path when there is one."""
    where = location or (f"row {row}" if row is not None else "")
    return ScenarioError.single(code, message, line=row, column=column, location=where)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _text(v: Any) -> str:
    return str(v).strip()


def _check_columns(sheet: str, header: Sequence[str]) -> None:
    allowed, problems = _COLUMNS[sheet], []
    for col in header:
        if col not in allowed:
            problems.append(
                Problem(
                    "unknown_column",
                    f"sheet {sheet}",
                    f"unknown column '{col}' in sheet '{sheet}'{did_you_mean(col, allowed)}; "
                    f"its columns are: {', '.join(allowed)}",
                    col,
                    None,
                    None,
                    1,
                    f"{sheet}!{col}",
                )
            )
    for col in _REQUIRED[sheet]:
        if col not in header:
            problems.append(
                Problem(
                    "missing_column",
                    f"sheet {sheet}",
                    f"sheet '{sheet}' needs a '{col}' column",
                    None,
                    col,
                    None,
                    1,
                )
            )
    if problems:
        raise ScenarioError(problems)


def _column(sheet: str | None, name: str) -> str:
    """A column as a spreadsheet names it, ``no_deal!mode``; a CSV column is just its name."""
    return f"{sheet}!{name}" if sheet else name


def _quantity(
    out: Sections,
    cells: dict[str, Any],
    names: tuple[str, str, str],
    path: Path,
    row: int,
    sheet: str | None,
) -> Any:
    """The raw number of three cells (``low``, ``mode``, ``high``), or None if all are blank.

    A lone ``mode`` goes to the schema as the cell holds it, so a bad cell is reported once;
    with either end it becomes ``{low, mode, high}``.
    """
    values = dict(zip(("low", "mode", "high"), (cells.get(n) for n in names), strict=True))
    given = {k: v for k, v in values.items() if not _blank(v)}
    if not given:
        return None
    for key, name in zip(("low", "mode", "high"), names, strict=True):
        out.at((*path, key), row, _column(sheet, name))
    out.at(path, row, _column(sheet, names[1]))
    return given["mode"] if list(given) == ["mode"] else given


def _no_deal(rows: Rows, out: Sections) -> None:
    section: dict[str, Any] = {}
    for row, cells in rows:
        fld, key = _text(cells.get("field") or ""), _text(cells.get("id") or "")
        if fld not in (*_SCALARS, *_KEYED):
            raise _error(
                "invalid",
                f"unknown field '{fld}'{did_you_mean(fld, [*_SCALARS, *_KEYED])}; a "
                f"no_deal row is one of: {', '.join((*_SCALARS, *_KEYED))}",
                row,
                "no_deal!field",
            )
        if (fld in _KEYED) == (key == ""):
            need = f"the {_KEYED[fld]} in column 'id'" if fld in _KEYED else "an empty 'id'"
            raise _error("invalid", f"a '{fld}' row needs {need}", row, "no_deal!id")
        path: Path = ("no_deal", fld, key) if key else ("no_deal", fld)
        target = section.setdefault(fld, {}) if key else section
        if (key or fld) in target:
            raise _error(
                "duplicate_id",
                f"no_deal '{fld}'{f' {key}' if key else ''} is given twice",
                row,
                "no_deal!id" if key else "no_deal!field",
                display_path({"no_deal": section}, path),
            )
        target[key or fld] = _quantity(out, cells, ("low", "mode", "high"), path, row, "no_deal")
        out.lines.setdefault(("no_deal",), row)
    out.raw["no_deal"] = section


def _red_lines(rows: Rows, out: Sections, names: Sequence[str], sheet: str | None) -> None:
    """Red lines from the columns ``names`` (min_low, min, min_high, max_low, max, max_high);
    ``sheet`` is None for the columns of a long-layout row, whose blank cells mean no red line."""
    lines: dict[str, dict[str, Any]] = {}
    for row, cells in rows:
        # A flat CSV has no issue column: its one issue is called "issue".
        actor, issue = _text(cells.get("actor") or ""), _text(cells.get("issue", "issue") or "")
        for name, value in (("actor", actor), ("issue", issue)):
            if not value:
                raise _error("missing", f"the '{name}' cell is empty", row, _column(sheet, name))
        path: Path = ("red_lines", actor, issue)
        line = {}
        for k, bound in enumerate(_BOUNDS):
            ends = (names[3 * k], names[3 * k + 1], names[3 * k + 2])
            q = _quantity(out, cells, ends, (*path, bound), row, sheet)
            if q is not None:
                line[bound] = q
        if not line and sheet is None:
            continue  # an actor–issue row without a red line
        if issue in lines.get(actor, {}):
            raise _error(
                "duplicate_id",
                f"'{actor}' has a second red line on '{issue}'",
                row,
                _column(sheet, "issue"),
                display_path({"red_lines": lines}, path),
            )
        lines.setdefault(actor, {})[issue] = line
        out.at(path, row, _column(sheet, names[1]))
    if lines:
        out.raw["red_lines"] = lines


def _packages(cell: Any) -> list[str]:
    return [p for p in re.split(r"[,\s]+", _text(cell)) if p]


def _conditions(rows: Rows, out: Sections) -> None:
    conditions = []
    for k, (row, cells) in enumerate(rows):
        condition: dict[str, Any] = {"actor": _text(cells.get("actor") or "")}
        for side in ("if", "then"):
            bound: dict[str, Any] = {}
            for key in ("issue", "min", "max", "package"):
                cell = cells.get(f"{side}_{key}")
                if not _blank(cell):
                    bound[key] = _packages(cell) if key == "package" else cell
                    out.at(("conditions", k, side, key), row, f"conditions!{side}_{key}")
            if "issue" in bound:
                bound["issue"] = _text(bound["issue"])
            condition[side] = bound
        out.at(("conditions", k), row, "conditions!actor")
        conditions.append(condition)
    out.raw["conditions"] = conditions


def _proposals(rows: Rows, out: Sections) -> None:
    proposals: dict[str, dict[str, Any]] = {}
    for row, cells in rows:
        pid = _text(cells.get("proposal") or "")
        p = proposals.setdefault(pid, {"id": pid, "issues": {}})
        k = list(proposals).index(pid)
        out.lines.setdefault(("proposals", k), row)
        for key in ("title", "date", "package"):
            cell = cells.get(key)
            if _blank(cell):
                continue
            value = cell.date() if isinstance(cell, dt.datetime) else cell
            value = value if isinstance(value, dt.date) else _text(value)
            if key in p and p[key] != value:
                raise _error(
                    "conflict",
                    f"proposal '{pid}' has {key} {value!r} here but {p[key]!r} on an earlier row",
                    row,
                    f"proposals!{key}",
                )
            p[key] = value
            out.at(("proposals", k, key), row, f"proposals!{key}")
        issue = _text(cells.get("issue") or "")
        path: Path = ("proposals", k, "issues", issue)
        q = _quantity(out, cells, ("low", "mode", "high"), path, row, "proposals")
        if q is None:
            continue
        if not issue:
            raise _error(
                "missing", f"proposal '{pid}': a value needs its issue", row, "proposals!issue"
            )
        if issue in p["issues"]:
            raise _error(
                "duplicate_id",
                f"proposal '{pid}' gives '{issue}' twice",
                row,
                "proposals!issue",
                display_path({"proposals": list(proposals.values())}, path),
            )
        p["issues"][issue] = q
    out.raw["proposals"] = list(proposals.values())


def read_deal_sheets(table: SheetReader, names: Collection[str], *, file: str | None) -> Sections:
    """The deal sections of a workbook whose sheets are ``names``; ``table`` reads one sheet."""
    out = Sections(file)
    try:
        for sheet in SHEETS:
            if sheet not in names:
                continue
            header, rows = table(sheet)
            if not rows:
                continue
            _check_columns(sheet, header)
            if sheet == "no_deal":
                _no_deal(rows, out)
            elif sheet == "red_lines":
                _red_lines(rows, out, _COLUMNS[sheet][2:], sheet)
            elif sheet == "conditions":
                _conditions(rows, out)
            else:
                _proposals(rows, out)
    except ScenarioError as exc:
        raise exc.with_file(file) if file else exc from None
    return out


def red_lines_from_rows(rows: Rows, *, file: str | None) -> Sections:
    """Red lines from the :data:`RED_LINE_COLUMNS` of long-layout rows (CSV or ``positions``)."""
    out = Sections(file)
    try:
        _red_lines(rows, out, RED_LINE_COLUMNS, None)
    except ScenarioError as exc:
        raise exc.with_file(file) if file else exc from None
    return out


def _cells(q: Quantity | None) -> list[Any]:
    """``[low, mode, high]`` cells: the ends only where the number is a range."""
    if q is None:
        return [None, None, None]
    ranged = q.low != q.mode or q.high != q.mode
    return [q.low if ranged else None, q.mode, q.high if ranged else None]


def red_line_cells(scenario: Scenario, actor: str, issue: str) -> dict[str, str]:
    """The :data:`RED_LINE_COLUMNS` cells of one actor–issue row of the long CSV."""
    line = scenario.red_lines.get(actor, {}).get(issue)
    if line is None:
        return {}
    values = [*_cells(line.min), *_cells(line.max)]
    return {c: f"{v:g}" for c, v in zip(RED_LINE_COLUMNS, values, strict=True) if v is not None}


def _refuse_packages(scenario: Scenario) -> None:
    named = [(f"proposal '{p.id}'", p.package) for p in scenario.proposals]
    named += [
        (f"a condition of '{c.actor}'", pid)
        for c in scenario.conditions
        for side in (c.if_, c.then)
        for pid in side.package or ()
    ]
    for who, pid in named:
        if pid != "none":
            raise ScenarioError.single(
                "not_in_format",
                f"XLSX has no sheet for guarantee packages, so {who} cannot name package "
                f"'{pid}'; keep this scenario in YAML (Scenario.to_yaml())",
                location="guarantees",
            )


def write_deal_sheets(workbook: Any, scenario: Scenario) -> None:
    """Add a sheet per deal section the scenario has (see the module docstring)."""
    _refuse_packages(scenario)
    nd = scenario.no_deal
    if nd is not None:
        sheet = workbook.create_sheet("no_deal")
        sheet.append(_COLUMNS["no_deal"])
        sheet.append(["horizon_years", None, *_cells(nd.horizon_years)])
        sheet.append(["discount", None, *_cells(nd.discount)])
        for fld in _KEYED:
            for key, q in getattr(nd, fld).items():
                sheet.append([fld, key, *_cells(q)])
    if scenario.red_lines:
        sheet = workbook.create_sheet("red_lines")
        sheet.append(_COLUMNS["red_lines"])
        for actor, lines in scenario.red_lines.items():
            for issue, line in lines.items():
                sheet.append([actor, issue, *_cells(line.min), *_cells(line.max)])
    if scenario.conditions:
        sheet = workbook.create_sheet("conditions")
        sheet.append(_COLUMNS["conditions"])
        for c in scenario.conditions:
            cells: list[Any] = [c.actor]
            for b in (c.if_, c.then):
                cells += [b.issue, b.min, b.max, " ".join(b.package) if b.package else None]
            sheet.append(cells)
    if scenario.proposals:
        sheet = workbook.create_sheet("proposals")
        sheet.append(_COLUMNS["proposals"])
        for p in scenario.proposals:
            head = [p.id, p.title, p.date, p.package]
            if not p.issues:
                sheet.append(head)  # a text that settles no issue still has its row
            for issue, q in p.issues.items():
                sheet.append([*head, issue, *_cells(q)])
