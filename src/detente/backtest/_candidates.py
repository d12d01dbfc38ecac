"""Candidate models for the search for something better than compromise on DEU.

Each is a pure function ``(arrays, params) -> Forecast`` with documented parameters, so the
search can tune it over a grid by cross-validation. They live here, not in the model registry,
until one of them earns its place there by beating compromise out of sample.

- ``anchored``: compromise moved along the line through the status quo ``q``:
  ``ô = m + anchor · (m − q)`` (``anchor`` < 0 pulls toward ``q``, > 0 pushes away), then
  ``center_pull`` shrinks it toward the middle of the scale.
- ``power_mean``: the weighted mean with weights ``c^capability_power · s^salience_power``
  (1, 1 = compromise; 0, 0 = unweighted mean).
- ``blend``: ``share · compromise + (1 − share) · weighted median``.
- ``snapped``: compromise, snapped to the nearer pole (0 or 100) on near-binary issues, where
  at least ``threshold`` of the capability × salience weight sits within 5 points of a pole.

>>> from detente.scenario import ScenarioArrays
>>> a = ScenarioArrays.build([0.0, 100.0], salience=[1.0, 1.0], status_quo=[20.0])
>>> ANCHORED(a, AnchoredParams(anchor=0.5)).outcomes["i0"]
65.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError
from ..models import Forecast, ModelSpec, make_forecast, param, weighted_mean, weighted_median
from ..scenario import ScenarioArrays

__all__ = ["ANCHORED", "BLEND", "CANDIDATE_SPECS", "POWER_MEAN", "SNAPPED", "AnchoredParams"]

Float = NDArray[np.float64]


def _by_issue(arrays: ScenarioArrays, weights: Float) -> tuple[Float, Float]:
    """Positions and weights ``[B, D, N]`` (actor axis last), weights zero where masked."""
    w = np.where(arrays.mask, weights, 0.0)
    return np.swapaxes(arrays.positions, 1, 2), np.swapaxes(w, 1, 2)


def _checked(arrays: ScenarioArrays, name: str, params: object, outcome: Float) -> Forecast:
    bad = np.flatnonzero(np.isnan(outcome).any(axis=0))
    if bad.size:
        issues = ", ".join(arrays.issue_ids[j] for j in bad)
        raise ModelError(
            f"model '{name}': issue {issues} has no actor with a position and a positive weight"
        )
    return make_forecast(arrays, name, params, outcome)


def _compromise(arrays: ScenarioArrays) -> Float:
    x, w = _by_issue(arrays, arrays.capability * arrays.salience)
    return weighted_mean(x, w)


@dataclass(frozen=True)
class AnchoredParams:
    anchor: float = param(
        0.0, "move along compromise − status quo: 0 = compromise, −1 = the status quo"
    )
    center_pull: float = param(0.0, "then shrink toward 50 by this share (0 = none, 1 = 50)")


def anchored(arrays: ScenarioArrays, params: AnchoredParams) -> Forecast:
    """Compromise anchored on the status quo where one is coded (compromise elsewhere)."""
    m = _compromise(arrays)
    q = arrays.status_quo
    moved = np.where(np.isfinite(q), m + params.anchor * (m - q), m)
    outcome = np.clip((1.0 - params.center_pull) * moved + params.center_pull * 50.0, 0.0, 100.0)
    return _checked(arrays, "anchored", params, outcome)


@dataclass(frozen=True)
class PowerMeanParams:
    capability_power: float = param(1.0, "exponent of capability in the weights")
    salience_power: float = param(1.0, "exponent of salience in the weights")


def power_mean(arrays: ScenarioArrays, params: PowerMeanParams) -> Forecast:
    """Weighted mean with weights ``c^a · s^b`` (a = b = 1 is compromise)."""
    with np.errstate(divide="ignore"):
        # 0^0 = 1 (an exponent of 0 ignores the input); 0^b = 0 for b > 0.
        w = np.power(arrays.capability, params.capability_power) * np.power(
            arrays.salience, params.salience_power
        )
    x, wt = _by_issue(arrays, w)
    return _checked(arrays, "power_mean", params, weighted_mean(x, wt))


@dataclass(frozen=True)
class BlendParams:
    share: float = param(0.5, "weight of compromise; the rest goes to the c·s weighted median")


def blend(arrays: ScenarioArrays, params: BlendParams) -> Forecast:
    """A mix of compromise (mean) and the weighted median (the Condorcet winner)."""
    x, w = _by_issue(arrays, arrays.capability * arrays.salience)
    outcome = params.share * weighted_mean(x, w) + (1 - params.share) * weighted_median(x, w)
    return _checked(arrays, "blend", params, outcome)


@dataclass(frozen=True)
class SnappedParams:
    threshold: float = param(
        0.9, "share of the c·s weight within 5 points of 0 or 100 that makes an issue binary"
    )


def snapped(arrays: ScenarioArrays, params: SnappedParams) -> Forecast:
    """Compromise, moved to the likelier pole on near-binary issues.

    On an issue whose actors (by capability × salience) sit at the scale's ends, a split-the-
    difference outcome is often not on the table: the decision goes one way or the other. The
    likelier pole is the side of 50 the compromise lies on (ties stay at 50).
    """
    x, w = _by_issue(arrays, arrays.capability * arrays.salience)
    m = weighted_mean(x, w)
    at_pole = np.where(np.isfinite(x), (x <= 5.0) | (x >= 95.0), False)
    total = w.sum(axis=-1)
    share = np.where(total > 0, (w * at_pole).sum(axis=-1) / np.where(total > 0, total, 1), 0.0)
    pole = np.where(m > 50.0, 100.0, np.where(m < 50.0, 0.0, 50.0))
    outcome = np.where(share >= params.threshold, pole, m)
    return _checked(arrays, "snapped", params, outcome)


ANCHORED = ModelSpec(
    "anchored", anchored, AnchoredParams, "compromise anchored on the status quo (rp)"
)
POWER_MEAN = ModelSpec(
    "power_mean", power_mean, PowerMeanParams, "weighted mean with weights c^a · s^b"
)
BLEND = ModelSpec("blend", blend, BlendParams, "mix of compromise and the weighted median")
SNAPPED = ModelSpec(
    "snapped", snapped, SnappedParams, "compromise snapped to a pole on near-binary issues"
)
CANDIDATE_SPECS: dict[str, ModelSpec] = {s.name: s for s in (ANCHORED, POWER_MEAN, BLEND, SNAPPED)}
