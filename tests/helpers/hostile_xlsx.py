"""Hostile XLSX workbooks, made by editing one part of a valid workbook's zip.

Each maker returns the bytes of a workbook that is valid except for one deliberate defect, so a
test shows which defect the reader catches (the hostile-input probe of issue 12 found each one).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from detente.scenario import load_scenario, write_xlsx

SMALL = Path(__file__).parents[1] / "assets" / "hostile" / "small.yaml"
POSITIONS = "xl/worksheets/sheet1.xml"
CELL = '<c r="A1" t="inlineStr"><is><t>actor</t></is></c>'


def valid_workbook() -> bytes:
    """The small hostile-test scenario (2 actors, 1 issue) as an XLSX workbook."""
    out = io.BytesIO()
    write_xlsx(load_scenario(SMALL), out)
    return out.getvalue()


def edited(data: bytes, part: str, edit: Callable[[str], str]) -> bytes:
    """``data`` with the zip member ``part`` replaced by ``edit(its text)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == part:
                body = edit(body.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, body)
    return out.getvalue()


def sheet(edit: Callable[[str], str]) -> bytes:
    """The valid workbook with its positions sheet's XML edited."""
    return edited(valid_workbook(), POSITIONS, edit)


def giant_dimension() -> bytes:
    """Declares the whole grid, A1:XFD1048576, as used (about 6 KB)."""
    return sheet(
        lambda xml: xml.replace('<dimension ref="A1:H3" />', '<dimension ref="A1:XFD1048576" />')
    )


def far_cells(rows: int = 2_000) -> bytes:
    """Real rows whose one cell sits in the last column, XFD: padded, the rows grow huge."""
    extra = "".join(
        f'<row r="{r}"><c r="XFD{r}" t="n"><v>1</v></c></row>' for r in range(4, 4 + rows)
    )
    return sheet(lambda xml: xml.replace("</sheetData>", extra + "</sheetData>"))


def rows_beyond_dimension() -> bytes:
    """Declares A1:H2, yet holds a third row (actor b): every real row must be read."""
    return sheet(lambda xml: xml.replace('<dimension ref="A1:H3" />', '<dimension ref="A1:H2" />'))


def malformed_xml() -> bytes:
    """The sheet's XML is cut off in the middle of a row."""
    return sheet(lambda xml: xml[: xml.index('<row r="3">') + 20])


def bad_reference() -> bytes:
    """A cell reference that is no cell (``1A``)."""
    return sheet(lambda xml: xml.replace('<c r="A2"', '<c r="1A"'))


def entity_bomb() -> bytes:
    """The sheet's XML declares nested entities (billion laughs) and uses the last."""
    lol = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">'
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    return sheet(
        lambda xml: f"<!DOCTYPE worksheet [{lol}]>" + xml.replace("<t>actor</t>", "<t>&i;</t>", 1)
    )
