"""The Nash bargaining point for players with salience-weighted linear-loss utilities.

A reusable pure function (``specs/baselines.md`` §4): players ``i`` with positions ``x[i, d]``,
saliences ``s[i, d]`` and a bargaining weight (capability) ``c[i]`` bargain over a point ``z``;
player i's utility is ``u_i(z) = -Σ_d s[i, d] |z_d - x[i, d]|`` and its *disagreement utility*
``u0[i]`` is what it gets without a deal (the status quo gives ``u_i(q)``; a walk-away point
gives its own value). The point maximizes ``Σ_i c_i log(u_i(z) - u0_i)`` over the box
``[lower, upper]``; when no point gives every player a strictly positive gain the result is
*degenerate* and the fallback point is returned.

One issue is solved exactly for all draws at once (the objective is strictly concave; its
derivative is decreasing, so bisection on its sign finds the maximizer or the kink where it
sits). Several issues are solved jointly for all draws at once by a log-barrier Newton method on
the smooth concave reformulation with ``t[i, d] >= |z_d - x[i, d]|``
(:mod:`detente.models._nash_barrier`): phase I finds a point where every player gains (or shows
there is none), phase II follows the central path. A solver failure raises :class:`ModelError`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._nash_barrier import Engine, solve_package

__all__ = ["NashPoint", "nash_point"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]

# A gain this small (in salience × 0–100 units) counts as no gain: the case is degenerate.
_GAIN_TOL = 1e-9
_BISECTIONS = 200


@dataclass(frozen=True)
class NashPoint:
    """The bargaining point ``z`` ``float[B, D]``, each player's gain ``float[B, P]`` over its
    disagreement utility, and ``degenerate`` ``bool[B]`` (no point gives every player a gain)."""

    point: Float
    gains: Float
    degenerate: Bool


def _utility(z: Float, x: Float, s: Float) -> Float:
    """``u_i(z)`` for ``z[B, D]``, ``x``/``s`` ``[B, P, D]`` (masked pairs have ``s = 0``)."""
    dist = np.abs(z[:, None, :] - np.nan_to_num(x))
    utility: Float = -(s * dist).sum(axis=-1)
    return utility


def nash_point(
    positions: Float,
    salience: Float,
    capability: Float,
    disagreement: Float,
    fallback: Float,
    lower: Float,
    upper: Float,
    *,
    engine: Engine = "kernel",
) -> NashPoint:
    """The capability-weighted Nash bargaining point for every draw.

    Args:
        positions: ``float[B, P, D]`` players' positions (NaN where a player has none).
        salience: ``float[B, P, D]`` in [0, 1] (0 where a player has no position).
        capability: ``float[B, P]`` bargaining weights (> 0).
        disagreement: ``float[B, P]`` each player's utility without a deal.
        fallback: ``float[B, D]`` the point reported when the case is degenerate.
        lower, upper: ``float[B, D]`` the box searched.
        engine: how several issues are solved (:func:`._nash_barrier.solve_pairs`).

    >>> x = np.array([[[40.0], [60.0], [100.0]]])
    >>> s = np.ones_like(x)
    >>> q = np.zeros((1, 1))
    >>> u0 = -(s * np.abs(q[:, None, :] - x)).sum(-1)
    >>> r = nash_point(x, s, np.ones((1, 3)), u0, q, q, np.full((1, 1), 100.0))
    >>> round(float(r.point[0, 0]), 6), bool(r.degenerate[0])
    (53.333333, False)
    """
    d = positions.shape[2]
    # Players with no weight or no stake have no gain to protect: they leave the product.
    capability = np.where((salience > 0).any(axis=-1), capability, 0.0)
    if d == 1:
        point, degenerate = _one_issue(
            positions[..., 0], salience[..., 0], capability, disagreement
        )
        point = np.where(degenerate, fallback[:, 0], point)[:, None]
    else:
        point, degenerate = solve_package(
            positions, salience, capability, disagreement, fallback, lower, upper, engine
        )
    gains = _utility(point, positions, salience) - disagreement
    return NashPoint(point=point, gains=gains, degenerate=degenerate)


def _one_issue(x: Float, s: Float, c: Float, u0: Float) -> tuple[Float, Bool]:
    """Exact one-issue point, ``x``/``s``/``c``/``u0`` ``[B, P]`` (baselines.md §4.2).

    Player i gains on the open interval ``|z - x_i| < r_i`` with ``r_i = -u0_i / s_i``; the
    objective ``Σ c_i log(r_i - |z - x_i|)`` is strictly concave on the intersection of these
    intervals, which is empty (degenerate) when players sit on both sides of the status quo.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        reach = np.where(s > 0, -u0 / np.where(s > 0, s, 1.0), np.inf)
    xs = np.nan_to_num(x)
    lo = np.max(np.where(s > 0, xs - reach, -np.inf), axis=1)
    hi = np.min(np.where(s > 0, xs + reach, np.inf), axis=1)
    degenerate = ~(hi - lo > _GAIN_TOL) | ~np.isfinite(hi - lo)
    lo = np.where(degenerate, 0.0, lo)
    hi = np.where(degenerate, 0.0, hi)
    weight = np.where(s > 0, c[:, None] if c.ndim == 1 else c, 0.0)
    for _ in range(_BISECTIONS):
        mid = (lo + hi) / 2.0
        slack = reach - np.abs(mid[:, None] - xs)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(weight > 0, weight * np.sign(xs - mid[:, None]) / slack, 0.0)
        rising = terms.sum(axis=1) > 0
        lo = np.where(rising, mid, lo)
        hi = np.where(rising, hi, mid)
    return (lo + hi) / 2.0, degenerate
