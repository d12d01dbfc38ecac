"""Actors' utilities over packages and the veto players' walk-away utilities.

A *package* is one value per issue on the internal 0–100 scale. Actor ``i``'s utility for package
``x`` is minus its salience-weighted distance to its positions, normalised per actor so that the
weights sum to one and the distance runs over 0–1:

    linear (default):  u_i(x) = - sum_j w_ij |x_j - p_ij| / 100
    quadratic:         u_i(x) = - sum_j w_ij ((x_j - p_ij) / 100)^2

with ``w_ij = s_ij / sum_k s_ik`` over the issues the actor takes part in. So ``u_i`` lies in
[-1, 0]: 0 at the actor's ideal package, -1 only if every issue sits at the far end of the scale.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ModelError, did_you_mean
from ..scenario import ScenarioArrays
from ._lp import Form, loss_pieces

__all__ = ["TOL", "utility", "veto_index", "walk_away_utility", "weights"]

Float = NDArray[np.float64]
# Surplus below which a constraint counts as binding, and above which a zone counts as non-empty
# (the LP solver's feasibility tolerance is about 1e-7).
TOL = 1e-6


def veto_index(arrays: ScenarioArrays) -> NDArray[np.int64]:
    """Indices of the veto players; a scenario without any cannot have its deal checked."""
    index = np.flatnonzero(arrays.veto).astype(np.int64)
    if index.size == 0:
        raise ModelError(
            f"scenario '{arrays.scenario_id or '(unnamed)'}' has no veto players: mark the actors "
            "who can block a deal with 'veto: true'"
        )
    return index


def weights(arrays: ScenarioArrays) -> Float:
    """``float[B, N, D]`` saliences normalised per actor to sum to one over its issues.

    An actor whose saliences are all zero cares about nothing; its weights are all zero and its
    utility is 0 for every package.
    """
    total = arrays.salience.sum(axis=-1, keepdims=True)
    out: Float = np.where(total > 0, arrays.salience / np.where(total > 0, total, 1.0), 0.0)
    return out


def utility(arrays: ScenarioArrays, packages: ArrayLike, *, form: Form = "linear") -> Float:
    """Every actor's utility for every package.

    ``packages``: ``float[B, P, D]``, or ``[P, D]`` / ``[D]`` shared by all draws, on the
    internal 0–100 scale. Returns ``float[B, P, N]``.

    >>> from detente import load_scenario
    >>> a = load_scenario("emission-standards-1994").to_arrays()
    >>> [round(float(u), 3) for u in utility(a, [50.0])[0, 0, :3]]
    [-0.167, -0.083, -0.167]
    """
    loss_pieces(form)  # refuses an unknown form by name
    x = np.asarray(packages, dtype=np.float64)
    if x.ndim not in (1, 2, 3):
        raise ModelError(f"packages must be [D], [P, D] or [B, P, D]; got shape {x.shape}")
    x = x.reshape((1,) * (3 - x.ndim) + x.shape)
    if x.shape[-1] != arrays.n_issues:
        raise ModelError(
            f"a package needs one value per issue ({arrays.n_issues}: "
            f"{', '.join(arrays.issue_ids)}); got {x.shape[-1]}"
        )
    w = weights(arrays)[:, None]  # [B, 1, N, D]
    p = np.nan_to_num(arrays.positions)[:, None]
    d = (x[:, :, None, :] - p) / 100.0  # [B, P, N, D]
    loss = np.abs(d) if form == "linear" else d**2
    u: Float = -(w * loss).sum(axis=-1)
    return u


def walk_away_utility(
    arrays: ScenarioArrays,
    *,
    form: Form = "linear",
    values: Mapping[str, ArrayLike] | None = None,
) -> Float:
    """``float[B, N]``: each actor's utility of walking away (no deal).

    By default it is the actor's utility of its walk-away positions; on an issue without one the
    issue's status quo (reference point) is used. ``values`` gives an explicit walk-away utility
    per actor id (a number or ``float[B]``), e.g. the expected value of renewed conflict from
    :mod:`detente.guarantees`; it overrides the positions. Veto players need one or the other
    on every issue they take part in (:class:`ModelError` otherwise); other actors without one
    get NaN.

    >>> from detente import load_scenario
    >>> a = load_scenario("emission-standards-1994").to_arrays()
    >>> float(walk_away_utility(a, values={"UK": -0.5})[0, 6])
    -0.5
    """
    values = dict(values or {})
    unknown = [a for a in values if a not in arrays.actor_ids]
    if unknown:
        raise ModelError(
            f"walk-away value for unknown actor '{unknown[0]}'"
            f"{did_you_mean(unknown[0], arrays.actor_ids)}; the actors are: "
            f"{', '.join(arrays.actor_ids)}"
        )
    points = np.where(np.isnan(arrays.walk_away), arrays.status_quo[:, None, :], arrays.walk_away)
    needed = arrays.mask & (arrays.salience > 0).any(axis=0)
    missing = needed[None] & np.isnan(points)
    explicit = np.array([a in values for a in arrays.actor_ids])
    incomplete = missing.any(-1) & ~explicit[None, :]  # [B, N]
    missing &= (~explicit & arrays.veto)[None, :, None]
    if missing.any():
        _, i, j = (int(k[0]) for k in np.nonzero(missing))
        raise ModelError(
            f"actor '{arrays.actor_ids[i]}' has no walk-away position on issue "
            f"'{arrays.issue_ids[j]}' and the issue has no status quo: give the actor a "
            "'walk_away' there, the issue a 'status_quo', or an explicit walk-away value"
        )
    w = weights(arrays)
    dist = (np.nan_to_num(points) - np.nan_to_num(arrays.positions)) / 100.0
    loss = np.abs(dist) if form == "linear" else dist**2
    out: Float = np.where(incomplete, np.nan, -(w * loss).sum(axis=-1))
    for actor, value in values.items():
        col = arrays.actor_ids.index(actor)
        v = np.broadcast_to(np.asarray(value, dtype=np.float64), (arrays.draws,))
        if not np.isfinite(v).all():
            raise ModelError(
                f"walk-away value of '{actor}' must be finite; got {v[~np.isfinite(v)][0]}"
            )
        out[:, col] = v
    return out
