"""Naive reference forecasters of the DEU literature, for leaderboards only (``baselines.md`` §6.6).

They are not negotiation models and are not in the model registry; the backtest finds them by
name after the registered models: ``constant[value=50]``, ``position[actor=ep]``,
``median_actor``, ``member_state_mean``. Each is a pure function ``(arrays, params) -> Forecast``.

>>> from detente import load_scenario
>>> a = load_scenario("emission-standards-1994").to_arrays()
>>> round(MEDIAN_ACTOR(a).outcomes["lag"], 6), CONSTANT(a).outcomes["lag"]
(7.0, 6.0)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError, did_you_mean
from ..models import Forecast, ModelSpec, make_forecast, param, weighted_mean
from ..scenario import ScenarioArrays

__all__ = ["CONSTANT", "MEDIAN_ACTOR", "MEMBER_STATE_MEAN", "POSITION", "REFERENCE", "reference"]

Float = NDArray[np.float64]


def _defined(
    arrays: ScenarioArrays, outcome: Float, model: str, params: object, what: str
) -> Forecast:
    """The forecast, or a ModelError naming the issues where it is undefined."""
    bad = np.flatnonzero(np.isnan(outcome).any(axis=0))
    if bad.size:
        issues = ", ".join(arrays.issue_ids[j] for j in bad)
        raise ModelError(f"model '{model}': issue {issues} has {what}; the forecast is undefined")
    return make_forecast(arrays, model, params, outcome)


@dataclass(frozen=True)
class ConstantParams:
    value: float = param(50.0, "the forecast on every issue, on the internal 0–100 scale")


def constant(arrays: ScenarioArrays, params: ConstantParams) -> Forecast:
    """The same point on every issue (50 = the middle of the scale)."""
    outcome = np.full((arrays.draws, arrays.n_issues), float(params.value))
    return make_forecast(arrays, "constant", params, outcome)


@dataclass(frozen=True)
class PositionParams:
    actor: str = param("ep", "the actor whose position is the forecast (DEU: 'com' or 'ep')")


def position(arrays: ScenarioArrays, params: PositionParams) -> Forecast:
    """One actor's position, e.g. the Parliament's; undefined where it has none."""
    if params.actor not in arrays.actor_ids:
        raise ModelError(
            f"model 'position': no actor '{params.actor}'"
            f"{did_you_mean(params.actor, arrays.actor_ids)}; actors: "
            f"{', '.join(arrays.actor_ids)}"
        )
    outcome = arrays.positions[:, arrays.actor_ids.index(params.actor), :]
    return _defined(arrays, outcome, "position", params, f"no position of '{params.actor}'")


@dataclass(frozen=True)
class NoParams:
    """No parameters."""


def median_actor(arrays: ScenarioArrays, params: NoParams) -> Forecast:
    """The ordinary median of the actors' positions (mean of the middle two when even)."""
    with warnings.catch_warnings():
        # An issue where nobody has a position gives NaN ("all-NaN slice"); _defined names it.
        warnings.simplefilter("ignore", RuntimeWarning)
        outcome = np.nanmedian(arrays.positions, axis=1)
    return _defined(arrays, outcome, "median_actor", params, "no actor with a position")


def member_state_mean(arrays: ScenarioArrays, params: NoParams) -> Forecast:
    """Unweighted mean of the member states' positions (all actors but 'com' and 'ep')."""
    member = np.array([a not in ("com", "ep") for a in arrays.actor_ids])
    w = np.where(arrays.mask & member[:, None], 1.0, 0.0)[None]
    outcome = weighted_mean(np.swapaxes(arrays.positions, 1, 2), np.swapaxes(w, 1, 2))
    return _defined(arrays, outcome, "member_state_mean", params, "no member state with a position")


CONSTANT = ModelSpec("constant", constant, ConstantParams, "the same point on every issue")
POSITION = ModelSpec("position", position, PositionParams, "one actor's position")
MEDIAN_ACTOR = ModelSpec(
    "median_actor", median_actor, NoParams, "ordinary median of the actors' positions"
)
MEMBER_STATE_MEAN = ModelSpec(
    "member_state_mean", member_state_mean, NoParams, "unweighted mean of member states"
)
REFERENCE: dict[str, ModelSpec] = {
    s.name: s for s in (CONSTANT, POSITION, MEDIAN_ACTOR, MEMBER_STATE_MEAN)
}


def reference(name: str) -> ModelSpec | None:
    """The reference forecaster called ``name``, or None."""
    return REFERENCE.get(name)
