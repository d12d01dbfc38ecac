"""Compiled votes, coalitions, victory probabilities and PCEs for one draw (``specs/smp.md`` §3).

The scalar counterparts of :mod:`._voting` and ``_big_r`` for :mod:`._kernel`: each works on one
draw's small matrices, in the reference's order of operations, so that the kernel reproduces the
reference's bits wherever it can (sums over voters in voter order; numpy's pairwise sum where the
reference sums along a contiguous last axis, see :func:`npsum`). Option settings arrive as
integer codes (:data:`CODES` in :mod:`._kernel`) and the constants of ``specs/smp.md`` §6.2 as
the array ``consts`` (indices ``C_*``), never as globals: numba's cache checks only this file's
time stamp, so a global imported from ``_params`` would be frozen into the cached machine code.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["big_r", "npsum", "option_pce", "vote"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]

# Voting rules, victory models and PCE models as the kernel's integer codes.
BINARY, PROPBIN, PROP, PROPCBC, CUBIC, ASYMPROSP = 0, 1, 2, 3, 4, 5
VICTORY_BINARY = 0  # other victory codes are the power of c: 1, 2, 4, 8
CONDITIONAL, MARKOV_INCENTIVE, MARKOV_UNIFORM = 0, 1, 2
# Positions of the constants in ``consts`` (filled by ``_kernel.constants``).
C_PCE_FLOOR, C_CHALLENGE_FLOOR, C_BINARY_SCALE, C_BINARY_TAU, C_BINARY_MIN = 0, 1, 2, 3, 4
C_UNIFORM_TOL, C_INCENTIVE_TOL, C_INCENTIVE_FLOOR, C_MAX_ITER, C_MIN_GAIN = 5, 6, 7, 8, 9
C_INTERPOLATION_FLOOR, C_ROUNDING, C_POSITION_TOL, C_DEGENERATE_R, C_PRODUCT_MAX = (
    10,
    11,
    12,
    13,
    14,
)
N_CONSTS = 15


@njit(cache=True, error_model="numpy")
def npsum(a: Float, n: int) -> float:
    """``a[:n].sum()`` exactly as numpy adds a contiguous last axis (pairwise, blocks of 8).

    numpy's reductions start from 0 and add the pairwise sum; matching it keeps the kernel's
    sums bit-identical to the reference's (a test checks lengths up to 960). numpy recurses above
    128 numbers; numba cannot cache recursive functions, so the recursion is unrolled to three
    levels, enough for 960 numbers (the SMP sums at most 2 × 250 + 1 options).
    """
    if n <= _BLOCK_SIZE:
        return _block(a, 0, n)
    half = _half(n)
    return _level2(a, 0, half) + _level2(a, half, n - half)


_BLOCK_SIZE = 128


@njit(cache=True, error_model="numpy")
def _half(n: int) -> int:
    half = n // 2
    return half - half % 8


@njit(cache=True, error_model="numpy")
def _level2(a: Float, lo: int, n: int) -> float:
    if n <= _BLOCK_SIZE:
        return _block(a, lo, n)
    half = _half(n)
    return _level1(a, lo, half) + _level1(a, lo + half, n - half)


@njit(cache=True, error_model="numpy")
def _level1(a: Float, lo: int, n: int) -> float:
    if n <= _BLOCK_SIZE:
        return _block(a, lo, n)
    half = _half(n)
    return _block(a, lo, half) + _block(a, lo + half, n - half)


@njit(cache=True, error_model="numpy")
def _block(a: Float, lo: int, n: int) -> float:
    """numpy's pairwise sum of up to 128 numbers: eight running sums, then a tree."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    out: float = res
    return out


@njit(cache=True, error_model="numpy")
def _clip(z: float) -> float:
    return min(max(z, -1.0), 1.0)


