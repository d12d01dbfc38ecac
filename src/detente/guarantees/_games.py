"""Deterrence and bargaining games solved in closed form (deterrence spec §3–§5).

Every function is vectorised: inputs broadcast against each other, so a leading draw axis ``B``
(or none, for a point run) passes straight through. Ties follow spec §2: a challenger indifferent
between the status quo and attacking is *deterred*; a declining side indifferent between a
settlement and war *settles*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ModelError

__all__ = [
    "BargainingRange",
    "CommitmentVerdict",
    "RudimentaryVerdict",
    "UnilateralVerdict",
    "bargaining_range",
    "commitment_problem",
    "rudimentary_deterrence",
    "unilateral_deterrence",
]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]


def _arr(value: ArrayLike) -> Float:
    return np.asarray(value, dtype=np.float64)


def _fmt(value: Float) -> str:
    flat = np.ravel(value)
    return f"{flat[0]:g}" if flat.size == 1 else f"{flat.tolist()}"


def check_probability(name: str, value: ArrayLike) -> Float:
    """``value`` as an array, or a :class:`ModelError` naming ``name`` when outside [0, 1]."""
    arr = _arr(value)
    bad = ~((arr >= 0.0) & (arr <= 1.0))
    if bad.any():
        raise ModelError(f"{name} must lie between 0 and 1; got {_fmt(arr[bad])}")
    return arr


def _check_less(lo_name: str, lo: Float, hi_name: str, hi: Float) -> None:
    bad = ~(lo < hi)
    if bad.any():
        lo_b, hi_b = np.broadcast_arrays(lo, hi)
        raise ModelError(f"{lo_name} ({_fmt(lo_b[bad])}) must be < {hi_name} ({_fmt(hi_b[bad])})")


@dataclass(frozen=True)
class RudimentaryVerdict:
    """Model A: the threshold ``t_A`` (A1), the challenger's expected utility and the verdict."""

    threshold: Float
    eu_challenge: Float
    deterred: Bool

    @property
    def verdict(self) -> NDArray[np.str_]:
        return np.where(self.deterred, "deterred", "challenge")


def rudimentary_deterrence(
    a_sq: ArrayLike, a_dc: ArrayLike, a_dd: ArrayLike, p_b: ArrayLike
) -> RudimentaryVerdict:
    """Rudimentary Asymmetric Deterrence Game (Zagare & Kilgour 2000, §3.4): is A deterred?

    ``p_b`` is the defender's credibility (probability it is Hard). Utilities must satisfy
    ``a_DD < a_SQ < a_DC`` (spec §3.2). Deterred iff ``p_b >= t_A`` (A1, tie = deterred).

    >>> v = rudimentary_deterrence(0.20, 0.60, -0.40, [0.35, 0.40, 0.50])
    >>> round(float(v.threshold), 12), v.verdict.tolist()
    (0.4, ['challenge', 'deterred', 'deterred'])
    """
    sq, dc, dd = _arr(a_sq), _arr(a_dc), _arr(a_dd)
    p = check_probability("p_B", p_b)
    _check_less("a_DD", dd, "a_SQ", sq)
    _check_less("a_SQ", sq, "a_DC", dc)
    threshold = (dc - sq) / (dc - dd)
    eu = p * dd + (1.0 - p) * dc
    # Compare with the closed form rather than EU so the tie p_B == t_A is exact (spec §2).
    deterred = (sq >= eu) | np.isclose(sq, eu, rtol=0.0, atol=1e-12)
    return RudimentaryVerdict(threshold, eu, np.asarray(deterred))


@dataclass(frozen=True)
class UnilateralVerdict:
    """Model B: thresholds of both challenger types, who initiates, the capability check.

    ``reason`` is ``"capability"`` where (B3) fails (no credibility can deter), ``"credibility"``
    where the Hard type initiates because ``q < t_H``, and ``""`` where both types are deterred.
    """

    q: Float
    t_hard: Float
    t_soft: Float
    hard_initiates: Bool
    soft_initiates: Bool
    capable: Bool
    deterred: Bool
    r_star: Float | None

    @property
    def reason(self) -> NDArray[np.str_]:
        return np.where(~self.capable, "capability", np.where(self.deterred, "", "credibility"))


