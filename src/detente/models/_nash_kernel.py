"""The Nash barrier solver of :mod:`._nash_barrier` compiled with numba, one draw at a time.

The reference builds the constraint matrix densely (``[B, R, n]`` with ``n = D + M`` variables
and ``R ≈ P + 3M + 2D`` rows) and solves the Newton system with a dense ``n × n`` Hessian per
draw: on ukraine-2026 (70 pairs) that is ~1.4 M multiply-adds per Newton step and draw, and 1,000
draws took minutes. The rows are sparse and structured, which this kernel uses:

- each loss row touches one ``z`` and one ``t``; the cap and box rows one variable; a player row
  only that player's ``t`` (and ``τ`` in phase I), and no two players share a pair;
- so the Hessian's ``t``-block is a diagonal plus one rank-one term per player on disjoint
  supports (inverted exactly by Sherman–Morrison, player by player), the ``z``/``τ`` block is
  diagonal, and the Newton step is a Schur complement of size ``D`` (``D + 1`` in phase I):
  ``O(M·D)`` work per step instead of ``O(R·n²)``.

The algorithm is the reference's step for step (the same barrier weights, Newton steps, ridge,
line search and stopping tests, per draw), so the two agree to the solver's accuracy; only the
rounding of the linear solve and of sums differs. ``tests/models/test_nash_kernel.py`` compares
them. Draws are independent and nothing is reduced across draws, so the result does not depend
on the thread count. Settings are passed in as arguments, not read as globals, because numba's
cache (``cache=True``) checks only this file's time stamp.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from ._numba import kernel_array  # (also: process settings for the parallel kernels)

__all__ = ["solve_pairs_kernel"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]


@njit(cache=True, error_model="numpy")
def _slacks(
    v: Float,
    phase1: bool,
    player: Int,
    issue: Int,
    x: Float,
    wt: Float,
    slopes: Float,
    intercepts: Float,
    on: NDArray[np.bool_],
    u0: Float,
    span: Float,
    lower: Float,
    upper: Float,
    tau_cap: float,
    out: Float,
) -> None:
    """Every row's slack ``h − a·v`` into ``out``, in the reference's row order: players,
    loss pieces (pair-major), caps on ``t``, lower box, upper box, and in phase I the cap on τ."""
    p = on.size
    m = player.size
    d = lower.size
    n_piece = slopes.size
    for i in range(p):
        out[i] = -u0[i] if on[i] else 1.0
    for k in range(m):
        i = player[k]
        if on[i]:
            out[i] -= wt[k] * v[d + k]
    if phase1:
        for i in range(p):
            if on[i]:
                out[i] -= v[d + m]
    r = p
    for k in range(m):
        z = v[issue[k]]
        for j in range(n_piece):
            out[r] = slopes[j] * (x[k] - z) - intercepts[j] + v[d + k]
            r += 1
    for k in range(m):
        out[r] = span[k] - v[d + k]
        r += 1
    for j in range(d):
        out[r] = v[j] - lower[j]
        out[r + d] = upper[j] - v[j]
        r += 1
    r += d
    if phase1:
        out[r] = tau_cap - v[d + m]


@njit(cache=True, error_model="numpy")
def _objective(
    v: Float,
    phase1: bool,
    weight: Float,
    quad: float,
    centre: Float,
    slack: Float,
) -> float:
    """``lin·v − Σ w log(slack) + quad Σ (z − centre)²`` (``inf`` when a slack is not positive);
    ``lin`` is ``−1`` on τ in phase I, else zero."""
    total = 0.0
    for r in range(slack.size):
        if not slack[r] > 0.0:
            return math.inf
        total -= weight[r] * math.log(slack[r])
    d = centre.size
    for j in range(d):
        total += quad * (v[j] - centre[j]) ** 2
    if phase1:
        total -= v[v.size - 1]
    return total


@njit(cache=True, error_model="numpy")
def _solve_small(s: Float, rhs: Float) -> bool:
    """Solve ``s x = rhs`` in place (``rhs`` becomes ``x``) by Gaussian elimination with partial
    pivoting; ``False`` if a pivot is zero or not finite."""
    q = rhs.size
    for col in range(q):
        best = col
        for row in range(col + 1, q):
            if abs(s[row, col]) > abs(s[best, col]):
                best = row
        if not (s[best, col] != 0.0 and math.isfinite(s[best, col])):
            return False
        if best != col:
            for j in range(q):
                s[col, j], s[best, j] = s[best, j], s[col, j]
            rhs[col], rhs[best] = rhs[best], rhs[col]
        for row in range(col + 1, q):
            f = s[row, col] / s[col, col]
            for j in range(col, q):
                s[row, j] -= f * s[col, j]
            rhs[row] -= f * rhs[col]
    for col in range(q - 1, -1, -1):
        acc = rhs[col]
        for j in range(col + 1, q):
            acc -= s[col, j] * rhs[j]
        rhs[col] = acc / s[col, col]
    return True


@njit(cache=True, error_model="numpy")
def _t_inverse(
    vec: Float, dt: Float, beta: Float, player: Int, wt: Float, on: NDArray[np.bool_], gamma: Float
) -> None:
    """``vec ← T⁻¹ vec`` for ``T = diag(dt) + Σ_i beta_i u_i u_iᵀ`` (``u_i`` = player i's pair
    weights, disjoint supports): Sherman–Morrison per player, with ``gamma`` precomputed."""
    p = beta.size
    m = dt.size
    for k in range(m):
        vec[k] /= dt[k]
    proj = np.zeros(p)
    for k in range(m):
        proj[player[k]] += wt[k] * vec[k]
    for k in range(m):
        i = player[k]
        if on[i]:
            vec[k] -= gamma[i] * proj[i] * wt[k] / dt[k]


@njit(cache=True, error_model="numpy")
def _newton(
    v: Float,
    phase1: bool,
    mu: float,
    c: Float,
    quad: float,
    centre: Float,
    player: Int,
    issue: Int,
    x: Float,
    wt: Float,
    slopes: Float,
    intercepts: Float,
    on: NDArray[np.bool_],
    u0: Float,
    span: Float,
    lower: Float,
    upper: Float,
    tau_cap: float,
    steps: int,
) -> None:
    """The reference's ``_newton`` on one draw, in place on ``v``: barrier weight ``mu`` on the
    constraint rows and, in phase II, the players' exponents ``c`` on the player rows."""
    p = on.size
    m = player.size
    d = lower.size
    n_piece = slopes.size
    n = v.size
    q = d + 1 if phase1 else d
    rows = p + m * n_piece + m + 2 * d + (1 if phase1 else 0)
    weight = np.full(rows, mu)
    if not phase1:
        for i in range(p):
            weight[i] = c[i] if on[i] else 0.0
    slack = np.empty(rows)
    trial_slack = np.empty(rows)
    grad = np.empty(n)
    step = np.empty(n)
    trial = np.empty(n)
    hy = np.empty(q)  # diagonal of the z (and τ) block
    dt = np.empty(m)  # diagonal of the t block
    cross = np.empty(m)  # H[z_issue(k), t_k]
    beta = np.zeros(p)
    gamma = np.zeros(p)
    norm = np.empty(p)
    ty = np.empty((q, m))  # T⁻¹ K, column by column
    schur = np.empty((q, q))
    rhs = np.empty(q)
    gt = np.empty(m)
    for _ in range(steps):
        _slacks(
            v,
            phase1,
            player,
            issue,
            x,
            wt,
            slopes,
            intercepts,
            on,
            u0,
            span,
            lower,
            upper,
            tau_cap,
            slack,
        )
        # Gradient and Hessian pieces, row by row.
        grad[:] = 0.0
        hy[:] = 0.0
        dt[:] = 0.0
        cross[:] = 0.0
        beta[:] = 0.0
        for i in range(p):
            if on[i]:
                beta[i] = weight[i] / slack[i] ** 2
        for k in range(m):
            i = player[k]
            if on[i]:
                grad[d + k] += weight[i] / slack[i] * wt[k]
        if phase1:
            for i in range(p):
                if on[i]:
                    grad[n - 1] += weight[i] / slack[i]
                    hy[d] += beta[i]
        r = p
        for k in range(m):
            j = issue[k]
            for piece in range(n_piece):
                rho = weight[r] / slack[r]
                b = weight[r] / slack[r] ** 2
                grad[j] += rho * slopes[piece]
                grad[d + k] -= rho
                hy[j] += b * slopes[piece] ** 2
                cross[k] -= b * slopes[piece]
                dt[k] += b
                r += 1
        for k in range(m):
            grad[d + k] += weight[r] / slack[r]
            dt[k] += weight[r] / slack[r] ** 2
            r += 1
        for j in range(d):
            grad[j] += weight[r + d] / slack[r + d] - weight[r] / slack[r]
            hy[j] += weight[r] / slack[r] ** 2 + weight[r + d] / slack[r + d] ** 2
            r += 1
        r += d
        if phase1:
            grad[n - 1] += weight[r] / slack[r] - 1.0
            hy[d] += weight[r] / slack[r] ** 2
        for j in range(d):
            grad[j] += 2.0 * quad * (v[j] - centre[j])
            hy[j] += 2.0 * quad
        # A slack rounded to zero (a draw already at the boundary) stops the draw where it is.
        finite = True
        for j in range(n):
            finite = finite and math.isfinite(grad[j])
        for j in range(q):
            finite = finite and math.isfinite(hy[j])
        for k in range(m):
            finite = finite and math.isfinite(dt[k]) and math.isfinite(cross[k])
        for i in range(p):
            finite = finite and math.isfinite(beta[i])
        if not finite:
            return
        # The reference's ridge: 1e-14 × the largest diagonal entry, on every diagonal entry.
        scale = 0.0
        for j in range(q):
            scale = max(scale, abs(hy[j]))
        for k in range(m):
            diag = dt[k]
            i = player[k]
            if on[i]:
                diag += beta[i] * wt[k] ** 2
            scale = max(scale, abs(diag))
        ridge = 1e-14 * scale
        for j in range(q):
            hy[j] += ridge
        for k in range(m):
            dt[k] += ridge
        norm[:] = 0.0
        for k in range(m):
            norm[player[k]] += wt[k] ** 2 / dt[k]
        for i in range(p):
            if on[i]:
                gamma[i] = beta[i] / (1.0 + beta[i] * norm[i])
        # K = H[t, y]: column z_j has cross[k] where issue[k] == j; column τ has beta_i wt[k].
        for col in range(q):
            for k in range(m):
                ty[col, k] = 0.0
        for k in range(m):
            ty[issue[k], k] = cross[k]
            if phase1 and on[player[k]]:
                ty[d, k] = beta[player[k]] * wt[k]
        # Schur complement S = H_yy − Kᵀ T⁻¹ K and rhs = −g_y + Kᵀ T⁻¹ g_t.
        for k in range(m):
            gt[k] = grad[d + k]
        _t_inverse(gt, dt, beta, player, wt, on, gamma)
        kcols = ty.copy()
        for col in range(q):
            _t_inverse(ty[col], dt, beta, player, wt, on, gamma)
        for a in range(q):
            acc = -grad[a] if a < d else -grad[n - 1]
            for k in range(m):
                acc += kcols[a, k] * gt[k]
            rhs[a] = acc
            for b2 in range(q):
                s = hy[a] if a == b2 else 0.0
                for k in range(m):
                    s -= kcols[a, k] * ty[b2, k]
                schur[a, b2] = s
        if not _solve_small(schur, rhs):
            return
        for a in range(d):
            step[a] = rhs[a]
        if phase1:
            step[n - 1] = rhs[d]
        # Δt = T⁻¹ (−g_t − K Δy)
        for k in range(m):
            acc = -grad[d + k]
            for a in range(q):
                acc -= kcols[a, k] * rhs[a]
            step[d + k] = acc
        _t_inverse(step[d : d + m], dt, beta, player, wt, on, gamma)
        decrement = 0.0
        for j in range(n):
            decrement -= grad[j] * step[j]
        if not decrement > 1e-14:
            return
        # The longest step that keeps every slack positive, as the reference: 0.99 of the room.
        room = math.inf
        r = 0
        for i in range(p):
            rate = 0.0
            if on[i]:
                for k in range(m):
                    if player[k] == i:
                        rate -= wt[k] * step[d + k]
                if phase1:
                    rate -= step[n - 1]
            if rate > 0:
                room = min(room, slack[r] / rate)
            r += 1
        for k in range(m):
            for piece in range(n_piece):
                rate = slopes[piece] * step[issue[k]] - step[d + k]
                if rate > 0:
                    room = min(room, slack[r] / rate)
                r += 1
        for k in range(m):
            if step[d + k] > 0:
                room = min(room, slack[r] / step[d + k])
            r += 1
        for j in range(d):
            if -step[j] > 0:
                room = min(room, slack[r] / -step[j])
            if step[j] > 0:
                room = min(room, slack[r + d] / step[j])
            r += 1
        r += d
        if phase1 and step[n - 1] > 0:
            room = min(room, slack[r] / step[n - 1])
        alpha = min(1.0, 0.99 * room)
        base = _objective(v, phase1, weight, quad, centre, slack)
        # Near the minimum the decrease is below rounding of the value: take the Newton step.
        near = decrement < 1e-8
        for _ in range(40):
            if near:
                break
            for j in range(n):
                trial[j] = v[j] + alpha * step[j]
            _slacks(
                trial,
                phase1,
                player,
                issue,
                x,
                wt,
                slopes,
                intercepts,
                on,
                u0,
                span,
                lower,
                upper,
                tau_cap,
                trial_slack,
            )
            if _objective(trial, phase1, weight, quad, centre, trial_slack) <= (
                base - 0.25 * alpha * decrement
            ):
                break
            alpha /= 2.0
        for j in range(n):
            v[j] += alpha * step[j]


