"""Where the eum kernel's round spends its time, part by part (a profile numba cannot give).

Compiled code has no per-function profile, so this runs the kernel's own row pipeline (the
parts of ``models/eum/_kernel.py``, in its order) on one thread, stopping after part ``k``;
the cost of a part is the difference between stopping after it and before it. The inputs are
a real round's: the first round of a run, caught on its way into the kernel.
"""

from __future__ import annotations

import itertools
import time
from typing import Any
from unittest import mock

import numpy as np
from numba import njit

from detente import models
from detente.models.eum import _kernel as kernel

PARTS = (
    "distances and their logarithms (vectorized)",
    "actors sorted by position, midpoint counts, voters' distance orders",
    "pass 1: probabilities, security levels, risk exponents",
    "powers d^r for pass 2 (vectorized)",
    "pass 2: probabilities with voter-powered distances",
    "decisions: both expected utilities, offer classes, the chosen move",
)


@njit(error_model="numpy")
def _rows_up_to(
    x: Any, w: Any, s: Any, span: Any, valid: Any, flags: Any, numbers: Any, upto: int
) -> None:
    """The round of ``_play_rows`` for every row, serially, stopping after part ``upto``
    (1-6, the order of ``PARTS``); only the default conventions' path (Q = 1, voter-powered
    distances, evaluator's exponent)."""
    global_den = flags[0]
    zero_value, q, key_atol, zero_range_rtol, same_rtol = numbers
    m, n = x.shape
    flat = np.empty((9, n * n))
    d_flat, log_d, log_lo, log_hi, u_flat = flat[0], flat[1], flat[2], flat[3], flat[4]
    r_by_row, u_lo, u_hi = flat[5], flat[6], flat[7]
    d, u = d_flat.reshape((n, n)), u_flat.reshape((n, n))
    margin, p1, p2 = np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    bch, toward = np.zeros((n, n)), np.zeros((n, n), dtype=np.bool_)
    prefix = np.empty((n + 1, n))
    counts, by_distance = np.empty((n, n), dtype=np.int64), np.empty((n, n), dtype=np.int64)
    by_position, on_issue = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    a, b, keys, classes = np.empty(n), np.empty(n), np.empty(n), np.empty(n, dtype=np.int64)
    security, r = np.empty(n), np.empty(n)
    offer, partner = np.empty(n, dtype=np.int8), np.empty(n, dtype=np.int64)
    view_a, view_b, position = np.empty(n), np.empty(n), np.empty(n)
    for row in range(m):
        xr, wr, sr, vr = x[row], w[row], s[row], valid[row]
        active = span[row] > 0
        kernel._geometry(xr, span[row] if active else 1.0, d_flat, log_d, log_lo, log_hi)
        if upto < 2:
            continue
        kernel._sort_by_position(xr, by_position)
        kernel._midpoint_counts(xr, by_position, counts)
        nv = kernel._order_by_distance(vr, d, by_position, on_issue, by_distance)
        order = (by_position, counts, on_issue, by_distance)
        if upto < 3:
            continue
        kernel._probabilities(xr, wr, d, nv, order, global_den, zero_value, prefix, margin, p1)
        kernel._security(xr, sr, vr, d, p1, bch, toward, q, security)
        kernel._risk_exponents(security, vr, zero_range_rtol, r)
        if upto < 4:
            continue
        for i in range(n):
            for j in range(n):
                r_by_row[i * n + j] = r[i]
        kernel._powers(r_by_row, log_lo, u_lo)
        kernel._powers(r_by_row, log_hi, u_hi)
        kernel._powers(r_by_row, log_d, u_flat)
        if upto < 5:
            continue
        kernel._probabilities(xr, wr, u, nv, order, global_den, zero_value, prefix, margin, p2)
        if upto < 6:
            continue
        kernel._decide(xr, sr, vr, active, d, r, u_lo, u_hi, u_lo, u_hi, p2, bch, toward, q,
                       flags, key_atol, same_rtol, a, b, classes, keys, offer, partner,
                       view_a, view_b, position)  # fmt: skip


def first_round_inputs(arrays: Any) -> tuple[Any, ...]:
    """The arguments of the kernel's first round of an eum run on ``arrays`` (default params)."""
    caught: list[tuple[Any, ...]] = []
    real = kernel.play_round_kernel

    def catch(*args: Any) -> Any:
        caught.append(args)
        return real(*args)

    eum = models.get("eum")
    with mock.patch.object(kernel, "play_round_kernel", catch):
        eum(arrays, eum.make_params(keep="summary", rounds=1))
    return caught[0]


def part_costs(arrays: Any, repeat: int = 5) -> list[float]:
    """CPU microseconds per row of each part in ``PARTS`` (best of ``repeat``, one thread)."""
    x, w, s, valid, span, conv = first_round_inputs(arrays)
    flags, numbers = kernel.kernel_settings(conv)
    if not (flags[1] and flags[3] and numbers[1] == 1.0):
        raise ValueError("part_costs follows the default conventions' path only")
    x, w, s, span, valid = (np.ascontiguousarray(v) for v in (x, w, s, span, valid))
    totals = []
    for upto in range(1, len(PARTS) + 1):
        _rows_up_to(x[:2], w[:2], s[:2], span[:2], valid[:2], flags, numbers, upto)  # compile
        best = np.inf
        for _ in range(repeat):
            start = time.process_time()
            _rows_up_to(x, w, s, span, valid, flags, numbers, upto)
            best = min(best, time.process_time() - start)
        totals.append(best / x.shape[0] * 1e6)
    return [totals[0]] + [b - a for a, b in itertools.pairwise(totals)]
