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
    """The overshoot reference on one side's supply issue: the summed weight × reference
    position over all actors (``weighted``) and the side's own reference position (``own``)."""

    weighted: Float
    own: Float


def outcome_at(ref: Reference, weight: Float, total: Float, z: Float) -> Float:
    """The reference outcome with the side (weight ``weight``) placed at ``z``."""
    return div(ref.weighted - weight * ref.own + weight * z, total)