@njit(cache=True, error_model="numpy", parallel=True, nogil=True)
def _solve_all(
    player: Int,
    issue: Int,
    position: Float,
    pair_weight: Float,
    slopes: Float,
    intercepts: Float,
    c: Float,
    u0: Float,
    fallback: Float,
    lower: Float,
    upper: Float,
    mus: Float,
    steps: int,
    gain_tol: float,
    epsilon: float,
    z1: Float,
    tau: Float,
    z2: Float,
    finite: NDArray[np.bool_],
    lost: NDArray[np.bool_],
) -> None:
    b, d = lower.shape
    m = player.size
    p = c.shape[1]
    n_piece = slopes.size
    slope_max = 0.0
    for j in range(n_piece):
        slope_max = max(slope_max, abs(slopes[j]))
    icpt_max = 0.0
    for j in range(n_piece):
        icpt_max = max(icpt_max, abs(intercepts[j]))
    for row in prange(b):
        x = position[row]
        wt = pair_weight[row]
        lo = lower[row]
        hi = upper[row]
        on = c[row] > 0
        span = np.empty(m)
        for k in range(m):
            reach = max(abs(lo[issue[k]] - x[k]), abs(hi[issue[k]] - x[k]))
            span[k] = slope_max * reach + icpt_max + 1.0
        tau_cap = 0.0
        for i in range(p):
            tau_cap = max(tau_cap, abs(u0[row, i]))
        tau_cap += 1.0
        # Phase I from z = fallback pulled inside the box, t = loss(z) + 1, τ = min gain − 1.
        v1 = np.empty(d + m + 1)
        for j in range(d):
            width = hi[j] - lo[j]
            v1[j] = min(max(fallback[row, j], lo[j] + 1e-3 * width), hi[j] - 1e-3 * width)
        for k in range(m):
            best = -math.inf
            for piece in range(n_piece):
                best = max(best, slopes[piece] * (v1[issue[k]] - x[k]) + intercepts[piece])
            v1[d + k] = best + 1.0
        gains = np.empty(p)
        for i in range(p):
            gains[i] = -u0[row, i]
        for k in range(m):
            if on[player[k]]:
                gains[player[k]] -= wt[k] * v1[d + k]
        smallest = math.inf
        for i in range(p):
            if on[i]:
                smallest = min(smallest, gains[i])
        v1[d + m] = smallest - 1.0
        centre = fallback[row]
        for mu in mus:
            _newton(
                v1,
                True,
                mu,
                c[row],
                0.0,
                centre,
                player,
                issue,
                x,
                wt,
                slopes,
                intercepts,
                on,
                u0[row],
                span,
                lo,
                hi,
                tau_cap,
                steps,
            )
            if v1[d + m] > gain_tol:
                break
        tau[row] = v1[d + m]
        ok = True
        for j in range(d + m + 1):
            ok = ok and math.isfinite(v1[j])
        finite[row] = ok
        for j in range(d):
            z1[row, j] = v1[j]
        # Phase II from the phase-I point, along the central path.
        v = v1[: d + m].copy()
        if v1[d + m] > gain_tol:
            for mu in mus:
                _newton(
                    v,
                    False,
                    mu,
                    c[row],
                    epsilon,
                    centre,
                    player,
                    issue,
                    x,
                    wt,
                    slopes,
                    intercepts,
                    on,
                    u0[row],
                    span,
                    lo,
                    hi,
                    tau_cap,
                    steps,
                )
            for j in range(d + m):
                ok = ok and math.isfinite(v[j])
            for i in range(p):
                gains[i] = -u0[row, i]
            for k in range(m):
                if on[player[k]]:
                    gains[player[k]] -= wt[k] * v[d + k]
            for i in range(p):
                if on[i] and gains[i] <= 0:
                    lost[row] = True
            lost[row] = lost[row] or not ok
        for j in range(d):
            z2[row, j] = v[j]


