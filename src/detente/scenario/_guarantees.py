"""Guarantee packages in a scenario: guarantors × response measures, with priors and costs.

The schema of deterrence spec §6.1. A scenario lists packages under ``guarantees:``; each names
the challenger it must deter, the challenger's payoffs, and per guarantor the reliability prior,
commitment level, presence and the cost to the challenger of each measure if that guarantor
honours. Costs and payoffs are in the challenger's utility units (see ``docs/guarantees.md``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, model_validator

from ._schema import _STRICT, Quantity, Scenario

if TYPE_CHECKING:
    from ._checks import RawProblem

__all__ = ["ChallengerPayoffs", "GuaranteePackage", "Guarantor", "PriorRef", "check_guarantees"]

# Kept here (not imported from detente.guarantees) because the scenario package sits below it.
_PRIOR_NAMES = (
    "llm2000",
    "leeds2003",
    "bf2018_overall",
    "bf2018_pre1945",
    "bf2018_post1945",
    "bf2018_defense_pact",
)
_MEASURES = (
    "military_capabilities",
    "intelligence_logistics",
    "additional_sanctions",
    "diplomatic_initiatives",
)


class PriorRef(BaseModel):
    """A guarantor's reliability prior: a published rate, ``{mu, kappa}`` or ``{alpha, beta}``.

    Written as ``bf2018_defense_pact``, ``{name: llm2000, kappa: 50}``, ``{mu: 0.4, kappa: 20}`` or
    ``{alpha: 8, beta: 12}``; ``kappa`` defaults to the model's (20).
    """

    model_config = _STRICT

    name: str | None = None
    mu: float | None = None
    kappa: float | None = None
    alpha: float | None = None
    beta: float | None = None
    source: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _accept_name(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"name": data}
        if isinstance(data, dict) and isinstance(data.get("source"), str):
            return {**data, "source": (data["source"],)}
        return data


class Guarantor(BaseModel):
    """One guarantor's commitment in a package (spec §6.1)."""

    model_config = _STRICT

    actor: str = Field(min_length=1)
    prior: PriorRef
    level: Literal["statement", "declaration", "agreement", "ratified"]
    presence: Literal["in_country", "adjacent", "none"] = "none"
    extra_shift: float = 0.0
    extra_shift_reason: str | None = None
    measures: dict[str, Quantity]
    sources: tuple[str, ...] = ()
    note: str = ""


class ChallengerPayoffs(BaseModel):
    """The challenger's payoffs: keeping the deal (``status_quo``, c_SQ) and a renewed attack that
    no guarantor answers (``unanswered_attack``, c_W), in its utility units."""

    model_config = _STRICT

    status_quo: Quantity = Quantity.point(0.0)
    unanswered_attack: Quantity


class GuaranteePackage(BaseModel):
    """A package of security guarantees meant to deter ``challenger`` from a renewed attack.

    ``attribution`` is the probability that a breach is detected and attributed in time for the
    guarantors to act (spec §6.1, default 1). A package with no guarantors is the "no guarantee"
    baseline.
    """

    model_config = _STRICT

    id: str = Field(min_length=1)
    name: str
    description: str = ""
    challenger: str = Field(min_length=1)
    defender: str | None = None
    payoffs: ChallengerPayoffs
    attribution: float = 1.0
    guarantors: tuple[Guarantor, ...] = ()
    sources: tuple[str, ...] = ()


# Scenario names GuaranteePackage in its `guarantees` field but cannot import it (this module
# imports Quantity from there); resolve the name now that the class exists.
Scenario.model_rebuild(_types_namespace={"GuaranteePackage": GuaranteePackage})


