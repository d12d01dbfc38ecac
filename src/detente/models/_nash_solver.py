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
sits). Several issues are solved jointly with scipy: a linear program finds a point where every
player gains (or proves there is none), then SLSQP maximizes the smooth concave reformulation
with ``t[i, d] >= |z_d - x[i, d]|``. A solver failure raises :class:`ModelError`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError

__all__ = ["NashPoint", "nash_point"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]

# A gain this small (in salience × 0–100 units) counts as no gain: the case is degenerate.
_GAIN_TOL = 1e-9
# Weight of the pull towards the fallback point that picks one maximizer among equals (§4.1).
_EPSILON = 1e-9
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
) -> NashPoint:
    """The capability-weighted Nash bargaining point for every draw.

    Args:
        positions: ``float[B, P, D]`` players' positions (NaN where a player has none).
        salience: ``float[B, P, D]`` in [0, 1] (0 where a player has no position).
        capability: ``float[B, P]`` bargaining weights (> 0).
        disagreement: ``float[B, P]`` each player's utility without a deal.
        fallback: ``float[B, D]`` the point reported when the case is degenerate.
        lower, upper: ``float[B, D]`` the box searched.

    >>> x = np.array([[[40.0], [60.0], [100.0]]])
    >>> s = np.ones_like(x)
    >>> q = np.zeros((1, 1))
    >>> u0 = -(s * np.abs(q[:, None, :] - x)).sum(-1)
    >>> r = nash_point(x, s, np.ones((1, 3)), u0, q, q, np.full((1, 1), 100.0))
    >>> round(float(r.point[0, 0]), 6), bool(r.degenerate[0])
    (53.333333, False)
    """
    b, _, d = positions.shape
    # Players with no weight or no stake have no gain to protect: they leave the product.
    capability = np.where((salience > 0).any(axis=-1), capability, 0.0)
    if d == 1:
        point, degenerate = _one_issue(
            positions[..., 0], salience[..., 0], capability, disagreement
        )
        point = np.where(degenerate, fallback[:, 0], point)[:, None]
    else:
        point = np.empty((b, d))
        degenerate = np.zeros(b, dtype=bool)
        # scipy's solvers take one problem at a time: the loop is over independent solves.
        for k in range(b):
            point[k], degenerate[k] = _package(
                positions[k],
                salience[k],
                capability[k],
                disagreement[k],
                fallback[k],
                lower[k],
                upper[k],
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


def _package(
    x: Float, s: Float, c: Float, u0: Float, fallback: Float, lower: Float, upper: Float
) -> tuple[Float, bool]:
    """Joint point over several issues for one draw (baselines.md §4.3)."""
    from scipy.optimize import linprog, minimize

    active = c > 0
    if not active.any():
        return fallback.copy(), True
    x, s, c, u0 = x[active], s[active], c[active], u0[active]
    pairs = np.argwhere(s > 0)  # (player, issue) pairs that enter a utility
    p, d = s.shape
    m = pairs.shape[0]
    need = -u0  # player i gains iff Σ_d s t < need_i
    xv = x[pairs[:, 0], pairs[:, 1]]
    sv = s[pairs[:, 0], pairs[:, 1]]
    # Phase I (LP): maximize τ with Σ_d s_id t_id + τ <= need_i, t >= |z - x|.
    n_var = d + m + 1
    a_gain = np.zeros((p, n_var))
    a_gain[pairs[:, 0], d + np.arange(m)] = sv
    a_gain[:, -1] = 1.0
    a_abs = np.zeros((2 * m, n_var))
    rows = np.arange(m)
    a_abs[rows, pairs[:, 1]] = 1.0
    a_abs[rows, d + rows] = -1.0
    a_abs[m + rows, pairs[:, 1]] = -1.0
    a_abs[m + rows, d + rows] = -1.0
    a_ub = np.vstack([a_gain, a_abs])
    b_ub = np.concatenate([need, xv, -xv])
    span = float(np.max(upper - lower)) + 1.0
    bounds = [(lo, hi) for lo, hi in zip(lower, upper, strict=True)]
    bounds += [(0.0, span)] * m + [(None, float(np.max(np.abs(need))) + 1.0)]
    cost = np.zeros(n_var)
    cost[-1] = -1.0
    lp = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if lp.status != 0:
        raise ModelError(f"model 'nash': the feasibility program failed ({lp.message})")
    if lp.x[-1] <= _GAIN_TOL:
        return fallback.copy(), True
    start = lp.x[:-1]
    a_lin = a_ub[:, :-1]
    b_lin = b_ub.copy()

    def objective(v: Float) -> tuple[float, Float]:
        gain = need - a_gain[:, d:-1] @ v[d:]
        pull = v[:d] - fallback
        value = -float(np.sum(c * np.log(gain))) + _EPSILON * float(pull @ pull)
        grad = np.zeros_like(v)
        grad[d:] = a_gain[:, d:-1].T @ (c / gain)
        grad[:d] = 2.0 * _EPSILON * pull
        return value, grad

    # Keep every gain at least a sliver above zero so the logarithm stays finite.
    floor = np.zeros(p + 2 * m)
    floor[:p] = 1e-3 * lp.x[-1]
    constraints = {
        "type": "ineq",
        "fun": lambda v: b_lin - floor - a_lin @ v,
        "jac": lambda v: -a_lin,
    }
    result = minimize(
        objective,
        start,
        jac=True,
        method="SLSQP",
        bounds=bounds[:-1],
        constraints=[constraints],
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    if not result.success:
        raise ModelError(f"model 'nash': the optimiser did not converge ({result.message})")
    return np.asarray(result.x[:d], dtype=np.float64), False
