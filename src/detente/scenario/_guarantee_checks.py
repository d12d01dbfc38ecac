"""Meaning checks of guarantee packages: ids, actors, priors, costs, pinned issues, requires."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ..errors import did_you_mean
from ._guarantees import MEASURES, PRIOR_NAMES, GuaranteePackage, PriorRef
from ._problems import (
    Path,
    RawProblem,
    duplicates,
    issue_value_problems,
    quantity_problems,
    source_refs,
    unknown_ref,
)
from ._schema import Scale, Scenario

__all__ = ["check_guarantees"]


def _prior_problems(ref: PriorRef, path: Path) -> Iterator[RawProblem]:
    given = {k for k in ("name", "mu", "alpha", "beta") if getattr(ref, k) is not None}
    if given not in ({"name"}, {"mu"}, {"alpha", "beta"}):
        yield RawProblem(
            "bad_prior",
            path,
            "give a prior as a name, as {mu, kappa} or as {alpha, beta}; got "
            f"{', '.join(sorted(given)) or 'nothing'}",
            sorted(given),
            "name | mu (+ kappa) | alpha and beta",
        )
        return
    if ref.name is not None and ref.name not in PRIOR_NAMES:
        yield RawProblem(
            "unknown_prior",
            (*path, "name"),
            f"unknown prior '{ref.name}'{did_you_mean(ref.name, PRIOR_NAMES)}; the priors are: "
            f"{', '.join(PRIOR_NAMES)}",
            ref.name,
            "a published prior name",
        )
    if ref.mu is not None and not 0.0 < ref.mu < 1.0:
        yield RawProblem(
            "out_of_range",
            (*path, "mu"),
            f"mu must lie strictly between 0 and 1; got {ref.mu:g}",
            ref.mu,
            "0 < mu < 1",
        )
    for key in ("kappa", "alpha", "beta"):
        value = getattr(ref, key)
        if value is not None and not (math.isfinite(value) and value > 0):
            yield RawProblem(
                "out_of_range", (*path, key), f"{key} must be > 0; got {value:g}", value, "> 0"
            )


def check_guarantees(s: Scenario, scales: dict[str, Scale | None]) -> list[RawProblem]:
    """Meaning problems of the scenario's guarantee packages: ids, actors, priors, costs, pinned
    issues and the guarantors' ``requires``. ``scales`` holds each issue's sound scale."""
    problems: list[RawProblem] = []
    actors = set(s.actor_ids)
    sources = {src.id for src in s.sources}
    problems.extend(duplicates([p.id for p in s.guarantees], "guarantees", "guarantee package"))
    for k, package in enumerate(s.guarantees):
        problems.extend(_package_problems(package, ("guarantees", k), actors, sources, scales))
    return problems


def _package_problems(
    package: GuaranteePackage,
    path: Path,
    actors: set[str],
    sources: set[str],
    scales: dict[str, Scale | None],
) -> Iterator[RawProblem]:
    yield from unknown_ref(package.challenger, actors, (*path, "challenger"), "challenger", "actor")
    if package.defender is not None:
        yield from unknown_ref(package.defender, actors, (*path, "defender"), "defender", "actor")
    yield from source_refs(package.sources, (*path, "sources"), sources)
    if not (math.isfinite(package.attribution) and 0.0 <= package.attribution <= 1.0):
        yield RawProblem(
            "out_of_range",
            (*path, "attribution"),
            f"attribution probability must lie between 0 and 1; got {package.attribution:g}",
            package.attribution,
            "between 0 and 1",
        )
    for key in ("status_quo", "unanswered_attack"):
        yield from quantity_problems(
            getattr(package.payoffs, key),
            (*path, "payoffs", key),
            f"challenger payoff '{key}'",
            lo=None,
            hi=None,
            sources=sources,
        )
    for issue_id, value in package.issue_value.items():
        yield from issue_value_problems(
            issue_id, value, (*path, "issue_value", issue_id), scales, "pinned value"
        )
    seen: set[str] = set()
    for g, guarantor in enumerate(package.guarantors):
        gpath: Path = (*path, "guarantors", g)
        yield from unknown_ref(guarantor.actor, actors, (*gpath, "actor"), "guarantor", "actor")
        if guarantor.actor in seen:
            yield RawProblem(
                "duplicate_id",
                (*gpath, "actor"),
                f"guarantor '{guarantor.actor}' appears more than once in package '{package.id}'",
                guarantor.actor,
            )
        seen.add(guarantor.actor)
        if guarantor.actor == package.challenger:
            yield RawProblem(
                "invalid",
                (*gpath, "actor"),
                f"the challenger '{guarantor.actor}' cannot guarantee against itself",
                guarantor.actor,
            )
        yield from _prior_problems(guarantor.prior, (*gpath, "prior"))
        yield from source_refs(guarantor.prior.source, (*gpath, "prior", "source"), sources)
        yield from source_refs(guarantor.sources, (*gpath, "sources"), sources)
        if guarantor.extra_shift != 0.0 and not guarantor.extra_shift_reason:
            yield RawProblem(
                "missing",
                (*gpath, "extra_shift"),
                "an extra log-odds shift must cite a reason: add 'extra_shift_reason'",
                guarantor.extra_shift,
                "extra_shift_reason",
            )
        if not guarantor.measures:
            yield RawProblem(
                "empty",
                (*gpath, "measures"),
                f"guarantor '{guarantor.actor}' has no measures: give at least one "
                f"of {', '.join(MEASURES)}",
            )
        for measure, cost in guarantor.measures.items():
            mpath = (*gpath, "measures", measure)
            if measure not in MEASURES:
                yield RawProblem(
                    "unknown_measure",
                    mpath,
                    f"unknown measure '{measure}'{did_you_mean(measure, MEASURES)}; "
                    f"the measures are: {', '.join(MEASURES)}",
                    measure,
                    "a response measure",
                )
            yield from quantity_problems(
                cost, mpath, f"cost of {measure}", lo=0.0, hi=None, sources=sources
            )
    yield from _requires_problems(package, path)


def _requires_problems(package: GuaranteePackage, path: Path) -> Iterator[RawProblem]:
    """``requires`` names guarantors of the same package, and never leads back to itself."""
    members = {g.actor: g.requires for g in package.guarantors}
    for g, guarantor in enumerate(package.guarantors):
        rpath: Path = (*path, "guarantors", g, "requires")
        for other in guarantor.requires:
            yield from unknown_ref(
                other,
                set(members) - {guarantor.actor},
                rpath,
                "required guarantor",
                "guarantor",
                f"package '{package.id}' (other than itself)",
            )
        # Depth-first walk over the requirement graph from this guarantor.
        stack, visited = list(guarantor.requires), set[str]()
        while stack:
            other = stack.pop()
            if other == guarantor.actor:
                yield RawProblem(
                    "cycle",
                    rpath,
                    f"guarantor '{guarantor.actor}' requires itself through a chain of "
                    "'requires': no guarantor of the chain could ever take part",
                    list(guarantor.requires),
                    "requirements without a cycle",
                )
                break
            if other not in visited:
                visited.add(other)
                stack.extend(members.get(other, ()))
