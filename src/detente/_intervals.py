"""How sure to be: a forecast's calibrated intervals, read from the shipped calibration.

The calibration (``detente/data/calibration.json``, written by ``detente backtest calibrate``;
method in :mod:`detente.backtest._calibrate`) holds each model's error distribution on real
outcomes (the DEU data). A forecast's *calibrated* interval adds that error to the forecast's
Monte Carlo draws; its *inputs-only* interval is the spread of the draws alone, which says how
much the analyst's ranges matter but not how wrong the model tends to be.

>>> from detente import forecast, load_scenario
>>> s = load_scenario("emission-standards-1994")
>>> iv = intervals(forecast(s, "compromise"), s)
>>> iv.kind, [round(x, 1) for x in iv.interval("lag", 0.8)]
('calibrated', [1.8, 11.7])
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .backtest._conformal import LEVELS, predictive_interval
from .errors import ModelError
from .models import Forecast
from .scenario import Scenario

__all__ = [
    "Intervals",
    "calibration",
    "calibration_path",
    "forecast_json",
    "intervals",
    "intervals_from_draws",
    "issue_interval",
    "p_above_middle",
]

Float = NDArray[np.float64]
Kind = Literal["calibrated", "inputs only"]


def calibration_path() -> Path:
    """Where the shipped calibration lives."""
    return Path(str(resources.files("detente") / "data" / "calibration.json"))


def calibration(path: Path | None = None) -> dict[str, Any]:
    """The calibration document (read on each call: it is small, and no cache goes stale)."""
    file = path or calibration_path()
    try:
        return dict(json.loads(file.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ModelError(
            f"no calibration file at {file}; regenerate it with `detente backtest calibrate`"
        ) from None


def _atoms(doc: dict[str, Any], model: str) -> Float:
    record = doc[model] if model == "ensemble" else doc["models"].get(model)
    if record is None:
        raise ModelError(
            f"model '{model}' has no calibration; calibrated models: "
            f"{', '.join(doc['models'])} (regenerate with `detente backtest calibrate`)"
        )
    return np.asarray(record["atoms"], dtype=np.float64)


@dataclass(frozen=True)
class Intervals:
    """Central intervals per level and issue, on each issue's own scale.

    ``low`` and ``high`` are ``float[L, D]`` for ``levels`` (L) and ``issue_ids`` (D); ``kind``
    says whether the model's calibrated error is included or only the inputs' spread.
    """

    model: str
    kind: Kind
    issue_ids: tuple[str, ...]
    levels: tuple[float, ...]
    low: Float
    high: Float

    def interval(self, issue: str, level: float = 0.8) -> tuple[float, float]:
        """``(low, high)`` of one issue at one level."""
        try:
            i, j = self.levels.index(level), self.issue_ids.index(issue)
        except ValueError:
            raise ModelError(
                f"no {level:g} interval for issue '{issue}'; levels {list(self.levels)}, "
                f"issues {', '.join(self.issue_ids)}"
            ) from None
        return float(self.low[i, j]), float(self.high[i, j])

    def to_json(self) -> dict[str, Any]:
        """``{"kind", "model", "levels": {level: {issue: [low, high]}}}``."""
        return {
            "kind": self.kind,
            "model": self.model,
            "levels": {
                f"{lv:g}": {
                    issue: [float(self.low[i, j]), float(self.high[i, j])]
                    for j, issue in enumerate(self.issue_ids)
                }
                for i, lv in enumerate(self.levels)
            },
        }


def intervals_from_draws(
    model: str,
    draws: Float,
    scenario: Scenario,
    issue_ids: Sequence[str],
    *,
    calibrated: bool = True,
    levels: Sequence[float] = LEVELS,
    path: Path | None = None,
) -> Intervals:
    """Intervals of outcome draws ``float[B, D]`` (issue scales) under ``model``'s calibration.

    Calibrated: the draws plus the model's DEU error (``calibration()[model]``), clipped to each
    issue's scale. Inputs only: the draws' own central quantiles.
    """
    issues = [scenario.issue(i) for i in issue_ids]
    lo_end = np.array([i.scale.min for i in issues])
    span = np.array([i.scale.max - i.scale.min for i in issues])
    internal = 100.0 * (np.asarray(draws, dtype=np.float64) - lo_end) / span
    atoms = _atoms(calibration(path), model) if calibrated else np.zeros(1)
    bounds = [predictive_interval(internal, atoms, lv) for lv in levels]
    low = np.stack([b[0] for b in bounds]) * span / 100.0 + lo_end
    high = np.stack([b[1] for b in bounds]) * span / 100.0 + lo_end
    # An inverted scale (min > max) swaps the ends back on its own scale.
    low, high = np.minimum(low, high), np.maximum(low, high)
    kind: Kind = "calibrated" if calibrated else "inputs only"
    return Intervals(model, kind, tuple(issue_ids), tuple(levels), low, high)


def intervals(
    forecast: Forecast,
    scenario: Scenario,
    *,
    calibrated: bool = True,
    levels: Sequence[float] = LEVELS,
    path: Path | None = None,
) -> Intervals:
    """A forecast's 50/80/95% intervals: calibrated by default, or from the inputs only."""
    return intervals_from_draws(
        forecast.model,
        forecast.outcome,
        scenario,
        forecast.issue_ids,
        calibrated=calibrated,
        levels=levels,
        path=path,
    )


