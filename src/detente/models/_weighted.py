"""Weighted mean and weighted median over the actor axis, batched.

Both take arrays whose **last** axis is the actor axis (``[..., N]``). Entries with a
non-positive weight or a non-finite position take no part. Shared by the baseline models and by
the dynamic models' per-round records.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["MedianTie", "weighted_mean", "weighted_median"]

Float = NDArray[np.float64]
MedianTie = Literal["lower", "midpoint", "upper"]

# Relative tolerance for "the cumulative weight reaches half the total" (baselines.md §3).
_HALF_RTOL = 1e-12


def weighted_mean(x: Float, w: Float) -> Float:
    """``sum(w x) / sum(w)`` over the last axis; NaN where no positive weight exists.

    >>> float(weighted_mean(np.array([4.0, 10.0]), np.array([1.0, 2.0])))
    8.0
    """
    valid = (w > 0) & np.isfinite(x)
    wv = np.where(valid, w, 0.0)
    total = wv.sum(axis=-1)
    num = (wv * np.where(valid, x, 0.0)).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, num / np.where(total > 0, total, 1.0), np.nan)


def weighted_median(x: Float, w: Float, *, tie: MedianTie = "lower") -> Float:
    """The weighted median (Condorcet winner under weighted votes) over the last axis.

    The smallest position whose cumulative weight reaches half the total (relative tolerance
    1e-12). When the cumulative weight at that position equals exactly half, every point up to
    the next position with positive weight is a median: ``tie`` picks the ``lower`` end (the
    default), the ``upper`` end or the ``midpoint``. NaN where no positive weight exists.

    >>> float(weighted_median(np.array([4.0, 7.0, 10.0]), np.array([1.0, 1.0, 2.0])))
    7.0
    >>> float(weighted_median(np.array([4.0, 10.0]), np.array([1.0, 1.0]), tie="midpoint"))
    7.0
    """
    valid = (w > 0) & np.isfinite(x)
    xs_raw = np.where(valid, x, np.inf)
    ws_raw = np.where(valid, w, 0.0)
    order = np.argsort(xs_raw, axis=-1, kind="stable")
    xs = np.take_along_axis(xs_raw, order, axis=-1)
    ws = np.take_along_axis(ws_raw, order, axis=-1)
    cum = np.cumsum(ws, axis=-1)
    total = cum[..., -1]
    half = total / 2.0
    k = np.argmax(cum >= half[..., None] * (1.0 - _HALF_RTOL), axis=-1)
    lower = np.take_along_axis(xs, k[..., None], axis=-1)[..., 0]
    out = lower
    if tie != "lower":
        # Weight at or below the chosen position (all actors sharing it count).
        at_or_below = np.where(xs <= lower[..., None], ws, 0.0).sum(axis=-1)
        exact = np.abs(at_or_below - half) <= _HALF_RTOL * total
        above = np.where(xs > lower[..., None], xs, np.inf).min(axis=-1)
        upper = np.where(np.isfinite(above), above, lower)
        other = upper if tie == "upper" else (lower + upper) / 2.0
        out = np.where(exact, other, lower)
    return np.where(total > 0, out, np.nan)
