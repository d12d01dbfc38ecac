"""The XLSX workbook format: read (bounded, linear in the cells really present) and write.

A ``positions`` sheet in the long layout (see :mod:`._tables`), and optional ``issues`` (id,
name, description, scale_min, scale_max, unit, status_quo) and ``actors`` (id, name,
description, capability, veto) sheets, and the deal sections' sheets (:mod:`._deal_sheets`).
Saliences are on 0–100.

Why not openpyxl's ``iter_rows``: in read-only mode it trusts the sheet's declared dimension, so a
6 KB file declaring ``A1:XFD1048576`` is padded out to 17 billion empty cells, and rows past a
(too small) declared dimension are silently dropped. Its sheet parser yields the cells the XML
really holds, each with its row and column, so this reader walks those, refuses columns and row
counts past the limits, and reads every row whatever the dimension says.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from ..errors import ScenarioError, did_you_mean
from ._deal_sheets import RED_LINE_COLUMNS, SHEETS, read_deal_sheets, write_deal_sheets
from ._limits import MAX_STANCES, MAX_UNZIPPED_BYTES
from ._schema import Scenario
from ._spreadsheet import column_name, unique_columns, veto_cell
from ._tables import LONG_COLUMNS, cell_number, check_header, long_rows, rows_to_scenario

__all__ = ["MAX_COLUMNS", "read_xlsx", "write_xlsx"]

_ISSUE_COLUMNS = ["id", "name", "description", "scale_min", "scale_max", "unit", "status_quo"]
_ACTOR_COLUMNS = ["id", "name", "description", "capability", "veto"]
# Columns of the long layout that the writer puts in the issues and actors sheets instead.
_OWN_SHEETS = {"veto", "status_quo", "status_quo_low", "status_quo_high"}
# The widest sheet (positions) has 25 columns; a cell far to the right is a wrong or hostile file.
MAX_COLUMNS = 64
_MAX_ROWS = MAX_STANCES + 1  # a header and one row per actor–issue pair
# What a broken or hostile workbook makes openpyxl raise: bad XML, bad cell references, shared
# string indices out of range, entity declarations (defusedxml), parts missing from the zip.
_BROKEN = (
    ParseError,
    ValueError,
    IndexError,
    KeyError,
    TypeError,
    OverflowError,
    zipfile.BadZipFile,
)

Rows = list[tuple[int, list[Any]]]


def read_xlsx(
    source: FsPath | IO[bytes], *, file: str | None = None, scenario_id: str = "scenario"
) -> Scenario:
    """Parse an XLSX workbook (sheets ``positions`` and optional ``issues``, ``actors``)."""
    _check_unzipped_size(source, file)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (*_BROKEN, OSError) as exc:
        # openpyxl wraps the real failure (bad XML, an entity declaration) in a three-line
        # ValueError; the cause says what is wrong.
        reason = str(exc.__cause__ or exc).splitlines()[0]
        raise ScenarioError.single(
            "not_a_scenario", f"this is not a readable XLSX workbook ({reason})", file=file
        ) from None
    try:
        # Sheet names as columns: "Positions" is the positions sheet.
        sheets = {column_name(ws.title): ws for ws in workbook.worksheets}
        if "positions" not in sheets:
            titles = ", ".join(ws.title for ws in workbook.worksheets) or "none"
            raise ScenarioError.single(
                "missing_sheet",
                f"the workbook has no 'positions' sheet (sheets: {titles})",
                file=file,
            )
        tables = {name: _table(workbook, sheets[name], file) for name in sheets}
    finally:
        workbook.close()
    header, rows = tables["positions"]
    check_header(
        header, LONG_COLUMNS, f"{file} (sheet positions)" if file else None, "positions sheet"
    )
    issues_meta = None
    if "issues" in tables:
        ih, irows = tables["issues"]
        _check_sheet(ih, _ISSUE_COLUMNS, file, "issues")
        issues_meta = [_issue_from_row(r, file, n) for n, r in irows]
    actors_meta = None
    if "actors" in tables:
        ah, arows = tables["actors"]
        _check_sheet(ah, _ACTOR_COLUMNS, file, "actors")
        actors_meta = [_actor_from_row(r, file, n) for n, r in arows]
    deal = read_deal_sheets({n: t for n, t in tables.items() if n in SHEETS}, file=file)
    return rows_to_scenario(
        header,
        rows,
        scenario_id=scenario_id,
        file=file,
        issues_meta=issues_meta,
        actors_meta=actors_meta,
        deal=deal,
    )


def _check_unzipped_size(source: FsPath | IO[bytes], file: str | None) -> None:
    """Refuse a zip whose parts unpack past :data:`MAX_UNZIPPED_BYTES` before opening any."""
    try:
        with zipfile.ZipFile(source) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ScenarioError.single(
            "not_a_scenario", f"this is not a readable XLSX workbook ({exc})", file=file
        ) from None
    finally:
        if isinstance(source, io.IOBase):
            source.seek(0)
    if total > MAX_UNZIPPED_BYTES:
        raise ScenarioError.single(
            "too_large",
            f"the workbook unpacks to {total / 1e6:,.0f} MB; workbooks are limited to "
            f"{MAX_UNZIPPED_BYTES / 1e6:.0f} MB unpacked",
            file=file,
            given=total,
        )


def _sheet_rows(workbook: Any, sheet: Any, file: str | None) -> Rows:
    """``(row number, values by column)`` for every row the sheet's XML holds, in file order."""
    from openpyxl.worksheet._reader import WorkSheetParser

    # The read-only sheet's own parser, fed the workbook's shared strings and date styles: the
    # cells as iter_rows would give them, without the padding to the declared dimension.
    with sheet._get_source() as xml:
        parser = WorkSheetParser(
            xml,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        try:
            return _bounded_rows(parser.parse(), sheet.title, file)
        except ScenarioError:
            raise
        except _BROKEN as exc:
            raise ScenarioError.single(
                "bad_xlsx",
                f"sheet '{sheet.title}' cannot be read after row {parser.row_counter} ({exc})",
                file=file,
                line=parser.row_counter or None,
                location=f"sheet {sheet.title}",
            ) from None


def _bounded_rows(
    parsed: Iterator[tuple[int, list[dict[str, Any]]]], title: str, file: str | None
) -> Rows:
    """The parsed rows as value lists, refusing repeated rows and cells past the limits."""
    where = f"sheet {title}"
    rows: Rows = []
    seen: set[int] = set()
    for number, cells in parsed:
        if number in seen or len(rows) >= _MAX_ROWS:
            message = (
                f"row {number} appears twice in the sheet"
                if number in seen
                else f"the sheet has more than {_MAX_ROWS:,} rows"
            )
            raise ScenarioError.single("bad_xlsx", message, file=file, line=number, location=where)
        seen.add(number)
        values: dict[int, Any] = {}
        for cell in cells:
            if not 1 <= cell["column"] <= MAX_COLUMNS:
                raise ScenarioError.single(
                    "bad_xlsx",
                    f"a cell in column {cell['column']:,} of row {number}; sheets are read up "
                    f"to column {MAX_COLUMNS} (the tables have at most 25 columns)",
                    file=file,
                    line=number,
                    location=where,
                )
            values[cell["column"]] = cell["value"]
        width = max(values, default=0)
        rows.append((number, [values.get(c) for c in range(1, width + 1)]))
    return rows


def _table(
    workbook: Any, sheet: Any, file: str | None
) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    values = _sheet_rows(workbook, sheet, file)
    if not values:
        return [], []
    given = [str(h).strip() if h is not None else "" for h in values[0][1]]
    while given and given[-1] == "":
        given.pop()
    header = [column_name(h) for h in given]
    unique_columns(header, given, file)
    rows = []
    for number, cells in values[1:]:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        rows.append(
            (number, {h: cells[k] if k < len(cells) else None for k, h in enumerate(header)})
        )
    return header, rows


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
            scale[key] = cell_number(r[col], file, row, col)
    if not _blank(r.get("unit")):
        scale["unit"] = str(r["unit"])
    if scale:
        issue["scale"] = scale
    if not _blank(r.get("status_quo")):
        issue["status_quo"] = cell_number(r["status_quo"], file, row, "status_quo")
    return issue


def _actor_from_row(r: dict[str, Any], file: str | None, row: int) -> dict[str, Any]:
    actor: dict[str, Any] = {"id": str(r["id"]).strip()}
    if not _blank(r.get("name")):
        actor["name"] = str(r["name"])
    if not _blank(r.get("description")):
        actor["description"] = str(r["description"])
    if not _blank(r.get("capability")):
        actor["capability"] = cell_number(r["capability"], file, row, "capability")
    veto = veto_cell(r.get("veto"), file, row, "actors!veto")
    if veto is not None:
        actor["veto"] = veto
    return actor


def write_xlsx(scenario: Scenario, path: FsPath | IO[bytes]) -> None:
    """Write the scenario as an XLSX workbook readable by :func:`read_xlsx`."""
    from openpyxl import Workbook

    workbook = Workbook()
    positions = workbook.create_sheet("positions", 0)
    del workbook[workbook.sheetnames[1]]
    header, rows = long_rows(scenario)
    # Red lines, vetoes and status quos have their own sheets.
    header = [h for h in header if h not in {*RED_LINE_COLUMNS, *_OWN_SHEETS}]
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