def forecast_json(
    forecast: Forecast,
    scenario: Scenario,
    *,
    modes: Forecast | None = None,
    all_draws: bool = False,
) -> dict[str, Any]:
    """A forecast's JSON with its calibrated intervals (None for a model registered after the
    last calibration) and its inputs-only ones: ``detente forecast --json`` and the service's
    forecast run give this one shape. ``modes`` and ``all_draws`` are those of
    :meth:`~detente.models.Forecast.to_json` (the bounded summary of many draws)."""
    known = forecast.model in calibration()["models"]
    return {
        **forecast.to_json(modes=modes, all_draws=all_draws),
        "intervals": {
            "calibrated": intervals(forecast, scenario).to_json() if known else None,
            "inputs_only": intervals(forecast, scenario, calibrated=False).to_json(),
        },
    }


def p_above_middle(model: str, draws: Float, scenario: Scenario, issue_ids: Sequence[str]) -> Float:
    """P(outcome above the middle of each issue's scale) under ``model``'s calibrated predictive
    distribution (draws + DEU error), ``float[D]``; draws ``float[B, D]`` on the issue scales.

    Ties at the middle count half, so a forecast at the middle with a symmetric error is 0.5.
    """
    issues = [scenario.issue(i) for i in issue_ids]
    lo_end = np.array([i.scale.min for i in issues])
    span = np.array([i.scale.max - i.scale.min for i in issues])
    internal = 100.0 * (np.asarray(draws, dtype=np.float64) - lo_end) / span
    atoms = _atoms(calibration(), model)
    total = np.clip(internal[:, None, :] + atoms[None, :, None], 0.0, 100.0)
    above = (total > 50.0).mean(axis=(0, 1)) + 0.5 * (total == 50.0).mean(axis=(0, 1))
    return np.asarray(above, dtype=np.float64)


def issue_interval(
    model: str, draws: Float, low_end: float, high_end: float, level: float = 0.8
) -> tuple[float, float] | None:
    """One issue's calibrated interval from its draws ``float[B]`` on the scale
    ``[low_end, high_end]``; None when ``model`` has no calibration (e.g. a reference
    forecaster), so a table can leave the cell empty."""
    doc = calibration()
    if model != "ensemble" and model not in doc["models"]:
        return None
    span = high_end - low_end
    internal = 100.0 * (np.asarray(draws, dtype=np.float64).reshape(-1, 1) - low_end) / span
    lo, hi = predictive_interval(internal, _atoms(doc, model), level)
    ends = sorted((float(lo[0]) * span / 100.0 + low_end, float(hi[0]) * span / 100.0 + low_end))
    return ends[0], ends[1]
