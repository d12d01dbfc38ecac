"""Rows of a delimited text, for every CSV-like reader (flat, long, KTAB CSV, decide).

One place turns the :mod:`csv` module's own failures (a field over its 131,072-character limit, a
quote that never closes) into a :class:`~detente.errors.ScenarioError` with the row, and reads old
Mac line ends (a lone ``\\r``) as line ends instead of failing on them.

>>> list(csv_rows("a,b\\rc,d\\n"))
[(1, ['a', 'b']), (2, ['c', 'd'])]
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..errors import ScenarioError

__all__ = ["csv_rows"]


def csv_rows(
    text: str, *, file: str | None = None, delimiter: str = ",", skipinitialspace: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)`` for each row of ``text``, counting rows from 1.

    Rows are records: a quoted cell may span lines. ``newline=None`` reads ``\\r``, ``\\r\\n``
    and ``\\n`` alike as line ends.
    """
    reader = csv.reader(
        io.StringIO(text, newline=None), delimiter=delimiter, skipinitialspace=skipinitialspace
    )
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise ScenarioError.single(
            "bad_csv",
            f"row {number + 1} cannot be read as CSV ({exc}; line {reader.line_num} of the file)",
            file=file,
            line=number + 1,
            location=f"row {number + 1}",
        ) from None
