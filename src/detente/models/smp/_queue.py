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
from ._voting import scalar_pce

__all__ = ["Resolution", "resolve_queues"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]

# Largest coalition tensor [chunk, k, voter, M, M] built at once, in elements (~32 MB).
_CHUNK_ELEMENTS = 4_000_000


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
) -> Resolution:
    """Vote on every actor's queue and adopt the chosen option (§4.9–4.10).

    ``own[B, a, n]`` = ``U^a_{a n}`` (each voter's own utilities of the current positions);
    ``uniforms[B, N]`` are the draws for ``Stochastic`` transitions (None when deterministic).
    Cost ``O(B N K D)`` for the option values and ``O(B N² M²)`` for the queue votes.
    """
    b, n, _ = position.shape
    rows = np.arange(b)[:, None]
    k_all = bargains.valid.shape[1]
    init = bargains.initiator
    recv = np.where(bargains.valid, bargains.receiver, 0)
    # Average utility over the N positions after the bargain, for every voter a (§4.9).
    total = own.sum(axis=-1)  # S_a
    u_i = utility(distances(ideal, bargains.y_initiator, salience), r[:, :, None])
    u_j = utility(distances(ideal, bargains.y_receiver, salience), r[:, :, None])
    own_i = np.take_along_axis(own, np.broadcast_to(init[:, None, :], (b, n, k_all)), axis=-1)
    own_j = np.take_along_axis(own, np.broadcast_to(recv[:, None, :], (b, n, k_all)), axis=-1)
    value = (total[:, :, None] - own_i - own_j + u_i + u_j) / n  # [B, a, K]
    status_quo = total / n  # [B, a]

    actors = np.arange(n)[None, :, None]
    member = bargains.valid[:, None, :] & (
        (init[:, None, :] == actors) | (bargains.receiver[:, None, :] == actors)
    )  # [B, k, K]
    longest = int(member.sum(axis=-1).max()) if member.size else 0
    order = np.argsort(~member, axis=-1, kind="stable")[:, :, :longest]  # first the members
    valid = np.concatenate(
        [np.ones((b, n, 1), dtype=bool), np.take_along_axis(member, order, axis=-1)], axis=-1
    )
    options = np.empty((b, n, n, longest + 1))  # [B, k, a, M]
    options[..., 0] = status_quo[:, None, :]
    options[..., 1:] = value[rows[:, :, None, None], np.arange(n)[None, None, :, None], order[
        :, :, None, :
    ]]
    probs = _queue_pce(capability, options, valid, params)  # [B, k, M]

    if uniforms is None:
        pick = np.argmax(probs, axis=-1)  # first maximum on ties (§4.9)
    else:
        cum = np.cumsum(probs, axis=-1)
        reached = (uniforms[:, :, None] <= cum) & valid
        last = valid.sum(axis=-1) - 1
        pick = np.where(reached.any(axis=-1), np.argmax(reached, axis=-1), last)
    win = np.take_along_axis(probs, pick[:, :, None], axis=-1)[:, :, 0]
    bargain = np.take_along_axis(order, np.maximum(pick - 1, 0)[:, :, None], axis=-1)[:, :, 0]
    chosen = np.where(pick > 0, bargain, -1)
    me = np.arange(n)[None, :]
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


def _queue_pce(capability: Float, options: Float, valid: NDArray[np.bool_], params: SmpParams) -> Float:
    """PCE of every queue, in chunks of queues so the coalition tensor stays bounded."""
    b, n, _, m = options.shape
    per_queue = n * m * m
    step = max(1, _CHUNK_ELEMENTS // max(1, b * per_queue))
    parts = []
    for start in range(0, n, step):
        stop = min(n, start + step)
        parts.append(
            scalar_pce(
                capability[:, None, :],
                options[:, start:stop],
                valid[:, start:stop],
                rule=params.voting_rule,
                victory_model=params.victory_prob_model,
                pce_model=params.pce_model,
                what=f"queues of actors {start}–{stop - 1}",
            )
        )
    return np.concatenate(parts, axis=1)
