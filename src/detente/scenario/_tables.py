"""The table formats: the literature's flat CSV (one issue), the long CSV, and XLSX.

Flat CSV: ``actor,capability,position,salience`` (optional ``name``), one row per actor, one
issue. Long CSV: ``actor,issue,capability,position,salience`` (``power`` is accepted for
``capability``), one row per actor–issue pair, optional ``*_low``/``*_high`` columns for
ranges and an optional ``name`` column. XLSX: a ``positions`` sheet in the long layout, and
optional ``issues`` (id, name, description, scale_min, scale_max, unit, status_quo) and
``actors`` (id, name, description, capability, veto) sheets. Saliences are on 0–100.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path as FsPath
from typing import Any

from ..errors import Problem, ScenarioError, did_you_mean
from ._deal_sheets import (
    RED_LINE_COLUMNS,
    Sections,
    read_deal_sheets,
    red_line_cells,
    red_lines_from_rows,
    write_deal_sheets,
)
from ._parse import Locator, Path, parse_scenario
from ._schema import Quantity, Scenario

__all__ = ["read_csv", "read_xlsx", "write_flat_csv", "write_long_csv", "write_xlsx"]

_FLAT = ["actor", "capability", "position", "salience"]
_LONG = ["actor", "issue", "capability", "position", "salience"]
_RANGED = ["position", "salience", "capability"]
_OPTIONAL = ["name", *(f"{f}_{end}" for f in _RANGED for end in ("low", "high")), *RED_LINE_COLUMNS]
_ISSUE_COLUMNS = ["id", "name", "description", "scale_min", "scale_max", "unit", "status_quo"]
_ACTOR_COLUMNS = ["id", "name", "description", "capability", "veto"]


def _number(text: Any, file: str | None, row: int, column: str) -> float:
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    cell = str(text).strip() if text is not None else ""
    try:
        return float(cell)
    except ValueError:
        raise ScenarioError.single(
            "not_a_number",
            f"expected a number in column '{column}'; got {cell!r}",
            file=file,
            line=row,
            column=column,
            location=f"row {row}",
            given=cell,
            expected="a number",
        ) from None


def _check_header(
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


def _rows_to_scenario(
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
    issue_order: list[str] = []
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
        if issue_id not in issue_order:
            issue_order.append(issue_id)
        actor = actors.setdefault(
            actor_id,
            {"id": actor_id, "name": str(cells.get("name") or actor_id).strip(), "issues": {}},
        )
        a_index = list(actors).index(actor_id)
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
            cell = cells.get(fld)
            if cell is None or str(cell).strip() == "":
                if fld == "capability":
                    continue
                raise ScenarioError.single(
                    "missing",
                    f"the '{fld}' cell is empty",
                    file=file,
                    line=row,
                    column=fld,
                    location=f"row {row}",
                    expected="a number",
                )
            mode = _number(cell, file, row, fld)
            low_cell, high_cell = cells.get(f"{fld}_low"), cells.get(f"{fld}_high")
            has_low = low_cell is not None and str(low_cell).strip() != ""
            has_high = high_cell is not None and str(high_cell).strip() != ""
            if has_low or has_high:
                stance[fld] = {
                    "low": _number(low_cell, file, row, f"{fld}_low") if has_low else mode,
                    "mode": mode,
                    "high": _number(high_cell, file, row, f"{fld}_high") if has_high else mode,
                }
            else:
                stance[fld] = mode
            path: Path = ("actors", a_index, "issues", issue_id, fld)
            lines[path] = row
            columns[path] = fld
        lines[("actors", a_index, "issues", issue_id)] = row
        lines.setdefault(("actors", a_index), row)
        actor["issues"][issue_id] = stance

    issues = [{"id": k, "name": k} for k in issue_order]
    if issues_meta:
        issues = issues_meta
    actor_list = list(actors.values())
    if actors_meta:
        by_id = {a["id"]: a for a in actors_meta}
        for actor in actor_list:
            meta = by_id.get(actor["id"], {})
            actor.update({k: v for k, v in meta.items() if k != "id"})
    raw = {"id": scenario_id, "title": scenario_id, "issues": issues, "actors": actor_list}
    for part in (red_lines_from_rows(rows, file=file), deal):  # deal spec sections (_deal_sheets)
        if part is not None:
            part.merge_into(raw, lines, columns)
    return parse_scenario(raw, locator=Locator(file=file, lines=lines, columns=columns))


def read_csv(text: str, *, file: str | None = None, scenario_id: str = "scenario") -> Scenario:
    """Parse a flat (one issue) or long CSV; the layout is told by an ``issue`` column."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ScenarioError.single(
            "empty", "the file is empty; expected a CSV header", file=file
        ) from None
    header = ["capability" if h == "power" else h for h in header]
    long = "issue" in header
    _check_header(header, _LONG if long else _FLAT, file, "long CSV" if long else "flat CSV")
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ScenarioError.single(
                "bad_row",
                f"row has {len(cells)} cells but the header has {len(header)} columns",
                file=file,
                line=number,
                location=f"row {number}",
                given=len(cells),
                expected=f"{len(header)} cells",
            )
        rows.append((number, dict(zip(header, cells, strict=True))))
    return _rows_to_scenario(header, rows, scenario_id=scenario_id, file=file)