def solve_pairs_kernel(
    player: Int,
    issue: Int,
    position: Float,
    weight: Float,
    slopes: Float,
    intercepts: Float,
    c: Float,
    u0: Float,
    fallback: Float,
    lower: Float,
    upper: Float,
    *,
    mus: Float,
    steps: int,
    gain_tol: float,
    epsilon: float,
) -> tuple[Float, Float, Float, NDArray[np.bool_], NDArray[np.bool_]]:
    """Both phases for every draw, as the reference's :func:`._nash_barrier.solve_pairs`:
    ``(maximin [B, D], τ [B], point [B, D], finite [B], lost [B])``. ``finite``: phase I ended
    at finite values; ``lost``: phase II let a player's gain reach zero (or left finite values);
    the point is the phase-I point where ``τ <= gain_tol`` (degenerate)."""
    b, d = lower.shape
    z1 = np.empty((b, d))
    z2 = np.empty((b, d))
    tau = np.empty(b)
    finite = np.zeros(b, dtype=np.bool_)
    lost = np.zeros(b, dtype=np.bool_)

    _solve_all(
        kernel_array(player, np.int64),
        kernel_array(issue, np.int64),
        kernel_array(position),
        kernel_array(weight),
        kernel_array(slopes),
        kernel_array(intercepts),
        kernel_array(c),
        kernel_array(u0),
        kernel_array(fallback),
        kernel_array(lower),
        kernel_array(upper),
        kernel_array(mus),
        int(steps),
        float(gain_tol),
        float(epsilon),
        z1,
        tau,
        z2,
        finite,
        lost,
    )
    return z1, tau, z2, finite, lost
