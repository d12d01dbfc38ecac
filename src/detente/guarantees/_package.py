"""From a guarantee package to honour probabilities, ``q_eff`` and the challenger's payoffs.

Deterrence spec §6: (D1) shifts each guarantor's honour probability in log-odds space per draw;
(D2)–(D4) aggregate guarantors into the challenger's expected payoff of renewed attack, the
cost-weighted probability ``q_eff`` that the defender side fights, the threshold ``t_H`` and the
package capability condition.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, logit

from ..errors import ModelError
from ..scenario import DEFAULT_KAPPA, MEASURES
from ._games import check_probability

__all__ = [
    "LEVELS",
    "MEASURES",
    "PRESENCES",
    "GuaranteeParams",
    "Level",
    "PackageOutcome",
    "Presence",
    "honour_probability",
    "package_outcome",
]

Float = NDArray[np.float64]
Level = Literal["statement", "declaration", "agreement", "ratified"]
Presence = Literal["in_country", "adjacent", "none"]
LEVELS: tuple[Level, ...] = ("statement", "declaration", "agreement", "ratified")
PRESENCES: tuple[Presence, ...] = ("in_country", "adjacent", "none")


def _param(default: Any, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class GuaranteeParams:
    """Every number of the guarantee model that is a team choice (spec §6.2, §6.4, §7.2, §8.1).

    The shifts are **team defaults**, placeholders to be calibrated, not estimates.
    """

    shift_statement: float = _param(-1.0, "log-odds shift for a political statement")
    shift_declaration: float = _param(-0.5, "log-odds shift for a signed declaration of intent")
    shift_agreement: float = _param(0.0, "log-odds shift for a signed agreement (the baseline)")
    shift_ratified: float = _param(0.25, "log-odds shift for an agreement ratified by legislatures")
    shift_in_country: float = _param(1.0, "log-odds shift for own forces in the defended state")
    shift_adjacent: float = _param(0.25, "log-odds shift for forces on neighbouring territory")
    shift_none: float = _param(0.0, "log-odds shift when the guarantor has no forces nearby")
    kappa: float = _param(DEFAULT_KAPPA, "concentration of named Beta priors (pseudo-observations)")
    sigma_c: float = _param(0.0, "sd of the common log-odds shock shared by all guarantors")
    draws: int = _param(100_000, "Monte Carlo draws")
    seed: int = _param(20260106, "seed of the Monte Carlo generator")

    def __post_init__(self) -> None:
        if self.kappa <= 0:
            raise ModelError(f"kappa must be > 0; got {self.kappa}")
        if self.sigma_c < 0:
            raise ModelError(f"sigma_c must be >= 0; got {self.sigma_c}")
        if self.draws < 1:
            raise ModelError(f"n_draws must be at least 1; got {self.draws}")

    def shift(self, level: str, presence: str) -> float:
        """The net log-odds shift of a commitment ``level`` with forces at ``presence``."""
        if level not in LEVELS:
            raise ModelError(
                f"unknown commitment level '{level}'; expected one of {', '.join(LEVELS)}"
            )
        if presence not in PRESENCES:
            raise ModelError(
                f"unknown presence '{presence}'; expected one of {', '.join(PRESENCES)}"
            )
        return float(getattr(self, f"shift_{level}") + getattr(self, f"shift_{presence}"))

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def honour_probability(
    theta: ArrayLike,
    shift: ArrayLike,
    *,
    attribution: ArrayLike = 1.0,
    common: ArrayLike = 0.0,
) -> Float:
    """(D1) ``theta' = a * expit(logit(theta) + shift + common)``, applied per draw.

    ``theta``: ``float[B, G]`` honour probabilities drawn from the priors; ``shift``: ``float[G]``
    net log-odds shifts; ``attribution``: ``a`` in [0, 1] (scalar or ``float[B]``); ``common``:
    the common shock ``sigma_c * Z`` (``float[B]``). Returns ``float[B, G]``.

    >>> round(float(honour_probability(0.41, 0.5)), 6)
    0.533956
    """
    th = check_probability("theta", theta)
    a = check_probability("attribution probability a", attribution)
    a = a[..., None] if a.ndim == 1 else a
    z = np.asarray(common, dtype=np.float64)
    z = z[..., None] if z.ndim == 1 else z
    with np.errstate(divide="ignore"):
        out: Float = a * expit(logit(th) + np.asarray(shift, dtype=np.float64) + z)
    return out


@dataclass(frozen=True)
class PackageOutcome:
    """What a package means for the challenger on each draw (spec §6.3), all ``float[B]``.

    ``q_eff`` is 0 and ``t_hard`` is ``inf`` where the package has no cost at all.
    """

    expected_cost: Float
    total_cost: Float
    eu_attack: Float
    q_eff: Float
    c_f_hard: Float
    t_hard: Float
    q_any: Float
    capable: NDArray[np.bool_]
    deterred: NDArray[np.bool_]


def package_outcome(
    theta_prime: ArrayLike, costs: ArrayLike, c_sq: ArrayLike, c_w: ArrayLike
) -> PackageOutcome:
    """(D2)–(D4): the challenger's payoff of renewed attack and the deterrence verdict.

    ``theta_prime``: ``float[B, G]`` adjusted honour probabilities; ``costs``: ``float[B, G]``
    totals ``K[g]`` (>= 0); ``c_sq``, ``c_w``: ``float[B]`` challenger payoffs. Deterred iff
    ``sum K > c_W - c_SQ`` (capability, D4) and ``sum theta' K >= c_W - c_SQ`` (D3).

    >>> o = package_outcome([[0.6, 0.6, 0.5, 0.3]], [[0.25, 0.25, 0.15, 0.35]], [0.0], [0.30])
    >>> round(float(o.q_eff[0]), 6), round(float(o.t_hard[0]), 6), bool(o.deterred[0])
    (0.48, 0.3, True)
    """
    tp = check_probability("theta'", theta_prime)
    k = np.asarray(costs, dtype=np.float64)
    if not (k >= 0).all():
        raise ModelError(f"guarantor costs K must be >= 0; got {np.ravel(k[~(k >= 0)])[0]:g}")
    tp, k = np.broadcast_arrays(np.atleast_2d(tp), np.atleast_2d(k))
    sq = np.asarray(c_sq, dtype=np.float64)
    w = np.asarray(c_w, dtype=np.float64)
    expected = (tp * k).sum(axis=-1)
    total = k.sum(axis=-1)
    gap = w - sq
    has_cost = total > 0
    safe_total = np.where(has_cost, total, 1.0)
    q_eff = np.where(has_cost, expected / safe_total, 0.0)
    t_hard = np.where(has_cost, gap / safe_total, np.inf)
    capable = total > gap
    # Small tolerance so that exact ties of the spec's examples count as deterred (spec §2).
    deterred = capable & (expected >= gap - 1e-12)
    return PackageOutcome(
        expected_cost=expected,
        total_cost=total,
        eu_attack=w - expected,
        q_eff=q_eff,
        c_f_hard=w - total,
        t_hard=t_hard,
        q_any=1.0 - np.prod(1.0 - tp, axis=-1),
        capable=np.asarray(capable),
        deterred=np.asarray(deterred),
    )