@njit(cache=True, error_model="numpy")
def vote(weight: float, delta: float, rule: int, scale: float) -> float:
    """``vote(w; a, b)`` given ``delta = a − b`` (§3.3), as :func:`._voting.vote`."""
    if rule == PROP:
        return weight * delta
    if rule == BINARY:
        return weight * _clip(delta / scale)
    if rule == PROPBIN:
        return weight * (0.8 * delta + 0.2 * _clip(delta / scale))
    if rule == PROPCBC:
        return weight * (0.5 * delta + 0.5 * math.pow(delta, 3.0))
    if rule == CUBIC:
        return weight * math.pow(delta, 3.0)
    if delta > 0:  # ASymProsp
        return (2.0 / 3.0) * (weight * delta)
    return weight * delta


@njit(cache=True, error_model="numpy")
def _support(diff: float, later: bool, rule: int, scale: float) -> float:
    """One voter's unweighted support ``max(vote(1; Δ), 0)`` in a coalition (§3.4)."""
    gain = diff if diff >= 0.0 else 0.0
    if rule == ASYMPROSP:
        if later and gain > 0:
            return (2.0 / 3.0) * gain
        return gain
    if rule == PROP:
        return gain
    return vote(1.0, gain, rule, scale)


@njit(cache=True, error_model="numpy")
def _strengths(weight: Float, values: Float, m: int, rule: int, consts: Float, out: Float) -> None:
    """``out[i, j]`` = coalition strength of option i against option j (§3.4).

    ``values[a, :m]`` are voter a's values of the options; voters are added in index order, as
    the reference's leading-axis sum does. The common Prop rule has its own branch-free loop,
    which the compiler vectorizes.
    """
    scale = consts[C_BINARY_SCALE]
    for i in range(m):
        for j in range(m):
            out[i, j] = 0.0
    for a in range(weight.shape[0]):
        w = weight[a]
        for i in range(m):
            vi = values[a, i]
            if rule == PROP:
                for j in range(m):
                    diff = vi - values[a, j]
                    out[i, j] += (diff if diff >= 0.0 else 0.0) * w
            else:
                for j in range(m):
                    out[i, j] += _support(vi - values[a, j], i > j, rule, scale) * w
    floor = consts[C_PCE_FLOOR]
    for i in range(m):
        for j in range(m):
            out[i, j] = floor + out[i, j]


@njit(cache=True, error_model="numpy")
def _victory(strength: Float, m: int, model: int, consts: Float, out: Float) -> None:
    """``out[i, j] = P(i beats j)`` from coalition strengths (§3.5), as ``victory_matrix``."""
    tau, least = consts[C_BINARY_TAU], consts[C_BINARY_MIN]
    for i in range(m):
        for j in range(m):
            c1, c2 = strength[i, j], strength[j, i]
            if model == VICTORY_BINARY:
                r = c1 / (c1 + c2)
                if c1 >= tau * c2:
                    t1, t2 = 1.0, least
                elif c2 >= tau * c1:
                    t1, t2 = least, 1.0
                else:
                    t1 = (r * (tau + 1.0) - 1.0) / (tau - 1.0)
                    t2 = 1.0 - t1
            elif model == 1:
                t1, t2 = c1, c2
            elif model == 2:
                t1, t2 = c1 * c1, c2 * c2
            else:
                t1, t2 = math.pow(c1, float(model)), math.pow(c2, float(model))
            out[i, j] = t1 / (t1 + t2)
        out[i, i] = 0.5


