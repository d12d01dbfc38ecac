"""The selection steps of one exchange round compiled with numba, one draw at a time.

The numpy reference (:mod:`._state`, :mod:`._round`) advances every draw together: each step it
gathers the affected candidates of all draws and runs about a dozen array passes over them, and
about 57 sequential steps per round on ukraine-2026 make those passes (not arithmetic) the cost.
Here each draw runs its own step loop with scalar arithmetic: evaluate every candidate, then
select, realize, propagate and re-evaluate, exactly as the reference does, with the same
formulas in the same order (so the two agree to rounding, ``tests/models/test_exchange_kernel``).

Random numbers are the reference's keyed uniforms (:mod:`.._random`), hashed here bit for bit:
a draw's numbers depend on its key alone. Draws are independent and nothing is reduced across
them, so results do not depend on the thread count. Settings are arguments, not globals, because
numba's cache (``cache=True``) checks only this file's time stamp.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from .. import _numba  # noqa: F401  (process settings for the parallel kernels)

__all__ = ["EVENT_FIELDS", "count_candidates", "run_steps_kernel"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]

# The columns of the kernel's integer, float and flag event rows (the round names them).
EVENT_INTS = ("step", "actor_i", "actor_j", "issue_supplied_i", "issue_supplied_j")
EVENT_FLOATS = ("from_i", "to_i", "from_j", "to_j", "gain", "gain_i", "gain_j")
EVENT_FLAGS = ("overshoot_cut", "tied", "rex_infeasible")
EVENT_FIELDS = (EVENT_INTS, EVENT_FLOATS, EVENT_FLAGS)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53
_NEG_MAX = -np.finfo(np.float64).max


@njit(cache=True, error_model="numpy", inline="always")
def _mix(z: np.uint64) -> np.uint64:
    """SplitMix64's finaliser, as :func:`.._random._mix`."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, error_model="numpy", inline="always")
def _absorb(h: np.uint64, word: np.int64) -> np.uint64:
    return _mix(h + _GOLDEN + np.uint64(word))


@njit(cache=True, error_model="numpy")
def _key(seeds: NDArray[np.uint64], stream: int, draw: int, rnd: int, step: int) -> np.uint64:
    h = np.uint64(0)
    h = _mix(h + _GOLDEN + seeds[0])
    h = _mix(h + _GOLDEN + seeds[1])
    h = _absorb(h, np.int64(stream))
    h = _absorb(h, np.int64(draw))
    h = _absorb(h, np.int64(rnd))
    return _absorb(h, np.int64(step))


@njit(cache=True, error_model="numpy", inline="always")
def _unit(h: np.uint64) -> float:
    return float(h >> np.uint64(11)) * _TO_UNIT


@njit(cache=True, error_model="numpy", inline="always")
def _div(a: float, b: float) -> float:
    """``_common.div``: 0 where ``b`` is 0."""
    return a / b if b != 0 else 0.0


@njit(cache=True, error_model="numpy", inline="always")
def _rdiv(a: float, b: float) -> float:
    """``_rex._div``: inf where ``b`` is 0, 0 where the quotient is NaN."""
    out = a / b if b != 0 else np.inf
    return 0.0 if np.isnan(out) else out


@njit(cache=True, error_model="numpy", inline="always")
def _finite(x: float) -> float:
    """``np.nan_to_num(x, posinf=0.0)``."""
    if np.isnan(x) or x == np.inf:
        return 0.0
    return _NEG_MAX if x == -np.inf else x


@njit(cache=True, error_model="numpy", inline="always")
def _min(a: float, b: float) -> float:
    """``np.minimum``: NaN propagates."""
    if np.isnan(a) or np.isnan(b):
        return np.nan
    return a if a <= b else b


@njit(cache=True, error_model="numpy", inline="always")
def _max(a: float, b: float) -> float:
    """``np.maximum``: NaN propagates."""
    if np.isnan(a) or np.isnan(b):
        return np.nan
    return a if a >= b else b


@njit(cache=True, error_model="numpy", inline="always")
def _toward(size: float, start: float, target: float) -> float:
    return -size if start > target else size


