"""Baseline models: compromise (weighted mean), capability-weighted mean, weighted median, and
the status quo. Static, per issue, batched over draws. Source: ``specs/baselines.md`` §1–3, §5.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ..scenario._arrays import ScenarioArrays
from ._contract import Forecast, ModelSpec, make_forecast, param
from ._weighted import MedianTie, weighted_mean, weighted_median

__all__ = ["COMPROMISE", "MEAN", "MEDIAN", "STATUS_QUO"]

Float = NDArray[np.float64]
Weights = Literal["capability_salience", "capability", "salience", "equal"]


def actor_weights(arrays: ScenarioArrays, weights: Weights) -> Float:
    """Per actor–issue weights ``float[B, N, D]``; zero where the actor has no position."""
    if weights == "capability_salience":
        w = arrays.capability * arrays.salience
    elif weights == "capability":
        w = arrays.capability
    elif weights == "salience":
        w = arrays.salience
    else:
        w = np.ones_like(arrays.salience)
    return np.where(arrays.mask, w, 0.0)


def _by_issue(arrays: ScenarioArrays, weights: Weights) -> tuple[Float, Float]:
    """Positions and weights as ``[B, D, N]`` (actor axis last, as the kernels want)."""
    x = np.swapaxes(arrays.positions, 1, 2)
    w = np.swapaxes(actor_weights(arrays, weights), 1, 2)
    return x, w


def _require_weight(arrays: ScenarioArrays, outcome: Float, model: str, weights: str) -> None:
    bad = np.flatnonzero(np.isnan(outcome).any(axis=0))
    if bad.size:
        issues = ", ".join(arrays.issue_ids[j] for j in bad)
        raise ModelError(
            f"model '{model}': issue {issues} has no actor with a position and a positive weight "
            f"({weights.replace('_', ' × ')}); the forecast is undefined there"
        )


@dataclass(frozen=True)
class CompromiseParams:
    """The compromise model has no parameters: weights are capability × salience."""


def compromise(arrays: ScenarioArrays, params: CompromiseParams) -> Forecast:
    """Capability × salience weighted mean of positions, per issue (baselines.md §1).

    >>> from detente import load_scenario
    >>> f = compromise(load_scenario("emission-standards-1994").to_arrays(), CompromiseParams())
    >>> round(f.outcomes["lag"], 6)
    7.389956
    """
    x, w = _by_issue(arrays, "capability_salience")
    outcome = weighted_mean(x, w)
    _require_weight(arrays, outcome, "compromise", "capability_salience")
    return make_forecast(arrays, "compromise", params, outcome)


@dataclass(frozen=True)
class MeanParams:
    weights: Weights = param(
        "capability",
        "actor weights: 'capability' (default), 'capability_salience' (= compromise), "
        "'salience' or 'equal'",
    )


def mean(arrays: ScenarioArrays, params: MeanParams) -> Forecast:
    """Weighted mean of positions, per issue; capability weights by default (baselines.md §2).

    >>> from detente import load_scenario
    >>> f = mean(load_scenario("emission-standards-1994").to_arrays(), MeanParams())
    >>> round(f.outcomes["lag"], 6)
    7.475248
    """
    x, w = _by_issue(arrays, params.weights)
    outcome = weighted_mean(x, w)
    _require_weight(arrays, outcome, "mean", params.weights)
    return make_forecast(arrays, "mean", params, outcome)


@dataclass(frozen=True)
class MedianParams:
    weights: Weights = param(
        "capability_salience",
        "vote weights: 'capability_salience' (default, BDM's median voter), 'capability', "
        "'salience' or 'equal'",
    )
    tie: MedianTie = param(
        "lower",
        "when the cumulative weight is exactly half at a position: 'lower' reports it, "
        "'upper' the next position, 'midpoint' the middle",
    )


def median(arrays: ScenarioArrays, params: MedianParams) -> Forecast:
    """Weighted median of positions (the Condorcet winner), per issue (baselines.md §3).

    >>> from detente import load_scenario
    >>> f = median(load_scenario("emission-standards-1994").to_arrays(), MedianParams())
    >>> f.outcomes["lag"]
    7.0
    """
    x, w = _by_issue(arrays, params.weights)
    outcome = weighted_median(x, w, tie=params.tie)
    _require_weight(arrays, outcome, "median", params.weights)
    return make_forecast(arrays, "median", params, outcome)


@dataclass(frozen=True)
class StatusQuoParams:
    """The status-quo model has no parameters."""


def status_quo(arrays: ScenarioArrays, params: StatusQuoParams) -> Forecast:
    """The status quo (reference point) itself: "nothing changes" (baselines.md §5)."""
    missing = np.flatnonzero(np.isnan(arrays.status_quo).any(axis=0))
    if missing.size:
        issues = ", ".join(arrays.issue_ids[j] for j in missing)
        raise ModelError(
            f"model 'status_quo': issue {issues} has no status quo; give the issue a "
            "'status_quo' value to use this model"
        )
    return make_forecast(arrays, "status_quo", params, arrays.status_quo.copy())


COMPROMISE = ModelSpec(
    "compromise",
    compromise,
    CompromiseParams,
    "capability × salience weighted mean of positions (the DEU benchmark)",
)
MEAN = ModelSpec("mean", mean, MeanParams, "capability-weighted mean of positions")
MEDIAN = ModelSpec(
    "median", median, MedianParams, "weighted median: the Condorcet winner under weighted votes"
)
STATUS_QUO = ModelSpec(
    "status_quo", status_quo, StatusQuoParams, "the status quo (reference point): nothing changes"
)
