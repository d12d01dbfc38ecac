"""Tables as people keep them: header spellings, delimiters, decimal commas, and the per-actor
and per-issue columns (``veto``, ``status_quo``) of the long layout.

A spreadsheet saved as CSV in much of Europe is separated by semicolons with decimal commas
(``0,5``); headers are typed as people read them (``Actor``, ``Status quo``, ``Walk-away``). The
readers take all of these, and refuse only what stays ambiguous.

>>> [column_name(h) for h in ["Actor", " Status quo", "Walk-away", "Power"]]
['actor', 'status_quo', 'walk_away', 'capability']
>>> sniff_delimiter("Actor;Issue;Position\\na;x;1,5\\n", known={"actor", "issue", "position"})
';'
>>> decimal_point("1,5"), decimal_point("-,25"), decimal_point("1.234,5")
('1.5', '-.25', '1.234,5')
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Sequence
from typing import Any

from ..errors import ScenarioError, shown

__all__ = [
    "DELIMITERS",
    "IssueAndActorColumns",
    "column_name",
    "decimal_point",
    "excel_separator",
    "shown_value",
    "sniff_delimiter",
    "unique_columns",
    "veto_cell",
]

# Comma first: a tie (a one-column header, say) goes to the plain CSV.
DELIMITERS = (",", ";", "\t")
# Spellings of the same column: the literature's "power" is the capability.
_ALIASES = {"power": "capability"}
# A decimal comma: digits on both sides at most, one comma, no dot (a "1.234,5" with a
# thousands dot is not read: whether a dot is a thousands or a decimal mark is the ambiguity).
_DECIMAL_COMMA = re.compile(r"\s*[+-]?\d*,\d+\s*")
_YES = {"yes", "y", "true", "1", "x", "veto"}
_NO = {"no", "n", "false", "0", "-"}


def column_name(cell: Any) -> str:
    """A header cell as the column it names: case, outer spaces, and inner spaces or hyphens
    (``Walk-away``, ``Status quo``) do not matter."""
    name = re.sub(r"[\s\-]+", "_", str(cell if cell is not None else "").strip().lower())
    return _ALIASES.get(name, name)


def excel_separator(text: str) -> str | None:
    """The delimiter of an Excel ``sep=;`` first line, which Excel writes to say it; else None."""
    first = io.StringIO(text, newline=None).readline().strip()
    match = re.fullmatch(r"sep=(.)", first, flags=re.IGNORECASE)
    return match.group(1) if match else None


def sniff_delimiter(text: str, *, known: Collection[str]) -> str:
    """The delimiter (:data:`DELIMITERS`) that splits the header into the most ``known``
    column names, then into the most cells; comma when nothing tells them apart.

    The header decides, not the body: its cells are names, never numbers with decimal commas
    or texts with commas in them.
    """
    header = io.StringIO(text, newline=None).readline()

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:  # a cell past the csv module's limit: the reader says so, with its row
            return 0, 0
        return sum(column_name(c) in known for c in cells), len(cells)

    return max(DELIMITERS, key=score)


def decimal_point(cell: str) -> str:
    """A number written with a decimal comma (``0,5``) with a point instead; other text as is."""
    return cell.replace(",", ".") if _DECIMAL_COMMA.fullmatch(cell) else cell


def unique_columns(header: Sequence[str], given: Sequence[str], file: str | None) -> None:
    """Refuse a column named twice (``Position`` and ``position`` are one column)."""
    seen: dict[str, int] = {}
    for k, name in enumerate(header):
        if name and name in seen:
            first = seen[name]
            raise ScenarioError.single(
                "duplicate_column",
                f"column '{given[k]}' (column {k + 1}) names the same column as "
                f"'{given[first]}' (column {first + 1}): '{name}'",
                file=file,
                line=1,
                column=name,
                location="header",
                given=given[k],
            )
        seen[name] = k


def veto_cell(value: Any, file: str | None, row: int, column: str = "veto") -> bool | None:
    """A ``veto`` cell: yes/no (also true/false, y/n, 1/0, x for yes; any case), None if
    blank."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if isinstance(value, int | float) and value in (0, 1):
        text = str(int(value))
    if text == "":
        return None
    if text in _YES or text in _NO:
        return text in _YES
    raise ScenarioError.single(
        "invalid",
        f"expected yes or no in column '{column}'; got {shown(str(value).strip())}",
        file=file,
        line=row,
        column=column,
        location=f"row {row}",
        given=str(value).strip(),
        expected="yes or no",
    )


class IssueAndActorColumns:
    """Values of one issue (``status_quo``) or one actor (``veto``) repeated on its rows.

    Each may be left blank on some rows; where given more than once it must agree, so a typo
    in one row is not silently outvoted.
    """

    def __init__(self, file: str | None) -> None:
        self.file = file
        # key (issue or actor id) → (value, row it came from)
        self.status_quo: dict[str, tuple[Any, int]] = {}
        self.veto: dict[str, tuple[bool, int]] = {}

    def add(self, kind: str, key: str, value: Any, row: int, column: str) -> None:
        """Record ``value`` for ``key`` from ``row``; a different value than before is an
        error naming both rows."""
        seen = getattr(self, kind)
        if key in seen and seen[key][0] != value:
            before, first = seen[key]
            what = "issue" if kind == "status_quo" else "actor"
            raise ScenarioError.single(
                "conflict",
                f"{what} '{key}' has {column} {shown_value(value)} here but "
                f"{shown_value(before)} on row {first}; give it once or the same on every row",
                file=self.file,
                line=row,
                column=column,
                location=f"row {row}",
                given=shown_value(value),
                expected=shown_value(before),
            )
        seen.setdefault(key, (value, row))


def shown_value(value: Any) -> str:
    """A cell's value as an error message shows it: yes/no, a number, a low–mode–high range."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return f"{value['low']:g}–{value['mode']:g}–{value['high']:g}"
    return f"{value:g}"
