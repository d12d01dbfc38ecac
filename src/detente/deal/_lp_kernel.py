"""The deal's small LPs (:mod:`._lp`) solved by a compiled dense simplex, one block at a time.

The reference gives every veto player's loss on every issue its own variable ``t_ij`` and one row
per linear piece: 45 rows on ukraine-2026 with the linear utility, 864 with the quadratic one.
Here the loss is written by *segments* instead. On issue ``j`` the kinks of every veto player's
loss (``p_ij`` for the linear form, the tangents' crossings for the quadratic) cut [0, 100] into
segments on which every loss is linear, and ``x_j = Σ_s δ_s`` with ``0 <= δ_s <= len_s``. The
losses are convex, so their slopes rise from segment to segment for every player at once: filling
the segments in order gives each loss exactly, and any other filling of the same ``x_j``
overstates every loss. The rows ``Σ_s slope_is δ_s (+ dir_i z) <= -floor_i - loss_i(0)`` therefore
describe the same packages as the reference's rows, with one row per veto player; the L1 distance
to a target (the closest package) is one more convex loss whose kink is the target. An LP of the
zone becomes ``V`` rows and a few dozen bounded columns (a few hundred for the quadratic form).

The solver is the bounded-variable primal simplex with the basis inverse computed afresh at every
step (a handful of rows: exact to round-off, no drift). Pricing is Dantzig's largest reduced cost;
after a run of degenerate steps it falls back to Bland's smallest-index rule until the objective
moves again, which rules out cycling. Phase I minimises artificial variables on the rows the start
violates. The ``R`` objectives of a block share its feasible set, so objective ``r > 0`` starts from
the optimal basis of objective ``r - 1`` (phase II only). Blocks are independent and nothing is
reduced across them, so the result does not depend on the thread count. Settings are arguments,
not globals, because numba's cache checks only this file's time stamp.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from ..models import _numba  # noqa: F401  (process settings for the parallel kernels)

__all__ = ["INFEASIBLE", "OPTIMAL", "STALLED", "UNBOUNDED", "solve_blocks_kernel"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]

OPTIMAL, INFEASIBLE, UNBOUNDED, STALLED = 0, 1, 2, 3
# A reduced cost below this (relative to the size of its terms) is taken as zero.
_COST_TOL = 1e-12
# An entry of the pivot column below this (relative to its largest) is taken as zero.
_PIVOT_TOL = 1e-11
# A step shorter than this leaves the solution where it was (degenerate).
_STEP_TOL = 1e-13
# Degenerate steps in a row before pricing switches to Bland's rule.
_DEGENERATE_RUN = 8


@njit(cache=True, error_model="numpy")
def _invert(b: Float, out: Float) -> bool:
    """``out = b^{-1}`` by Gauss–Jordan with partial pivoting; False if ``b`` is singular."""
    m = b.shape[0]
    work = b.copy()
    for i in range(m):
        for j in range(m):
            out[i, j] = 1.0 if i == j else 0.0
    for col in range(m):
        piv = col
        for r in range(col + 1, m):
            if abs(work[r, col]) > abs(work[piv, col]):
                piv = r
        if abs(work[piv, col]) < 1e-300:
            return False
        if piv != col:
            for j in range(m):
                work[col, j], work[piv, j] = work[piv, j], work[col, j]
                out[col, j], out[piv, j] = out[piv, j], out[col, j]
        scale = 1.0 / work[col, col]
        for j in range(m):
            work[col, j] *= scale
            out[col, j] *= scale
        for r in range(m):
            if r != col and work[r, col] != 0.0:
                f = work[r, col]
                for j in range(m):
                    work[r, j] -= f * work[col, j]
                    out[r, j] -= f * out[col, j]
    return True


@njit(cache=True, error_model="numpy")
def _basic_values(
    a: Float, n: int, rhs: Float, value: Float, basis: Int, is_basic: NDArray[np.bool_], inv: Float
) -> None:
    """Basic variables' values ``B^{-1} (rhs - N v_N)`` into ``value``."""
    m = rhs.size
    resid = rhs.copy()
    for j in range(n):
        if not is_basic[j] and value[j] != 0.0:
            for i in range(m):
                resid[i] -= a[i, j] * value[j]
    for i in range(m):
        acc = 0.0
        for r in range(m):
            acc += inv[i, r] * resid[r]
        value[basis[i]] = acc


