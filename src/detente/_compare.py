"""Several models on one scenario, side by side, with the judgement across them: each model's
calibrated interval, a convergence record per dynamic model, the skill-weighted ensemble and a
sentence per issue on why the models disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import models
from ._ensemble import Ensemble, ensemble
from ._explain import Convergence, convergence, disagreement, label
from ._forecast import forecast
from ._inputs import as_scenario, to_stability
from ._intervals import Intervals, calibration, intervals
from .errors import ModelError
from .models import Forecast
from .scenario import Scenario

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """Forecasts of several models for one scenario; ``skipped`` says why a model did not run.

    ``intervals`` holds each model's calibrated intervals, ``convergence`` each dynamic model's
    record, ``ensemble`` the skill-weighted ensemble (None when no model is calibrated) and
    ``why`` one sentence per issue on why the models disagree.
    """

    scenario_id: str
    forecasts: dict[str, Forecast]
    skipped: dict[str, str]
    intervals: dict[str, Intervals] = field(default_factory=dict)
    convergence: dict[str, Convergence] = field(default_factory=dict)
    ensemble: Ensemble | None = None
    why: dict[str, str] = field(default_factory=dict)

    def label(self, name: str) -> str:
        """The model as shown (``nash[all]`` rather than ``nash``)."""
        return label(self.forecasts[name])

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "models": {
                name: {
                    "label": self.label(name),
                    "params": fc.to_json()["params"],
                    "outcomes": fc.outcomes,
                    "intervals": self.intervals[name].to_json() if name in self.intervals else None,
                    "convergence": (
                        self.convergence[name].to_json() if name in self.convergence else None
                    ),
                }
                for name, fc in self.forecasts.items()
            },
            "ensemble": None if self.ensemble is None else self.ensemble.to_json(),
            "why": self.why,
            "skipped": self.skipped,
        }

    def to_frame(self) -> Any:
        """Issues × models table of forecasts."""
        import pandas as pd

        return pd.DataFrame({name: fc.outcomes for name, fc in self.forecasts.items()})


def compare(
    scenario: Scenario | str | Path,
    model_names: list[str] | None = None,
    *,
    draws: int = 1,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> Comparison:
    """Run several models (default: every registered one) on a scenario.

    A model that cannot run on this scenario (e.g. ``status_quo`` without a status quo) is
    listed in ``skipped`` with the reason when all models were asked for; a model asked for by
    name must run. ``progress`` is called with the share of models done after each one (a
    service's callback may raise there to stop the comparison).

    >>> c = compare("emission-standards-1994", ["compromise", "median"])
    >>> c.forecasts["median"].outcomes
    {'lag': 7.0}
    """
    s = as_scenario(scenario)
    chosen = model_names or models.names()
    for name in chosen:
        models.get(name)
    out: dict[str, Forecast] = {}
    skipped: dict[str, str] = {}
    for done, name in enumerate(chosen, start=1):
        try:
            out[name] = forecast(s, name, draws=draws, seed=seed, **to_stability(s, name))
        except ModelError as exc:
            if model_names:
                raise
            skipped[name] = str(exc)
        if progress is not None:
            progress(done / len(chosen))
    calibrated = {n: intervals(fc, s) for n, fc in out.items() if n in _calibrated()}
    settled = {n: c for n, fc in out.items() if (c := convergence(fc, s)) is not None}
    by_label = {label(fc): n for n, fc in out.items()}
    why = {
        issue.id: disagreement(
            issue.id,
            {lab: out[n].outcomes[issue.id] for lab, n in by_label.items()},
            {lab: settled[n] for lab, n in by_label.items() if n in settled},
        )
        for issue in s.issues
    }
    return Comparison(s.id, out, skipped, calibrated, settled, ensemble(out, s), why)


def _calibrated() -> set[str]:
    return set(calibration()["models"])
