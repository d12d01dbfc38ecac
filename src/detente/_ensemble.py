"""The judgement across models: an ensemble weighted by backtest skill, with its calibrated
interval.

Weights come from the shipped calibration (∝ 1/MSE² on the DEU data, method in
:mod:`detente.backtest._calibrate`) and are renormalised over the models that ran; the ensemble
of each Monte Carlo draw is the weighted mean of the models' outcomes for that draw, and its
calibrated interval adds the ensemble's own out-of-sample error.

>>> import detente
>>> c = detente.compare("emission-standards-1994")
>>> e = c.ensemble
>>> round(sum(e.weights.values()), 6), e.intervals.kind
(1.0, 'calibrated')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._intervals import Intervals, calibration, intervals_from_draws
from .backtest import ENSEMBLE, weighted_ensemble
from .models import Forecast
from .scenario import Scenario

__all__ = ["Ensemble", "ensemble"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class Ensemble:
    """The skill-weighted ensemble: ``weights`` (model → share, summing to 1), ``outcome``
    ``float[B, D]`` on the issues' scales, its calibrated ``intervals`` and the backtest record
    it rests on (``mae`` out of sample on ``n`` DEU issues)."""

    issue_ids: tuple[str, ...]
    weights: dict[str, float]
    outcome: Float
    intervals: Intervals
    mae: float
    n: int

    @property
    def outcomes(self) -> dict[str, float]:
        """Issue id → the ensemble forecast (median across draws)."""
        values = np.median(self.outcome, axis=0)
        return {k: float(v) for k, v in zip(self.issue_ids, values, strict=True)}

    def to_json(self) -> dict[str, Any]:
        return {
            "weights": self.weights,
            "outcomes": self.outcomes,
            "intervals": self.intervals.to_json(),
            "backtest": {"mae": self.mae, "n": self.n},
        }


def ensemble(forecasts: Mapping[str, Forecast], scenario: Scenario) -> Ensemble | None:
    """The ensemble of the calibrated models among ``forecasts`` (model name → forecast, all on
    the same draws); None when none of them is calibrated."""
    doc = calibration()
    skill = {k: float(v) for k, v in doc[ENSEMBLE]["weights"].items() if k in forecasts}
    if not skill:
        return None
    total = sum(skill.values())
    weights = {k: v / total for k, v in skill.items()}
    outcome = weighted_ensemble({k: forecasts[k].outcome for k in weights}, weights)
    issue_ids = next(iter(forecasts.values())).issue_ids
    iv = intervals_from_draws(ENSEMBLE, outcome, scenario, issue_ids)
    record = doc[ENSEMBLE]
    return Ensemble(issue_ids, weights, outcome, iv, float(record["mae"]), int(record["n"]))
