"""Probability of success ``P[i, j]`` that actor ``i`` prevails over actor ``j`` (spec §3.4).

All functions work on one issue per batch row: ``x``, ``w`` are ``float[M, N]`` (``M`` = draws
× issues, ``N`` actors), ``valid`` is ``bool[M, N]`` (actors without a position on the issue take
no part), ``span`` is the position range ``L`` as ``float[M]`` (> 0).

The numerator ``sum_k w_k max(0, u_kj - u_ki)`` looks like ``O(N^3)`` per row, but a voter ``k``
counts for ``i`` exactly when it sits on ``i``'s side of the midpoint of ``x_i`` and ``x_j``
(distances raised to a positive power keep their order). Sorting voters by position and taking
prefix sums over them turns it into gathers: ``O(N^2 log N)`` per row, which is what makes 10,000
draws fast. :func:`vote_margins_direct` is the literal ``O(N^3)`` sum, kept for tests and as the
definition.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "global_denominator",
    "probabilities",
    "vote_margins",
    "vote_margins_direct",
    "voter_distances",
]

Float = NDArray[np.float64]
Int = NDArray[np.intp]
Bool = NDArray[np.bool_]


def voter_distances(x: Float, span: Float) -> Float:
    """``|x_k - x_a| / L`` as ``float[M, K, A]`` (voter ``k``, actor ``a``)."""
    return np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]


def _power(base: Float, log_base: Float, r: Float | None) -> Float:
    """``base ** r`` per voter row; ``r`` is ``float[M, K]`` or None for the linear distance."""
    if r is None:
        return base
    with np.errstate(invalid="ignore"):
        # exp(r log d) is faster than ** and exact enough (≈1e-16 relative); log(0) = -inf → 0.
        powered: Float = np.exp(r[:, :, None] * log_base)
    return powered


def vote_margins_direct(w: Float, u: Float) -> Float:
    """``G[i, j] = sum_k w_k max(0, u_kj - u_ki)`` by the literal ``O(N^3)`` sum (the definition).

    ``w`` is ``float[M, K]``, ``u`` the voters' (powered) distances ``float[M, K, A]``.
    """
    diff = u[:, :, None, :] - u[:, :, :, None]  # [M, K, i, j] = u_kj - u_ki
    margins: Float = np.einsum("mk,mkij->mij", w, np.maximum(diff, 0.0))
    return margins


def midpoint_counts(x: Float) -> Int:
    """``n[i, j]`` = number of actors strictly left of the midpoint of ``x_i`` and ``x_j``.

    One stable sort per row of the midpoints followed by the positions: a position equal to a
    midpoint sorts after it, so it is not counted ("strictly left").
    """
    m, n = x.shape
    mids = ((x[:, :, None] + x[:, None, :]) * 0.5).reshape(m, n * n)
    both = np.concatenate([mids, x], axis=1)
    order = np.argsort(both, axis=1, kind="stable")
    voters_before = np.cumsum(order >= n * n, axis=1)
    counts = np.empty_like(voters_before)
    np.put_along_axis(counts, order, voters_before, axis=1)
    return counts[:, : n * n].reshape(m, n, n)


def vote_margins(x: Float, w: Float, u: Float, counts: Int, by_position: Int) -> Float:
    """``G[i, j] = sum_k w_k max(0, u_kj - u_ki)`` in ``O(N^2 log N)`` per row.

    ``u`` is ``float[M, K, A]`` with voters = actors (``K = A = N``), increasing in
    ``|x_k - x_a|``; ``counts`` from :func:`midpoint_counts` (positions unchanged within a
    round, so it is computed once per round), ``by_position`` the actors sorted by position
    (``int[M, N]``). Voters on ``i``'s side of the midpoint are exactly those with
    ``u_kj > u_ki``.
    """
    m, n = x.shape
    weighted = w[:, :, None] * u
    prefix = np.zeros((m, n + 1, n))
    sorted_rows = np.take_along_axis(weighted, by_position[:, :, None], axis=1)
    np.cumsum(sorted_rows, axis=1, out=prefix[:, 1:])
    # prefix[m, p, a] = sum of w_k u_ka over the p leftmost voters; counts index p. Gather with
    # flat indices (np.take on a 1-D view is much faster than three-array fancy indexing).
    at = (np.arange(m)[:, None, None] * (n + 1) + counts) * n
    flat = prefix.reshape(-1)
    cols = np.arange(n)
    left = flat.take(at + cols[None, None, :]) - flat.take(at + cols[None, :, None])
    total = prefix[:, n, :]
    right = (total[:, None, :] - total[:, :, None]) - left
    xi, xj = x[:, :, None], x[:, None, :]
    margin = np.where(xi < xj, left, np.where(xi > xj, right, 0.0))
    # Prefix differences can leave -1e-17 where the true sum is 0.
    return np.maximum(margin, 0.0)


def global_denominator(w: Float, u: Float, valid: Bool, order: Int) -> Float:
    """``sum_k w_k sum_{a,b valid} |u_ka - u_kb|`` as ``float[M]`` (spec §3.4(b), cost note).

    ``order`` sorts each voter's row of ``u`` ascending with invalid actors last (it is the
    same for every exponent, so it is computed once per round). Uses
    ``sum_{a,b} |u_a - u_b| = 2 sum_m (2m - n - 1) u_(m)``.
    """
    n = w.shape[1]
    n_valid = valid.sum(axis=1)
    rank = np.arange(1, n + 1)[None, :]
    coef = np.where(rank <= n_valid[:, None], 2 * rank - n_valid[:, None] - 1, 0).astype(float)
    u_sorted = np.take_along_axis(np.where(valid[:, None, :], u, 0.0), order, axis=2)
    per_voter = 2.0 * np.einsum("mka,ma->mk", u_sorted, coef)
    total: Float = np.einsum("mk,mk->m", w, per_voter)
    return total


def distance_order(dist: Float, valid: Bool) -> Int:
    """Per voter, the actors sorted by distance with invalid actors last: ``int[M, K, A]``."""
    return np.argsort(np.where(valid[:, None, :], dist, np.inf), axis=2, kind="stable")


def probabilities(
    x: Float,
    w: Float,
    valid: Bool,
    dist: Float,
    log_dist: Float,
    counts: Int,
    by_position: Int,
    order: Int,
    r: Float | None,
    *,
    denominator: str,
    zero_value: float,
) -> Float:
    """``P[i, j]`` (``float[M, N, N]``), the probability that ``i`` prevails over ``j``.

    ``r`` is each voter's risk exponent ``float[M, N]`` (voter-powered distances) or None
    (linear distances). ``denominator`` is ``"global"`` (§3.4(b)) or ``"dyad"`` (eq. 31);
    ``zero_value`` is used where the denominator is 0.
    """
    u = _power(dist, log_dist, r)
    margin = vote_margins(x, w, u, counts, by_position)
    if denominator == "global":
        denom = global_denominator(w, u, valid, order)[:, None, None]
    else:
        denom = margin + np.swapaxes(margin, 1, 2)
    safe = np.where(denom > 0, denom, 1.0)
    return np.where(denom > 0, margin / safe, zero_value)