@njit(cache=True, error_model="numpy")
def _simplex(
    a: Float,
    n: int,
    rhs: Float,
    cost: Float,
    lower: Float,
    upper: Float,
    basis: Int,
    is_basic: NDArray[np.bool_],
    value: Float,
    max_steps: int,
) -> int:
    """Minimise ``cost · v`` over ``a[:, :n] v = rhs``, ``lower <= v <= upper``, from a feasible
    basis.

    ``basis``/``is_basic``/``value`` (nonbasic variables at a bound, or at 0 when free) are the
    start and receive the optimum. Returns OPTIMAL, UNBOUNDED or STALLED.
    """
    m = rhs.size
    bmat = np.empty((m, m))
    inv = np.empty((m, m))
    y = np.empty(m)
    alpha = np.empty(m)
    degenerate = 0
    for _ in range(max_steps):
        for i in range(m):
            for r in range(m):
                bmat[i, r] = a[i, basis[r]]
        if not _invert(bmat, inv):
            return STALLED
        _basic_values(a, n, rhs, value, basis, is_basic, inv)
        for r in range(m):
            acc = 0.0
            for i in range(m):
                acc += cost[basis[i]] * inv[i, r]
            y[r] = acc
        # Pricing: the entering variable and the way it moves (+1 up, -1 down).
        enter = -1
        way = 0
        best = 0.0
        for j in range(n):
            if is_basic[j] or upper[j] <= lower[j]:
                continue
            dj = cost[j]
            size = abs(cost[j])
            for i in range(m):
                term = y[i] * a[i, j]
                dj -= term
                size += abs(term)
            if abs(dj) <= _COST_TOL * max(size, 1.0):
                continue
            can_up = value[j] < upper[j]
            can_down = value[j] > lower[j]
            if (dj < 0.0 and can_up) or (dj > 0.0 and can_down):
                if degenerate >= _DEGENERATE_RUN:
                    enter = j
                    way = 1 if dj < 0.0 else -1
                    break
                if abs(dj) > best:
                    best = abs(dj)
                    enter = j
                    way = 1 if dj < 0.0 else -1
        if enter < 0:
            return OPTIMAL
        # Ratio test: v_enter moves by way * t, basic variable i by -way * t * alpha_i.
        biggest = 0.0
        for i in range(m):
            acc = 0.0
            for r in range(m):
                acc += inv[i, r] * a[r, enter]
            alpha[i] = acc
            biggest = max(biggest, abs(acc))
        tol = _PIVOT_TOL * max(biggest, 1.0)
        step = upper[enter] - lower[enter]
        leave = -1
        leave_to = 0.0
        for i in range(m):
            rate = way * alpha[i]
            k = basis[i]
            if rate > tol:
                room = max(value[k] - lower[k], 0.0) / rate
                bound = lower[k]
            elif rate < -tol:
                room = max(upper[k] - value[k], 0.0) / -rate
                bound = upper[k]
            else:
                continue
            better = room < step
            if not better and room == step and leave >= 0:
                # Ties: Bland's rule takes the smallest index; else the larger pivot.
                if degenerate >= _DEGENERATE_RUN:
                    better = k < basis[leave]
                else:
                    better = abs(alpha[i]) > abs(alpha[leave])
            if better:
                step = room
                leave = i
                leave_to = bound
        if step == np.inf:
            return UNBOUNDED
        degenerate = degenerate + 1 if step <= _STEP_TOL else 0
        if leave < 0:
            # The entering variable reaches its other bound first: a bound flip.
            value[enter] = upper[enter] if way > 0 else lower[enter]
        else:
            k = basis[leave]
            value[k] = leave_to
            is_basic[k] = False
            basis[leave] = enter
            is_basic[enter] = True
    return STALLED


@njit(cache=True, error_model="numpy")
def _columns(
    pos: Float,
    w: Float,
    kinks: Float,
    slopes: Float,
    intercepts: Float,
    target: Float,
    use_target: bool,
    first: int,
    a: Float,
    issue: Int,
    upper: Float,
    aim: Float,
    loss0: Float,
) -> int:
    """Segment columns of one block from column ``first`` on; returns the column count after them.

    Fills ``a[:, col]`` (each veto player's loss slope per unit of x on that segment), ``issue``,
    ``upper`` (the segment's length), ``aim`` (the target's slope, ±1, or 0) and ``loss0[V]``
    (each veto player's loss at x = 0). Players with no weight on an issue add no kink there.
    """
    v, d = pos.shape
    n_piece = slopes.size
    points = np.empty(2 + v * kinks.size + 1)
    for i in range(v):
        loss0[i] = 0.0
    col = first
    for j in range(d):
        count = 0
        points[count] = 0.0
        points[count + 1] = 100.0
        count += 2
        for i in range(v):
            if w[i, j] > 0.0:
                for e in range(kinks.size):
                    at = pos[i, j] + 100.0 * kinks[e]
                    if 0.0 < at < 100.0:
                        points[count] = at
                        count += 1
        if use_target and 0.0 < target[j] < 100.0:
            points[count] = target[j]
            count += 1
        cut = np.sort(points[:count])
        for i in range(v):
            if w[i, j] > 0.0:
                d0 = -pos[i, j] / 100.0
                top = slopes[0] * d0 + intercepts[0]
                for p in range(1, n_piece):
                    top = max(top, slopes[p] * d0 + intercepts[p])
                loss0[i] += w[i, j] * top
        for s in range(count - 1):
            length = cut[s + 1] - cut[s]
            if length <= 0.0:
                continue
            mid = 0.5 * (cut[s] + cut[s + 1])
            for i in range(v):
                if w[i, j] > 0.0:
                    dm = (mid - pos[i, j]) / 100.0
                    arg = 0
                    for p in range(1, n_piece):
                        if slopes[p] * dm + intercepts[p] > slopes[arg] * dm + intercepts[arg]:
                            arg = p
                    a[i, col] = w[i, j] * slopes[arg] / 100.0
                else:
                    a[i, col] = 0.0
            issue[col] = j
            upper[col] = length
            aim[col] = (1.0 if mid > target[j] else -1.0) if use_target else 0.0
            col += 1
    return col


