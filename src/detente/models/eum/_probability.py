"""Probability of success ``P[i, j]`` that actor ``i`` prevails over actor ``j`` (spec §3.4).

All functions work on one issue per batch row: ``x``, ``w`` are ``float[M, N]`` (``M`` = draws
× issues, ``N`` actors), ``valid`` is ``bool[M, N]`` (actors without a position on the issue take
no part), ``span`` is the position range ``L`` as ``float[M]`` (> 0).

The numerator ``sum_k w_k max(0, u_kj - u_ki)`` looks like ``O(N^3)`` per row, but a voter ``k``
counts for ``i`` exactly when it sits on ``i``'s side of the midpoint of ``x_i`` and ``x_j``
(distances raised to a positive power keep their order). Sorting voters by position and taking
prefix sums over them turns it into gathers: ``O(N^2 log N)`` per row, which is what makes 10,000
draws fast. :func:`vote_margins_direct` is the literal ``O(N^3)`` sum, kept for tests and as the
definition. Everything that depends only on positions is computed once per round
(:class:`Voters`); the two passes of a round differ only in the voters' exponents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Voters",
    "global_denominator",
    "probabilities",
    "vote_margins",
    "vote_margins_direct",
]

Float = NDArray[np.float64]
Int = NDArray[np.intp]
Bool = NDArray[np.bool_]

# Up to this many actors, midpoint counts compare directly instead of sorting (measured faster).
_DIRECT_COUNT_MAX_ACTORS = 16


@dataclass(frozen=True)
class Voters:
    """What the probabilities of one round need from the positions (computed once per round).

    ``dist`` is ``|x_k - x_a| / L`` (``float[M, K, A]``, voter ``k``, actor ``a``) and
    ``log_dist`` its log; ``coef[k, a]`` is ``2m - n - 1`` where ``m`` is the rank of actor
    ``a`` by distance from voter ``k`` among the ``n`` actors on the issue (0 for the others),
    the weight of ``u_ka`` in ``sum_{a,b} |u_ka - u_kb|``;
    ``by_position`` the actors sorted by position; ``take_i``/``take_j`` flat indices of the
    prefix sums at each pair's midpoint; ``left``/``right`` where ``x_i < x_j``/``x_i > x_j``.
    """

    dist: Float
    log_dist: Float
    coef: Float
    by_position: Int
    take_i: Int
    take_j: Int
    left: Bool
    right: Bool

    @classmethod
    def build(cls, x: Float, valid: Bool, span: Float) -> Voters:
        m, n = x.shape
        dist = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]
        # Rank of each actor by distance from each voter (actors off the issue last). A power
        # keeps each voter's order, so these ranks serve every exponent of the round; ties may
        # be ranked either way (equal values, same sum).
        order = np.argsort(np.where(valid[:, None, :], dist, np.inf), axis=2)
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(1, n + 1)[None, None, :], axis=2)
        n_valid = valid.sum(axis=1)[:, None, None]
        coef = np.where(valid[:, None, :], 2 * rank - n_valid - 1, 0).astype(np.float64)
        with np.errstate(divide="ignore"):
            log_dist = np.log(dist)
        at = (np.arange(m)[:, None, None] * (n + 1) + midpoint_counts(x)) * n
        cols = np.arange(n)
        xi, xj = x[:, :, None], x[:, None, :]
        return cls(
            dist=dist,
            log_dist=log_dist,
            coef=coef,
            by_position=np.argsort(x, axis=1, kind="stable"),
            take_i=at + cols[None, :, None],
            take_j=at + cols[None, None, :],
            left=xi < xj,
            right=xi > xj,
        )


def midpoint_counts(x: Float) -> Int:
    """``n[i, j]`` = number of actors strictly left of the midpoint of ``x_i`` and ``x_j``.

    For few actors a direct comparison (``N^3`` per row, but cheap) is fastest; otherwise one
    stable sort per row of the midpoints followed by the positions: a position equal to a
    midpoint sorts after it, so it is not counted ("strictly left").
    """
    m, n = x.shape
    if n <= _DIRECT_COUNT_MAX_ACTORS:
        mids = (x[:, :, None] + x[:, None, :]) * 0.5
        counts: Int = (x[:, None, None, :] < mids[:, :, :, None]).sum(axis=3)
        return counts
    mids = ((x[:, :, None] + x[:, None, :]) * 0.5).reshape(m, n * n)
    both = np.concatenate([mids, x], axis=1)
    order = np.argsort(both, axis=1, kind="stable")
    voters_before = np.cumsum(order >= n * n, axis=1)
    placed = np.empty_like(voters_before)
    np.put_along_axis(placed, order, voters_before, axis=1)
    return placed[:, : n * n].reshape(m, n, n)


def vote_margins_direct(w: Float, u: Float) -> Float:
    """``G[i, j] = sum_k w_k max(0, u_kj - u_ki)`` by the literal ``O(N^3)`` sum (the definition).

    ``w`` is ``float[M, K]``, ``u`` the voters' (powered) distances ``float[M, K, A]``.
    """
    diff = u[:, :, None, :] - u[:, :, :, None]  # [M, K, i, j] = u_kj - u_ki
    margins: Float = np.einsum("mk,mkij->mij", w, np.maximum(diff, 0.0))
    return margins


def vote_margins(voters: Voters, w: Float, u: Float) -> Float:
    """``G[i, j] = sum_k w_k max(0, u_kj - u_ki)`` in ``O(N^2 log N)`` per row.

    ``u`` is ``float[M, K, A]`` with voters = actors, increasing in ``|x_k - x_a|``. Voters on
    ``i``'s side of the midpoint are exactly those with ``u_kj > u_ki``; with prefix sums over
    voters sorted by position, their sum is a difference of two gathered entries.
    """
    m, n = w.shape
    weighted = w[:, :, None] * u
    prefix = np.zeros((m, n + 1, n))
    sorted_rows = np.take_along_axis(weighted, voters.by_position[:, :, None], axis=1)
    np.cumsum(sorted_rows, axis=1, out=prefix[:, 1:])
    # prefix[m, p, a] = sum of w_k u_ka over the p leftmost voters. Flat gathers (np.take on a
    # 1-D view) are much faster than three-array fancy indexing.
    flat = prefix.reshape(-1)
    left = flat.take(voters.take_j) - flat.take(voters.take_i)
    total = prefix[:, n, :]
    right = (total[:, None, :] - total[:, :, None]) - left
    margin = np.where(voters.left, left, np.where(voters.right, right, 0.0))
    # Prefix differences can leave -1e-17 where the true sum is 0.
    return np.maximum(margin, 0.0, out=margin)


def _powered(dist: Float, log_dist: Float, r: Float | None) -> Float:
    """Each voter's distances raised to its exponent (``r``: ``float[M, K]``; None = linear)."""
    if r is None:
        return dist
    # exp(r log d) is faster than ** and exact enough (≈1e-16 relative); log 0 = -inf → 0.
    powered: Float = np.exp(r[:, :, None] * log_dist)
    return powered