def unilateral_deterrence(
    c_sq: ArrayLike,
    c_w: ArrayLike,
    c_f_hard: ArrayLike,
    c_l: ArrayLike,
    p_def: ArrayLike,
    *,
    c_f_soft: ArrayLike | None = None,
    sigma_s: ArrayLike = 0.0,
    d_l: ArrayLike | None = None,
    d_c: ArrayLike | None = None,
    d_f_soft: ArrayLike | None = None,
) -> UnilateralVerdict:
    """Unilateral Deterrence Game (Zagare & Kilgour 1993; spec §4) by backward induction.

    ``q = p_def + (1 - p_def) * sigma_s`` is the probability the defender defends; a challenger
    of type tau initiates iff ``q < t_tau`` (B1); both types are deterred iff ``q >= t_H`` (B2)
    and the capability condition ``c_F+ < c_SQ`` (B3) holds. The Soft-defender cut-off ``r*`` is
    returned when ``d_l``, ``d_c`` and ``d_f_soft`` are given.

    >>> v = unilateral_deterrence(0.0, 0.30, -0.50, -0.60, [0.30, 0.35, 0.40], c_f_soft=-0.90)
    >>> round(float(v.t_hard), 12), v.hard_initiates.tolist(), v.soft_initiates.tolist()
    (0.375, [True, True, False], [True, False, False])
    """
    sq, w, fh, lo = _arr(c_sq), _arr(c_w), _arr(c_f_hard), _arr(c_l)
    p = check_probability("p_Def", p_def)
    s = check_probability("sigma_S", sigma_s)
    _check_less("c_L", lo, "c_SQ", sq)
    _check_less("c_SQ", sq, "c_W", w)
    _check_less("c_L", lo, "c_F+", fh)
    if c_f_soft is not None:
        _check_less("c_F-", _arr(c_f_soft), "c_L", lo)
    q = p + (1.0 - p) * s
    t_hard = (w - sq) / (w - fh)
    t_soft = (w - sq) / (w - lo)
    capable = np.asarray(fh < sq)
    # q < t with t computed in floating point; the tie (q == t) counts as deterred (spec §2).
    hard_initiates = ~capable | ((q < t_hard) & ~np.isclose(q, t_hard, rtol=0.0, atol=1e-12))
    soft_initiates = (q < t_soft) & ~np.isclose(q, t_soft, rtol=0.0, atol=1e-12)
    r_star = None
    if d_l is not None and d_c is not None and d_f_soft is not None:
        dl, dc, dfs = _arr(d_l), _arr(d_c), _arr(d_f_soft)
        _check_less("d_C", dc, "d_L", dl)
        _check_less("d_F-", dfs, "d_C", dc)
        r_star = (dl - dc) / (dl - dfs)
    deterred = np.asarray(capable & ~hard_initiates & ~soft_initiates)
    return UnilateralVerdict(
        q=np.asarray(q),
        t_hard=t_hard,
        t_soft=t_soft,
        hard_initiates=np.asarray(hard_initiates),
        soft_initiates=np.asarray(soft_initiates),
        capable=capable,
        deterred=deterred,
        r_star=r_star,
    )


@dataclass(frozen=True)
class BargainingRange:
    """Model C (Fearon 1995): the range ``[p - c_A, p + c_B]`` of deals both prefer to war."""

    low: Float
    high: Float

    @property
    def width(self) -> Float:
        return self.high - self.low

    def accepts(self, x: ArrayLike) -> tuple[Bool, Bool]:
        """Whether A and B each accept the offer ``x`` (A's share of the stake)."""
        xs = _arr(x)
        return np.asarray(xs >= self.low), np.asarray(xs <= self.high)


def bargaining_range(p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike) -> BargainingRange:
    """The two-player bargaining range (C1); a screen, not a proof that a multi-party deal exists.

    >>> r = bargaining_range(0.60, 0.10, 0.15)
    >>> round(float(r.low), 12), round(float(r.high), 12)
    (0.5, 0.75)
    >>> a_accepts, b_accepts = r.accepts([0.45, 0.80])
    >>> a_accepts.tolist(), b_accepts.tolist()
    ([False, True], [True, False])
    """
    pp = check_probability("p", p)
    ca, cb = _arr(c_a), _arr(c_b)
    for name, value in (("c_A", ca), ("c_B", cb)):
        if not (value > 0).all():
            raise ModelError(f"{name} must be > 0; got {_fmt(value[~(value > 0)])}")
    return BargainingRange(pp - ca, pp + cb)


@dataclass(frozen=True)
class CommitmentVerdict:
    """Model C (C2): does the declining side prefer war now? ``p_star`` is the critical ``p'``."""

    war_now: Float
    settle_value: Float
    p_star: Float
    war: Bool

    @property
    def verdict(self) -> NDArray[np.str_]:
        return np.where(self.war, "war", "settle")


def commitment_problem(
    p: ArrayLike, p_after: ArrayLike, delta: ArrayLike, c: ArrayLike
) -> CommitmentVerdict:
    """Commitment-problem condition (C2, in the spirit of Powell 2006).

    The declining side's war value is ``w = p - (1 - delta) c`` now and ``w'`` after the power
    shift to ``p_after``; it fights iff ``w > (1 - delta) + delta w'`` (strict: a tie settles).

    >>> v = commitment_problem(0.60, [0.30, 0.50, 0.55], 0.9, 0.50)
    >>> v.verdict.tolist(), round(float(v.p_star), 12)
    (['war', 'war', 'settle'], 0.55)
    """
    pp = check_probability("p", p)
    pa = check_probability("p'", p_after)
    dd, cc = _arr(delta), _arr(c)
    if not ((dd > 0) & (dd < 1)).all():
        raise ModelError(f"delta must lie strictly between 0 and 1; got {_fmt(dd)}")
    if not (cc > 0).all():
        raise ModelError(f"c (the one-off cost of war) must be > 0; got {_fmt(cc)}")
    if not (pa <= pp).all():
        raise ModelError(f"p' ({_fmt(pa)}) must be <= p ({_fmt(pp)}): the shift is a decline")
    w = pp - (1.0 - dd) * cc
    w_after = pa - (1.0 - dd) * cc
    settle_value = (1.0 - dd) + dd * w_after
    p_star = (w - (1.0 - dd)) / dd + (1.0 - dd) * cc
    war = (w > settle_value) & ~np.isclose(w, settle_value, rtol=0.0, atol=1e-12)
    return CommitmentVerdict(w, settle_value, p_star, np.asarray(war))
