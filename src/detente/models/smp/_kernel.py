"""One SMP state and one turn compiled with numba: the math of :mod:`._challenge`,
:mod:`._bargain`, :mod:`._queue`, :mod:`._report` and :mod:`._turn`, fused per draw.

The numpy reference makes about 300 small array calls per turn; for a point forecast the time
goes to call overhead, for a batch to memory traffic over ``[B, N, N, N]`` temporaries. Here
each draw's state is assessed, and its turn taken, start to finish in ``N × N`` scratch arrays,
with draws in parallel (``prange``). The reference stays the definition:
``tests/models/test_smp_kernel.py`` runs both on the spec's cases and on random cases and
requires agreement to 1e-9.

The formulas mirror the reference term by term, in its order of operations: sums over voters
in voter order, numpy's pairwise sums along last axes (:func:`._kernel_pce.npsum`). What can
still differ is the last bit of ``log``/``exp``/``pow`` (numpy's vectorized versions against the
C library's) and of sums that the reference pads to the longest option list of the batch; the
discrete steps (challenge targets, queue winners, 4-decimal rounding of bargains) then agree
unless a value sits within that rounding of a threshold.

Results do not depend on the thread count or on how draws are chunked: draws are independent,
blocks of draws have a fixed size, and nothing is reduced across draws.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from ...errors import ModelError
from .._numba import kernel_array  # (also: process settings for the parallel kernels)
from ._bargain import Bargains
from ._challenge import Challenges
from ._kernel_pce import (
    C_CHALLENGE_FLOOR,
    C_DEGENERATE_R,
    C_INTERPOLATION_FLOOR,
    C_MIN_GAIN,
    C_POSITION_TOL,
    C_ROUNDING,
    N_CONSTS,
    PROP,
    big_r,
    npsum,
    option_pce,
    vote,
)
from ._params import (
    BINARY_VICTORY_MINIMUM,
    BINARY_VICTORY_THRESHOLD,
    BINARY_VOTE_SCALE,
    CHALLENGE_COALITION_FLOOR,
    DEGENERATE_R,
    INTERPOLATION_FLOOR,
    MARKOV_INCENTIVE_FLOOR,
    MARKOV_INCENTIVE_TOL,
    MARKOV_MAX_ITER,
    MARKOV_UNIFORM_TOL,
    MIN_GAIN,
    PCE_COALITION_FLOOR,
    POSITION_TOL,
    ROUNDING,
    SmpParams,
)
from ._queue import Resolution
from ._report import StateReport
from ._turn import Actors, Assessment, Turn
from ._voting import _PRODUCT_MAX_OPTIONS

__all__ = ["assess_state_kernel", "take_turn_kernel"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]

# Draws per parallel task: fixed (not derived from the thread count) so that no draw's work
# depends on how many threads run; scratch arrays are allocated once per block.
_BLOCK = 8

_VOTING = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")
_VICTORY = {"Binary": 0, "Linear": 1, "Square": 2, "Quartic": 4, "Octic": 8}
_PCE = ("Conditional", "MarkovIncentive", "MarkovUniform")
_ADJUST = ("None", "OneThird", "Half", "TwoThirds", "Full")
_RANGE = ("Min", "Mid", "Max")
_INTERP = ("S1P1", "S2P2", "S2PMax")
_BARGAIN = ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")
# What a failed Markov chain was computing, by the kernel's failure code.
_WHAT = {1: "risk attitudes", 2: "queues", 3: "reported positions"}


def codes(params: SmpParams) -> Int:
    """The options as the kernel's integer codes (order fixed by the ``_K_*`` indices)."""
    return np.array(
        [
            _VOTING.index(params.voting_rule),
            _VICTORY[params.victory_prob_model],
            _PCE.index(params.pce_model),
            _ADJUST.index(params.big_r_adjust),
            _RANGE.index(params.big_r_range),
            params.third_party_commit == "SemiCommit",
            _INTERP.index(params.inter_vec_brgn),
            _BARGAIN.index(params.bargain_model),
        ],
        dtype=np.int64,
    )


