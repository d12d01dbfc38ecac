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
        """Per model its parameters and median outcome per issue; over several draws also the
        quantiles and histogram per issue (:meth:`Forecast.to_json`'s), so the size does not
        grow with the draws."""
        return {
            "scenario": self.scenario_id,
            "draws": next(iter(self.forecasts.values())).draws if self.forecasts else 1,
            "models": {name: _summary(fc) for name, fc in self.forecasts.items()},
            "skipped": self.skipped,
        }

    def to_frame(self) -> Any:
        """Issues × models table of forecasts."""
        import pandas as pd

        return pd.DataFrame({name: fc.outcomes for name, fc in self.forecasts.items()})


# What a comparison shows of each model's forecast.
_SUMMARY = ("params", "outcomes", "quantiles", "histogram")


def _summary(fc: Forecast) -> dict[str, Any]:
    out = fc.to_json()
    return {key: out[key] for key in _SUMMARY if key in out}


def compare(
    scenario: Scenario | str | Path,
    model_names: list[str] | None = None,
    *,
    draws: int = 1,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    chunk_size: int | None = None,
    scheduler: str | None = None,
) -> Comparison:
    """Run several models (default: every registered one) on a scenario.

    A model that cannot run on this scenario (e.g. ``status_quo`` without a status quo) is
    listed in ``skipped`` with the reason when all models were asked for; a model asked for by
    name must run. ``progress`` is called with the share of draws done over all models as each
    chunk of draws finishes and before every round (a service's callback may raise there to stop
    the comparison). Over several draws the forecasts keep outcomes and per-round summaries
    only, so memory does not grow with the events of every draw; ``chunk_size`` and
    ``scheduler`` are :func:`forecast`'s.

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
    total = draws * len(chosen)
    done = [0]

    def count(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(min(done[0] / total, 1.0))

    for k, name in enumerate(chosen, start=1):
        try:
            out[name] = forecast(
                s,
                name,
                draws=draws,
                seed=seed,
                full=draws == 1,
                progress=count,
                chunk_size=chunk_size,
                scheduler=scheduler,
            )
        except ModelError as exc:
            if model_names:
                raise
            skipped[name] = str(exc)
        done[0] = k * draws  # a skipped model counts as done
        count(0)
    return Comparison(s.id, out, skipped)