@njit(parallel=True, cache=True, error_model="numpy")
def solve_blocks_kernel(
    positions: Float,
    weights: Float,
    floor: Float,
    slopes: Float,
    intercepts: Float,
    kinks: Float,
    direction: Float,
    use_z: bool,
    objectives: Float,
    target: Float,
    use_target: bool,
    steps_per_column: int,
) -> tuple[Float, Float, Int]:
    """Solve ``R`` LPs per block over one feasible set each (the semantics of :mod:`._lp`).

    Args:
        positions, weights: ``float[K, V, D]`` (positions finite where the weight is positive).
        floor: ``float[K, V]``; slopes, intercepts: the loss pieces; kinks: where consecutive
            pieces (by slope) cross, in distance units (``(x - p) / 100``).
        direction: ``float[K, V]``, used when ``use_z``: rows ``u_i >= floor_i + dir_i z`` and
            ``z`` maximised (before the objective's other terms).
        objectives: ``float[K, R, D]`` linear costs on ``x`` to minimise, one LP per ``r``.
        target: ``float[K, D]``, used when ``use_target``: the L1 distance to it is minimised.
        steps_per_column: the simplex's step budget per column and row (then STALLED).

    Returns ``x[K, R, D]``, ``z[K, R]`` (NaN without ``use_z``) and ``status[K]`` (the worst over
    the block's LPs: OPTIMAL, INFEASIBLE, UNBOUNDED or STALLED).
    """
    k_blocks, v, d = positions.shape
    n_obj = objectives.shape[1]
    max_seg = d * (v * kinks.size + 2)
    # Columns: slacks [0, v), artificials [v, 2v), z at 2v, segments from 2v + 1.
    n_max = 2 * v + 1 + max_seg
    x_out = np.zeros((k_blocks, n_obj, d))
    z_out = np.full((k_blocks, n_obj), np.nan)
    status = np.zeros(k_blocks, dtype=np.int64)
    for k in prange(k_blocks):
        a = np.zeros((v, n_max))
        issue = np.full(n_max, -1, dtype=np.int64)
        lower = np.zeros(n_max)
        upper = np.zeros(n_max)
        aim = np.zeros(n_max)
        loss0 = np.zeros(v)
        n = _columns(
            positions[k], weights[k], kinks, slopes, intercepts, target[k], use_target,
            2 * v + 1, a, issue, upper, aim, loss0,
        )  # fmt: skip
        rhs = np.empty(v)
        for i in range(v):
            a[i, i] = 1.0
            upper[i] = np.inf
            a[i, v + i] = -1.0
            rhs[i] = -floor[k, i] - loss0[i]
            if use_z:
                a[i, 2 * v] = direction[k, i]
        if use_z:
            lower[2 * v] = -np.inf
            upper[2 * v] = np.inf
        # Start: x = 0 (every segment empty), z = 0; the slack is basic on the rows this start
        # satisfies, an artificial on the others.
        value = np.zeros(n)
        basis = np.empty(v, dtype=np.int64)
        is_basic = np.zeros(n, dtype=np.bool_)
        cost = np.zeros(n)
        for i in range(v):
            if rhs[i] >= 0.0:
                basis[i] = i
            else:
                basis[i] = v + i
                upper[v + i] = np.inf
                cost[v + i] = 1.0
            is_basic[basis[i]] = True
        max_steps = steps_per_column * (n + v + 2)
        state = _simplex(a, n, rhs, cost, lower, upper, basis, is_basic, value, max_steps)
        short = 0.0
        for i in range(v):
            short += value[v + i]
            upper[v + i] = 0.0  # artificials stay at zero from here on
        if state != OPTIMAL:
            status[k] = STALLED
            continue
        if short > 1e-9 * max(1.0, np.abs(rhs).max()):
            status[k] = INFEASIBLE
            continue
        for r in range(n_obj):
            for c in range(n):
                cost[c] = 0.0
            if use_z:
                cost[2 * v] = -1.0
            for c in range(2 * v + 1, n):
                cost[c] = objectives[k, r, issue[c]] + aim[c]
            state = _simplex(a, n, rhs, cost, lower, upper, basis, is_basic, value, max_steps)
            if state != OPTIMAL:
                status[k] = state
                break
            for j in range(d):
                x_out[k, r, j] = 0.0
            for c in range(2 * v + 1, n):
                x_out[k, r, issue[c]] += value[c]
            if use_z:
                z_out[k, r] = value[2 * v]
    return x_out, z_out, status
