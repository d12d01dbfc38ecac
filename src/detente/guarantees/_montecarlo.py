"""Monte Carlo estimate of the probability that deterrence holds (deterrence spec §8).

Each draw evaluates the challenger's decision given its *beliefs* about each guarantor's honour
probability (drawn from the Beta priors and shifted per draw, D1) and the payoffs; honour itself
is not sampled. The spread across draws is the analyst's uncertainty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError, did_you_mean
from ..scenario import triangular_ppf
from ._package import (
    MEASURES,
    GuaranteeParams,
    Level,
    Presence,
    honour_probability,
    package_outcome,
)
from ._priors import ReliabilityPrior

__all__ = [
    "DeterrenceResult",
    "GuarantorInput",
    "Uncertain",
    "requirements",
    "simulate_deterrence",
    "with_requirements",
]

Float = NDArray[np.float64]
# A number, or a triangular (low, mode, high) range.
Uncertain = float | tuple[float, float, float]


@dataclass(frozen=True)
class GuarantorInput:
    """One guarantor of a package: its prior, commitment, presence and per-measure costs.

    ``costs`` maps a response measure (``military_capabilities``, ``intelligence_logistics``,
    ``additional_sanctions``, ``diplomatic_initiatives``) to the challenger's cost if this
    guarantor honours, in the challenger's utility units (a number or ``(low, mode, high)``).
    ``requires`` names other guarantors of the package without which this one does not act.
    """

    name: str
    prior: ReliabilityPrior
    costs: Mapping[str, Uncertain]
    level: Level = "agreement"
    presence: Presence = "none"
    extra_shift: float = 0.0
    requires: tuple[str, ...] = ()


def requirements(guarantors: Sequence[GuarantorInput]) -> list[set[int]]:
    """Per guarantor, the indices of every guarantor it requires, directly or through others.

    >>> us = GuarantorInput("us", None, {})  # type: ignore[arg-type]
    >>> uk = GuarantorInput("uk", None, {}, requires=("us",))  # type: ignore[arg-type]
    >>> requirements([us, uk])
    [set(), {0}]
    """
    names = [g.name for g in guarantors]
    needs: list[set[int]] = []
    for g in guarantors:
        unknown = [r for r in g.requires if r not in names]
        if unknown:
            raise ModelError(
                f"guarantor '{g.name}' requires '{unknown[0]}'{did_you_mean(unknown[0], names)}, "
                f"which is not a guarantor of the package; its guarantors are: {', '.join(names)}"
            )
        needs.append({names.index(r) for r in g.requires})
    # Transitive closure; a guarantor never counts as requiring itself (the schema refuses cycles).
    for _ in names:
        for k, need in enumerate(needs):
            need |= set().union(*(needs[r] for r in need)) - {k}
    return needs


def with_requirements(theta: Float, needs: Sequence[set[int]]) -> Float:
    """``float[B, G]``: each guarantor honours only if every guarantor it requires does.

    Honour decisions are independent given ``theta``, so the probability that ``g`` and all it
    requires act is the product (deal spec §2.3, "the UK and France deploy only with a US
    backstop"). ``needs`` comes from :func:`requirements`.
    """
    out = theta.copy()
    for k, need in enumerate(needs):
        for other in need:
            out[:, k] *= theta[:, other]
    return out


def _triple(name: str, value: Uncertain) -> tuple[float, float, float]:
    low, mode, high = (value, value, value) if isinstance(value, int | float) else value
    if not np.isfinite([low, mode, high]).all():
        raise ModelError(f"{name} must be finite; got {value}")
    if not low <= mode <= high:
        raise ModelError(f"{name} must satisfy low <= mode <= high; got {value}")
    return float(low), float(mode), float(high)


def _sample(
    rng: np.random.Generator, triples: list[tuple[float, float, float]], draws: int
) -> Float:
    """``float[B, len(triples)]``: point values repeated, ranges drawn in the given order."""
    arr = np.asarray(triples, dtype=np.float64).reshape(-1, 3)
    low, mode, high = arr[:, 0], arr[:, 1], arr[:, 2]
    out: Float = np.broadcast_to(mode, (draws, arr.shape[0])).copy()
    uncertain = np.flatnonzero(high > low)
    if draws > 1 and uncertain.size:
        u = rng.random((draws, uncertain.size))
        out[:, uncertain] = triangular_ppf(u, low[uncertain], mode[uncertain], high[uncertain])
    return out


def _summary(values: Float) -> dict[str, float | None]:
    finite = values[np.isfinite(values)]
    if finite.size < values.size:
        return {"mean": None, "q05": None, "q50": None, "q95": None}
    q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95])
    return {"mean": float(values.mean()), "q05": float(q05), "q50": float(q50), "q95": float(q95)}


@dataclass(frozen=True)
class DeterrenceResult:
    """Monte Carlo answer of spec §8.3, with the per-draw arrays it was computed from.

    ``p_without[g]`` is P(deterrence) with guarantor ``g`` masked out of the *same* draws
    (common random numbers); ``pivotal_effect[g] = p_deterrence - p_without[g]``.
    """

    guarantors: tuple[str, ...]
    p_deterrence: float
    standard_error: float
    p_capable: float
    q_eff: dict[str, float | None]
    t_hard: dict[str, float | None]
    q_any_mean: float
    theta_mean: tuple[float, ...]
    contribution_mean: tuple[float, ...]
    p_without: tuple[float, ...]
    draws: int
    seed: int
    params: GuaranteeParams
    deterred: NDArray[np.bool_] = field(repr=False)
    q_eff_draws: Float = field(repr=False)
    theta_prime: Float = field(repr=False)
    attack_gain: Float = field(repr=False)

    @property
    def pivotal_effect(self) -> tuple[float, ...]:
        return tuple(self.p_deterrence - p for p in self.p_without)

    def to_frame(self) -> Any:
        """One row per guarantor: mean ``theta'`` and contribution, P without it, pivotal effect."""
        import pandas as pd

        return pd.DataFrame(
            {
                "guarantor": list(self.guarantors),
                "theta_mean": list(self.theta_mean),
                "contribution_mean": list(self.contribution_mean),
                "p_without": list(self.p_without),
                "pivotal_effect": list(self.pivotal_effect),
            }
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "p_deterrence": self.p_deterrence,
            "standard_error": self.standard_error,
            "p_capable": self.p_capable,
            "q_eff": self.q_eff,
            "t_hard": self.t_hard,
            "q_any_mean": self.q_any_mean,
            "guarantors": [
                {
                    "guarantor": g,
                    "theta_mean": t,
                    "contribution_mean": c,
                    "p_without": p,
                    "pivotal_effect": e,
                }
                for g, t, c, p, e in zip(
                    self.guarantors,
                    self.theta_mean,
                    self.contribution_mean,
                    self.p_without,
                    self.pivotal_effect,
                    strict=True,
                )
            ],
            "draws": self.draws,
            "seed": self.seed,
            "params": self.params.to_dict(),
        }


def simulate_deterrence(
    guarantors: Sequence[GuarantorInput],
    *,
    c_w: Uncertain,
    c_sq: Uncertain = 0.0,
    attribution: float = 1.0,
    params: GuaranteeParams | None = None,
    allow_empty: bool = False,
) -> DeterrenceResult:
    """P(deterrence holds) by Monte Carlo over the priors and payoff ranges (spec §8.2).

    ``attack_gain`` in the result is ``EU_Ch(attack) - c_SQ`` per draw: what renewed conflict is
    worth to the challenger over keeping the deal (negative where it is deterred). An empty
    package is refused unless ``allow_empty`` (the "no guarantee" baseline, which deters nobody
    whose unanswered attack pays).

    Draw order from one seeded generator: the common shock ``Z`` (if ``sigma_c > 0``), each
    guarantor's ``theta`` in the given order, then any ranged ``c_SQ``, ``c_W`` and costs
    (guarantor-major, measure-minor). Same inputs and seed give identical results.

    >>> from detente.guarantees import prior
    >>> g = GuarantorInput("G", prior("bf2018_overall"), {"military_capabilities": 0.8})
    >>> r = simulate_deterrence([g], c_w=0.30, params=GuaranteeParams(draws=20_000))
    >>> abs(r.p_deterrence - 0.869088) < 0.01
    True
    """
    params = params or GuaranteeParams()
    if not guarantors and not allow_empty:
        raise ModelError("the guarantee package is empty: give at least one guarantor")
    if not 0.0 <= attribution <= 1.0:
        raise ModelError(f"attribution probability a must lie between 0 and 1; got {attribution}")
    costs: list[tuple[float, float, float]] = []
    per_guarantor: list[int] = []
    shifts = []
    for g in guarantors:
        if not g.costs:
            raise ModelError(f"guarantor '{g.name}' has no measures: give at least one cost")
        for measure, value in g.costs.items():
            if measure not in MEASURES:
                raise ModelError(
                    f"guarantor '{g.name}': unknown measure '{measure}'"
                    f"{did_you_mean(measure, MEASURES)}; the measures are: {', '.join(MEASURES)}"
                )
            triple = _triple(f"cost of '{g.name}'.{measure}", value)
            if triple[0] < 0:
                raise ModelError(f"cost of '{g.name}'.{measure} must be >= 0; got {triple[0]:g}")
            costs.append(triple)
        per_guarantor.append(len(g.costs))
        shifts.append(params.shift(g.level, g.presence) + g.extra_shift)

    b = params.draws
    rng = np.random.default_rng(params.seed)
    common = params.sigma_c * rng.standard_normal(b) if params.sigma_c > 0 else np.zeros(b)
    # One call per guarantor, in declared order, so that adding a guarantor at the end leaves
    # the earlier guarantors' draws unchanged (spec §8.2 step 1).
    theta = np.column_stack(
        [np.empty((b, 0))] + [rng.beta(g.prior.alpha, g.prior.beta, size=b) for g in guarantors]
    )
    payoffs = _sample(rng, [_triple("c_SQ", c_sq), _triple("c_W", c_w)], b)
    k_measures = _sample(rng, costs, b)
    # Sum each guarantor's measure costs: K[b, g] = sum over its measures m of k[b, m].
    owner = np.repeat(np.arange(len(guarantors)), per_guarantor)
    k = k_measures @ (owner[:, None] == np.arange(len(guarantors))[None, :]).astype(np.float64)

    needs = requirements(guarantors)
    alone = honour_probability(
        theta, np.asarray(shifts, dtype=np.float64), attribution=attribution, common=common
    )
    theta_prime = with_requirements(alone, needs)
    out = package_outcome(theta_prime, k, payoffs[:, 0], payoffs[:, 1])
    gap = payoffs[:, 1] - payoffs[:, 0]
    contribution = theta_prime * k
    # Pivot table: mask each guarantor out of the same draws (common random numbers); those
    # that require it drop out with it.
    deterred_without = np.empty_like(theta_prime, dtype=bool)
    for out_g in range(len(guarantors)):
        stays = np.array([h != out_g and out_g not in needs[h] for h in range(len(guarantors))])
        expected_without = (contribution * stays).sum(axis=1)
        total_without = (k * stays).sum(axis=1)
        deterred_without[:, out_g] = (total_without > gap) & (expected_without >= gap - 1e-12)
    p = float(out.deterred.mean())
    return DeterrenceResult(
        guarantors=tuple(g.name for g in guarantors),
        p_deterrence=p,
        standard_error=float(np.sqrt(p * (1.0 - p) / b)),
        p_capable=float(out.capable.mean()),
        q_eff=_summary(out.q_eff),
        t_hard=_summary(out.t_hard),
        q_any_mean=float(out.q_any.mean()),
        theta_mean=tuple(theta_prime.mean(axis=0).tolist()),
        contribution_mean=tuple(contribution.mean(axis=0).tolist()),
        p_without=tuple(deterred_without.mean(axis=0).tolist()),
        draws=b,
        seed=params.seed,
        params=params,
        deterred=out.deterred,
        q_eff_draws=out.q_eff,
        theta_prime=theta_prime,
        attack_gain=out.eu_attack - payoffs[:, 0],
    )
