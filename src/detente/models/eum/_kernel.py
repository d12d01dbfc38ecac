"""One round of the expected-utility model compiled with numba: the math of :mod:`._round`,
:mod:`._probability` and :mod:`._offers`, fused into one pass per row (``specs/eum.md`` §3–§5).

The numpy reference makes about 130 elementwise passes over ``[rows, N, N]`` arrays per round;
numpy cannot fuse them, so the time goes to memory traffic. Here each row (one draw of one issue)
is computed start to finish in registers and a few ``N × N`` scratch arrays, and rows run in
parallel (``prange``). The reference stays the definition: ``tests/models/test_eum_kernel.py``
runs both on the spec vectors and on random cases and requires agreement to 1e-9.

Every formula below mirrors the reference term by term, in the same order of operations where
it matters (the sums over voters differ only in order), so the two differ by the last bits of
``exp``/``log`` (numpy's against the kernel's own, :mod:`.._elementary`: branch-free versions
of fdlibm's, within one ulp, which LLVM vectorizes where the C library's calls are scalar and
about four times slower per value). The discrete choices
(exact signs, keys within 1e-9) then agree, except for a pair whose ``a + b`` or ``a`` is zero
within that rounding, where either class is an equally valid reading of the model (spec §6; a
test pins the one such case the spec's runs reach).

Results do not depend on the thread count or the chunking: rows are independent, blocks of rows
have a fixed size, and nothing is reduced across rows.

Compiled code is cached (``cache=True``) in ``__pycache__`` beside this file, in the per-user
cache when that is not writable, or under ``NUMBA_CACHE_DIR`` when set. numba checks only this
file's time stamp, so the tolerances from :mod:`._offers` and :mod:`._round` are passed in as
arguments rather than read as globals, which would be frozen into the cache; the offer codes
(``NONE``, ``STALEMATE``) are globals, fixed by the order of ``OFFER_NAMES``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from .._elementary import exp, log
from .._numba import kernel_array  # (also: process settings for the parallel kernels)
from .._weighted import weighted_median
from ._offers import KEY_ATOL, NONE, STALEMATE, Moves
from ._params import Conventions
from ._round import SAME_POSITION_RTOL, ZERO_RANGE_RTOL

__all__ = ["play_round_kernel"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]
Int = NDArray[np.int64]

# Rows per parallel task. Fixed (not derived from the thread count) so that the work of a row never
# depends on how many threads run; large enough to amortise the scratch arrays of a block.
_BLOCK_ROWS = 64
_LOG_HALF = np.log(0.5)


def play_round_kernel(
    x: Float, w: Float, s: Float, valid: Bool, span: Float, conv: Conventions
) -> tuple[Moves, Float, Float]:
    """One round for every row: the moves, pass-1 security levels and risk exponents.

    Same inputs and outputs as the reference's ``_play_in_blocks`` (``x``, ``w``, ``s``,
    ``valid`` are ``[M, N]``, ``span`` is ``float[M]``); rows with ``span <= 0`` keep their
    positions (§6).
    """
    m, n = x.shape
    q = conv.status_quo_prob
    # mu of U^b/U^w: the reference's own weighted median (only needed when Q < 1).
    mu = weighted_median(x, w, tie=conv.median_tie) if q < 1 else np.zeros(m)
    offer = np.empty((m, n), dtype=np.int8)
    partner = np.empty((m, n), dtype=np.intp)
    view_a, view_b, position, security, risk = (np.empty((m, n)) for _ in range(5))
    flags, numbers = kernel_settings(conv)
    x, w, s, span, mu = (kernel_array(v) for v in (x, w, s, span, mu))
    valid = kernel_array(valid, np.bool_)
    _play_rows(x, w, s, span, mu, valid, flags, numbers,
               offer, partner, view_a, view_b, position, security, risk)  # fmt: skip
    return Moves(offer, partner, view_a, view_b, position), security, risk


Flags = tuple[bool, bool, bool, bool, bool, bool, bool]
Numbers = tuple[float, float, float, float, float]


def kernel_settings(conv: Conventions) -> tuple[Flags, Numbers]:
    """The conventions as the kernel reads them: switches, then numbers and tolerances."""
    flags = (
        conv.p_denominator == "global",
        conv.p_distance == "voter_powered",
        conv.challenge_salience == "target",
        conv.other_eu_risk == "evaluator",
        conv.capitulation == "figure6",
        conv.compromise_choice == "min_weighted_position",
        conv.offer_tie_break == "enforceability_then_input_order",
    )
    numbers = (
        float(conv.p_zero_denominator),
        float(conv.status_quo_prob),
        KEY_ATOL,
        ZERO_RANGE_RTOL,
        SAME_POSITION_RTOL,
    )
    return flags, numbers


@njit(cache=True, error_model="numpy", parallel=True, nogil=True)
def _play_rows(
    x: Float, w: Float, s: Float, span: Float, mu: Float, valid: Bool, flags: Flags,
    numbers: Numbers, offer: NDArray[np.int8], partner: Int, view_a: Float, view_b: Float,
    position: Float, security: Float, risk: Float,
) -> None:  # fmt: skip
    """The round for every row, in parallel over fixed blocks of rows; writes the outputs."""
    global_den, powered = flags[0], flags[1]
    zero_value, q, key_atol, zero_range_rtol, same_rtol = numbers
    m, n = x.shape
    for block in prange((m + _BLOCK_ROWS - 1) // _BLOCK_ROWS):
        # Flat n * n scratch (with 2-D views): the loops of exp and log run over the flat
        # arrays so that LLVM vectorizes them (see .._elementary).
        flat = np.empty((11, n * n))
        d_flat, log_d, log_lo, log_hi = flat[0], flat[1], flat[2], flat[3]
        u_flat, r_by_row, r_by_col = flat[4], flat[5], flat[6]
        u_lo, u_hi, u_lo_b, u_hi_b = flat[7], flat[8], flat[9], flat[10]
        d, u = d_flat.reshape((n, n)), u_flat.reshape((n, n))
        margin, p1, p2 = np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
        bch = np.zeros((n, n))
        prefix = np.empty((n + 1, n))
        counts = np.empty((n, n), dtype=np.int64)
        by_distance = np.empty((n, n), dtype=np.int64)
        by_position = np.empty(n, dtype=np.int64)
        on_issue = np.empty(n, dtype=np.int64)
        toward = np.zeros((n, n), dtype=np.bool_)
        a, b, keys = np.empty(n), np.empty(n), np.empty(n)
        classes = np.empty(n, dtype=np.int64)
        for row in range(block * _BLOCK_ROWS, min(m, (block + 1) * _BLOCK_ROWS)):
            xr, wr, sr, vr, r = x[row], w[row], s[row], valid[row], risk[row]
            active = span[row] > 0
            safe_span = span[row] if active else 1.0
            _geometry(xr, safe_span, d_flat, log_d, log_lo, log_hi)
            _sort_by_position(xr, by_position)
            _midpoint_counts(xr, by_position, counts)
            nv = _order_by_distance(vr, d, by_position, on_issue, by_distance)
            if q < 1:
                _better_worse(xr, mu[row], safe_span, d, bch, toward)
            order = (by_position, counts, on_issue, by_distance)

            # Pass 1: every exponent 1 (linear distances); S_j sums EU(i -> j) over i.
            _probabilities(xr, wr, d, nv, order, global_den, zero_value, prefix, margin, p1)
            _security(xr, sr, vr, d, p1, bch, toward, q, security[row])
            _risk_exponents(security[row], vr, zero_range_rtol, r)

            # Pass 2 with the new exponents: every d^r_i the round needs, in flat loops.
            for i in range(n):
                for j in range(n):
                    r_by_row[i * n + j] = r[i]
            _powers(r_by_row, log_lo, u_lo)
            _powers(r_by_row, log_hi, u_hi)
            if not flags[3]:  # EU(j -> i) with the target's own exponent
                for i in range(n):
                    for j in range(n):
                        r_by_col[i * n + j] = r[j]
                _powers(r_by_col, log_lo, u_lo_b)
                _powers(r_by_col, log_hi, u_hi_b)
            p = p1
            if powered:  # P changes only with voter-powered distances
                _powers(r_by_row, log_d, u_flat)
                _probabilities(xr, wr, u, nv, order, global_den, zero_value, prefix, margin, p2)
                p = p2
            _decide(xr, sr, vr, active, d, r, u_lo, u_hi, u_lo_b, u_hi_b, p, bch, toward, q,
                    flags, key_atol, same_rtol, a, b, classes, keys, offer[row], partner[row],
                    view_a[row], view_b[row], position[row])  # fmt: skip


@njit(cache=True, error_model="numpy")
def _geometry(x: Float, span: float, d: Float, log_d: Float, log_lo: Float, log_hi: Float) -> None:
    """Flat ``n * n`` arrays: ``d = |x_i - x_j| / L`` and the logs of ``d``,
    ``max(0.5 - 0.5 d, 0)`` and ``0.5 + 0.5 d``.

    Each logarithm is computed for ``(i, j)`` and again for ``(j, i)``: twice the work of using
    the symmetry, but in flat loops that LLVM vectorizes, three to four times faster.
    """
    n = x.shape[0]
    for i in range(n):
        for j in range(n):
            d[i * n + j] = np.abs(x[i] - x[j]) / span
    for k in range(n * n):
        log_d[k] = log(d[k])  # log 0 = -inf: exp(r log 0) = 0
    for k in range(n * n):
        # d > 1 only in dyads with an actor off the issue (filler position): never used.
        lo = 0.5 - 0.5 * d[k]
        log_lo[k] = log(lo if lo > 0.0 else 0.0)
    for k in range(n * n):
        log_hi[k] = log(1.0 + d[k]) + _LOG_HALF


@njit(cache=True, error_model="numpy")
def _powers(r: Float, log_base: Float, out: Float) -> None:
    """``out = exp(r * log_base)`` elementwise over flat arrays: ``base ** r`` (0 for base 0)."""
    for k in range(out.shape[0]):
        out[k] = exp(r[k] * log_base[k])


@njit(cache=True, error_model="numpy")
def _sort_by_position(x: Float, order: Int) -> None:
    """Stable insertion sort of the actors by position (few actors; no allocation per row)."""
    n = x.shape[0]
    for i in range(n):
        order[i] = i
    for i in range(1, n):
        k = order[i]
        j = i - 1
        while j >= 0 and x[order[j]] > x[k]:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = k


@njit(cache=True, error_model="numpy")
def _midpoint_counts(x: Float, by_position: Int, counts: Int) -> None:
    """``counts[i, j]``: actors strictly left of the midpoint of ``x_i`` and ``x_j``.

    The midpoint of ``i`` and ``j`` is the midpoint of ``j`` and ``i`` (addition commutes
    exactly), so only pairs with ``j`` at or after ``i`` in position order are walked. For a
    fixed ``i`` the midpoints grow with ``x_j`` (rounding is monotone), and none is below
    ``x_i``, so one pointer walks the sorted positions from the first at ``x_i`` on:
    ``O(N^2)`` per row, half the steps of walking all pairs.
    """
    n = x.shape[0]
    first = 0  # actors strictly left of x_i, for the actor i at sorted place p
    for p in range(n):
        i = by_position[p]
        while x[by_position[first]] < x[i]:
            first += 1
        left = first
        for q in range(p, n):
            j = by_position[q]
            mid = (x[i] + x[j]) * 0.5
            while left < n and x[by_position[left]] < mid:
                left += 1
            counts[i, j] = counts[j, i] = left


@njit(cache=True, error_model="numpy")
def _order_by_distance(
    valid: Bool, d: Float, by_position: Int, on_issue: Int, by_distance: Int
) -> int:
    """For each voter on the issue, the actors on the issue nearest first; returns their number.

    Sorted by position, the actors nearest a voter are a merge of those to its left (walking
    down) and to its right (walking up): ``O(N)`` per voter, where the reference sorts. A power
    keeps each voter's order, so this order serves both passes of the round.
    """
    nv = 0
    for p in range(by_position.shape[0]):
        if valid[by_position[p]]:
            on_issue[nv] = by_position[p]
            nv += 1
    for p in range(nv):
        k = on_issue[p]
        by_distance[k, 0] = k
        lo, hi = p - 1, p + 1
        for rank in range(1, nv):
            if hi >= nv or (lo >= 0 and d[k, on_issue[lo]] <= d[k, on_issue[hi]]):
                by_distance[k, rank] = on_issue[lo]
                lo -= 1
            else:
                by_distance[k, rank] = on_issue[hi]
                hi += 1
    return nv


@njit(cache=True, error_model="numpy")
def _probabilities(
    x: Float, w: Float, u: Float, nv: int, order: tuple[Int, Int, Int, Int], global_den: bool,
    zero_value: float, prefix: Float, margin: Float, p: Float,
) -> None:  # fmt: skip
    """``P[i, j]`` from the voters' (powered) distances ``u[k, a]`` (§3.4; reference:
    ``_probability.probabilities``): prefix sums over voters sorted by position give each
    pair's vote margin; the denominator is global or per dyad."""
    by_position, counts, on_issue, by_distance = order
    n = x.shape[0]
    for a in range(n):
        prefix[0, a] = 0.0
    for pos in range(n):
        k = by_position[pos]
        for a in range(n):
            prefix[pos + 1, a] = prefix[pos, a] + w[k] * u[k, a]
    for i in range(n):
        for j in range(n):
            c = counts[i, j]
            left = prefix[c, j] - prefix[c, i]
            right = (prefix[n, j] - prefix[n, i]) - left
            # Selects, not branches: which side j is on is the data's.
            g = left if x[i] < x[j] else (right if x[i] > x[j] else 0.0)
            # Prefix differences can leave -1e-17 where the true sum is 0.
            margin[i, j] = max(g, 0.0)
    total = 0.0
    if global_den:
        # sum_{a,b} |u_ka - u_kb| = 2 sum_m (2m - n - 1) u_k(m), u_k(m) in ascending order.
        for p_k in range(nv):
            k = on_issue[p_k]
            per_voter = 0.0
            for rank in range(nv):
                per_voter += u[k, by_distance[k, rank]] * (2 * (rank + 1) - nv - 1)
            total += w[k] * per_voter
        total *= 2.0
    for i in range(n):
        for j in range(n):
            den = total if global_den else margin[i, j] + margin[j, i]
            p[i, j] = margin[i, j] / den if den > 0 else zero_value