@njit(cache=True, error_model="numpy", inline="always")
def _sign(x: float) -> int:
    return 1 if x > 0 else (-1 if x < 0 else 0)


@njit(cache=True, error_model="numpy", inline="always")
def _outcomes(
    k: int,
    slot: int,
    issue: int,
    actor: int,
    z0: float,
    z1: float,
    total: float,
    decide: bool,
    reference: Float,
    x0: Float,
    votes: Float,
    weight: Float,
) -> tuple[float, float]:
    """``_common.outcome_at`` with the side's actor at ``z0`` and at ``z1``, summed actor by
    actor in input order; the reference positions are read in place (``RoundState.references``:
    ``clean`` the votes so far, ``decide`` candidate ``k``'s ``reference``, the round start
    overridden by its record)."""
    acc0 = 0.0
    acc1 = 0.0
    for m in range(x0.shape[0]):
        w = weight[m, issue]
        if m == actor:
            acc0 += z0 * w
            acc1 += z1 * w
            continue
        x = reference[k, slot, m] if decide else votes[m, issue]
        acc0 += x * w
        acc1 += x * w
    return _div(acc0, total), _div(acc1, total)


@njit(cache=True, error_model="numpy", inline="always")
def _side_ok(
    start: float,
    move: float,
    h_total: float,
    h_count: int,
    h_pos: int,
    h_neg: int,
    sign: int,
    decide: bool,
    move_min: float,
    move_max: float,
) -> bool:
    """``_gain._side_ok``."""
    size = abs(move)
    end = start + move
    ok = size > move_min and size <= move_max and end >= 0.0 and end <= 100.0
    if decide:
        n = h_count + 1
        positive = h_pos + (1 if move > 0 else 0)
        negative = h_neg + (1 if move < 0 else 0)
        return ok and h_total + move <= move_max and (positive == n or negative == n)
    return ok and (sign == 0 or _sign(move) == sign)