_K_ADJUST, _K_RANGE, _K_SEMI, _K_INTERP, _K_BARGAIN = 3, 4, 5, 6, 7


def constants() -> Float:
    """The constants of ``specs/smp.md`` §6.2 in the order of ``_kernel_pce.C_*``."""
    out = np.array(
        [
            PCE_COALITION_FLOOR,
            CHALLENGE_COALITION_FLOOR,
            BINARY_VOTE_SCALE,
            BINARY_VICTORY_THRESHOLD,
            BINARY_VICTORY_MINIMUM,
            MARKOV_UNIFORM_TOL,
            MARKOV_INCENTIVE_TOL,
            MARKOV_INCENTIVE_FLOOR,
            MARKOV_MAX_ITER,
            MIN_GAIN,
            INTERPOLATION_FLOOR,
            ROUNDING,
            POSITION_TOL,
            DEGENERATE_R,
            _PRODUCT_MAX_OPTIONS,
        ]
    )
    assert out.size == N_CONSTS
    return out


def _raise_failed(failed: Int, params: SmpParams) -> None:
    """The reference's error for a Markov PCE that did not converge (first failed draw)."""
    if failed.any():
        what = _WHAT[int(failed[failed > 0][0])]
        raise ModelError(
            f"model 'smp': the {params.pce_model} PCE of the {what} did not converge in "
            f"{MARKOV_MAX_ITER} iterations; try pce_model='Conditional'"
        )


def assess_state_kernel(
    position: Float, ideal: Float, actors: Actors, params: SmpParams
) -> tuple[Assessment, StateReport]:
    """:func:`._turn.assess_state` and :func:`._report.report_state` of every draw, compiled."""
    b, n, _ = position.shape
    d, own = np.empty((b, n, n)), np.empty((b, n, n))
    r, distinct, actor_probability = np.empty((b, n)), np.empty((b, n)), np.empty((b, n))
    group = np.empty((b, n), dtype=np.int64)
    failed = np.zeros(b, dtype=np.int64)
    _assess_rows(
        kernel_array(position), kernel_array(ideal), actors.salience,
        actors.capability, codes(params), constants(),
        d, r, own, distinct, group, actor_probability, failed,
    )  # fmt: skip
    _raise_failed(failed, params)
    return Assessment(d=d, r=r, own=own), StateReport(distinct, group, actor_probability)


def take_turn_kernel(
    position: Float,
    ideal: Float,
    state: Assessment,
    actors: Actors,
    params: SmpParams,
    uniforms: Float | None,
) -> Turn:
    """:func:`._turn.take_turn` for every draw, compiled (same inputs and record)."""
    b, n, dims = position.shape
    views = 2 if params.bargain_model == "InitRcvrInterp" else 1
    k = n * views
    target = np.empty((b, n), dtype=np.int64)
    probability, gain = np.empty((b, n)), np.empty((b, n))
    p_all, gain_all = np.empty((b, n, n)), np.empty((b, n, n))
    valid = np.empty((b, k), dtype=np.bool_)
    receiver = np.empty((b, k), dtype=np.int64)
    y_i, y_j = np.empty((b, k, dims)), np.empty((b, k, dims))
    bargain_p = np.empty((b, k))
    new_position, new_ideal = np.empty((b, n, dims)), np.empty((b, n, dims))
    chosen, length = np.empty((b, n), dtype=np.int64), np.empty((b, n), dtype=np.int64)
    win = np.empty((b, n))
    failed = np.zeros(b, dtype=np.int64)
    accommodation = actors.accommodation
    _turn_rows(
        kernel_array(position), kernel_array(ideal), actors.salience,
        actors.total_salience, actors.capability, kernel_array(state.d), state.r,
        kernel_array(state.own),
        np.zeros((0, 0)) if accommodation is None else kernel_array(accommodation),
        np.zeros((0, 0)) if uniforms is None else kernel_array(uniforms),
        codes(params), constants(),
        target, probability, gain, p_all, gain_all, valid, receiver, y_i, y_j, bargain_p,
        new_position, new_ideal, chosen, win, length, failed,
    )  # fmt: skip
    _raise_failed(failed, params)
    view = {"InitOnlyInterp": [0], "InitRcvrInterp": [0, 1], "PWCompInterp": [2]}
    return Turn(
        position=new_position,
        ideal=new_ideal,
        challenges=Challenges(target, probability, gain, p_all, gain_all),
        bargains=Bargains(
            initiator=np.broadcast_to(np.repeat(np.arange(n), views), (b, k)).copy(),
            receiver=receiver,
            valid=valid,
            y_initiator=y_i,
            y_receiver=y_j,
            probability=bargain_p,
            view=np.tile(np.array(view[params.bargain_model], dtype=np.int64), n),
        ),
        resolution=Resolution(new_position, chosen, win, length),
    )


