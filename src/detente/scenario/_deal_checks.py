"""Meaning checks of the deal sections: the no-deal path, red lines, conditions and proposals."""

from __future__ import annotations

from collections.abc import Iterator

from ._deal_schema import Bound, Condition, NoDeal, Proposal, RedLine
from ._problems import (
    Path,
    RawProblem,
    duplicates,
    fmt,
    issue_value_problems,
    quantity_problems,
    source_refs,
    unknown_ref,
)
from ._quantity import Quantity
from ._schema import Scale, Scenario

__all__ = ["check_deal"]

# The id a condition or proposal uses for "no guarantee package".
NO_PACKAGE = "none"


def check_deal(s: Scenario, scales: dict[str, Scale | None]) -> list[RawProblem]:
    """Every meaning problem of the deal sections; ``scales`` holds each issue's sound scale."""
    problems: list[RawProblem] = []
    actors = set(s.actor_ids)
    sources = {src.id for src in s.sources}
    packages = {p.id for p in s.guarantees} | {NO_PACKAGE}
    if s.no_deal is not None:
        problems.extend(_no_deal(s.no_deal, actors, sources, scales))
    for actor, lines in s.red_lines.items():
        path: Path = ("red_lines", actor)
        problems.extend(unknown_ref(actor, actors, path, "red lines of", "actor"))
        for issue_id, line in lines.items():
            problems.extend(_red_line(line, (*path, issue_id), issue_id, sources, scales))
    for k, condition in enumerate(s.conditions):
        problems.extend(_condition(condition, ("conditions", k), actors, packages, sources, scales))
    problems.extend(duplicates([p.id for p in s.proposals], "proposals", "proposal"))
    for k, proposal in enumerate(s.proposals):
        problems.extend(_proposal(proposal, ("proposals", k), packages, sources, scales))
    return problems


def _on_scale(
    q: Quantity,
    issue_id: str,
    path: Path,
    what: str,
    scales: dict[str, Scale | None],
    sources: set[str],
) -> Iterator[RawProblem]:
    """A quantity on an issue's own scale: the issue exists and low, mode and high lie on it."""
    if issue_id not in scales:
        yield from unknown_ref(issue_id, set(scales), path, "issue", "issue")
        return
    scale = scales[issue_id]
    lo, hi = (scale.min, scale.max) if scale else (None, None)
    yield from quantity_problems(q, path, what, lo=lo, hi=hi, sources=sources)


def _no_deal(
    nd: NoDeal, actors: set[str], sources: set[str], scales: dict[str, Scale | None]
) -> Iterator[RawProblem]:
    path: Path = ("no_deal",)
    yield from quantity_problems(
        nd.horizon_years, (*path, "horizon_years"), "horizon", lo=0.0, hi=None, sources=sources
    )
    yield from quantity_problems(
        nd.discount, (*path, "discount"), "discount", lo=0.0, hi=1.0, sources=sources
    )
    yield from source_refs(nd.source, (*path, "source"), sources)
    for issue_id, q in nd.issues.items():
        yield from _on_scale(
            q, issue_id, (*path, "issues", issue_id), "no-deal value", scales, sources
        )
    for actor, cost in nd.yearly_cost.items():
        cpath: Path = (*path, "yearly_cost", actor)
        yield from unknown_ref(actor, actors, cpath, "yearly cost of", "actor")
        # Points of the actor's most salient issue: a year of war can cost at most its whole scale.
        yield from quantity_problems(
            cost, cpath, "yearly cost of war", lo=0.0, hi=100.0, sources=sources
        )


def _min_max(low: float | None, high: float | None, path: Path, what: str) -> Iterator[RawProblem]:
    if low is not None and high is not None and low > high:
        yield RawProblem(
            "bad_range",
            path,
            f"{what}: min {fmt(low)} is above max {fmt(high)}, so nothing could satisfy it",
            (low, high),
            "min ≤ max",
        )


def _red_line(
    line: RedLine, path: Path, issue_id: str, sources: set[str], scales: dict[str, Scale | None]
) -> Iterator[RawProblem]:
    if line.min is None and line.max is None:
        yield RawProblem(
            "empty", path, "a red line needs a 'min', a 'max' or both", None, "min/max"
        )
    for key in ("min", "max"):
        q = getattr(line, key)
        if q is not None:
            yield from _on_scale(q, issue_id, (*path, key), f"red line {key}", scales, sources)
    low = line.min.high if line.min is not None else None
    high = line.max.low if line.max is not None else None
    yield from _min_max(low, high, path, f"red line on issue '{issue_id}'")
    yield from source_refs(line.source, (*path, "source"), sources)


def _bound(
    bound: Bound, path: Path, packages: set[str], scales: dict[str, Scale | None]
) -> Iterator[RawProblem]:
    if (bound.issue is None) == (bound.package is None):
        yield RawProblem(
            "invalid",
            path,
            "a condition side names either an 'issue' (with min and/or max) or a 'package' list",
            None,
            "issue | package",
        )
        return
    if bound.package is not None:
        for pid in bound.package:
            yield from unknown_ref(
                pid, packages, (*path, "package"), "package", "guarantee package"
            )
        return
    assert bound.issue is not None
    if bound.min is None and bound.max is None:
        yield RawProblem(
            "empty", path, f"a condition on issue '{bound.issue}' needs a 'min' or a 'max'"
        )
    for key in ("min", "max"):
        value = getattr(bound, key)
        if value is not None:
            yield from issue_value_problems(
                bound.issue, value, (*path, key), scales, f"condition {key}"
            )
    yield from _min_max(bound.min, bound.max, path, f"condition on issue '{bound.issue}'")


def _condition(
    c: Condition,
    path: Path,
    actors: set[str],
    packages: set[str],
    sources: set[str],
    scales: dict[str, Scale | None],
) -> Iterator[RawProblem]:
    yield from unknown_ref(c.actor, actors, (*path, "actor"), "condition of", "actor")
    yield from _bound(c.if_, (*path, "if"), packages, scales)
    yield from _bound(c.then, (*path, "then"), packages, scales)
    yield from source_refs(c.source, (*path, "source"), sources)


def _proposal(
    p: Proposal,
    path: Path,
    packages: set[str],
    sources: set[str],
    scales: dict[str, Scale | None],
) -> Iterator[RawProblem]:
    yield from unknown_ref(p.package, packages, (*path, "package"), "package", "guarantee package")
    yield from source_refs(p.sources, (*path, "sources"), sources)
    for issue_id, q in p.issues.items():
        yield from _on_scale(
            q, issue_id, (*path, "issues", issue_id), f"value in '{p.id}'", scales, sources
        )