@njit(cache=True, error_model="numpy", inline="always")
def _evaluate(
    k: int,
    cf: Float,
    ci: Int,
    start_i: Float,
    start_j: Float,
    reference: Float,
    x0: Float,
    votes: Float,
    weight: Float,
    hist_f: Float,
    hist_i: Int,
    sign_i: int,
    sign_j: int,
    fs: Float,
    decide: bool,
    rex: bool,
    u: Float,
    out_f: Float,
    out_b: NDArray[np.bool_],
) -> None:
    """``_gain.evaluate`` (with ``_rex.randomize``) of candidate ``k``.

    ``cf[k]`` holds s_ip, s_iq, s_jp, s_jq, w_iq, w_jp, w_p, w_q, target_i, target_j; ``ci[k]``
    actor_i, actor_j, p, q. ``fs`` the float settings (gain_min, move_min, move_max, rex_p,
    side and win thresholds). Writes move_i, move_j, vote_i, vote_j, gain, gain_i, gain_j into
    ``out_f[k]`` and valid, cut, infeasible into ``out_b[k]``.
    """
    s_ip, s_iq, s_jp, s_jq = cf[k, 0], cf[k, 1], cf[k, 2], cf[k, 3]
    w_iq, w_jp, w_p, w_q = cf[k, 4], cf[k, 5], cf[k, 6], cf[k, 7]
    target_i, target_j = cf[k, 8], cf[k, 9]
    actor_i, actor_j, p, q = ci[k, 0], ci[k, 1], ci[k, 2], ci[k, 3]
    gain_min, move_min, move_max = fs[0], fs[1], fs[2]
    x_i, x_j = start_i[k], start_j[k]
    full_i = abs(target_i - x_i)
    full_j = abs(target_j - x_j)
    sum_p = s_ip + s_jp
    sum_q = s_iq + s_jq
    degenerate = w_iq <= 0 or w_jp <= 0 or sum_p <= 0 or sum_q <= 0
    shift_p = _div(full_j * w_jp, w_p)
    shift_q = _div(shift_p * sum_p, sum_q)
    size_i = _div(shift_q * w_q, w_iq)
    if size_i > full_i:
        shift_q = _div(full_i * w_iq, w_q)
        shift_p = _div(shift_q * sum_q, sum_p)
        size_i = full_i
        size_j = _div(shift_p * w_p, w_jp)
    else:
        size_j = full_j
    move_i = _toward(size_i, x_i, target_i)
    move_j = _toward(size_j, x_j, target_j)
    gain = abs(shift_p * s_ip - shift_q * s_iq)
    hi_t, hj_t = hist_f[k, 0], hist_f[k, 1]
    hi_n, hi_pos, hi_neg = hist_i[k, 0], hist_i[k, 1], hist_i[k, 2]
    hj_n, hj_pos, hj_neg = hist_i[k, 3], hist_i[k, 4], hist_i[k, 5]
    valid = (
        not degenerate
        and gain >= gain_min
        and _side_ok(x_i, move_i, hi_t, hi_n, hi_pos, hi_neg, sign_i, decide, move_min, move_max)
        and _side_ok(x_j, move_j, hj_t, hj_n, hj_pos, hj_neg, sign_j, decide, move_min, move_max)
    )
    cut_any = False
    # Overshoot check (§4.5), I first; J's check sees I's result.
    for side in range(2):
        if not valid:
            break
        if side == 0:
            slot, issue, actor, z, move, total, target = 1, q, actor_i, x_i, move_i, w_q, target_i
        else:
            slot, issue, actor, z, move, total, target = 0, p, actor_j, x_j, move_j, w_p, target_j
        n0, n1 = _outcomes(
            k, slot, issue, actor, z, z + move, total, decide, reference, x0, votes, weight
        )
        if not ((target - n0) * (target - n1) < 0):
            continue
        cut_any = True
        own = abs(target - n0)
        if side == 0:
            shift_q = own
            shift_p = _div(own * sum_q, sum_p)
        else:
            shift_p = own
            shift_q = _div(own * sum_p, sum_q)
        move_i = _toward(_div(shift_q * w_q, w_iq), x_i, target_i)
        move_j = _toward(_div(shift_p * w_p, w_jp), x_j, target_j)
        gain = abs(shift_p * s_ip - shift_q * s_iq)
    gain_i = shift_p * s_ip - shift_q * s_iq
    gain_j = shift_q * s_jq - shift_p * s_jp
    infeasible = False
    if rex and valid:
        rex_p, side_threshold, win_threshold = fs[3], fs[4], fs[5]
        # _rex.randomize, §6 steps 2–8.
        full_p = _rdiv(abs(target_j - x_j) * w_jp, w_p)
        full_q = _rdiv(abs(target_i - x_i) * w_iq, w_q)
        eu_i = _min(full_p, full_q * _rdiv(s_jq, s_jp)) * (s_ip - s_iq * _finite(_rdiv(s_jp, s_jq)))
        eu_j = _min(full_q, full_p * _rdiv(s_ip, s_iq)) * (s_jq - s_jp * _finite(_rdiv(s_iq, s_ip)))
        x_is_i = u[0] < side_threshold
        eu_x = eu_i if x_is_i else eu_j
        z = u[2]
        wins = u[1] < win_threshold
        goal = gain + rex_p * z * (eu_x - gain) if wins else gain - rex_p * z * gain
        if x_is_i:
            full_a, full_b = full_q, full_p
            s_xa, s_xb, s_ya, s_yb = s_iq, s_ip, s_jq, s_jp
        else:
            full_a, full_b = full_p, full_q
            s_xa, s_xb, s_ya, s_yb = s_jp, s_jq, s_ip, s_iq
        raw = _min(full_a, _rdiv(full_b * s_xb - goal, s_xa))
        infeasible = raw < 0
        shift_a = _max(raw, 0.0)
        shift_b = _rdiv(goal + shift_a * s_xa, s_xb)
        sign_mi = -1.0 if x_i > target_i else 1.0
        sign_mj = -1.0 if x_j > target_j else 1.0
        sq = shift_a if x_is_i else shift_b
        sp = shift_b if x_is_i else shift_a
        move_i = sign_mi * _rdiv(sq * w_q, w_iq)
        move_j = sign_mj * _rdiv(sp * w_p, w_jp)
        for side in range(2):
            if side == 0:
                slot, issue, actor, z, move, total = 1, q, actor_i, x_i, move_i, w_q
                target, cut_is_x = target_i, x_is_i
            else:
                slot, issue, actor, z, move, total = 0, p, actor_j, x_j, move_j, w_p
                target, cut_is_x = target_j, not x_is_i
            n0, n1 = _outcomes(
                k, slot, issue, actor, z, z + move, total, decide, reference, x0, votes, weight
            )
            if not ((target - n0) * (target - n1) < 0):
                continue
            cut_any = True
            own = abs(target - n0)
            if cut_is_x:
                shift_a = own
                shift_b = _rdiv(goal + own * s_xa, s_xb)
            else:
                shift_a = _max(0.0, _rdiv(own * s_xb - goal, s_xa))
                shift_b = own
            sq = shift_a if x_is_i else shift_b
            sp = shift_b if x_is_i else shift_a
            move_i = sign_mi * _rdiv(sq * w_q, w_iq)
            move_j = sign_mj * _rdiv(sp * w_p, w_jp)
        gain_x = shift_b * s_xb - shift_a * s_xa
        gain_y = shift_a * s_ya - shift_b * s_yb
        gain_i = gain_x if x_is_i else gain_y
        gain_j = gain_y if x_is_i else gain_x
    # The moves changed only where a cut or REX set them again; else the first check stands.
    if valid and (cut_any or rex):
        ok_i = _side_ok(x_i, move_i, hi_t, hi_n, hi_pos, hi_neg, sign_i, decide, move_min, move_max)
        ok_j = _side_ok(x_j, move_j, hj_t, hj_n, hj_pos, hj_neg, sign_j, decide, move_min, move_max)
        valid = ok_i and ok_j
    out_f[k, 0] = move_i
    out_f[k, 1] = move_j
    out_f[k, 2] = x_i + move_i
    out_f[k, 3] = x_j + move_j
    out_f[k, 4] = 0.0 if degenerate else gain
    out_f[k, 5] = gain_i
    out_f[k, 6] = gain_j
    out_b[k, 0] = valid
    out_b[k, 1] = cut_any
    out_b[k, 2] = infeasible