@njit(cache=True, error_model="numpy")
def _better_worse(x: Float, mu: float, span: float, d: Float, bch: Float, toward: Bool) -> None:
    """``Q < 1`` inputs of U^b/U^w (§3.3), row = challenger: the offset and the switch ``T``."""
    n = x.shape[0]
    for i in range(n):
        to_mu = np.abs(x[i] - mu)
        for j in range(n):
            bch[i, j] = 0.25 * (to_mu / span + d[i, j])
            toward[i, j] = to_mu < np.abs(x[i] - x[j])


@njit(cache=True, error_model="numpy")
def _uncoerced(bch: float, toward: bool, r: float) -> float:
    """``T U^b + (1 - T) U^w`` with exponent ``r``; bases clipped to [0, 1] as in the reference."""
    if toward:
        return 2 - 4 * math.pow(min(max(0.5 - bch, 0.0), 1.0), r)
    return 2 - 4 * math.pow(min(max(0.5 + bch, 0.0), 1.0), r)


@njit(cache=True, error_model="numpy")
def _security(
    x: Float, s: Float, valid: Bool, d: Float, p: Float, bch: Float, toward: Bool, q: float,
    out: Float,
) -> None:  # fmt: skip
    """Pass 1 (every r = 1): ``S_j = sum_i EU(i -> j)`` over the pairs on the issue (eq. 25a)."""
    n = x.shape[0]
    for j in range(n):
        out[j] = 0.0
    for i in range(n):
        # A loop of selects over j (LLVM vectorizes it); a pair off the issue adds 0, which
        # leaves every sum as it was.
        for j in range(n):
            # r = 1: U^s = 2d, U^s - U^f = 4d, U^sq = 0.
            eu = 2 * d[i, j] - s[j] * (1 - p[i, j]) * (4 * d[i, j]) - 0.0
            if q < 1:
                eu = eu - (1 - q) * _uncoerced(bch[i, j], toward[i, j], 1.0)
            out[j] += eu if (i != j) & valid[i] & valid[j] else 0.0


