"""Several models on one scenario, side by side."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import models
from ._forecast import forecast
from ._inputs import as_scenario
from .errors import ModelError
from .models import Forecast
from .scenario import Scenario

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """Forecasts of several models for one scenario; ``skipped`` says why a model did not run."""

    scenario_id: str
    forecasts: dict[str, Forecast]
    skipped: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "models": {
                name: {"params": fc.to_json()["params"], "outcomes": fc.outcomes}
                for name, fc in self.forecasts.items()
            },
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
            out[name] = forecast(s, name, draws=draws, seed=seed)
        except ModelError as exc:
            if model_names:
                raise
            skipped[name] = str(exc)
        if progress is not None:
            progress(done / len(chosen))
    return Comparison(s.id, out, skipped)