@njit(cache=True, error_model="numpy")
def _groups(positions: Float, outcome: Float, mask: NDArray[np.bool_]) -> Int:
    """``int[N, D]``: 1 where an actor sits left of (or at) the issue's outcome, as
    ``_candidates.generate`` classifies sides; an actor's group on a pair is left_p + 2 left_q."""
    n, d = positions.shape
    left = np.zeros((n, d), dtype=np.int64)
    for a in range(n):
        for j in range(d):
            if mask[a, j] and positions[a, j] <= outcome[j]:
                left[a, j] = 1
    return left


@njit(cache=True, error_model="numpy")
def _count(positions: Float, outcome: Float, mask: NDArray[np.bool_]) -> int:
    """How many candidates ``_generate`` makes for one draw: on each issue pair, every actor
    of group 0 (right on both) meets every one of group 3 and group 1 every one of group 2, so
    the groups' sizes suffice (not a walk over every pair of actors)."""
    n, d = positions.shape
    left = _groups(positions, outcome, mask)
    count = 0
    size = np.zeros(4, dtype=np.int64)
    for p in range(d):
        for q in range(p + 1, d):
            size[:] = 0
            for a in range(n):
                if mask[a, p] and mask[a, q]:
                    size[left[a, p] + 2 * left[a, q]] += 1
            count += size[0] * size[3] + size[1] * size[2]
    return count


@njit(cache=True, error_model="numpy", parallel=True, nogil=True)
def count_candidates(positions: Float, outcome: Float, mask: NDArray[np.bool_]) -> Int:
    """``int[B]``: each draw's number of candidates (sizes the kernel's output)."""
    b = positions.shape[0]
    out = np.zeros(b, dtype=np.int64)
    for row in prange(b):
        out[row] = _count(positions[row], outcome[row], mask)
    return out


