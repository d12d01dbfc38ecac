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
        """Per model its parameters and median outcome per issue; over several draws also the
        quantiles and histogram per issue (:meth:`Forecast.to_json`'s), so the size does not
        grow with the draws."""
        return {
            "scenario": self.scenario_id,
            "draws": next(iter(self.forecasts.values())).draws if self.forecasts else 1,
            "models": {
                name: {
                    "label": self.label(name),
                    **_summary(fc),
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
                **to_stability(s, name),
            )
        except ModelError as exc:
            if model_names:
                raise
            skipped[name] = str(exc)
        done[0] = k * draws  # a skipped model counts as done
        count(0)
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