@njit(cache=True, error_model="numpy")
def option_pce(
    weight: Float,
    values: Float,
    m: int,
    padded: int,
    codes: Int,
    consts: Float,
    strength: Float,
    victory: Float,
    p: Float,
    work: Float,
) -> bool:
    """``PCE(w, u)`` over ``m`` options (§3.7); writes ``p[:m]``, False if a Markov chain did
    not converge.

    ``padded`` (≥ m) is the length the reference pads this option list to (its longest queue):
    its sums along the options then add ``padded − m`` zeros, which changes numpy's pairwise
    association, so the kernel sums over the same length.

    ``values[a, :m]`` voter × option values, ``strength``/``victory`` ``[≥m, ≥m]`` and ``work``
    ``[≥ 3 padded]`` scratch, ``p`` ``[≥ padded]``. ``codes``: voting rule, victory model and
    PCE model at 0, 1, 2.
    """
    _strengths(weight, values, m, codes[0], consts, strength)
    _victory(strength, m, codes[1], consts, victory)
    model = codes[2]
    for i in range(m, padded):
        p[i] = 0.0
        work[i] = 0.0
    if model == CONDITIONAL:
        if padded <= consts[C_PRODUCT_MAX]:
            for i in range(m):
                prod = 1.0
                for j in range(m):
                    prod *= victory[i, j]
                p[i] = prod
        else:
            top = -np.inf
            for i in range(m):
                for j in range(m):
                    work[j] = math.log(victory[i, j])
                p[i] = npsum(work, padded)
                top = max(top, p[i])
            for i in range(m):
                p[i] = math.exp(p[i] - top)
        total = npsum(p, padded)
        for i in range(m):
            p[i] /= total
        return True
    return _markov(strength, victory, m, padded, model, consts, p, work)


@njit(cache=True, error_model="numpy")
def _markov(
    strength: Float,
    victory: Float,
    m: int,
    padded: int,
    model: int,
    consts: Float,
    p: Float,
    work: Float,
) -> bool:
    """The Markov PCEs (§3.6) by the reference's damped iteration; ``work`` holds 3 × padded
    numbers (sums along options run over ``padded``, the tail zero, as in the reference)."""
    q = work[:padded]
    row = work[padded : 2 * padded]
    tmp = work[2 * padded : 3 * padded]
    for i in range(m, padded):
        tmp[i] = 0.0
    for i in range(m):
        p[i] = 1.0 / m
    if model == MARKOV_INCENTIVE:
        # chi[i, j] (i challenges incumbent j) is kept in `strength`, which is not needed after.
        for i in range(m):
            for j in range(m):
                strength[i, j] = strength[i, j] * victory[i, j]
            strength[i, i] += consts[C_INCENTIVE_FLOOR]
        for j in range(m):
            column = 0.0
            for i in range(m):
                column += strength[i, j]
            if column > 0:
                for i in range(m):
                    strength[i, j] = strength[i, j] / column
        tol = consts[C_INCENTIVE_TOL]
    else:
        for i in range(m):
            for j in range(m):
                tmp[j] = victory[i, j]
            row[i] = npsum(tmp, padded)
        tol = consts[C_UNIFORM_TOL]
    for _ in range(int(consts[C_MAX_ITER])):
        for i in range(m):
            other = 0.0
            if model == MARKOV_INCENTIVE:
                for j in range(m):
                    tmp[j] = victory[i, j] * strength[j, i]
                    other += victory[i, j] * strength[i, j] * p[j]
                q[i] = npsum(tmp, padded) * p[i] + other
            else:
                for j in range(m):
                    other += victory[i, j] * p[j]
                q[i] = (row[i] * p[i] + other) / m
        change = 0.0
        for i in range(m):
            change = max(change, abs(q[i] - p[i]))
        for i in range(m):
            p[i] = (p[i] + q[i]) / 2.0
        if not change > tol:
            return True
    return False


@njit(cache=True, error_model="numpy")
def big_r(p: Float, n: int, span: int, degenerate: float, out: Float) -> None:
    """Risk attitudes from position probabilities (§4.2), as ``_challenge._big_r``.

    ``span``: 0 = Min, 1 = Mid, 2 = Max.
    """
    lo, hi = p[0], p[0]
    for i in range(1, n):
        lo, hi = min(lo, p[i]), max(hi, p[i])
    if (hi - lo) <= degenerate * hi:
        for i in range(n):
            out[i] = 0.0
        return
    width = hi - lo
    for i in range(n):
        if span == 0:
            out[i] = (p[i] - lo) / width
        elif span == 1:
            out[i] = (3.0 * p[i] - hi - 2.0 * lo) / (2.0 * width)
        else:
            out[i] = (2.0 * p[i] - hi - lo) / width