@njit(cache=True, error_model="numpy")
def _distances(ideal: Float, position: Float, salience: Float, s2: Float, out: Float) -> None:
    """``out[i, j] = δ_i(ideal_i, position_j)`` (§3.1), as ``_challenge.distances``."""
    n, dims = ideal.shape
    for i in range(n):
        for k in range(dims):
            s2[k] = salience[i, k] * salience[i, k]
        total = npsum(s2, dims)
        for j in range(position.shape[0]):
            num = 0.0
            for k in range(dims):
                diff = ideal[i, k] - position[j, k]
                num += s2[k] * (diff * diff)
            out[i, j] = math.sqrt(num / total)


@njit(cache=True, error_model="numpy")
def _utility(d: float, r: float) -> float:
    return (1.0 - d) * (1.0 + d * r)


@njit(cache=True, error_model="numpy", parallel=True, nogil=True)
def _assess_rows(
    x: Float, ideal: Float, salience: Float, capability: Float, codes: Int, consts: Float,
    d: Float, r: Float, own: Float, distinct: Float, group: Int, actor_probability: Float,
    failed: Int,
) -> None:  # fmt: skip
    """Distances, risk attitudes, own utilities (§4.1–4.3) and the report (§4.12) per draw."""
    b, n, dims = x.shape
    for block in prange((b + _BLOCK - 1) // _BLOCK):
        values = np.empty((n, n))
        strength, victory = np.empty((n, n)), np.empty((n, n))
        p, work, s2 = np.empty(n), np.empty(3 * n), np.empty(dims)
        reps = np.empty(n, dtype=np.int64)
        for row in range(block * _BLOCK, min(b, (block + 1) * _BLOCK)):
            dr, cap = d[row], capability[row]
            _distances(ideal[row], x[row], salience[row], s2, dr)
            for a in range(n):
                for m in range(n):
                    values[a, m] = 1.0 - dr[a, m]
            if not option_pce(cap, values, n, n, codes, consts, strength, victory, p, work):
                failed[row] = 1
                continue
            rr = r[row]
            big_r(p, n, codes[_K_RANGE], consts[C_DEGENERATE_R], rr)
            for a in range(n):
                for m in range(n):
                    own[row, a, m] = _utility(dr[a, m], rr[a])
            failed[row] = _report(
                x[row], own[row], cap, codes, consts, reps, values, strength, victory, p, work,
                s2, distinct[row], group[row], actor_probability[row],
            )  # fmt: skip


@njit(cache=True, error_model="numpy")
def _report(
    x: Float, own: Float, cap: Float, codes: Int, consts: Float, reps: Int, values: Float,
    strength: Float, victory: Float, p: Float, work: Float, diff2: Float,
    distinct: Float, group: Int, actor_probability: Float,
) -> int:  # fmt: skip
    """Distinct positions and their PCE probabilities (§4.12), as ``report_state``; 3 = failed.

    KTAB's greedy scan: an actor joins the first earlier representative within the tolerance,
    else becomes one; ``actor_probability`` is that of the *last* representative within it
    (later representatives included).
    """
    n = x.shape[0]
    tol = consts[C_POSITION_TOL]
    count = 0
    for i in range(n):
        group[i] = i
        for c in range(count):
            if _close(x, i, reps[c], diff2, tol):
                group[i] = reps[c]
                break
        if group[i] == i:
            reps[count] = i
            count += 1
    for a in range(n):
        for m in range(count):
            values[a, m] = own[a, reps[m]]
    if not option_pce(cap, values, count, count, codes, consts, strength, victory, p, work):
        return 3
    for i in range(n):
        distinct[i] = 0.0
    for m in range(count):
        distinct[reps[m]] = p[m]
    for i in range(n):
        for c in range(count - 1, -1, -1):
            if _close(x, i, reps[c], diff2, tol):
                actor_probability[i] = p[c]
                break
    return 0


@njit(cache=True, error_model="numpy")
def _close(x: Float, i: int, j: int, diff2: Float, tol: float) -> bool:
    """Whether positions i and j lie within ``tol`` (Euclidean), as ``representatives``."""
    dims = x.shape[1]
    for k in range(dims):
        diff = x[i, k] - x[j, k]
        diff2[k] = diff * diff
    return math.sqrt(npsum(diff2, dims)) < tol


@njit(cache=True, error_model="numpy")
def _estimated_risk(r: Float, rule: int, out: Float) -> None:
    """``out[h, i] = R^h_i`` (§4.3), as ``estimated_risk``."""
    n = r.shape[0]
    for h in range(n):
        for i in range(n):
            if rule == 0:
                out[h, i] = r[h]
            elif rule == 1:
                out[h, i] = (2.0 * r[h] + r[i]) / 3.0
            elif rule == 2:
                out[h, i] = (r[h] + r[i]) / 2.0
            elif rule == 3:
                out[h, i] = (r[h] + 2.0 * r[i]) / 3.0
            else:
                out[h, i] = r[i]


@njit(cache=True, error_model="numpy")
def _positive(z: float) -> float:
    return z if z >= 0.0 else 0.0


@njit(cache=True, error_model="numpy")
def _contest(
    w_i: float, w_j: float, u_ii: float, u_ij: float, u_ji: float, u_jj: float,
    third: Third, d_nj: Float, i: int, j: int, rule: int, semi: bool, consts: Float,
    v: Float, plus: Float,
) -> float:  # fmt: skip
    """``P`` that i beats j with third parties n (§4.4), as ``_contest`` for one pair.

    ``third`` holds the third parties' utilities seen from the perspective (:func:`_third`);
    ``U_nj`` is built from ``d_nj[n] = d[n, j]`` as the reference does; ``v``, ``plus`` scratch.
    """
    scale = consts[2]
    alpha = vote(w_i, u_ii - u_ij, rule, scale)
    beta = vote(w_j, u_ji - u_jj, rule, scale)
    floor = consts[C_CHALLENGE_FLOOR]
    c_ij = floor + _positive(alpha) + _positive(beta)
    c_ji = floor + _positive(-alpha) + _positive(-beta)
    if not semi:
        # NoCommit/FullCommit: every third party votes exactly 0 (§4.4, §7.11).
        alone: float = c_ij / (c_ij + c_ji)
        return alone
    w, minus_w, r_n, u_ni, u_nn, big_a = third
    n = w.shape[0]
    if rule == PROP:
        # The reference's in-place sequence (_third_party_prop); one branch-free pass that
        # the compiler vectorizes.
        for t in range(n):
            u_nj = (1.0 - d_nj[t]) * (1.0 + d_nj[t] * r_n[t])
            bv = u_nj - u_nn[t]
            z = (big_a[t] + bv) * minus_w[t]
            num = z if z >= 0.0 else 0.0
            zn = num - z
            num = num + c_ij
            pi = num / ((num + c_ji) + zn)
            v[t] = ((big_a[t] - bv) * pi + bv) * w[t]
    else:
        for t in range(n):
            u_nj = (1.0 - d_nj[t]) * (1.0 + d_nj[t] * r_n[t])
            z = vote(w[t], u_ni[t] - u_nj, rule, scale)
            zp, zn = _positive(z), _positive(-z)
            pi = (c_ij + zp) / (c_ij + zp + c_ji + zn)
            e_i = pi * (2.0 * u_ni[t] + u_nn[t]) + (1.0 - pi) * (3.0 * u_nj)
            e_j = pi * (3.0 * u_ni[t]) + (1.0 - pi) * (2.0 * u_nj + u_nn[t])
            v[t] = vote(w[t], e_i - e_j, rule, scale)
    v[i] = 0.0
    v[j] = 0.0
    for t in range(n):
        plus[t] = v[t] if v[t] >= 0.0 else 0.0
    support = npsum(plus, n)
    if rule == PROP:
        against = support - npsum(v, n)
    else:
        for t in range(n):
            plus[t] = -v[t] if -v[t] >= 0.0 else 0.0
        against = npsum(plus, n)
    c_ij = c_ij + support
    c_ji = c_ji + against
    out: float = c_ij / (c_ij + c_ji)
    return out


# The third parties' side of a contest, seen from one perspective h about initiator i:
# (w[n], −w[n], R^h_n, U_ni, U_nn, U_nn − U_ni), all float[N].
Third = tuple[Float, Float, Float, Float, Float, Float]


@njit(cache=True, error_model="numpy")
def _third(d: Float, rh_h: Float, i: int, third: Third) -> None:
    """Fill ``third`` for perspective ``rh_h = R^h_·`` and initiator i."""
    _, _, r_n, u_ni, u_nn, big_a = third
    for t in range(d.shape[0]):
        r_n[t] = rh_h[t]
        u_ni[t] = _utility(d[t, i], rh_h[t])
        u_nn[t] = _utility(d[t, t], rh_h[t])
        big_a[t] = u_nn[t] - u_ni[t]


@njit(cache=True, error_model="numpy")
def _challenges(
    d: Float, d_t: Float, r: Float, rh: Float, own: Float, total: Float, codes: Int,
    consts: Float, third: Third, v: Float, plus: Float,
    target: Int, probability: Float, gain: Float, p_all: Float, gain_all: Float,
) -> None:  # fmt: skip
    """Own-perspective challenges and each actor's target (§4.4–4.5), as ``challenges``.

    ``d_t`` is ``d`` transposed (``d_t[j, n] = d[n, j]``, contiguous for the inner loop).
    """
    n = r.shape[0]
    rule, semi = codes[0], codes[_K_SEMI] == 1
    w, _, _, u_ni, u_nn, _ = third
    for i in range(n):
        _third(d, rh[i], i, third)
        u_ii = own[i, i]
        best, pick = -np.inf, 0
        for j in range(n):
            if j == i:
                p_all[i, i] = np.nan
                gain_all[i, i] = np.nan
                continue
            p = _contest(w[i], w[j], u_ii, own[i, j], u_ni[j], u_nn[j], third, d_t[j], i, j,
                         rule, semi, consts, v, plus)  # fmt: skip
            eu_win = 2.0 * u_ii
            eu_con = p * eu_win + (1.0 - p) * (2.0 * own[i, j])
            g = ((1.0 - total[j]) * eu_win + total[j] * eu_con) - (u_ii + own[i, j])
            p_all[i, j] = p
            gain_all[i, j] = g
            if g > best:  # first maximum: the lowest index wins ties (§4.5)
                best, pick = g, j
        if best > consts[C_MIN_GAIN]:
            target[i], probability[i], gain[i] = pick, p_all[i, pick], best
        else:
            target[i], probability[i], gain[i] = -1, np.nan, np.nan


@njit(cache=True, error_model="numpy")
def _receiver_view(
    d: Float, d_t: Float, r: Float, rh: Float, target: Int, codes: Int, consts: Float,
    third: Third, v: Float, plus: Float, out: Float,
) -> None:  # fmt: skip
    """``P^J_{IJ}``, the receiver's estimate that its challenger wins (§4.7), per initiator."""
    n = r.shape[0]
    rule, semi = codes[0], codes[_K_SEMI] == 1
    w = third[0]
    for i in range(n):
        j = target[i]
        if j < 0:
            out[i] = np.nan
            continue
        _third(d, rh[j], i, third)
        r_ji = rh[j, i]
        out[i] = _contest(
            w[i], w[j], _utility(d[i, i], r_ji), _utility(d[i, j], r_ji),
            _utility(d[j, i], r[j]), _utility(d[j, j], r[j]),
            third, d_t[j], i, j, rule, semi, consts, v, plus,
        )  # fmt: skip


@njit(cache=True, error_model="numpy")
def _interpolate(
    x: Float, salience: Float, i: int, j: int, p_i: float, rule: int, consts: Float,
    y_i: Float, y_j: Float,
) -> None:  # fmt: skip
    """The bargain positions of i and j (§4.6), as ``interpolate``."""
    p_j = 1.0 - p_i
    eps, rounding = consts[C_INTERPOLATION_FLOOR], consts[C_ROUNDING]
    for k in range(x.shape[1]):
        t_i, t_j, s_i, s_j = x[i, k], x[j, k], salience[i, k], salience[j, k]
        if rule == 2:  # S2PMax
            d_i, d_j = max(0.0, p_j - p_i), max(0.0, p_i - p_j)
            lam_i = d_i * (s_j * s_j) / (d_i * (s_j * s_j) + eps + (1.0 - d_i) * (s_i * s_i))
            lam_j = d_j * (s_i * s_i) / (d_j * (s_i * s_i) + eps + (1.0 - d_j) * (s_j * s_j))
            y_i[k] = t_i + lam_i * (t_j - t_i)
            y_j[k] = t_j + lam_j * (t_i - t_j)
            continue
        if rule == 0:  # S1P1
            w_i, w_j = s_i * p_i, s_j * p_j
        else:
            w_i, w_j = (s_i * s_i) * (p_i * p_i), (s_j * s_j) * (p_j * p_j)
        total = w_i + eps + w_j
        y_i[k] = math.floor(rounding * (((w_i + eps) * t_i + w_j * t_j) / total) + 0.5) / rounding
        y_j[k] = math.floor(rounding * ((w_i * t_i + (w_j + eps) * t_j) / total) + 0.5) / rounding


@njit(cache=True, error_model="numpy")
def _bargains(
    x: Float, salience: Float, w: Float, target: Int, probability: Float, p_receiver: Float,
    codes: Int, consts: Float, spare_i: Float, spare_j: Float,
    valid: NDArray[np.bool_], receiver: Int, y_i: Float, y_j: Float, bargain_p: Float,
) -> None:  # fmt: skip
    """Each challenge's bargain(s) (§4.7), as ``make_bargains``; ``spare_*`` ``[D]`` scratch."""
    n = x.shape[0]
    rule, model = codes[_K_INTERP], codes[_K_BARGAIN]
    views = valid.shape[0] // n
    for i in range(n):
        has = target[i] >= 0
        j = target[i] if has else 0
        p_a = probability[i] if has else 0.5
        p_b = p_receiver[i] if has else 0.5
        for view in range(views):
            k = i * views + view
            valid[k] = has
            receiver[k] = target[i]
            p = p_b if model == 1 and view == 1 else p_a
            _interpolate(x, salience, i, j, p, rule, consts, y_i[k], y_j[k])
            bargain_p[k] = p_receiver[i] if model == 1 and view == 1 else probability[i]
        if model == 2:  # PWCompInterp: power-weighted blend of both views (§7.1)
            _interpolate(x, salience, i, j, p_b, rule, consts, spare_i, spare_j)
            om_i, om_j = w[i], w[j]
            for k in range(x.shape[1]):
                y_i[i, k] = (om_i * y_i[i, k] + om_j * spare_i[k]) / (om_i + om_j)
                y_j[i, k] = (om_i * y_j[i, k] + om_j * spare_j[k]) / (om_i + om_j)


@njit(cache=True, error_model="numpy")
def _option_values(
    ideal: Float, salience: Float, r: Float, own: Float, valid: NDArray[np.bool_],
    receiver: Int, y_i: Float, y_j: Float, s2: Float, values: Float,
) -> None:  # fmt: skip
    """``values[a, 0]`` (status quo) and ``values[a, 1 + k]`` (bargain k): voter a's mean
    utility over the N positions after the option, summed actor by actor as the reference."""
    n, dims = ideal.shape
    views = valid.shape[0] // n
    for a in range(n):
        acc = 0.0
        for m in range(n):
            acc += own[a, m]
        values[a, 0] = acc / n
        for k in range(dims):
            s2[k] = salience[a, k] * salience[a, k]
        total = npsum(s2, dims)
        for kb in range(valid.shape[0]):
            if not valid[kb]:
                continue
            u_i = _utility(_distance(ideal[a], y_i[kb], s2, total), r[a])
            u_j = _utility(_distance(ideal[a], y_j[kb], s2, total), r[a])
            init, recv = kb // views, receiver[kb]
            acc = 0.0
            for m in range(n):
                acc += u_j if m == recv else (u_i if m == init else own[a, m])
            values[a, 1 + kb] = acc / n


@njit(cache=True, error_model="numpy")
def _distance(ideal: Float, y: Float, s2: Float, total: float) -> float:
    num = 0.0
    for k in range(ideal.shape[0]):
        diff = ideal[k] - y[k]
        num += s2[k] * (diff * diff)
    return math.sqrt(num / total)


@njit(cache=True, error_model="numpy")
def _resolve(
    x: Float, capability: Float, valid: NDArray[np.bool_], receiver: Int, y_i: Float,
    y_j: Float, values: Float, uniforms: Float, row: int, codes: Int, consts: Float, opts: Int,
    queue: Float, strength: Float, victory: Float, p: Float, work: Float,
    new_position: Float, chosen: Int, win: Float, length: Int,
) -> int:  # fmt: skip
    """Vote on every actor's queue and adopt the chosen option (§4.8–4.10), as
    ``resolve_queues``; returns 2 if a Markov PCE failed. ``uniforms[row]`` are the draw's
    Stochastic numbers (no rows: Deterministic)."""
    n = x.shape[0]
    views = valid.shape[0] // n
    longest = 1  # the reference pads every queue of a draw to the longest (option_pce)
    for q in range(n):
        m = 1
        for kb in range(valid.shape[0]):
            if valid[kb] and (kb // views == q or receiver[kb] == q):
                m += 1
        longest = max(longest, m)
    for q in range(n):
        m = 1
        opts[0] = 0
        for kb in range(valid.shape[0]):
            if valid[kb] and (kb // views == q or receiver[kb] == q):
                opts[m] = 1 + kb
                m += 1
        if m == 1:  # the status quo alone (its PCE probability is exactly 1)
            pick = 0
            p[0] = 1.0
        else:
            for a in range(n):  # the queue's columns of the option values, contiguous
                for o in range(m):
                    queue[a, o] = values[a, opts[o]]
            if not option_pce(
                capability, queue, m, longest, codes, consts, strength, victory, p, work
            ):
                return 2
            pick = 0
            if uniforms.shape[0] > 0:  # Stochastic: the first option whose cumulative p reaches u
                pick, cum = m - 1, 0.0
                for o in range(m):
                    cum += p[o]
                    if uniforms[row, q] <= cum:
                        pick = o
                        break
            else:
                for o in range(1, m):
                    if p[o] > p[pick]:
                        pick = o
        win[q], length[q] = p[pick], m
        if pick == 0:
            chosen[q] = -1
            new_position[q] = x[q]
        else:
            kb = opts[pick] - 1
            chosen[q] = kb
            new_position[q] = y_i[kb] if kb // views == q else y_j[kb]
    return 0


@njit(cache=True, error_model="numpy", parallel=True, nogil=True)
def _turn_rows(
    x: Float, ideal: Float, salience: Float, total: Float, capability: Float, d: Float,
    r: Float, own: Float, accommodation: Float, uniforms: Float, codes: Int, consts: Float,
    target: Int, probability: Float, gain: Float, p_all: Float, gain_all: Float,
    valid: NDArray[np.bool_], receiver: Int, y_i: Float, y_j: Float, bargain_p: Float,
    new_position: Float, new_ideal: Float, chosen: Int, win: Float, length: Int, failed: Int,
) -> None:  # fmt: skip
    """One turn (§4.4–4.11) for every draw, in parallel over fixed blocks of draws."""
    b, n, dims = x.shape
    options = valid.shape[1] + 1
    for block in prange((b + _BLOCK - 1) // _BLOCK):
        rh, d_t = np.empty((n, n)), np.empty((n, n))
        w, minus_w, r_n = np.empty(n), np.empty(n), np.empty(n)
        u_ni, u_nn, big_a = np.empty(n), np.empty(n), np.empty(n)
        third = (w, minus_w, r_n, u_ni, u_nn, big_a)
        v, plus, p_receiver = np.empty(n), np.empty(n), np.empty(n)
        spare_i, spare_j, s2 = np.empty(dims), np.empty(dims), np.empty(dims)
        values, queue = np.empty((n, options)), np.empty((n, options))
        strength, victory = np.empty((options, options)), np.empty((options, options))
        p, work = np.empty(options), np.empty(3 * options)
        opts = np.empty(options, dtype=np.int64)
        for row in range(block * _BLOCK, min(b, (block + 1) * _BLOCK)):
            dr, rr = d[row], r[row]
            _estimated_risk(rr, codes[_K_ADJUST], rh)
            for i in range(n):
                w[i] = total[row, i] * capability[row, i]
                minus_w[i] = -w[i]
                for j in range(n):
                    d_t[i, j] = dr[j, i]
            _challenges(dr, d_t, rr, rh, own[row], total[row], codes, consts, third, v, plus,
                        target[row], probability[row], gain[row], p_all[row],
                        gain_all[row])  # fmt: skip
            if codes[_K_BARGAIN] != 0:
                _receiver_view(dr, d_t, rr, rh, target[row], codes, consts, third, v, plus,
                               p_receiver)  # fmt: skip
            _bargains(x[row], salience[row], w, target[row], probability[row], p_receiver,
                      codes, consts, spare_i, spare_j, valid[row], receiver[row], y_i[row],
                      y_j[row], bargain_p[row])  # fmt: skip
            _option_values(ideal[row], salience[row], rr, own[row], valid[row], receiver[row],
                           y_i[row], y_j[row], s2, values)  # fmt: skip
            failed[row] = _resolve(
                x[row], capability[row], valid[row], receiver[row], y_i[row], y_j[row],
                values, uniforms, row, codes, consts, opts, queue, strength, victory, p, work,
                new_position[row], chosen[row], win[row], length[row],
            )  # fmt: skip
            _new_ideal(accommodation, ideal[row], new_position[row], new_ideal[row])


@njit(cache=True, error_model="numpy")
def _new_ideal(a: Float, ideal: Float, position: Float, out: Float) -> None:
    """Ideals after the turn (§4.11): the positions, or the accommodation matrix's blend."""
    n, dims = ideal.shape
    if a.shape[0] == 0:
        out[:, :] = position
        return
    for i in range(n):
        keep = 1.0 - min(1.0, npsum(a[i], n))
        for k in range(dims):
            acc = 0.0
            for j in range(n):
                acc += a[i, j] * position[j, k]
            out[i, k] = acc + keep * ideal[i, k]