def global_denominator(voters: Voters, w: Float, r: Float | None) -> Float:
    """``sum_k w_k sum_{a,b} |u_ka - u_kb|`` over the actors on the issue, ``float[M]`` (§3.4(b)).

    Uses ``sum_{a,b} |u_a - u_b| = 2 sum_a (2 m_a - n - 1) u_a`` with ``m_a`` the rank of
    ``u_a`` (the cost note of §3.4): ``O(N^2)`` per pass once the ranks are known.
    """
    return _denominator(voters, w, _powered(voters.dist, voters.log_dist, r))


def _denominator(voters: Voters, w: Float, u: Float) -> Float:
    per_voter = np.einsum("mka,mka->mk", u, voters.coef)
    total: Float = 2.0 * np.einsum("mk,mk->m", w, per_voter)
    return total


def probabilities(
    voters: Voters,
    w: Float,
    r: Float | None,
    *,
    denominator: str,
    zero_value: float,
) -> Float:
    """``P[i, j]`` (``float[M, N, N]``), the probability that ``i`` prevails over ``j``.

    ``r`` is each voter's risk exponent ``float[M, N]`` (voter-powered distances) or None
    (linear distances). ``denominator`` is ``"global"`` (§3.4(b): every voter, every ordered
    pair, via ``sum_{a,b} |u_a - u_b| = 2 sum_m (2m - n - 1) u_(m)``) or ``"dyad"`` (eq. 31);
    ``zero_value`` is used where the denominator is 0.
    """
    u = _powered(voters.dist, voters.log_dist, r)
    margin = vote_margins(voters, w, u)
    if denominator == "global":
        denom = _denominator(voters, w, u)[:, None, None]
    else:
        denom = margin + np.swapaxes(margin, 1, 2)
    positive = denom > 0
    p: Float = np.where(positive, margin / np.where(positive, denom, 1.0), zero_value)
    return p