def _stance_cells(q: Quantity | None, fld: str) -> dict[str, Any]:
    if q is None:
        return {fld: ""}
    cells: dict[str, Any] = {fld: f"{q.mode:g}"}
    if q.is_uncertain or q.low != q.mode:
        cells[f"{fld}_low"] = f"{q.low:g}"
        cells[f"{fld}_high"] = f"{q.high:g}"
    return cells


def _long_rows(scenario: Scenario) -> tuple[list[str], list[dict[str, Any]]]:
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
            row.update(red_line_cells(scenario, actor.id, issue.id))
            rows.append(row)
    extra = [c for c in _OPTIONAL if any(c in r for r in rows)]
    return [*_LONG, *extra], rows


def _write(header: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_long_csv(scenario: Scenario) -> str:
    """The scenario's actors, positions, saliences and capabilities as a long CSV."""
    header, rows = _long_rows(scenario)
    return _write(header, rows)


def write_flat_csv(scenario: Scenario) -> str:
    """A one-issue scenario as the literature's flat CSV."""
    if len(scenario.issues) != 1:
        raise ScenarioError.single(
            "not_flat",
            f"the flat CSV holds one issue; this scenario has {len(scenario.issues)} "
            "(use the long CSV)",
        )
    header, rows = _long_rows(scenario)
    for row in rows:
        row.pop("issue")
    return _write([h for h in header if h != "issue"], rows)


def read_xlsx(path: FsPath, *, file: str | None = None, scenario_id: str = "scenario") -> Scenario:
    """Parse an XLSX workbook (sheets ``positions`` and optional ``issues``, ``actors``)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ScenarioError.single(
            "not_a_scenario", f"this is not a readable XLSX workbook ({exc})", file=file
        ) from None
    sheets = {ws.title: ws for ws in workbook.worksheets}
    if "positions" not in sheets:
        raise ScenarioError.single(
            "missing_sheet",
            f"the workbook has no 'positions' sheet (sheets: {', '.join(sheets) or 'none'})",
            file=file,
        )

    def table(name: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
        values = list(sheets[name].iter_rows(values_only=True))
        if not values:
            return [], []
        header = [str(h).strip() if h is not None else "" for h in values[0]]
        while header and header[-1] == "":
            header.pop()
        rows = []
        for number, cells in enumerate(values[1:], start=2):
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            rows.append(
                (number, {h: cells[k] if k < len(cells) else None for k, h in enumerate(header)})
            )
        return header, rows

    header, rows = table("positions")
    header = ["capability" if h == "power" else h for h in header]
    rows = [(n, {("capability" if k == "power" else k): v for k, v in r.items()}) for n, r in rows]
    _check_header(header, _LONG, f"{file} (sheet positions)" if file else None, "positions sheet")
    issues_meta = None
    if "issues" in sheets:
        ih, irows = table("issues")
        _check_sheet(ih, _ISSUE_COLUMNS, file, "issues")
        issues_meta = [_issue_from_row(r, file, n) for n, r in irows]
    actors_meta = None
    if "actors" in sheets:
        ah, arows = table("actors")
        _check_sheet(ah, _ACTOR_COLUMNS, file, "actors")
        actors_meta = [_actor_from_row(r, file, n) for n, r in arows]
    deal = read_deal_sheets(table, sheets, file=file)
    workbook.close()
    return _rows_to_scenario(
        header,
        rows,
        scenario_id=scenario_id,
        file=file,
        issues_meta=issues_meta,
        actors_meta=actors_meta,
        deal=deal,
    )


def _check_sheet(header: list[str], allowed: list[str], file: str | None, sheet: str) -> None:
    for col in header:
        if col not in allowed:
            raise ScenarioError.single(
                "unknown_column",
                f"unknown column '{col}' in sheet '{sheet}'{did_you_mean(col, allowed)}; its "
                f"columns are: {', '.join(allowed)}",
                file=file,
                line=1,
                column=col,
                location=f"sheet {sheet}",
            )
    if "id" not in header:
        raise ScenarioError.single(
            "missing_column",
            f"sheet '{sheet}' needs an 'id' column",
            file=file,
            location=f"sheet {sheet}",
        )


def _blank(v: Any) -> bool:
    return (
        v is None
        or (isinstance(v, str) and v.strip() == "")
        or (isinstance(v, float) and math.isnan(v))
    )


def _issue_from_row(r: dict[str, Any], file: str | None, row: int) -> dict[str, Any]:
    issue: dict[str, Any] = {"id": str(r["id"]).strip(), "name": str(r.get("name") or r["id"])}
    if not _blank(r.get("description")):
        issue["description"] = str(r["description"])
    scale: dict[str, Any] = {}
    for col, key in (("scale_min", "min"), ("scale_max", "max")):
        if not _blank(r.get(col)):
            scale[key] = _number(r[col], file, row, col)
    if not _blank(r.get("unit")):
        scale["unit"] = str(r["unit"])
    if scale:
        issue["scale"] = scale
    if not _blank(r.get("status_quo")):
        issue["status_quo"] = _number(r["status_quo"], file, row, "status_quo")
    return issue


def _actor_from_row(r: dict[str, Any], file: str | None, row: int) -> dict[str, Any]:
    actor: dict[str, Any] = {"id": str(r["id"]).strip()}
    if not _blank(r.get("name")):
        actor["name"] = str(r["name"])
    if not _blank(r.get("description")):
        actor["description"] = str(r["description"])
    if not _blank(r.get("capability")):
        actor["capability"] = _number(r["capability"], file, row, "capability")
    if not _blank(r.get("veto")):
        actor["veto"] = str(r["veto"]).strip().lower() in {"1", "true", "yes", "y"}
    return actor


def write_xlsx(scenario: Scenario, path: FsPath) -> None:
    """Write the scenario as an XLSX workbook readable by :func:`read_xlsx`."""
    from openpyxl import Workbook

    workbook = Workbook()
    positions = workbook.create_sheet("positions", 0)
    del workbook[workbook.sheetnames[1]]
    header, rows = _long_rows(scenario)
    header = [h for h in header if h not in RED_LINE_COLUMNS]  # in their own sheet
    positions.append(header)
    for row in rows:
        positions.append([_cell(row.get(h, "")) for h in header])
    issues = workbook.create_sheet("issues")
    issues.append(_ISSUE_COLUMNS)
    for issue in scenario.issues:
        sq = issue.status_quo.mode if issue.status_quo is not None else None
        issues.append(
            [
                issue.id,
                issue.name,
                issue.description or None,
                issue.scale.min,
                issue.scale.max,
                issue.scale.unit,
                sq,
            ]
        )
    actors = workbook.create_sheet("actors")
    actors.append(_ACTOR_COLUMNS)
    for actor in scenario.actors:
        cap = actor.capability.mode if actor.capability is not None else None
        actors.append([actor.id, actor.name, actor.description or None, cap, actor.veto])
    write_deal_sheets(workbook, scenario)
    workbook.save(path)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value:
        try:
            return float(value)
        except ValueError:
            return value
    return value if value != "" else None
