"""Plain CSV reading for the DEU loader: rows with their line numbers, Council weights."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ScenarioError

if TYPE_CHECKING:
    from ._deu import DeuRules

__all__ = ["council_weights", "read_csv"]


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) rows; a missing or unreadable file is a ScenarioError."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError.single(
            "file_not_found", f"no such DEU file: {path}", file=str(path)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError.single(
            "unreadable", f"cannot read {path} as UTF-8 CSV: {exc}", file=str(path)
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise ScenarioError.single("empty_file", "the file has no header row", file=str(path))
    rows = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    return [h.strip() for h in header], rows


def council_weights(path: Path, rules: DeuRules) -> dict[str, dict[str, float]]:
    """Council column → {country code: weight}; ``NA`` and empty cells are left out."""
    header, rows = read_csv(path)
    columns = {col for _, col in rules.capability_by_wave}
    missing = sorted({"name", *columns} - set(header))
    if missing:
        raise ScenarioError.single(
            "missing_column",
            f"the Council-weights file lacks column(s) {', '.join(missing)}",
            file=str(path),
            expected=f"columns name, {', '.join(sorted(columns))}",
        )
    code_of = {name: code for code, name in rules.member_states}
    out: dict[str, dict[str, float]] = {col: {} for col in columns}
    for line, cells in rows:
        record = dict(zip(header, cells, strict=False))
        code = code_of.get(record.get("name", "").strip())
        if code is None:
            continue
        for col in columns:
            text = record.get(col, "").strip()
            if text in ("", "NA"):
                continue
            try:
                out[col][code] = float(text)
            except ValueError:
                raise ScenarioError.single(
                    "not_a_number",
                    f"Council weight is not a number: '{text}'",
                    file=str(path),
                    line=line,
                    column=col,
                    given=text,
                    expected="a number or NA",
                ) from None
    return out
