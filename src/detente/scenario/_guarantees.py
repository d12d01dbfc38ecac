"""Guarantee packages in a scenario: guarantors × response measures, with priors and costs.

The schema of deterrence spec §6.1. A scenario lists packages under ``guarantees:``; each names
the challenger it must deter, the challenger's payoffs, and per guarantor the reliability prior,
commitment level, presence and the cost to the challenger of each measure if that guarantor
honours. Costs and payoffs are in the challenger's utility units (see ``docs/guarantees.md``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from ._quantity import STRICT as _STRICT
from ._quantity import Quantity

__all__ = [
    "DEFAULT_KAPPA",
    "MEASURES",
    "PRIOR_NAMES",
    "PUBLISHED_RATES",
    "ChallengerPayoffs",
    "GuaranteePackage",
    "Guarantor",
    "PriorRef",
]

# The words a scenario file may use for priors and measures, with the published rates behind the
# prior names (deterrence spec §7.1: name -> (mean honour rate, source, what it measures)). They
# live here, the lowest layer that needs them; detente.guarantees (above the scenario package)
# builds its priors from this table.
_BF2018 = (
    "Berkemeier & Fuhrmann, 'Reassessing the fulfillment of alliance commitments in war', "
    "Research & Politics, 2018"
)
PUBLISHED_RATES: dict[str, tuple[float, str, str]] = {
    "llm2000": (
        0.745,
        "Leeds, Long & Mitchell, 'Reevaluating Alliance Reliability', JCR 44(5), 2000",
        "alliances reliable once each treaty's specific obligations are coded",
    ),
    "leeds2003": (
        0.75,
        "Leeds, 'Alliance Reliability in Times of War', IO 57(4), 2003",
        "commitments fulfilled about 75 percent of the time, alliances 1816-1944",
    ),
    "bf2018_overall": (0.50, _BF2018, "compliance rate 1816-2003"),
    "bf2018_pre1945": (0.66, _BF2018, "compliance before 1945"),
    "bf2018_post1945": (0.22, _BF2018, "compliance 1945-2003"),
    "bf2018_defense_pact": (0.41, _BF2018, "fulfilment rate of defense pacts"),
}
PRIOR_NAMES = tuple(PUBLISHED_RATES)
# Response measures of the Paris Declaration's wording (case brief §(f)); they act only if the
# guarantor honours its commitment after an attack.
MEASURES = (
    "military_capabilities",
    "intelligence_logistics",
    "additional_sanctions",
    "diplomatic_initiatives",
)
# Team default (deterrence spec §7.2): a named prior's weight in pseudo-observations; sensitivity
# runs use 5 and 50.
DEFAULT_KAPPA = 20.0


class PriorRef(BaseModel):
    """A guarantor's reliability prior: a published rate, ``{mu, kappa}`` or ``{alpha, beta}``.

    Written as ``bf2018_defense_pact``, ``{name: llm2000, kappa: 50}``, ``{mu: 0.4, kappa: 20}`` or
    ``{alpha: 8, beta: 12}``; ``kappa`` defaults to :data:`DEFAULT_KAPPA`.
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
    """One guarantor's commitment in a package (spec §6.1).

    ``requires`` lists other guarantors of the same package without whose participation this one
    takes no part (e.g. the UK and France deploy only with a US backstop; deal spec §2.3).
    """

    model_config = _STRICT

    actor: str = Field(min_length=1)
    prior: PriorRef
    level: Literal["statement", "declaration", "agreement", "ratified"]
    presence: Literal["in_country", "adjacent", "none"] = "none"
    extra_shift: float = 0.0
    extra_shift_reason: str | None = None
    measures: dict[str, Quantity]
    requires: tuple[str, ...] = ()
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
    baseline. ``issue_value`` pins issues (on their own scale) under this package: a deal signed
    with it has these values (deal spec §2.1: the guarantee issue is the package's, not free).
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
    issue_value: dict[str, float] = {}
    sources: tuple[str, ...] = ()
