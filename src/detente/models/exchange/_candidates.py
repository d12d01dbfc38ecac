"""Candidate exchanges of one round, generated for every draw at once (``exchange.md`` §4.1–4.2).

A candidate pairs two actors on opposite sides of the outcome on two issues ``p`` (earlier in
input order) and ``q``. The actor with the larger salience ratio ``s_p / s_q`` is ``I``: it
demands ``p`` and supplies ``q``; its partner ``J`` supplies ``p``. Candidates are numbered in
the order the spec fixes (issue pair, then A×D before B×C, then actor input order); that
*generation index* is the column index here and decides ties.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Candidates", "generate", "issue_outcome"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]


@dataclass(frozen=True)
class Candidates:
    """Every candidate exchange of one round, ``[B, C]`` arrays padded where ``present`` is False.

    ``actor_i``/``actor_j`` are the demanding side ``I`` and its partner ``J``; ``p`` is I's
    demand issue (J supplies it), ``q`` I's supply issue. ``target_i`` is J's round-start position
    on ``q`` (where I's vote moves towards), ``target_j`` I's round-start position on ``p``.
    ``s_*`` are saliences, ``w_iq``/``w_jp`` the supplying sides' capability × salience and
    ``w_p``/``w_q`` the issues' total weights.
    """

    present: Bool
    p: Int
    q: Int
    actor_i: Int
    actor_j: Int
    s_ip: Float
    s_iq: Float
    s_jp: Float
    s_jq: Float
    w_iq: Float
    w_jp: Float
    w_p: Float
    w_q: Float
    target_i: Float
    target_j: Float
    start_i: Float
    start_j: Float

    @property
    def shape(self) -> tuple[int, int]:
        b, c = self.present.shape
        return int(b), int(c)


def _superset(n: int, d: int) -> tuple[Int, Int, Int, Int, Int]:
    """All (issue pair, kind, first actor, second actor) in generation order, flattened.

    ``kind`` 0 pairs group A with D, 1 pairs B with C (``exchange.md`` §4.1 step 4).
    """
    pp, qq = np.triu_indices(d, k=1)
    pair = np.repeat(np.arange(pp.size), 2 * n * n)
    kind = np.tile(np.repeat(np.arange(2), n * n), pp.size)
    first = np.tile(np.repeat(np.arange(n), n), 2 * pp.size)
    second = np.tile(np.arange(n), 2 * n * pp.size)
    return pp[pair], qq[pair], kind, first, second


def issue_outcome(positions: Float, weight: Float, total: Float) -> Float:
    """``float[B, D]``: each issue's weighted mean position, which splits the sides (§4.1)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out: Float = np.einsum("bnd,bnd->bd", weight, np.nan_to_num(positions)) / total
    return out


def generate(
    positions: Float, salience: Float, weight: Float, total: Float, mask: Bool
) -> Candidates:
    """The round's candidates for every draw.

    Args:
        positions: ``float[B, N, D]`` round-start positions (0–100; NaN where absent).
        salience: ``float[B, N, D]`` in [0, 1].
        weight: ``float[B, N, D]`` capability × salience (0 where absent).
        total: ``float[B, D]`` each issue's summed weight.
        mask: ``bool[N, D]`` actor–issue pairs present.
    """
    b, n, d = positions.shape
    outcome = issue_outcome(positions, weight, total)
    # Ties count as left (§4.1 step 2); g = left_p + 2 left_q classifies A, B, C, D.
    left = (positions <= outcome[:, None, :]) & mask[None]
    p, q, kind, first, second = _superset(n, d)
    both = mask[first, p] & mask[first, q] & mask[second, p] & mask[second, q]
    g_first = left[:, first, p].astype(np.int64) + 2 * left[:, first, q]
    g_second = left[:, second, p].astype(np.int64) + 2 * left[:, second, q]
    keep = both[None] & (g_first == kind[None]) & (g_second == 3 - kind[None])
    # Compact each draw's candidates to the front, keeping generation order.
    count = keep.sum(axis=1)
    width = int(count.max()) if b else 0
    order = np.argsort(~keep, axis=1, kind="stable")[:, :width]
    present = np.take_along_axis(keep, order, axis=1)
    cp, cq = p[order], q[order]
    ci, cj = first[order], second[order]
    bi = np.arange(b)[:, None]
    s_ip, s_iq = salience[bi, ci, cp], salience[bi, ci, cq]
    s_jp, s_jq = salience[bi, cj, cp], salience[bi, cj, cq]
    # Role rule (§4.2) by cross-multiplication: the first actor is I unless its ratio is smaller.
    swap = s_ip * s_jq < s_jp * s_iq
    actor_i = np.where(swap, cj, ci)
    actor_j = np.where(swap, ci, cj)
    s_ip, s_jp = np.where(swap, s_jp, s_ip), np.where(swap, s_ip, s_jp)
    s_iq, s_jq = np.where(swap, s_jq, s_iq), np.where(swap, s_iq, s_jq)
    return Candidates(
        present=present,
        p=cp,
        q=cq,
        actor_i=actor_i,
        actor_j=actor_j,
        s_ip=s_ip,
        s_iq=s_iq,
        s_jp=s_jp,
        s_jq=s_jq,
        w_iq=weight[bi, actor_i, cq],
        w_jp=weight[bi, actor_j, cp],
        w_p=total[bi, cp],
        w_q=total[bi, cq],
        target_i=positions[bi, actor_j, cq],
        target_j=positions[bi, actor_i, cp],
        start_i=positions[bi, actor_i, cq],
        start_j=positions[bi, actor_j, cp],
    )
