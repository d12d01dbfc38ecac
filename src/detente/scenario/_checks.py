"""Meaning checks on a structurally valid scenario: ids, ranges, scales. All problems at once."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ..errors import did_you_mean
from ._deal_checks import check_deal
from ._guarantee_checks import check_guarantees
from ._problems import Path, RawProblem, duplicates, fmt, quantity_problems
from ._schema import Scale, Scenario

__all__ = ["RawProblem", "check_scenario"]


def _scale(scale: Scale, path: Path) -> Iterator[RawProblem]:
    if not (math.isfinite(scale.min) and math.isfinite(scale.max)):
        yield RawProblem("not_finite", path, "scale ends must be finite numbers")
    elif scale.min >= scale.max:
        yield RawProblem(
            "bad_scale",
            path,
            f"the low end must be below the high end; got min={fmt(scale.min)}, "
            f"max={fmt(scale.max)}",
            (scale.min, scale.max),
            "min < max",
        )
    else:
        for k, anchor in enumerate(scale.anchors):
            if not scale.min <= anchor.value <= scale.max:
                yield RawProblem(
                    "out_of_range",
                    (*path, "anchors", k),
                    f"anchor '{anchor.label}' at {fmt(anchor.value)} lies outside the scale "
                    f"{fmt(scale.min)}–{fmt(scale.max)}",
                    anchor.value,
                )


def check_scenario(s: Scenario) -> list[RawProblem]:
    """Every meaning problem of ``s``; an empty list when it is sound."""
    problems: list[RawProblem] = []
    add = problems.extend
    sources = {src.id for src in s.sources}
    if not s.issues:
        problems.append(RawProblem("empty", ("issues",), "the scenario has no issues"))
    if not s.actors:
        problems.append(RawProblem("empty", ("actors",), "the scenario has no actors"))
    add(duplicates([x.id for x in s.sources], "sources", "source"))
    add(duplicates([x.id for x in s.issues], "issues", "issue"))
    add(duplicates([x.id for x in s.actors], "actors", "actor"))

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
                quantity_problems(
                    issue.status_quo,
                    (*path, "status_quo"),
                    "status quo",
                    lo=lo,
                    hi=hi,
                    sources=sources,
                )
            )

    covered: set[str] = set()
    for k, actor in enumerate(s.actors):
        path = ("actors", k)
        if actor.capability is not None:
            add(
                quantity_problems(
                    actor.capability,
                    (*path, "capability"),
                    "capability",
                    lo=0.0,
                    hi=None,
                    sources=sources,
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
                        f"{did_you_mean(issue_id, scales)}",
                        issue_id,
                        "an issue id",
                    )
                )
                continue
            covered.add(issue_id)
            scale = scales[issue_id]
            lo, hi = (scale.min, scale.max) if scale else (None, None)
            add(
                quantity_problems(
                    stance.position, (*ipath, "position"), "position", lo=lo, hi=hi, sources=sources
                )
            )
            add(
                quantity_problems(
                    stance.salience,
                    (*ipath, "salience"),
                    "salience",
                    lo=0.0,
                    hi=100.0,
                    sources=sources,
                )
            )
            if stance.capability is not None:
                add(
                    quantity_problems(
                        stance.capability,
                        (*ipath, "capability"),
                        "capability",
                        lo=0.0,
                        hi=None,
                        sources=sources,
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
                    quantity_problems(
                        stance.walk_away,
                        (*ipath, "walk_away"),
                        "walk-away position",
                        lo=lo,
                        hi=hi,
                        sources=sources,
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
    problems.extend(check_guarantees(s, scales))
    problems.extend(check_deal(s, scales))
    return problems
