"""The table formats: the literature's flat CSV (one issue) and the long CSV.

Flat CSV: ``actor,capability,position,salience`` (optional ``name``), one row per actor, one
issue. Long CSV: ``actor,issue,capability,position,salience`` (``power`` is accepted for
``capability``), one row per actor–issue pair, optional ``*_low``/``*_high`` columns for
ranges, an optional ``name`` column, and optional ``veto`` (per actor), ``status_quo`` (per
issue) and ``walk_away`` (per actor and issue) columns. Saliences are on 0–100. Headers are read
whatever their case, commas, semicolons and tabs all separate cells, and a semicolon-separated
file may write decimal commas (:mod:`._spreadsheet`). The long layout's rows become a scenario in
:func:`rows_to_scenario`, which the XLSX reader (:mod:`._xlsx`) shares.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from ..errors import Problem, ScenarioError, did_you_mean, shown
from ._csv_rows import csv_rows
from ._deal_sheets import RED_LINE_COLUMNS, Sections, red_line_cells, red_lines_from_rows
from ._parse import Locator, Path, parse_scenario
from ._schema import Quantity, Scenario
from ._spreadsheet import (
    IssueAndActorColumns,
    column_name,
    decimal_point,
    excel_separator,
    shown_value,
    sniff_delimiter,
    unique_columns,
    veto_cell,
)

__all__ = [
    "LONG_COLUMNS",
    "cell_number",
    "check_header",
    "long_rows",
    "read_csv",
    "rows_to_scenario",
    "write_flat_csv",
    "write_long_csv",
]

_FLAT = ["actor", "capability", "position", "salience"]
LONG_COLUMNS = ["actor", "issue", "capability", "position", "salience"]
# Numbers of a stance that may be ranges (``position_low``, ``position_high``...); the last two
# may be left blank.
_RANGED = ["position", "salience", "capability", "walk_away"]
_OPTIONAL_STANCE = ("capability", "walk_away")
_RANGES = [f"{f}_{end}" for f in [*_RANGED, "status_quo"] for end in ("low", "high")]
_OPTIONAL = ["name", "veto", "status_quo", "walk_away", *_RANGES, *RED_LINE_COLUMNS, "status"]
# Columns of text, not numbers: the only cells a decimal comma is not looked for in.
_TEXT_COLUMNS = {"actor", "issue", "name", "veto", "status"}
_STATUSES = ("draft", "reviewed")


def cell_number(text: Any, file: str | None, row: int, column: str) -> float:
    """The number in a table cell (text or, from XLSX, a number); a clear error otherwise."""
    numeric = isinstance(text, int | float) and not isinstance(text, bool)
    cell = text if numeric else str(text).strip() if text is not None else ""
    try:
        return float(cell)
    except (ValueError, OverflowError):  # OverflowError: an XLSX integer past 1e308
        raise ScenarioError.single(
            "not_a_number",
            f"expected a number in column '{column}'; got {shown(cell)}",
            file=file,
            line=row,
            column=column,
            location=f"row {row}",
            given=cell,
            expected="a number",
        ) from None


def check_header(
    header: Sequence[str], required: Sequence[str], file: str | None, what: str
) -> None:
    allowed = [*required, *_OPTIONAL]
    problems = []
    for col in header:
        if col not in allowed:
            problems.append(
                Problem(
                    "unknown_column",
                    "header",
                    f"unknown column '{col}'{did_you_mean(col, allowed)}; {what} columns are: "
                    f"{', '.join(allowed)}",
                    col,
                    None,
                    file,
                    1,
                    col,
                )
            )
    for col in required:
        if col not in header:
            problems.append(
                Problem(
                    "missing_column",
                    "header",
                    f"required column '{col}' is missing; {what} needs: {', '.join(required)}",
                    None,
                    col,
                    file,
                    1,
                )
            )
    if problems:
        raise ScenarioError(problems, source=file)


def rows_to_scenario(
    header: list[str],
    rows: list[tuple[int, dict[str, Any]]],
    *,
    scenario_id: str,
    file: str | None,
    issues_meta: list[dict[str, Any]] | None = None,
    actors_meta: list[dict[str, Any]] | None = None,
    deal: Sections | None = None,
) -> Scenario:
    """Long-layout rows (row number, cells) to a checked scenario."""
    long = "issue" in header
    if not rows:
        raise ScenarioError.single("empty", "the table has no data rows", file=file)
    lines: dict[Path, int] = {}
    columns: dict[Path, str] = {}
    actors: dict[str, dict[str, Any]] = {}
    actor_index: dict[str, int] = {}  # a dict, not list.index: one lookup per row stays O(1)
    issue_order: dict[str, None] = {}
    repeated = IssueAndActorColumns(file)
    statuses: dict[str, int] = {}  # status → first row giving it
    for row, cells in rows:
        actor_id = str(cells.get("actor") or "").strip()
        if not actor_id:
            raise ScenarioError.single(
                "missing",
                "the 'actor' cell is empty",
                file=file,
                line=row,
                column="actor",
                location=f"row {row}",
            )
        issue_id = str(cells.get("issue") or "").strip() if long else "issue"
        if not issue_id:
            raise ScenarioError.single(
                "missing",
                "the 'issue' cell is empty",
                file=file,
                line=row,
                column="issue",
                location=f"row {row}",
            )
        issue_order.setdefault(issue_id)
        actor = actors.setdefault(
            actor_id,
            {"id": actor_id, "name": str(cells.get("name") or actor_id).strip(), "issues": {}},
        )
        a_index = actor_index.setdefault(actor_id, len(actor_index))
        if issue_id in actor["issues"]:
            raise ScenarioError.single(
                "duplicate_id",
                f"actor '{actor_id}' has a second row for issue '{issue_id}'",
                file=file,
                line=row,
                location=f"row {row}",
                given=actor_id,
            )
        stance: dict[str, Any] = {}
        for fld in _RANGED:
            value = _ranged_cell(cells, fld, file, row, required=fld not in _OPTIONAL_STANCE)
            if value is None:
                continue
            stance[fld] = value
            path: Path = ("actors", a_index, "issues", issue_id, fld)
            lines[path] = row
            columns[path] = fld
        lines[("actors", a_index, "issues", issue_id)] = row
        lines.setdefault(("actors", a_index), row)
        actor["issues"][issue_id] = stance
        status_quo = _ranged_cell(cells, "status_quo", file, row, required=False)
        if status_quo is not None:
            repeated.add("status_quo", issue_id, status_quo, row, "status_quo")
        veto = veto_cell(cells.get("veto"), file, row)
        if veto is not None:
            repeated.add("veto", actor_id, veto, row, "veto")
        status = _status_cell(cells.get("status"), file, row)
        if status is not None:
            statuses.setdefault(status, row)

    issues = issues_meta or [{"id": k, "name": k} for k in issue_order]
    actor_list = list(actors.values())
    if actors_meta:
        by_id = {a["id"]: a for a in actors_meta}
        for actor in actor_list:
            meta = by_id.get(actor["id"], {})
            actor.update({k: v for k, v in meta.items() if k != "id"})
    _put(repeated.status_quo, "status_quo", issues, "issues", lines, columns, file)
    _put(repeated.veto, "veto", actor_list, "actors", lines, columns, file)
    raw = {"id": scenario_id, "title": scenario_id, "issues": issues, "actors": actor_list}
    if statuses:
        # A draft stays a draft: one row saying so is enough, and no row may say otherwise.
        if len(statuses) > 1:
            row = statuses["reviewed"]
            raise ScenarioError.single(
                "invalid",
                f"the 'status' column says 'draft' on row {statuses['draft']} and 'reviewed' on "
                f"row {row}; a scenario is one or the other",
                file=file,
                line=row,
                column="status",
                location=f"row {row}",
                expected="the same status on every row",
            )
        raw["status"] = next(iter(statuses))
    for part in (red_lines_from_rows(rows, file=file), deal):  # deal spec sections (_deal_sheets)
        if part is not None:
            part.merge_into(raw, lines, columns)
    return parse_scenario(raw, locator=Locator(file=file, lines=lines, columns=columns))


def _status_cell(value: Any, file: str | None, row: int) -> str | None:
    """A ``status`` cell: draft or reviewed (any case), None if blank."""
    text = "" if value is None else str(value).strip().lower()
    if text == "":
        return None
    if text in _STATUSES:
        return text
    raise ScenarioError.single(
        "invalid",
        f"expected draft or reviewed in column 'status'; got {shown(str(value).strip())}",
        file=file,
        line=row,
        column="status",
        location=f"row {row}",
        given=str(value).strip(),
        expected="draft or reviewed",
    )


def _ranged_cell(
    cells: dict[str, Any], fld: str, file: str | None, row: int, *, required: bool
) -> Any:
    """The number of column ``fld`` with its ``_low``/``_high`` ends as a range; None when the
    cell is blank and not ``required``."""
    cell = cells.get(fld)
    if cell is None or str(cell).strip() == "":
        if not required:
            return None
        raise ScenarioError.single(
            "missing",
            f"the '{fld}' cell is empty",
            file=file,
            line=row,
            column=fld,
            location=f"row {row}",
            expected="a number",
        )
    mode = cell_number(cell, file, row, fld)
    low_cell, high_cell = cells.get(f"{fld}_low"), cells.get(f"{fld}_high")
    has_low = low_cell is not None and str(low_cell).strip() != ""
    has_high = high_cell is not None and str(high_cell).strip() != ""
    if not (has_low or has_high):
        return mode
    return {
        "low": cell_number(low_cell, file, row, f"{fld}_low") if has_low else mode,
        "mode": mode,
        "high": cell_number(high_cell, file, row, f"{fld}_high") if has_high else mode,
    }


def _put(
    given: dict[str, tuple[Any, int]],
    kind: str,
    records: list[dict[str, Any]],
    section: str,
    lines: dict[Path, int],
    columns: dict[Path, str],
    file: str | None,
) -> None:
    """Give each issue (actor) its ``status_quo`` (``veto``) ``given`` in the rows; one that an
    ``issues`` (``actors``) sheet also gives must say the same."""
    for k, record in enumerate(records):
        if record["id"] not in given:
            continue
        value, row = given[record["id"]]
        if kind in record and record[kind] != value:
            raise ScenarioError.single(
                "conflict",
                f"{section[:-1]} '{record['id']}' has {kind} {shown_value(value)} in this row but "
                f"{shown_value(record[kind])} in the {section} sheet; give it in one place",
                file=file,
                line=row,
                column=kind,
                location=f"row {row}",
                given=shown_value(value),
                expected=shown_value(record[kind]),
            )
        record[kind] = value
        lines[(section, k, kind)] = row
        columns[(section, k, kind)] = kind


def read_csv(text: str, *, file: str | None = None, scenario_id: str = "scenario") -> Scenario:
    """Parse a flat (one issue) or long CSV; the layout is told by an ``issue`` column.

    The delimiter is Excel's ``sep=`` line when there is one, else the one that splits the
    header into known columns; in a semicolon-separated file numbers may have decimal commas.
    """
    known = {*LONG_COLUMNS, *_OPTIONAL}
    separator = excel_separator(text)
    delimiter = separator or sniff_delimiter(text, known=known)
    reader = csv_rows(text, file=file, delimiter=delimiter)
    try:
        if separator is not None:
            next(reader)
        given = [h.strip() for h in next(reader)[1]]
    except StopIteration:
        raise ScenarioError.single(
            "empty", "the file is empty; expected a CSV header", file=file
        ) from None
    header = [column_name(h) for h in given]
    unique_columns(header, given, file)
    long = "issue" in header
    check_header(header, LONG_COLUMNS if long else _FLAT, file, "long CSV" if long else "flat CSV")
    rows: list[tuple[int, dict[str, Any]]] = []
    for row, cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ScenarioError.single(
                "bad_row",
                f"row has {len(cells)} cells but the header has {len(header)} columns",
                file=file,
                line=row,
                location=f"row {row}",
                given=len(cells),
                expected=f"{len(header)} cells",
            )
        if delimiter == ";":  # where a comma cannot be a delimiter, it is a decimal comma
            cells = [
                c if h in _TEXT_COLUMNS else decimal_point(c)
                for h, c in zip(header, cells, strict=True)
            ]
        rows.append((row, dict(zip(header, cells, strict=True))))
    return rows_to_scenario(header, rows, scenario_id=scenario_id, file=file)


def _stance_cells(q: Quantity | None, fld: str) -> dict[str, Any]:
    if q is None:
        return {fld: ""}
    cells: dict[str, Any] = {fld: f"{q.mode:g}"}
    if q.is_uncertain or q.low != q.mode:
        cells[f"{fld}_low"] = f"{q.low:g}"
        cells[f"{fld}_high"] = f"{q.high:g}"
    return cells


def long_rows(scenario: Scenario) -> tuple[list[str], list[dict[str, Any]]]:
    rows = []
    for actor in scenario.actors:
        for issue in scenario.issues:
            stance = actor.issues.get(issue.id)
            if stance is None:
                continue
            row: dict[str, Any] = {"actor": actor.id, "issue": issue.id}
            if actor.name != actor.id:
                row["name"] = actor.name
            row.update(_stance_cells(stance.capability or actor.capability, "capability"))
            row.update(_stance_cells(stance.position, "position"))
            row.update(_stance_cells(stance.salience, "salience"))
            if actor.veto:
                row["veto"] = "yes"
            if issue.status_quo is not None:
                row.update(_stance_cells(issue.status_quo, "status_quo"))
            if stance.walk_away is not None:
                row.update(_stance_cells(stance.walk_away, "walk_away"))
            row.update(red_line_cells(scenario, actor.id, issue.id))
            if scenario.status == "draft":
                # Spreadsheets carry no case sheet everywhere: each row says it is a draft, so
                # an exported draft cannot come back as a reviewed case.
                row["status"] = "draft"
            rows.append(row)
    extra = [c for c in _OPTIONAL if any(c in r for r in rows)]
    return [*LONG_COLUMNS, *extra], rows


def _write(header: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_long_csv(scenario: Scenario) -> str:
    """The scenario's actors, positions, saliences and capabilities as a long CSV."""
    header, rows = long_rows(scenario)
    return _write(header, rows)


def write_flat_csv(scenario: Scenario) -> str:
    """A one-issue scenario as the literature's flat CSV."""
    if len(scenario.issues) != 1:
        raise ScenarioError.single(
            "not_flat",
            f"the flat CSV holds one issue; this scenario has {len(scenario.issues)} "
            "(use the long CSV)",
        )
    header, rows = long_rows(scenario)
    for row in rows:
        row.pop("issue")
    return _write([h for h in header if h != "issue"], rows)
