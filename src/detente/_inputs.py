"""A run's inputs from what a caller gives: a scenario (object, path or built-in name) and the
model's parameter object (defaults, then the scenario's, then the caller's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import models
from .scenario import Scenario, load_scenario, require_reviewed

__all__ = ["as_scenario", "model_params"]


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
