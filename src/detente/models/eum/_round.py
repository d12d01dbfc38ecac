"""One round of the expected-utility model as pure batched math (``specs/eum.md`` §3–§5).

Every array has a leading batch axis ``M`` (draws × issues folded together) and the actor axis
``N``; dyad arrays are ``float[M, N, N]`` indexed ``[i, j]`` (row = the evaluating actor ``i``).
Positions are on the engine's 0–100 scale; ``valid`` marks actors with a position on the issue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._weighted import weighted_median
from ._offers import Moves, choose_moves
from ._params import Conventions
from ._probability import Voters, probabilities

__all__ = ["SAME_POSITION_RTOL", "ZERO_RANGE_RTOL", "RoundResult", "play_round", "risk_exponents"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]

# Relative size below which the security levels count as all equal (spec §3.6 guard).
ZERO_RANGE_RTOL = 1e-12
# Two actors closer than this share of the range hold one position and form no dyad: actors who
# converged by different arithmetic (a midpoint, a compromise) differ only in the last bits, and
# their "offers" to each other would be rounding noise (EUs of 1e-15) that decide nothing real.
SAME_POSITION_RTOL = 1e-9


@dataclass(frozen=True)
class RoundResult:
    """What one round decided and the quantities behind it (spec §5 step 8).

    Dyad arrays are ``[M, N, N]`` indexed ``[i, j]``: ``p_first``/``p_second`` are
    ``P(i over j)`` in passes 1 and 2, ``eu_first`` is ``EU(i → j)`` with every exponent 1, and
    ``a``/``b`` are actor ``i``'s pass-2 view ``(EU(i → j), EU(j → i))``.
    """

    moves: Moves
    security: Float  # [M, N], S_i from pass 1
    risk_exponent: Float  # [M, N], r_i used in pass 2
    p_first: Float
    eu_first: Float
    p_second: Float
    a: Float
    b: Float


@dataclass(frozen=True)
class _Geometry:
    """Distances of one round; positions do not change within a round, so computed once."""

    voters: Voters  # what P needs; voters.dist is d = |x_i - x_j| / L, [M, N, N]
    d: Float
    log_lo: Float  # log(0.5 - 0.5 d)
    log_hi: Float  # log(0.5 + 0.5 d)


def _geometry(x: Float, valid: Bool, span: Float) -> _Geometry:
    voters = Voters.build(x, valid, span)
    d = voters.dist
    # d > 1 only in dyads with an actor off the issue (filler position): clipped, never used.
    with np.errstate(divide="ignore"):
        log_lo = np.log(np.maximum(0.5 - 0.5 * d, 0.0))
    return _Geometry(voters=voters, d=d, log_lo=log_lo, log_hi=np.log1p(d) + np.log(0.5))


def risk_exponents(security: Float, valid: Bool) -> Float:
    """Risk exponents ``r_i`` (``float[M, N]``) from security levels (eqs. 32–34).

    ``R_i = (2 S_i - max S - min S) / (max S - min S)`` over the actors with a position, then
    ``r_i = (1 - R_i/3) / (1 + R_i/3)``; when all ``S`` are (relatively) equal every ``r_i = 1``.

    >>> risk_exponents(np.array([[-1.0, 0.0, 1.0]]), np.ones((1, 3), bool)).round(6).tolist()
    [[2.0, 1.0, 0.5]]
    """
    s_max = np.where(valid, security, -np.inf).max(axis=1, keepdims=True)
    s_min = np.where(valid, security, np.inf).min(axis=1, keepdims=True)
    width = s_max - s_min
    flat = width <= ZERO_RANGE_RTOL * np.maximum(1.0, np.abs(s_max))
    acceptance = np.where(flat, 0.0, (2 * security - s_max - s_min) / np.where(flat, 1.0, width))
    return np.where(valid, (1 - acceptance / 3) / (1 + acceptance / 3), 1.0)


def _terms(geo: _Geometry, r: Float | None, q: float) -> tuple[Float, Float, Float | float]:
    """``(U^s, U^s - U^f, Q U^sq)`` for exponents ``r`` (broadcasting to ``[M, N, N]``).

    ``r = None`` means every exponent is 1.
    """
    if r is None:
        # r = 1: U^s = 2d, U^f = -2d, U^sq = 0 (pass 1; no powers needed).
        return 2 * geo.d, 4 * geo.d, 0.0
    # exp(r log base) is faster than base ** r; log(0) = -inf gives 0 as it should.
    u_s = 2 - 4 * np.exp(r * geo.log_lo)
    spread = u_s - (2 - 4 * np.exp(r * geo.log_hi))
    return u_s, spread, q * (2 - 4 * np.exp2(-r))


def _utilities(
    terms: tuple[Float, Float, Float | float],
    r: Float | None,
    p: Float,
    s_target: Float,
    q: float,
    better_worse: tuple[Float, Bool] | None,
) -> Float:
    """``EU(c → t)`` for a dyad array (eq. 25a) from :func:`_terms` for the same ``r``.

    ``p`` is ``P(c over t)``, ``s_target`` the salience weighing resistance. ``better_worse``
    holds the ``Q < 1`` inputs ``(offset, T)`` of :func:`_better_worse`, oriented to the
    challenger (row = challenger).
    """
    u_s, spread, q_sq = terms
    eu: Float = u_s - s_target * (1 - p) * spread - q_sq
    if better_worse is not None:
        bch, t = better_worse
        rr = 1.0 if r is None else r
        # The bases lie in [0, 1] in exact arithmetic (spec §6); rounding can take 0.5 − bch a
        # hair below 0 when both distances equal the range, and a negative base to a fractional
        # power is NaN.
        u_b = 2 - 4 * np.clip(0.5 - bch, 0.0, 1.0) ** rr
        u_w = 2 - 4 * np.clip(0.5 + bch, 0.0, 1.0) ** rr
        eu = eu - (1 - q) * np.where(t, u_b, u_w)
    return eu


def _better_worse(x: Float, w: Float, span: Float, d: Float, median_tie: str) -> tuple[Float, Bool]:
    """``U^b``/``U^w`` inputs for ``Q < 1`` (§3.3), row = challenger: the offset
    ``0.25 (|x_i - mu| + |x_i - x_j|) / L`` and the switch ``T``."""
    mu = weighted_median(x, w, tie=median_tie)  # type: ignore[arg-type]
    to_mu = np.abs(x - mu[:, None])  # [M, N]
    raw = np.abs(x[:, :, None] - x[:, None, :])
    bch = 0.25 * (to_mu[:, :, None] / span[:, None, None] + d)
    t = to_mu[:, :, None] < raw  # j's move to mu brings the outcome closer to challenger i
    return bch, t


def play_round(
    x: Float,
    w: Float,
    s: Float,
    valid: Bool,
    span: Float,
    conv: Conventions,
) -> RoundResult:
    """One round: pass 1 (r = 1), risk exponents, pass 2, offers and simultaneous moves.

    ``x``, ``w`` (= capability × salience), ``s`` are ``float[M, N]``; ``span`` is the range
    ``L`` (``float[M]``); rows with ``L = 0`` keep their positions (§6).
    """
    active = span > 0
    safe_span = np.where(active, span, 1.0)
    geo = _geometry(x, valid, safe_span)
    q = conv.status_quo_prob
    bw = _better_worse(x, w, safe_span, geo.d, conv.median_tie) if q < 1 else None
    bw_t = None if bw is None else (np.swapaxes(bw[0], 1, 2), np.swapaxes(bw[1], 1, 2))
    powered = conv.p_distance == "voter_powered"

    def prob(r: Float | None) -> Float:
        return probabilities(
            geo.voters,
            w,
            r if powered else None,
            denominator=conv.p_denominator,
            zero_value=conv.p_zero_denominator,
        )

    pair = valid[:, :, None] & valid[:, None, :]
    np.einsum("mii->mi", pair)[:] = False  # no dyad with oneself
    s_j = s[:, None, :]

    # Pass 1: every exponent 1. S_i sums the challengers' own EU of challenging i (eq. 25a).
    p1 = prob(None)
    eu1 = _utilities(_terms(geo, None, q), None, p1, s_j, q, bw)
    security = np.where(pair, eu1, 0.0).sum(axis=1)
    r = risk_exponents(security, valid)

    # Pass 2: a = EU(i → j) with r_i; b = EU(j → i) with r_i (evaluator) or r_j (other).
    p2 = prob(r) if powered else p1
    r_i = r[:, :, None]
    terms_a = _terms(geo, r_i, q)
    a = _utilities(terms_a, r_i, p2, s_j, q, bw)
    evaluator = conv.other_eu_risk == "evaluator"
    r_b = r_i if evaluator else r[:, None, :]
    terms_b = terms_a if evaluator else _terms(geo, r_b, q)
    s_b = s[:, :, None] if conv.challenge_salience == "target" else s_j
    b = _utilities(terms_b, r_b, np.swapaxes(p2, 1, 2), s_b, q, bw_t)

    partner_ok = pair & (geo.d > SAME_POSITION_RTOL) & active[:, None, None]
    moves = choose_moves(x, a, b, partner_ok, conv)
    return RoundResult(
        moves=moves,
        security=security,
        risk_exponent=r,
        p_first=p1,
        eu_first=eu1,
        p_second=p2,
        a=a,
        b=b,
    )
