"""Distinct positions of a state and their PCE probabilities (``specs/smp.md`` §4.12–4.13).

KTAB scans actors in index order; an actor joins the first earlier representative within 10⁻³
(Euclidean, on [0, 1]) or becomes a representative itself. That greedy scan is computed here
without a loop over actors: "i is a representative" depends only on earlier representatives, so
a fixed-point iteration of the whole vector settles in as many sweeps as the longest chain of
near-by positions (one or two in practice, at most N).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._params import POSITION_TOL, SmpParams
from ._voting import scalar_pce
from ._workspace import Workspace

__all__ = ["StateReport", "report_state"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]


@dataclass(frozen=True)
class StateReport:
    """Per state: ``distinct[B, N]`` is the PCE probability of each representative's position
    (0 for actors that are not representatives; sums to 1); ``group[B, N]`` the representative
    each actor joined; ``actor_probability[B, N]`` KTAB's per-actor figure (the probability of the
    *last* representative within the tolerance, §7.10)."""

    distinct: Float
    group: Int
    actor_probability: Float


def representatives(position: Float) -> tuple[Bool, Bool]:
    """``(rep[B, N], close[B, N, N])``: which actors represent a distinct position."""
    diff = position[:, :, None, :] - position[:, None, :, :]
    close = np.sqrt((diff * diff).sum(axis=-1)) < POSITION_TOL
    n = position.shape[1]
    earlier = np.tri(n, k=-1, dtype=bool).T  # earlier[r, i]: r < i
    candidates = close & earlier[None]
    rep = np.ones(position.shape[:2], dtype=bool)
    for _ in range(n):  # sweeps, not actors: stops after the longest chain (usually 1–2)
        new = ~(rep[:, :, None] & candidates).any(axis=1)
        if np.array_equal(new, rep):
            break
        rep = new
    return rep, close


def report_state(
    position: Float,
    own: Float,
    capability: Float,
    params: SmpParams,
    work: Workspace | None = None,
) -> StateReport:
    """Distinct positions and their probabilities for one state (§4.12).

    ``own[B, a, n]`` = ``U^a_{a n}``, each actor's risk-aware utility of each position.
    """
    b, n, _ = position.shape
    rows = np.arange(b)[:, None]
    rep, close = representatives(position)
    linked = close & rep[:, None, :]  # linked[b, i, r]: r is a representative within tol of i
    group = np.argmax(linked, axis=-1)
    last = n - 1 - np.argmax(linked[:, :, ::-1], axis=-1)
    count = int(rep.sum(axis=-1).max())
    order = np.argsort(~rep, axis=-1, kind="stable")[:, :count]
    valid = rep[rows, order]
    utility = own[rows[:, :, None], np.arange(n)[None, :, None], order[:, None, :]]  # [B, a, M]
    pi = scalar_pce(
        capability,
        utility,
        valid,
        rule=params.voting_rule,
        victory_model=params.victory_prob_model,
        pce_model=params.pce_model,
        what="reported positions",
        work=work.get(0, (b, n, count, count)) if work is not None else None,
    )
    distinct = np.zeros((b, n))
    # Padding slots point at non-representatives (argsort is a permutation): they get 0.
    np.put_along_axis(distinct, order, np.where(valid, pi, 0.0), axis=-1)
    return StateReport(
        distinct=distinct,
        group=group.astype(np.int64),
        actor_probability=distinct[rows, last],
    )
