"""Particular packages in the zone: the one closest to a forecast, and the Nash bargaining point."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ..models._nash_barrier import Pairs, solve_pairs
from ..scenario import ScenarioArrays
from ._lp import Form, loss_pieces, solve_blocks
from ._utility import TOL, veto_index, walk_away_utility, weights

__all__ = ["closest_acceptable", "nash_bargaining", "nash_exponents"]

Float = NDArray[np.float64]


def closest_acceptable(
    arrays: ScenarioArrays,
    targets: Float,
    *,
    walk_away: Float | None = None,
    exists: NDArray[np.bool_] | None = None,
    form: Form = "linear",
) -> Float:
    """The acceptable package nearest (sum of absolute differences) to each target package.

    ``targets``: ``float[B, M, D]`` on 0–100, e.g. M models' forecasts. Returns ``float[B, M, D]``,
    NaN on draws where no package is acceptable (pass the zone's ``exists`` to skip them).

    >>> a = ScenarioArrays.build([[20.0], [60.0]], veto=[True, True], status_quo=[90.0])
    >>> closest_acceptable(a, np.array([[[10.0], [50.0]]]))[0].ravel().round(3).tolist()
    [30.0, 50.0]
    """
    veto = veto_index(arrays)
    targets = np.asarray(targets, dtype=np.float64)
    b, d = arrays.draws, arrays.n_issues
    if targets.ndim != 3 or targets.shape[0] != b or targets.shape[2] != d:
        raise ModelError(f"targets must be [B={b}, M, D={d}]; got shape {targets.shape}")
    m = targets.shape[1]
    wa = walk_away_utility(arrays, form=form) if walk_away is None else walk_away
    if exists is None:
        from ._zone import zone_of_agreement

        exists = zone_of_agreement(arrays, walk_away=wa, form=form).exists
    out = np.full((b, m, d), np.nan)
    draws = np.flatnonzero(exists)
    if draws.size == 0:
        return out
    rep = np.repeat(draws, m)
    # The zone may be a single point, and "exists" allows a shortfall up to TOL: relax the floors
    # by twice that, so that a zone at the break-even point stays feasible for the solver.
    floor = wa[:, veto][rep] - 2.0 * TOL
    sol = solve_blocks(
        arrays.positions[:, veto][rep],
        weights(arrays)[:, veto][rep],
        floor,
        form=form,
        target=np.nan_to_num(targets[draws].reshape(-1, d), nan=50.0),
    )
    out[draws] = sol.x.reshape(draws.size, m, d)
    return out


def nash_exponents(arrays: ScenarioArrays) -> Float:
    """``float[B, V]``: veto players' bargaining weights, their mean capability, summing to one."""
    veto = veto_index(arrays)
    cap = arrays.capability[:, veto]
    share = arrays.mask[veto][None]
    mean_cap = (cap * share).sum(-1) / np.maximum(share.sum(-1), 1)
    total = mean_cap.sum(-1, keepdims=True)
    if not (total > 0).all():
        raise ModelError("the veto players' capabilities are all zero: no bargaining weights")
    out: Float = mean_cap / total
    return out


def nash_bargaining(
    arrays: ScenarioArrays,
    *,
    walk_away: Float | None = None,
    exists: NDArray[np.bool_] | None = None,
    exponents: Float | None = None,
    form: Form = "linear",
) -> Float:
    """The (asymmetric) Nash bargaining package among veto players on every draw.

    Maximises ``prod_i (u_i(x) - walk_away_i) ** c_i`` over acceptable packages, with ``c_i`` the
    veto players' capability shares (:func:`nash_exponents`; multiplying a gain by a constant
    would not move the maximiser, so capability enters as the exponent), with the project's one
    Nash solver (:func:`detente.models._nash_barrier.solve_pairs`; the quadratic utility as
    tangents). Where the zone is a single point (no package gives everyone a gain) that point is
    returned. Returns ``float[B, D]``, NaN on draws with no acceptable package.

    The answer below sits on the second player's ideal, a kink with a flat side, where the
    solver is accurate to about 3e-4 (see :mod:`detente.models._nash_barrier`):

    >>> a = ScenarioArrays.build([[20.0], [60.0]], veto=[True, True], status_quo=[90.0])
    >>> round(float(nash_bargaining(a)[0, 0]), 3)
    60.0
    """
    veto = veto_index(arrays)
    b, d = arrays.draws, arrays.n_issues
    wa = walk_away_utility(arrays, form=form) if walk_away is None else walk_away
    if exists is None:
        from ._zone import zone_of_agreement

        exists = zone_of_agreement(arrays, walk_away=wa, form=form).exists
    c = nash_exponents(arrays) if exponents is None else np.asarray(exponents, dtype=np.float64)
    out = np.full((b, d), np.nan)
    draws = np.flatnonzero(exists)
    if draws.size == 0:
        return out
    slopes, intercepts = loss_pieces(form)
    dense = Pairs.dense(arrays.positions[:, veto][draws], weights(arrays)[:, veto][draws])
    pairs = replace(dense, slopes=slopes / 100.0, intercepts=intercepts)
    lower, upper = np.zeros((draws.size, d)), np.full((draws.size, d), 100.0)
    solution = solve_pairs(pairs, c[draws], wa[:, veto][draws], lower + 50.0, lower, upper)
    out[draws] = np.where(solution.degenerate[:, None], solution.maximin, solution.point)
    return out
