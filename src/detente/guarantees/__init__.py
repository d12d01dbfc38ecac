"""Will the guarantees hold? Deterrence games, guarantee packages and reliability priors.

Implements the deterrence spec: closed-form games (Models A, B, C), the mapping from a package
of guarantors × measures to ``q_eff`` and the challenger's payoff (D1–D4), Beta priors from
published alliance-reliability rates, and a Monte Carlo estimate of P(deterrence holds).

>>> from detente.guarantees import prior
>>> prior("bf2018_post1945").mu
0.22
"""

from __future__ import annotations

from ._assess import (
    CAVEATS,
    CONTESTED_ATTRIBUTION,
    CORRELATED_SIGMA,
    PRIOR_SETS,
    GuaranteeAssessment,
    Variant,
    assess_guarantees,
    guarantor_inputs,
)
from ._games import (
    BargainingRange,
    CommitmentVerdict,
    RudimentaryVerdict,
    UnilateralVerdict,
    bargaining_range,
    commitment_problem,
    rudimentary_deterrence,
    unilateral_deterrence,
)
from ._montecarlo import (
    DeterrenceResult,
    GuarantorInput,
    Uncertain,
    requirements,
    simulate_deterrence,
    with_requirements,
)
from ._package import (
    LEVELS,
    MEASURES,
    PRESENCES,
    GuaranteeParams,
    PackageOutcome,
    honour_probability,
    package_outcome,
)
from ._priors import DEFAULT_KAPPA, PRIORS, ReliabilityPrior, prior

__all__ = [
    "CAVEATS",
    "CONTESTED_ATTRIBUTION",
    "CORRELATED_SIGMA",
    "DEFAULT_KAPPA",
    "LEVELS",
    "MEASURES",
    "PRESENCES",
    "PRIORS",
    "PRIOR_SETS",
    "BargainingRange",
    "CommitmentVerdict",
    "DeterrenceResult",
    "GuaranteeAssessment",
    "GuaranteeParams",
    "GuarantorInput",
    "PackageOutcome",
    "ReliabilityPrior",
    "RudimentaryVerdict",
    "Uncertain",
    "UnilateralVerdict",
    "Variant",
    "assess_guarantees",
    "bargaining_range",
    "commitment_problem",
    "guarantor_inputs",
    "honour_probability",
    "package_outcome",
    "prior",
    "requirements",
    "rudimentary_deterrence",
    "simulate_deterrence",
    "unilateral_deterrence",
    "with_requirements",
]