@njit(cache=True, error_model="numpy")
def _generate(
    positions: Float,
    salience: Float,
    weight: Float,
    total: Float,
    outcome: Float,
    mask: NDArray[np.bool_],
    cf: Float,
    ci: Int,
    start_i: Float,
    start_j: Float,
) -> None:
    """``_candidates.generate`` for one draw, in generation order: issue pair, then A×D before
    B×C, then actor input order; the first actor is I unless its salience ratio is smaller."""
    n, d = positions.shape
    left = _groups(positions, outcome, mask)
    # Each group's actors on the pair, in input order (so the pairs come in the same order as
    # a walk over every pair of actors, without the walk).
    members = np.empty((4, n), dtype=np.int64)
    size = np.zeros(4, dtype=np.int64)
    k = 0
    for p in range(d):
        for q in range(p + 1, d):
            size[:] = 0
            for a in range(n):
                if mask[a, p] and mask[a, q]:
                    g = left[a, p] + 2 * left[a, q]
                    members[g, size[g]] = a
                    size[g] += 1
            for kind in range(2):
                for f in range(size[kind]):
                    first = members[kind, f]
                    for m in range(size[3 - kind]):
                        second = members[3 - kind, m]
                        s_ip, s_iq = salience[first, p], salience[first, q]
                        s_jp, s_jq = salience[second, p], salience[second, q]
                        a_i, a_j = first, second
                        if s_ip * s_jq < s_jp * s_iq:
                            a_i, a_j = second, first
                            s_ip, s_jp = s_jp, s_ip
                            s_iq, s_jq = s_jq, s_iq
                        cf[k, 0] = s_ip
                        cf[k, 1] = s_iq
                        cf[k, 2] = s_jp
                        cf[k, 3] = s_jq
                        cf[k, 4] = weight[a_i, q]
                        cf[k, 5] = weight[a_j, p]
                        cf[k, 6] = total[p]
                        cf[k, 7] = total[q]
                        cf[k, 8] = positions[a_j, q]
                        cf[k, 9] = positions[a_i, p]
                        ci[k, 0] = a_i
                        ci[k, 1] = a_j
                        ci[k, 2] = p
                        ci[k, 3] = q
                        start_i[k] = positions[a_i, q]
                        start_j[k] = positions[a_j, p]
                        k += 1


@njit(cache=True, error_model="numpy")
def _slot_index(ci: Int, count: int, n: int, d: int, decide: bool) -> tuple[Int, Int]:
    """Candidates by the actor–issue slots they hold (actor × D + issue; I on q and p, J on p
    and q) under ``decide``, or by their two issues under ``clean``: the ones a realized
    exchange can affect (``RoundState.propagate``)."""
    width = 4 if decide else 2
    keys = np.empty((count, width), dtype=np.int64)
    for k in range(count):
        a_i, a_j, p, q = ci[k, 0], ci[k, 1], ci[k, 2], ci[k, 3]
        if decide:
            keys[k, 0] = a_i * d + q
            keys[k, 1] = a_j * d + p
            keys[k, 2] = a_i * d + p
            keys[k, 3] = a_j * d + q
        else:
            keys[k, 0] = p
            keys[k, 1] = q
    size = n * d if decide else d
    start = np.zeros(size + 1, dtype=np.int64)
    for k in range(count):
        for g in range(width):
            start[keys[k, g] + 1] += 1
    for key in range(size):
        start[key + 1] += start[key]
    fill = start[:-1].copy()
    items = np.empty(count * width, dtype=np.int64)
    for k in range(count):
        for g in range(width):
            items[fill[keys[k, g]]] = k
            fill[keys[k, g]] += 1
    return start, items