@njit(cache=True, error_model="numpy")
def _risk_exponents(security: Float, valid: Bool, zero_range_rtol: float, out: Float) -> None:
    """``r_i = (1 - R_i/3) / (1 + R_i/3)`` (eqs. 32–34); every r = 1 when all S are equal."""
    n = security.shape[0]
    s_max, s_min = -np.inf, np.inf
    for i in range(n):
        if valid[i]:
            s_max = max(s_max, security[i])
            s_min = min(s_min, security[i])
    width = s_max - s_min
    flat = width <= zero_range_rtol * max(1.0, np.abs(s_max))
    for i in range(n):
        acceptance = 0.0 if flat else (2 * security[i] - s_max - s_min) / width
        out[i] = (1 - acceptance / 3) / (1 + acceptance / 3) if valid[i] else 1.0


@njit(cache=True, error_model="numpy")
def _decide(
    x: Float, s: Float, valid: Bool, active: bool, d: Float, r: Float, u_lo: Float,
    u_hi: Float, u_lo_b: Float, u_hi_b: Float, p: Float, bch: Float, toward: Bool, q: float,
    flags: Flags, key_atol: float,
    same_rtol: float, a: Float, b: Float, classes: Int, keys: Float, offer: NDArray[np.int8],
    partner: Int, view_a: Float, view_b: Float, position: Float,
) -> None:  # fmt: skip
    """Every actor's pass-2 view, offer and move (§3.5, §4; reference: ``choose_moves``).

    ``a[j] = EU(i -> j)``, ``b[j] = EU(j -> i)`` in ``i``'s view. The choice is lexicographic:
    the best class, the smallest key (within ``key_atol``), then (paper) the larger ``b``
    (within ``key_atol``), then the lowest index.
    """
    _, _, target_salience, evaluator, capitulate, weighted, by_b = flags
    n = x.shape[0]
    q_sq = np.empty(n)  # Q U^sq with each actor's own exponent
    for k in range(n):
        q_sq[k] = q * (2 - 4 * np.exp2(-r[k]))
    p_t = p.T.copy()  # P(j over i) in rows, so the loops below read memory in order
    if evaluator:  # EU(j -> i) in i's view with i's own exponent: the powers of EU(i -> j)
        u_lo_b, u_hi_b = u_lo, u_hi
    for i in range(n):
        row = i * n
        # Both expected utilities for every target first, in a loop of arithmetic alone (LLVM
        # vectorizes it); pairs that are not allowed get numbers that are never read.
        for j in range(n):
            u_s = 2 - 4 * u_lo[row + j]
            spread = u_s - (2 - 4 * u_hi[row + j])
            a[j] = u_s - s[j] * (1 - p[i, j]) * spread - q_sq[i]
            u_s = 2 - 4 * u_lo_b[row + j]
            spread = u_s - (2 - 4 * u_hi_b[row + j])
            s_b = s[i] if target_salience else s[j]
            b[j] = u_s - s_b * (1 - p_t[i, j]) * spread - (q_sq[i] if evaluator else q_sq[j])
        if q < 1:
            for j in range(n):
                a[j] -= (1 - q) * _uncoerced(bch[i, j], toward[i, j], r[i])
                b[j] -= (1 - q) * _uncoerced(bch[j, i], toward[j, i], r[i] if evaluator else r[j])
        # Classes, the best of them (lowest code), then the least key within it: loops of
        # selects, not branches, since which way a comparison goes is the data's.
        best = NONE
        for j in range(n):
            allowed = active & valid[i] & valid[j] & (d[i, j] > same_rtol)
            kind = _offer_class(a[j], b[j], capitulate) if allowed else NONE
            classes[j] = kind
            best = min(best, kind)
        offer[i] = best
        if best == NONE:
            partner[i], view_a[i], view_b[i], position[i] = -1, np.nan, np.nan, x[i]
            continue
        least = np.inf
        for j in range(n):
            keys[j] = _key(x[i], x[j], a[j], b[j], best == 1, weighted)
            least = min(least, keys[j] if classes[j] == best else np.inf)
        least_b = np.inf
        for j in range(n):
            if classes[j] == best and keys[j] <= least + key_atol:
                least_b = min(least_b, -b[j])
        chosen = 0
        for j in range(n):
            if (
                classes[j] == best
                and keys[j] <= least + key_atol
                and (not by_b or -b[j] <= least_b + key_atol)
            ):
                chosen = j
                break
        partner[i], view_a[i], view_b[i] = chosen, a[chosen], b[chosen]
        if best == STALEMATE:
            position[i] = x[i]
        elif best == 1:
            # Compromise moves |a/b| of the way (eq. 36); the other classes take x_j exactly.
            position[i] = x[i] + (x[chosen] - x[i]) * (-a[chosen] / b[chosen])
        else:
            position[i] = x[chosen]


@njit(cache=True, error_model="numpy")
def _offer_class(a: float, b: float, capitulate: bool) -> int:
    """The class code of an allowed pair in the mover's view (§4.1; strict, exact inequalities).

    The conditions exclude one another; ``&`` rather than ``and`` keeps them branch-free.
    """
    lost = (a > 0) & (b > a)
    split = (a < 0) & (b > 0)
    compromise = split & (a + b > 0)
    capitulation = split & (a + b < 0) & capitulate
    stalemate = (a < 0) & (b < 0)
    if lost:
        return 0  # confrontation lost
    if compromise:
        return 1
    if capitulation:
        return 2
    return STALEMATE if stalemate else NONE


@njit(cache=True, error_model="numpy")
def _key(x_i: float, x_j: float, a: float, b: float, compromise: bool, weighted: bool) -> float:
    """The key within a class: the distance, or (compromise) the convention's key (§4.2)."""
    distance = abs(x_j - x_i)
    if not compromise:
        return distance
    if weighted:
        # Not the resulting position: the replication's key (spec §4.2, "a mistake").
        return (b * x_j - a * x_i) / (b - a)
    return distance * (-a / b)
