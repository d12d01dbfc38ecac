"""Queues of bargains and their resolution by vote (``specs/smp.md`` §4.8–4.10).

Each actor's queue holds its status quo and every bargain it is part of, in the canonical order
(status quo first, then by initiator index, initiator's view before receiver's). Queues are padded
to the longest one, ``M`` options, with a validity mask; all ``N`` actors vote on every queue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._bargain import Bargains
from ._challenge import distances, utility
from ._params import SmpParams
from ._voting import coalitions, pce, victory_matrix
from ._workspace import Workspace

__all__ = ["Resolution", "resolve_queues"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]


@dataclass(frozen=True)
class Resolution:
    """The outcome of every queue.

    ``position[B, N, D]`` the new positions; ``chosen[B, N]`` the bargain each actor adopted
    (index into the turn's bargains, −1 = status quo); ``probability[B, N]`` the winning
    option's PCE probability; ``queue_length[B, N]`` (status quo included).
    """

    position: Float
    chosen: Int
    probability: Float
    queue_length: Int


def resolve_queues(
    bargains: Bargains,
    position: Float,
    ideal: Float,
    salience: Float,
    r: Float,
    own: Float,
    capability: Float,
    params: SmpParams,
    uniforms: Float | None,
    work: Workspace | None = None,
) -> Resolution:
    """Vote on every actor's queue and adopt the chosen option (§4.9–4.10).

    ``own[B, a, n]`` = ``U^a_{a n}`` (each voter's own utilities of the current positions);
    ``uniforms[B, N]`` are the draws for ``Stochastic`` transitions (None when deterministic).
    Cost ``O(B N K D)`` for the option values and ``O(B N K²)`` for the coalitions (K = number of
    bargains ≤ 2N).
    """
    b, n, _ = position.shape
    if not bargains.valid.any():  # nobody challenged: every queue is its status quo alone
        ones = np.ones((b, n), dtype=np.int64)
        return Resolution(position.copy(), -ones, np.ones((b, n)), ones)
    rows = np.arange(b)[:, None]
    k_all = bargains.valid.shape[1]
    init = bargains.initiator
    recv = np.where(bargains.valid, bargains.receiver, 0)
    # Average utility over the N positions after the bargain, for every voter a (§4.9).
    both = np.concatenate([bargains.y_initiator, bargains.y_receiver], axis=1)
    u_both = utility(distances(ideal, both, salience), r[:, :, None])
    u_i, u_j = u_both[:, :, :k_all], u_both[:, :, k_all:]
    # Each option's value is the voter's mean utility over the N positions after it is carried
    # out, summed actor by actor in index order as KTAB does: the order decides exact ties under
    # the Binary voting rule (a shortcut S − U_I − U_J + u(y_I) + u(y_J) changes the run).
    by_actor = np.ascontiguousarray(np.moveaxis(own, -1, 1))  # [B, n, a]
    after = work.get(1, (b, n, n, k_all)) if work is not None else np.empty((b, n, n, k_all))
    after[...] = by_actor[:, :, :, None]  # [B, n, a, K]
    a_idx = np.arange(n)[None, :, None]
    k_idx = np.arange(k_all)[None, None, :]
    after[rows[:, :, None], init[:, None, :], a_idx, k_idx] = u_i
    after[rows[:, :, None], recv[:, None, :], a_idx, k_idx] = u_j
    value = after.sum(axis=1) / n  # [B, a, K]; a leading-axis sum adds in actor order
    status_quo = by_actor.sum(axis=1) / n  # [B, a]

    # Every option's coalition strength against every other is the same in every queue that
    # holds both (an option's value does not depend on whose queue it is in), so the coalitions
    # are computed once over all options, O(B N K²), and each queue gathers its sub-matrix.
    # Option 0 is "status quo"; option 1 + β is bargain β. Queue order = this order, which keeps
    # ASymProsp's "higher index" rule (§3.4) intact.
    values = np.concatenate([status_quo[:, :, None], value], axis=-1)  # [B, a, 1 + K]
    m_all = k_all + 1
    scratch = work.get(0, (b, n, m_all, m_all)) if work is not None else None
    strength = coalitions(capability, values, params.voting_rule, work=scratch)
    victory = victory_matrix(strength, params.victory_prob_model)
    actors = np.arange(n)[None, :, None]
    member = bargains.valid[:, None, :] & (
        (init[:, None, :] == actors) | (bargains.receiver[:, None, :] == actors)
    )  # [B, k, K]
    longest = int(member.sum(axis=-1).max()) if member.size else 0
    order = np.argsort(~member, axis=-1, kind="stable")[:, :, :longest]  # first the members
    valid = np.concatenate(
        [np.ones((b, n, 1), dtype=bool), member[rows[:, :, None], actors, order]], axis=-1
    )
    option = np.concatenate([np.zeros((b, n, 1), dtype=np.int64), 1 + order], axis=-1)
    if params.pce_model == "Conditional":
        # Padding slots point at an extra option whose victory probabilities are all 1, so the
        # gathered products need no mask (a factor 1 changes nothing; padded rows are zeroed).
        padded = np.ones((b, m_all + 1, m_all + 1))
        padded[:, :m_all, :m_all] = victory
        option = np.where(valid, option, m_all)
        pair = (rows[:, :, None, None], option[:, :, :, None], option[:, :, None, :])
        probs = pce(None, padded[pair], valid, "Conditional", what="queues", padded=True)
    else:
        pair = (rows[:, :, None, None], option[:, :, :, None], option[:, :, None, :])
        gathered = strength[pair] if params.pce_model == "MarkovIncentive" else None
        probs = pce(gathered, victory[pair], valid, params.pce_model, what="queues")  # [B, k, M]

    if uniforms is None:
        pick = np.argmax(probs, axis=-1)  # first maximum on ties (§4.9)
    else:
        cum = np.cumsum(probs, axis=-1)
        reached = (uniforms[:, :, None] <= cum) & valid
        last = valid.sum(axis=-1) - 1
        pick = np.where(reached.any(axis=-1), np.argmax(reached, axis=-1), last)
    me = np.arange(n)[None, :]
    win = probs[rows, me, pick]
    bargain = order[rows, me, np.maximum(pick - 1, 0)]
    chosen = np.where(pick > 0, bargain, -1)
    as_initiator = init[rows, bargain] == me
    y = np.where(
        as_initiator[:, :, None],
        bargains.y_initiator[rows, bargain],
        bargains.y_receiver[rows, bargain],
    )
    new_position = np.where((pick > 0)[:, :, None], y, position)
    return Resolution(
        position=new_position,
        chosen=chosen.astype(np.int64),
        probability=win,
        queue_length=valid.sum(axis=-1).astype(np.int64),
    )