@njit(cache=True, error_model="numpy")
def _run_draw(
    count: int,
    cf: Float,
    ci: Int,
    start_i: Float,
    start_j: Float,
    x0: Float,
    weight: Float,
    fs: Float,
    decide: bool,
    rex: bool,
    redraw: bool,
    seeded_ties: bool,
    tie_tolerance: float,
    seeds: NDArray[np.uint64],
    draw: int,
    rnd: int,
    votes: Float,
    first_gain: Float,
    ev_i: Int,
    ev_f: Float,
    ev_b: NDArray[np.bool_],
) -> tuple[int, int]:
    """One draw's round (``_round.run_round``); returns (realized, ties).

    ``votes`` ``[N, D]`` starts as ``x0`` and ends as the voting positions.
    """
    n, d = x0.shape
    # Every candidate is evaluated at step 0, which writes all of its outputs.
    out_f = np.empty((count, 7))
    out_b = np.empty((count, 3), dtype=np.bool_)
    hist_f = np.zeros((count, 2))
    hist_i = np.zeros((count, 6), dtype=np.int64)
    recorded = np.full((count, 2, n), np.nan) if decide else np.zeros((0, 2, n))
    # The reference positions the overshoot check sums (the record, else the round start),
    # kept beside the record so that the check reads them without a branch per actor.
    reference = np.empty((count, 2, n)) if decide else np.zeros((0, 2, n))
    if decide:
        for k in range(count):
            for m in range(n):
                reference[k, 0, m] = x0[m, ci[k, 2]]
                reference[k, 1, m] = x0[m, ci[k, 3]]
    realized_sign = np.zeros((n, d), dtype=np.int64)
    u = np.zeros(3)
    live = np.arange(count)
    near = np.empty(count, dtype=np.int64)
    # Which candidates hold each actor–issue slot (decide) or issue (clean), as CSR lists.
    index_start, index_items = _slot_index(ci, count, n, d, decide)
    stamp = np.full(count, -1, dtype=np.int64)
    n_live = count
    alive = np.ones(count, dtype=np.bool_)

    # Candidates to (re)compute: all of them at step 0, then those a realization affected.
    queue = np.arange(count)
    n_queue = count
    made = False
    realized = 0
    ties = 0
    step = 0
    while True:
        for t in range(n_queue):
            k = queue[t]
            if rex:
                h = _key(seeds, 1, draw, rnd, step if redraw else 0)
                h = _absorb(h, np.int64(k))
                for r in range(3):
                    u[r] = _unit(_absorb(h, np.int64(r)))
            _evaluate(
                k,
                cf,
                ci,
                start_i,
                start_j,
                reference,
                x0,
                votes,
                weight,
                hist_f,
                hist_i,
                realized_sign[ci[k, 0], ci[k, 3]],
                realized_sign[ci[k, 1], ci[k, 2]],
                fs,
                decide,
                rex,
                u,
                out_f,
                out_b,
            )
            if step == 0:
                first_gain[k] = out_f[k, 4]
            else:
                alive[k] = out_b[k, 0]
        n_queue = 0
        # Invalid candidates leave the list after a realization (§4.6 step 3); the same pass
        # finds the best live gain (§4.6 step 1) and, in list order, the candidates within
        # the tolerance of the best so far: the best only grows, so they include every one
        # within the tolerance of the final best, and the tie pass reads only them.
        kept = 0
        best = -np.inf
        n_near = 0
        for t in range(n_live):
            k = live[t]
            if alive[k] and (out_b[k, 0] or not made):
                live[kept] = k
                kept += 1
                if out_f[k, 4] > best:
                    best = out_f[k, 4]
                if out_f[k, 4] >= best - tie_tolerance:
                    near[n_near] = k
                    n_near += 1
        n_live = kept
        if n_live == 0:
            break
        # Ties within the tolerance (§4.6 step 2): the first generated, or the nth by a uniform.
        floor = best - tie_tolerance
        n_tied = 0
        pick = -1
        for t in range(n_near):
            if out_f[near[t], 4] >= floor:
                if n_tied == 0:
                    pick = near[t]
                n_tied += 1
        if seeded_ties:
            nth = int(np.floor(_unit(_key(seeds, 2, draw, rnd, step)) * n_tied))
            seen = 0
            for t in range(n_near):
                if out_f[near[t], 4] >= floor:
                    if seen == nth:
                        pick = near[t]
                        break
                    seen += 1
        if n_tied >= 2:
            ties += 1
        alive[pick] = False
        step += 1
        made = out_b[pick, 0]
        if made:
            # Realize (``RoundState.realize``).
            ai, aj, p, q = ci[pick, 0], ci[pick, 1], ci[pick, 2], ci[pick, 3]
            yi, yj = out_f[pick, 2], out_f[pick, 3]
            e = realized
            ev_i[e, 0] = step
            ev_i[e, 1] = ai
            ev_i[e, 2] = aj
            ev_i[e, 3] = q
            ev_i[e, 4] = p
            ev_f[e, 0] = start_i[pick]
            ev_f[e, 1] = yi
            ev_f[e, 2] = start_j[pick]
            ev_f[e, 3] = yj
            ev_f[e, 4] = out_f[pick, 4]
            ev_f[e, 5] = out_f[pick, 5]
            ev_f[e, 6] = out_f[pick, 6]
            ev_b[e, 0] = out_b[pick, 1]
            ev_b[e, 1] = n_tied >= 2
            ev_b[e, 2] = out_b[pick, 2]
            realized += 1
            votes[ai, q] = yi
            votes[aj, p] = yj
            realized_sign[ai, q] = _sign(out_f[pick, 0])
            realized_sign[aj, p] = _sign(out_f[pick, 1])
            # Propagate (``RoundState.propagate``) to the live candidates, then re-evaluate:
            # only those sharing an actor–issue slot (decide) or an issue (clean) can be hit.
            # Invalid candidates leave the list now and never return (§4.6 step 3), so the
            # live ones are those still alive and valid.
            for g in range(4 if decide else 2):
                key = (ai, aj, ai, aj)[g] * d + (q, p, p, q)[g] if decide else (p, q)[g]
                for t in range(index_start[key], index_start[key + 1]):
                    k = index_items[t]
                    if stamp[k] == step or not alive[k] or not out_b[k, 0]:
                        continue
                    stamp[k] = step
                    e_ai, e_aj, e_p, e_q = ci[k, 0], ci[k, 1], ci[k, 2], ci[k, 3]
                    hii = e_ai == ai and e_q == q
                    hij = e_ai == aj and e_q == p
                    hji = e_aj == ai and e_p == q
                    hjj = e_aj == aj and e_p == p
                    hit_i = hii or hij
                    hit_j = hji or hjj
                    if hii:
                        start_i[k] = yi
                    elif hij:
                        start_i[k] = yj
                    if hji:
                        start_j[k] = yi
                    elif hjj:
                        start_j[k] = yj
                    if decide:
                        demand = False
                        for z in range(2):
                            if z == 0:
                                z_actor, z_demand, who, new = ai, p, aj, yj
                            else:
                                z_actor, z_demand, who, new = aj, q, ai, yi
                            if not (
                                (e_ai == z_actor and e_p == z_demand)
                                or (e_aj == z_actor and e_q == z_demand)
                            ):
                                continue
                            demand = True
                            slot = 0 if e_p == z_demand else 1
                            old = recorded[k, slot, who]
                            x_start = x0[who, z_demand]
                            if np.isnan(old) or abs(new - x_start) < abs(old - x_start):
                                recorded[k, slot, who] = new
                                reference[k, slot, who] = new
                        recompute = hit_i or hit_j or demand
                    else:
                        recompute = e_p in (p, q) or e_q in (p, q)
                    if not recompute:
                        continue
                    if hit_i:
                        move = out_f[k, 0]
                        hist_f[k, 0] += move
                        hist_i[k, 0] += 1
                        hist_i[k, 1] += 1 if move > 0 else 0
                        hist_i[k, 2] += 1 if move < 0 else 0
                    if hit_j:
                        move = out_f[k, 1]
                        hist_f[k, 1] += move
                        hist_i[k, 3] += 1
                        hist_i[k, 4] += 1 if move > 0 else 0
                        hist_i[k, 5] += 1 if move < 0 else 0
                    queue[n_queue] = k
                    n_queue += 1
    return realized, ties