def _prior_problems(ref: PriorRef, path: tuple[str | int, ...]) -> Iterator[RawProblem]:
    from ..errors import did_you_mean
    from ._checks import RawProblem

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
    if ref.name is not None and ref.name not in _PRIOR_NAMES:
        yield RawProblem(
            "unknown_prior",
            (*path, "name"),
            f"unknown prior '{ref.name}'{did_you_mean(ref.name, _PRIOR_NAMES)}; the priors are: "
            f"{', '.join(_PRIOR_NAMES)}",
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


def check_guarantees(s: Scenario) -> list[RawProblem]:
    """Meaning problems of the scenario's guarantee packages: ids, actors, priors, costs."""
    from ..errors import did_you_mean
    from ._checks import RawProblem, _duplicates, _quantity

    problems: list[RawProblem] = []
    actors = set(s.actor_ids)
    sources = {src.id for src in s.sources}
    problems.extend(_duplicates([p.id for p in s.guarantees], "guarantees", "guarantee package"))

    def actor_ref(actor: str, path: tuple[str | int, ...], role: str) -> None:
        if actor not in actors:
            problems.append(
                RawProblem(
                    "unknown_actor",
                    path,
                    f"{role} '{actor}' is not an actor of the scenario"
                    f"{did_you_mean(actor, actors)}",
                    actor,
                    "an actor id",
                )
            )

    def source_refs(refs: tuple[str, ...], path: tuple[str | int, ...]) -> None:
        for ref in refs:
            if ref not in sources:
                problems.append(
                    RawProblem(
                        "unknown_source",
                        path,
                        f"source '{ref}' is not in the scenario's sources"
                        f"{did_you_mean(ref, sources)}",
                        ref,
                        "a source id",
                    )
                )

    for k, package in enumerate(s.guarantees):
        path: tuple[str | int, ...] = ("guarantees", k)
        actor_ref(package.challenger, (*path, "challenger"), "challenger")
        if package.defender is not None:
            actor_ref(package.defender, (*path, "defender"), "defender")
        source_refs(package.sources, (*path, "sources"))
        if not (math.isfinite(package.attribution) and 0.0 <= package.attribution <= 1.0):
            problems.append(
                RawProblem(
                    "out_of_range",
                    (*path, "attribution"),
                    "attribution probability must lie between 0 and 1; "
                    f"got {package.attribution:g}",
                    package.attribution,
                    "between 0 and 1",
                )
            )
        for key in ("status_quo", "unanswered_attack"):
            problems.extend(
                _quantity(
                    getattr(package.payoffs, key),
                    (*path, "payoffs", key),
                    f"challenger payoff '{key}'",
                    lo=None,
                    hi=None,
                    sources=sources,
                )
            )
        seen: set[str] = set()
        for g, guarantor in enumerate(package.guarantors):
            gpath: tuple[str | int, ...] = (*path, "guarantors", g)
            actor_ref(guarantor.actor, (*gpath, "actor"), "guarantor")
            if guarantor.actor in seen:
                problems.append(
                    RawProblem(
                        "duplicate_id",
                        (*gpath, "actor"),
                        f"guarantor '{guarantor.actor}' appears more than once in package "
                        f"'{package.id}'",
                        guarantor.actor,
                    )
                )
            seen.add(guarantor.actor)
            if guarantor.actor == package.challenger:
                problems.append(
                    RawProblem(
                        "invalid",
                        (*gpath, "actor"),
                        f"the challenger '{guarantor.actor}' cannot guarantee against itself",
                        guarantor.actor,
                    )
                )
            problems.extend(_prior_problems(guarantor.prior, (*gpath, "prior")))
            source_refs(guarantor.prior.source, (*gpath, "prior", "source"))
            source_refs(guarantor.sources, (*gpath, "sources"))
            if guarantor.extra_shift != 0.0 and not guarantor.extra_shift_reason:
                problems.append(
                    RawProblem(
                        "missing",
                        (*gpath, "extra_shift"),
                        "an extra log-odds shift must cite a reason: add 'extra_shift_reason'",
                        guarantor.extra_shift,
                        "extra_shift_reason",
                    )
                )
            if not guarantor.measures:
                problems.append(
                    RawProblem(
                        "empty",
                        (*gpath, "measures"),
                        f"guarantor '{guarantor.actor}' has no measures: give at least one "
                        f"of {', '.join(_MEASURES)}",
                    )
                )
            for measure, cost in guarantor.measures.items():
                mpath = (*gpath, "measures", measure)
                if measure not in _MEASURES:
                    problems.append(
                        RawProblem(
                            "unknown_measure",
                            mpath,
                            f"unknown measure '{measure}'{did_you_mean(measure, _MEASURES)}; "
                            f"the measures are: {', '.join(_MEASURES)}",
                            measure,
                            "a response measure",
                        )
                    )
                problems.extend(
                    _quantity(cost, mpath, f"cost of {measure}", lo=0.0, hi=None, sources=sources)
                )
    return problems
