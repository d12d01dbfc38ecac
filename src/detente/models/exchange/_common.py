"""Small helpers shared by the exchange computations: safe division, move signs, and the
overshoot reference outcome (``exchange.md`` §4.5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Reference", "div", "outcome_at", "toward"]

Float = NDArray[np.float64]


def div(a: Float, b: Float) -> Float:
    """``a / b`` with 0 where ``b`` is 0 (degenerate candidates are flagged separately)."""
    safe = np.where(b != 0, b, 1.0)
    return np.where(b != 0, a / safe, 0.0)


def toward(size: Float, start: Float, target: Float) -> Float:
    """A move of ``size`` from ``start`` towards ``target`` (negative iff start > target)."""
    return np.where(start > target, -size, size)


@dataclass(frozen=True)
class Reference:
    """The overshoot reference on one side's supply issue, for ``K`` gathered candidates.

    ``positions`` ``float[K, N]`` are every actor's reference positions on that issue (round
    start, overridden by recorded voting positions), ``weights`` ``float[K, N]`` their capability
    × salience and ``actor`` ``int[K]`` the side's own actor.
    """

    positions: Float
    weights: Float
    actor: NDArray[np.int64]


def outcome_at(ref: Reference, total: Float, z: Float) -> Float:
    """The reference outcome with the side's actor placed at ``z``, ``float[K]``.

    Summed actor by actor in input order (a cumulative sum), as the spec's reference
    implementation does: on the sample case two overshoot checks sit exactly on the partner's
    position, and only this order reproduces the published trajectory (``exchange.md`` §10.3).
    """
    n = ref.positions.shape[-1]
    own = np.arange(n)[None, :] == ref.actor[:, None]
    placed = np.where(own, z[:, None], ref.positions)
    return div(np.cumsum(placed * ref.weights, axis=-1)[:, -1], total)
