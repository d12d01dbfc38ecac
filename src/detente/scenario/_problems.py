"""Building blocks of the meaning checks: a located problem, and the checks every section repeats
(a quantity's range and sources, duplicate ids, source references)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import did_you_mean
from ._quantity import Quantity

if TYPE_CHECKING:
    from ._schema import Scale

__all__ = [
    "Path",
    "RawProblem",
    "duplicates",
    "fmt",
    "issue_value_problems",
    "quantity_problems",
    "source_refs",
    "unknown_ref",
]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class RawProblem:
    """A problem located by its raw path (turned into a display path and a line later)."""

    code: str
    path: Path
    message: str
    given: Any = None
    expected: str | None = None


def fmt(v: float) -> str:
    return f"{v:g}"


def quantity_problems(
    q: Quantity, path: Path, what: str, *, lo: float | None, hi: float | None, sources: set[str]
) -> Iterator[RawProblem]:
    if not q.finite:
        bad = next(v for v in (q.low, q.mode, q.high) if not math.isfinite(v))
        yield RawProblem(
            "not_finite", path, f"{what} must be a finite number; got {bad}", bad, "finite"
        )
        return
    if not q.low <= q.mode <= q.high:
        yield RawProblem(
            "bad_range",
            path,
            f"{what} range must satisfy low ≤ mode ≤ high; got low={fmt(q.low)}, "
            f"mode={fmt(q.mode)}, high={fmt(q.high)}",
            (q.low, q.mode, q.high),
            "low ≤ mode ≤ high",
        )
    for v in {q.low, q.mode, q.high}:
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            bounds = (
                f"between {fmt(lo)} and {fmt(hi)}"
                if lo is not None and hi is not None
                else f"at least {fmt(lo)}"
                if lo is not None
                else f"at most {fmt(hi if hi is not None else 0)}"
            )
            yield RawProblem(
                "out_of_range", path, f"{what} must lie {bounds}; got {fmt(v)}", v, bounds
            )
            break
    yield from source_refs(q.source, path, sources)


def duplicates(ids: list[str], path: str, what: str) -> Iterator[RawProblem]:
    seen: set[str] = set()
    for k, ident in enumerate(ids):
        if ident in seen:
            yield RawProblem(
                "duplicate_id", (path, k), f"{what} id '{ident}' is used more than once", ident
            )
        seen.add(ident)


def source_refs(refs: Iterable[str], path: Path, sources: set[str]) -> Iterator[RawProblem]:
    """A problem for each cited source id that the scenario does not list."""
    for ref in refs:
        if ref not in sources:
            yield RawProblem(
                "unknown_source",
                path,
                f"source '{ref}' is not in the scenario's sources{did_you_mean(ref, sources)}",
                ref,
                "a source id",
            )


def unknown_ref(
    given: str, known: set[str], path: Path, role: str, kind: str, within: str = "the scenario"
) -> Iterator[RawProblem]:
    """A problem when ``given`` (the ``role``, e.g. "guarantor") is not among the ``known`` ids of
    its ``kind`` (actor, issue, guarantee package, guarantor)."""
    if given not in known:
        a_kind = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
        yield RawProblem(
            f"unknown_{kind.split()[-1]}",
            path,
            f"{role} '{given}' is not {a_kind} of {within}{did_you_mean(given, known)}",
            given,
            f"{a_kind} id",
        )


def issue_value_problems(
    issue_id: str,
    value: float,
    path: Path,
    scales: dict[str, Scale | None],
    what: str,
) -> Iterator[RawProblem]:
    """A value on ``issue_id``'s own scale: the issue must exist and the value lie on its scale."""
    if issue_id not in scales:
        yield from unknown_ref(issue_id, set(scales), path, "issue", "issue")
        return
    scale = scales[issue_id]
    if not math.isfinite(value):
        yield RawProblem("not_finite", path, f"{what} must be a finite number; got {value}", value)
    elif scale is not None and not scale.min <= value <= scale.max:
        bounds = f"between {fmt(scale.min)} and {fmt(scale.max)}"
        yield RawProblem(
            "out_of_range",
            path,
            f"{what} on issue '{issue_id}' must lie on its scale, {bounds}; got {fmt(value)}",
            value,
            bounds,
        )
