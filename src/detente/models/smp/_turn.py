"""One turn of the SMP: from a state ``(positions, ideals)`` to the next (``specs/smp.md`` §4).

:func:`assess_state` computes what a state implies (distances, risk attitudes, own utilities),
which serves both the report of that state and the turn that starts from it;
:func:`take_turn` then runs challenges, bargains, queues and the ideals update.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._bargain import Bargains, make_bargains
from ._challenge import Challenges, challenges, distances, receiver_view, risk_attitudes, utility
from ._params import SmpParams
from ._queue import Resolution, resolve_queues
from ._workspace import Workspace

__all__ = ["Actors", "Assessment", "Turn", "assess_state", "take_turn"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class Actors:
    """The fixed inputs of a run: ``salience[B, N, D]`` (fractions, row sums ≤ 1),
    ``total_salience[B, N]``, ``capability[B, N]`` (> 0), ``accommodation[N, N]`` or None
    (identity)."""

    salience: Float
    total_salience: Float
    capability: Float
    accommodation: Float | None

    def take(self, draws: NDArray[np.intp]) -> Actors:
        return Actors(
            self.salience[draws],
            self.total_salience[draws],
            self.capability[draws],
            self.accommodation,
        )


@dataclass(frozen=True)
class Assessment:
    """What a state implies: ``d[B, N, N]``, risk attitudes ``r[B, N]``, and each actor's own
    risk-aware utility of every position ``own[B, a, n]`` = ``U^a_{a n}``."""

    d: Float
    r: Float
    own: Float


@dataclass(frozen=True)
class Turn:
    """The record of one turn: the new state, the challenges, bargains and queue outcomes."""

    position: Float
    ideal: Float
    challenges: Challenges
    bargains: Bargains
    resolution: Resolution


def assess_state(
    position: Float,
    ideal: Float,
    actors: Actors,
    params: SmpParams,
    work: Workspace | None = None,
) -> Assessment:
    """Distances (§4.1), risk attitudes (§4.2) and own utilities (§4.3) of a state."""
    d = distances(ideal, position, actors.salience)
    b, n = d.shape[:2]
    scratch = work.get(0, (b, n, n, n)) if work is not None else None
    r = risk_attitudes(d, actors.capability, params, work=scratch)
    return Assessment(d=d, r=r, own=utility(d, r[:, :, None]))


def take_turn(
    position: Float,
    ideal: Float,
    state: Assessment,
    actors: Actors,
    params: SmpParams,
    uniforms: Float | None,
    work: Workspace | None = None,
) -> Turn:
    """One turn from ``(position, ideal)`` with its assessment ``state`` (§4.4–4.11)."""
    chosen = challenges(
        state.d, state.r, actors.capability, actors.total_salience, params, work=work
    )
    p_receiver = None
    if params.bargain_model != "InitOnlyInterp":
        p_receiver = receiver_view(
            state.d, state.r, actors.capability, actors.total_salience, chosen.target, params
        )
    bargains = make_bargains(
        position,
        actors.salience,
        actors.capability,
        actors.total_salience,
        chosen.target,
        chosen.probability,
        p_receiver,
        params.inter_vec_brgn,
        params.bargain_model,
    )
    resolution = resolve_queues(
        bargains,
        position,
        ideal,
        actors.salience,
        state.r,
        state.own,
        actors.capability,
        params,
        uniforms,
        work,
    )
    new = resolution.position
    if actors.accommodation is None:
        new_ideal = new  # identity accommodation: the ideal is the current position (§4.11)
    else:
        a = actors.accommodation
        keep = 1.0 - np.minimum(1.0, a.sum(axis=1))
        new_ideal = np.einsum("ij,bjd->bid", a, new) + keep[None, :, None] * ideal
    return Turn(
        position=new,
        ideal=new_ideal,
        challenges=chosen,
        bargains=bargains,
        resolution=resolution,
    )
