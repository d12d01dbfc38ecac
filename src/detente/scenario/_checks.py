"""Meaning checks on a structurally valid scenario: ids, ranges, scales. All problems at once."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import MAX_PER_KIND, did_you_mean
from ._guarantees import check_guarantees
from ._schema import Quantity, Scale, Scenario

__all__ = ["RawProblem", "check_scenario"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class RawProblem:
    """A problem located by its raw path (turned into a display path and a line later)."""

    code: str
    path: Path
    message: str
    given: Any = None
    expected: str | None = None


def _fmt(v: float) -> str:
    return f"{v:g}"


class _Hints:
    """Did-you-mean hints for the first :data:`MAX_PER_KIND` names only.

    Each hint compares the name with every choice; a file with thousands of unknown names must
    stay linear, and its error lists only that many problems of a kind anyway.
    """

    def __init__(self) -> None:
        self.left = MAX_PER_KIND

    def __call__(self, name: str, choices: Iterable[str]) -> str:
        self.left -= 1
        return did_you_mean(name, choices) if self.left >= 0 else ""


def _quantity(
    q: Quantity,
    path: Path,
    what: str,
    *,
    lo: float | None,
    hi: float | None,
    sources: set[str],
    hint: Callable[[str, Iterable[str]], str] = did_you_mean,
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
            f"{what} range must satisfy low ≤ mode ≤ high; got low={_fmt(q.low)}, "
            f"mode={_fmt(q.mode)}, high={_fmt(q.high)}",
            (q.low, q.mode, q.high),
            "low ≤ mode ≤ high",
        )
    for v in {q.low, q.mode, q.high}:
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            bounds = (
                f"between {_fmt(lo)} and {_fmt(hi)}"
                if lo is not None and hi is not None
                else f"at least {_fmt(lo)}"
                if lo is not None
                else f"at most {_fmt(hi if hi is not None else 0)}"
            )
            yield RawProblem(
                "out_of_range", path, f"{what} must lie {bounds}; got {_fmt(v)}", v, bounds
            )
            break
    for ref in q.source:
        if ref not in sources:
            yield RawProblem(
                "unknown_source",
                path,
                f"source '{ref}' is not in the scenario's sources{hint(ref, sources)}",
                ref,
                "a source id",
            )


def _scale(scale: Scale, path: Path) -> Iterator[RawProblem]:
    if not (math.isfinite(scale.min) and math.isfinite(scale.max)):
        yield RawProblem("not_finite", path, "scale ends must be finite numbers")
    elif scale.min >= scale.max:
        yield RawProblem(
            "bad_scale",
            path,
            f"the low end must be below the high end; got min={_fmt(scale.min)}, "
            f"max={_fmt(scale.max)}",
            (scale.min, scale.max),
            "min < max",
        )
    else:
        for k, anchor in enumerate(scale.anchors):
            if not scale.min <= anchor.value <= scale.max:
                yield RawProblem(
                    "out_of_range",
                    (*path, "anchors", k),
                    f"anchor '{anchor.label}' at {_fmt(anchor.value)} lies outside the scale "
                    f"{_fmt(scale.min)}–{_fmt(scale.max)}",
                    anchor.value,
                )


def _duplicates(ids: list[str], path: str, what: str) -> Iterator[RawProblem]:
    seen: set[str] = set()
    for k, ident in enumerate(ids):
        if ident in seen:
            yield RawProblem(
                "duplicate_id", (path, k), f"{what} id '{ident}' is used more than once", ident
            )
        seen.add(ident)


def check_scenario(s: Scenario) -> list[RawProblem]:
    """Every meaning problem of ``s``; an empty list when it is sound."""
    problems: list[RawProblem] = []
    add = problems.extend
    sources = {src.id for src in s.sources}
    source_hint, issue_hint = _Hints(), _Hints()
    if not s.issues:
        problems.append(RawProblem("empty", ("issues",), "the scenario has no issues"))
    if not s.actors:
        problems.append(RawProblem("empty", ("actors",), "the scenario has no actors"))
    add(_duplicates([x.id for x in s.sources], "sources", "source"))
    add(_duplicates([x.id for x in s.issues], "issues", "issue"))
    add(_duplicates([x.id for x in s.actors], "actors", "actor"))

    scales: dict[str, Scale | None] = {}
    for k, issue in enumerate(s.issues):
        path: Path = ("issues", k)
        before = len(problems)
        add(_scale(issue.scale, (*path, "scale")))
        sound = len(problems) == before
        scales[issue.id] = issue.scale if sound else None
        if issue.status_quo is not None:
            lo, hi = (issue.scale.min, issue.scale.max) if sound else (None, None)
            add(
                _quantity(
                    issue.status_quo,
                    (*path, "status_quo"),
                    "status quo",
                    lo=lo,
                    hi=hi,
                    sources=sources,
                    hint=source_hint,
                )
            )

    covered: set[str] = set()
    for k, actor in enumerate(s.actors):
        path = ("actors", k)
        if actor.capability is not None:
            add(
                _quantity(
                    actor.capability,
                    (*path, "capability"),
                    "capability",
                    lo=0.0,
                    hi=None,
                    sources=sources,
                    hint=source_hint,
                )
            )
        if not actor.issues:
            problems.append(
                RawProblem(
                    "missing_position",
                    (*path, "issues"),
                    f"actor '{actor.id}' has no position on any issue",
                )
            )
        for issue_id, stance in actor.issues.items():
            ipath: Path = (*path, "issues", issue_id)
            if issue_id not in scales:
                problems.append(
                    RawProblem(
                        "unknown_issue",
                        ipath,
                        f"issue '{issue_id}' is not defined in 'issues'"
                        f"{issue_hint(issue_id, scales)}",
                        issue_id,
                        "an issue id",
                    )
                )
                continue
            covered.add(issue_id)
            scale = scales[issue_id]
            lo, hi = (scale.min, scale.max) if scale else (None, None)
            add(
                _quantity(
                    stance.position,
                    (*ipath, "position"),
                    "position",
                    lo=lo,
                    hi=hi,
                    sources=sources,
                    hint=source_hint,
                )
            )
            add(
                _quantity(
                    stance.salience,
                    (*ipath, "salience"),
                    "salience",
                    lo=0.0,
                    hi=100.0,
                    sources=sources,
                    hint=source_hint,
                )
            )
            if stance.capability is not None:
                add(
                    _quantity(
                        stance.capability,
                        (*ipath, "capability"),
                        "capability",
                        lo=0.0,
                        hi=None,
                        sources=sources,
                        hint=source_hint,
                    )
                )
            elif actor.capability is None:
                problems.append(
                    RawProblem(
                        "missing",
                        ipath,
                        f"actor '{actor.id}' has no capability for issue '{issue_id}': give the "
                        "actor a 'capability' or the issue entry one",
                        None,
                        "capability",
                    )
                )
            if stance.walk_away is not None:
                add(
                    _quantity(
                        stance.walk_away,
                        (*ipath, "walk_away"),
                        "walk-away position",
                        lo=lo,
                        hi=hi,
                        sources=sources,
                        hint=source_hint,
                    )
                )
    for k, issue in enumerate(s.issues):
        if s.actors and issue.id not in covered:
            problems.append(
                RawProblem(
                    "missing_position",
                    ("issues", k),
                    f"no actor has a position on issue '{issue.id}'",
                )
            )
    problems.extend(check_guarantees(s))
    return problems
