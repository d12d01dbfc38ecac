"""Distances, risk attitudes, utilities and the evaluation of challenges (``specs/smp.md`` §3–4.5).

Shapes: ``B`` draws, ``N`` actors, ``D`` issues; positions on [0, 1]. The only ``[B, N, N, N]``
quantities are the third parties' utilities and votes in the challenge tensor (initiator,
receiver, third party), reduced over the third party at once, so a turn costs ``O(B N³)``
(KTAB: ``O(N⁴)``, §7.12).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._params import (
    CHALLENGE_COALITION_FLOOR,
    DEGENERATE_R,
    MIN_GAIN,
    BigRAdjust,
    BigRRange,
    SmpParams,
    ThirdPartyCommit,
    VotingRule,
)
from ._voting import scalar_pce, vote
from ._workspace import Workspace

__all__ = [
    "Challenges",
    "challenges",
    "distances",
    "estimated_risk",
    "receiver_view",
    "risk_attitudes",
    "utility",
]

Float = NDArray[np.float64]
Int = NDArray[np.int64]


def distances(ideal: Float, position: Float, salience: Float) -> Float:
    """Salience-weighted distances ``d[B, i, j] = δ_i(ideal_i, position_j)`` (§3.1).

    ``ideal``, ``position``, ``salience`` are ``float[B, N, D]``; ``salience`` weights the
    distance of the first actor (the one whose ideal is the reference). Also used with other
    points in place of ``position`` (``float[B, M, D]`` gives ``[B, N, M]``).
    """
    s2 = salience * salience
    diff = ideal[:, :, None, :] - position[:, None, :, :]
    num = np.einsum("bid,bijd->bij", s2, diff * diff)
    out: Float = np.sqrt(num / s2.sum(axis=-1)[:, :, None])
    return out


def utility(d: Float, r: Float) -> Float:
    """Utility of a distance under risk attitude ``R`` (§3.2): ``(1 − d)(1 + d R)``, d ≤ 1."""
    out: Float = (1.0 - d) * (1.0 + d * r)
    return out


def risk_attitudes(
    d: Float, capability: Float, params: SmpParams, *, work: Float | None = None
) -> Float:
    """Risk attitudes ``R[B, N]`` from the PCE over the actors' positions (§4.2).

    The most probable position's holder gets R = 1; when all positions are equally probable
    every R is 0 (KTAB divides by zero there, §7.4).
    """
    p = scalar_pce(
        capability,
        1.0 - d,
        None,
        rule=params.voting_rule,
        victory_model=params.victory_prob_model,
        pce_model=params.pce_model,
        what="risk attitudes",
        work=work,
    )
    return _big_r(p, params.big_r_range)


def _big_r(p: Float, span: BigRRange) -> Float:
    lo = p.min(axis=-1, keepdims=True)
    hi = p.max(axis=-1, keepdims=True)
    flat = (hi - lo) <= DEGENERATE_R * hi
    width = np.where(flat, 1.0, hi - lo)
    if span == "Min":
        r = (p - lo) / width
    elif span == "Mid":
        r = (3.0 * p - hi - 2.0 * lo) / (2.0 * width)
    else:
        r = (2.0 * p - hi - lo) / width
    out: Float = np.where(flat, 0.0, r)
    return out


def estimated_risk(r: Float, rule: BigRAdjust) -> Float:
    """``R^h_i`` as ``float[B, h, i]``: actor h's estimate of actor i's risk attitude (§4.3)."""
    own = r[:, :, None]
    other = r[:, None, :]
    if rule == "None":
        out = np.broadcast_to(own, (*r.shape, r.shape[-1]))
    elif rule == "OneThird":
        out = (2.0 * own + other) / 3.0
    elif rule == "Half":
        out = (own + other) / 2.0
    elif rule == "TwoThirds":
        out = (own + 2.0 * other) / 3.0
    else:
        out = np.broadcast_to(other, (*r.shape, r.shape[-1]))
    return np.asarray(out, dtype=np.float64)


def _contest(
    w_i: Float,
    w_j: Float,
    u_ii: Float,
    u_ij: Float,
    u_ji: Float,
    u_jj: Float,
    w_n: Float,
    u_ni: Float,
    u_nn: Float,
    u_nj: Float,
    third: Float | None,
    rule: VotingRule,
    commit: ThirdPartyCommit,
    work: tuple[Float, Float, Float] | None = None,
) -> Float:
    """``P`` that initiator i beats receiver j, with third parties n (last axis) (§4.4).

    Principal arrays broadcast to the challenge shape ``[...]``; third-party arrays to
    ``[..., n]``. ``u_nj`` is the one full-size third-party array (it is overwritten).
    ``third`` is 1 where n is neither principal and 0 where it is; None means the challenge
    shape is ``[..., i, j]`` with n indexing actors, so n = i and n = j are the diagonals.
    """
    alpha = vote(w_i, u_ii - u_ij, rule)
    beta = vote(w_j, u_ji - u_jj, rule)
    c_ij = CHALLENGE_COALITION_FLOOR + np.maximum(alpha, 0.0) + np.maximum(beta, 0.0)
    c_ji = CHALLENGE_COALITION_FLOOR + np.maximum(-alpha, 0.0) + np.maximum(-beta, 0.0)
    if commit != "SemiCommit":
        # Under NoCommit/FullCommit both sides use the same outcomes and the same little-contest
        # probability, so every third party votes exactly 0 (§4.4, §7.11): nothing to add.
        out: Float = c_ij / (c_ij + c_ji)
        return out
    c0_ij = c_ij[..., None]
    c0_ji = c_ji[..., None]
    if rule == "Prop":
        if work is None:
            work = (np.empty_like(u_nj), np.empty_like(u_nj), np.empty_like(u_nj))
        bv = np.subtract(u_nj, u_nn, out=u_nj)
        v = _third_party_prop(c0_ij, c0_ji, w_n, u_ni, u_nn, bv, work)
    else:
        # Votes that are not linear in Δ (Binary's ±1 at |Δ| ≥ 1e-8, cubes) are sensitive to
        # the last bits of Δ: evaluate the spec's expressions literally, as KTAB does.
        z = vote(w_n, u_ni - u_nj, rule)
        zp = np.maximum(z, 0.0)
        zn = np.maximum(-z, 0.0)
        pi = (c0_ij + zp) / (c0_ij + zp + c0_ji + zn)
        e_i = pi * (2.0 * u_ni + u_nn) + (1.0 - pi) * (3.0 * u_nj)
        e_j = pi * (3.0 * u_ni) + (1.0 - pi) * (2.0 * u_nj + u_nn)
        v = vote(w_n, e_i - e_j, rule)
    if third is None:
        n = v.shape[-1]
        idx = np.arange(n)
        v[..., idx, :, idx] = 0.0  # n = i
        v[..., :, idx, idx] = 0.0  # n = j
    else:
        v *= third
    support = np.maximum(v, 0.0, out=u_nj).sum(axis=-1)
    # Under Prop, Σ max(−v, 0) = Σ max(v, 0) − Σ v saves a pass.
    against = support - v.sum(axis=-1) if rule == "Prop" else np.maximum(-v, 0.0).sum(axis=-1)
    c_ij = c_ij + support
    c_ji = c_ji + against
    out = c_ij / (c_ij + c_ji)
    return out


def _third_party_prop(
    c0_ij: Float,
    c0_ji: Float,
    w_n: Float,
    u_ni: Float,
    u_nn: Float,
    nj_minus_nn: Float,
    work: tuple[Float, Float, Float],
) -> Float:
    """Third parties' votes ``v[..., n]`` under ``Prop`` and ``SemiCommit``, in place.

    With A = U_nn − U_ni and Bv = U_nj − U_nn (§4.4 table): the order-zero vote is
    z = W_n (U_ni − U_nj) = −W_n (A + Bv) and e_i − e_j = π A + (1 − π) Bv = Bv + π (A − Bv).
    Written over three scratch buffers (``work``, each shaped like ``nj_minus_nn``), the N³
    work is about 15 in-place array passes.
    """
    big_a = u_nn - u_ni
    bv = nj_minus_nn
    z = np.add(big_a, bv, out=work[0])
    np.multiply(z, -w_n, out=z)
    num = np.maximum(z, 0.0, out=work[1])
    zn = np.subtract(num, z, out=z)  # max(−z, 0)
    num += c0_ij
    den = np.add(num, c0_ji, out=work[2])
    den += zn
    pi = np.divide(num, den, out=num)
    e = np.subtract(big_a, bv, out=den)
    e *= pi
    e += bv
    v: Float = np.multiply(e, w_n, out=e)
    return v


@dataclass(frozen=True)
class Challenges:
    """Each actor's best challenge this turn (§4.5), from its own perspective.

    ``target[B, N]`` (−1 = none), ``probability[B, N]`` = ``P^i_{i,J(i)}``, ``gain[B, N]``;
    ``p_all``/``gain_all`` ``[B, N, N]`` are every pair's values (diagonal NaN), kept for tests
    and reports.
    """

    target: Int
    probability: Float
    gain: Float
    p_all: Float
    gain_all: Float


def challenges(
    d: Float,
    r: Float,
    capability: Float,
    total_salience: Float,
    params: SmpParams,
    *,
    work: Workspace | None = None,
) -> Challenges:
    """Own-perspective challenge tensor and targets for every actor (§4.4–4.5).

    ``d[B, N, N]`` distances, ``r[B, N]`` risk attitudes, ``capability[B, N]``,
    ``total_salience[B, N]``. Cost ``O(B N³)`` time; four ``[B, N, N, N]`` arrays, taken from
    ``work`` when given.
    """
    n = r.shape[1]
    rh = estimated_risk(r, params.big_r_adjust)  # [B, h, i]
    d_t = np.swapaxes(d, 1, 2)  # d_t[b, i, m] = d[b, m, i]
    d_diag = np.diagonal(d, axis1=1, axis2=2)[:, None, :]  # d[b, m, m] as [B, 1, m]
    own = utility(d, r[:, :, None])  # U^i_{i m}
    # From perspective i: x[b, i, m] = U^i_{m i}, y[b, i, m] = U^i_{m m} (m = receiver or third).
    x = utility(d_t, rh)
    y = utility(d_diag, rh)
    w = total_salience * capability  # challenge weights W = σ c
    eye = np.eye(n, dtype=bool)
    # U^i_{n j} = u(d[n, j], R^i_n): the one genuinely N³ utility, laid out [B, i, j, n] and
    # built in place; (1 + dR)(1 − d) in this order gives the same bits as utility().
    b = r.shape[0]
    full = (b, n, n, n)
    slots = [work.get(k, full) if work is not None else np.empty(full) for k in range(4)]
    u_nj = np.multiply(d_t[:, None, :, :], rh[:, :, None, :], out=slots[0])
    u_nj += 1.0
    u_nj *= (1.0 - d_t)[:, None, :, :]
    u_ii = np.diagonal(own, axis1=1, axis2=2)[:, :, None]
    p = _contest(
        w[:, :, None],
        w[:, None, :],
        u_ii,
        own,
        x,
        y,
        w[:, None, None, :],
        x[:, :, None, :],
        y[:, :, None, :],
        u_nj,
        None,
        params.voting_rule,
        params.third_party_commit,
        (slots[1], slots[2], slots[3]),
    )
    sigma_j = total_salience[:, None, :]
    # ΔEU for the initiator itself (k = i), §4.4 table.
    eu_sq = u_ii + own
    eu_win = 2.0 * u_ii
    eu_lose = 2.0 * own
    eu_con = p * eu_win + (1.0 - p) * eu_lose
    eu_ch = (1.0 - sigma_j) * eu_win + sigma_j * eu_con
    gain = eu_ch - eu_sq
    gain[:, eye] = np.nan
    p[:, eye] = np.nan
    masked = np.where(eye, -np.inf, gain)
    target = np.argmax(masked, axis=-1)  # first maximum: the lowest index wins ties (§4.5)
    rows, actors = np.arange(b)[:, None], np.arange(n)[None, :]
    best = masked[rows, actors, target]
    has = best > MIN_GAIN
    prob = p[rows, actors, target]
    return Challenges(
        target=np.where(has, target, -1).astype(np.int64),
        probability=np.where(has, prob, np.nan),
        gain=np.where(has, best, np.nan),
        p_all=p,
        gain_all=gain,
    )


def receiver_view(
    d: Float,
    r: Float,
    capability: Float,
    total_salience: Float,
    target: Int,
    params: SmpParams,
) -> Float:
    """``P^J_{I J}``: the receiver's estimate that its challenger wins, ``float[B, N]`` (§4.7).

    Indexed by initiator I (NaN where I has no target). ``O(B N²)``.
    """
    b, n = r.shape
    rows = np.arange(b)[:, None]
    init = np.broadcast_to(np.arange(n), (b, n))
    recv = np.where(target >= 0, target, (init + 1) % n)  # placeholder receiver where none
    rh = estimated_risk(r, params.big_r_adjust)  # [B, h, i]
    r_ji = rh[rows, recv, init]  # R^J_I
    r_jn = rh[rows, recv, :]  # R^J_n: [B, I, n]
    d_ii = d[rows, init, init]
    d_ij = d[rows, init, recv]
    d_ji = d[rows, recv, init]
    d_jj = d[rows, recv, recv]
    d_ni = np.swapaxes(d, 1, 2)[rows, init, :]  # d[n, I] as [B, I, n]
    d_nj = np.swapaxes(d, 1, 2)[rows, recv, :]  # d[n, J] as [B, I, n]
    d_nn = np.diagonal(d, axis1=1, axis2=2)[:, None, :]
    r_j = r[rows, recv]
    w = total_salience * capability
    idx = np.arange(n)
    third = (idx[None, None, :] != init[:, :, None]) & (idx[None, None, :] != recv[:, :, None])
    p = _contest(
        w[rows, init],
        w[rows, recv],
        utility(d_ii, r_ji),
        utility(d_ij, r_ji),
        utility(d_ji, r_j),
        utility(d_jj, r_j),
        w[:, None, :],
        utility(d_ni, r_jn),
        utility(d_nn, r_jn),
        utility(d_nj, r_jn),
        third.astype(np.float64),
        params.voting_rule,
        params.third_party_commit,
    )
    return np.where(target >= 0, p, np.nan)