@njit(cache=True, error_model="numpy", parallel=True, nogil=True)
def run_steps_kernel(
    counts: Int,
    positions: Float,
    x0: Float,
    salience: Float,
    weight: Float,
    total: Float,
    outcome: Float,
    mask: NDArray[np.bool_],
    fs: Float,
    flags: NDArray[np.bool_],
    tie_tolerance: float,
    seeds: NDArray[np.uint64],
    draw_index: Int,
    rnd: int,
) -> tuple[Float, Float, Int, Int, Int, Int, Float, NDArray[np.bool_]]:
    """Every draw's round, draws in parallel.

    ``positions`` ``float[B, N, D]`` are the round-start positions (NaN where absent; ``x0``
    the same with 0 there), ``total`` and ``outcome`` ``float[B, D]`` each issue's summed
    weight and weighted mean, ``counts`` ``int[B]`` each draw's number of candidates
    (:func:`count_candidates`). ``flags`` are
    (decide bookkeeping, REX on, redraw on recompute, seeded ties). Returns votes ``[B, N, D]``,
    initial gains ``[B, C]``, realized and ties ``int[B]``, and the event rows of all draws
    packed in draw then realization order: their draw ``int[E]`` and the integer, float and flag
    rows ``[E, ·]`` (:data:`EVENT_FIELDS`).
    """
    b = positions.shape[0]
    c = 0
    for row in range(b):
        c = max(c, counts[row])
    votes = x0.copy()
    first_gain = np.full((b, c), np.nan)
    realized = np.zeros(b, dtype=np.int64)
    ties = np.zeros(b, dtype=np.int64)
    # Each draw's event rows, at most one per candidate; only the first realized[row] are
    # written and read, so the buffers are left unset (zeroing them cost more than the packing).
    ev_i = np.empty((b, c, 5), dtype=np.int64)
    ev_f = np.empty((b, c, 7))
    ev_b = np.empty((b, c, 3), dtype=np.bool_)
    for row in prange(b):
        k = counts[row]
        cf = np.empty((k, 10))
        ci = np.empty((k, 4), dtype=np.int64)
        s_i = np.empty(k)
        s_j = np.empty(k)
        _generate(
            positions[row], salience[row], weight[row], total[row], outcome[row], mask,
            cf, ci, s_i, s_j,
        )  # fmt: skip
        realized[row], ties[row] = _run_draw(
            k,
            cf,
            ci,
            s_i,
            s_j,
            x0[row],
            weight[row],
            fs,
            flags[0],
            flags[1],
            flags[2],
            flags[3],
            tie_tolerance,
            seeds,
            draw_index[row],
            rnd,
            votes[row],
            first_gain[row],
            ev_i[row],
            ev_f[row],
            ev_b[row],
        )
    draw, out_i, out_f, out_b = _pack(realized, ev_i, ev_f, ev_b)
    return votes, first_gain, realized, ties, draw, out_i, out_f, out_b


@njit(cache=True, error_model="numpy", parallel=True, nogil=True)
def _pack(
    realized: Int, ev_i: Int, ev_f: Float, ev_b: NDArray[np.bool_]
) -> tuple[Int, Int, Float, NDArray[np.bool_]]:
    """The first ``realized[b]`` rows of each draw's event buffers, one after the other."""
    b = realized.shape[0]
    start = np.zeros(b + 1, dtype=np.int64)
    for row in range(b):
        start[row + 1] = start[row] + realized[row]
    n = start[b]
    draw = np.empty(n, dtype=np.int64)
    out_i = np.empty((n, ev_i.shape[2]), dtype=np.int64)
    out_f = np.empty((n, ev_f.shape[2]))
    out_b = np.empty((n, ev_b.shape[2]), dtype=np.bool_)
    for row in prange(b):
        for e in range(realized[row]):
            at = start[row] + e
            draw[at] = row
            out_i[at] = ev_i[row, e]
            out_f[at] = ev_f[row, e]
            out_b[at] = ev_b[row, e]
    return draw, out_i, out_f, out_b
