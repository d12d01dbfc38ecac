"""The public ``forecast`` door over the model registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import models
from .models import Forecast
from .scenario import Scenario, load_scenario, require_reviewed

__all__ = ["as_scenario", "forecast", "model_params"]


def as_scenario(scenario: Scenario | str | Path) -> Scenario:
    """A reviewed scenario object, loading it when given a path or a built-in name.

    Drafts are refused here (:func:`detente.scenario.require_reviewed`), so every public door
    that computes from a scenario refuses them with the same message.
    """
    return require_reviewed(scenario if isinstance(scenario, Scenario) else load_scenario(scenario))


def model_params(scenario: Scenario, model: str, **params: Any) -> Any:
    """The model's parameter object: defaults, then the scenario's, then ``params``."""
    spec = models.get(model)
    merged = {**scenario.model_parameters.get(model, {}), **params}
    return spec.make_params(**merged)


def forecast(
    scenario: Scenario | str | Path,
    model: str = "compromise",
    *,
    draws: int = 1,
    seed: int | None = 0,
    **params: Any,
) -> Forecast:
    """Run one model on a scenario; ``draws > 1`` samples uncertain inputs (seeded).

    Parameters not given take the scenario's ``model_parameters`` and then the model's defaults.

    >>> f = forecast("emission-standards-1994", "median")
    >>> f.outcomes
    {'lag': 7.0}
    """
    scenario = as_scenario(scenario)
    spec = models.get(model)
    chosen = model_params(scenario, model, **params)
    return spec.run(scenario.to_arrays(draws=draws, seed=seed), chosen)
