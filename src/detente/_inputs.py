"""A run's inputs from what a caller gives: a scenario (object, path or built-in name) and the
model's parameter object (defaults, then the scenario's, then the caller's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import models
from .scenario import Scenario, load_scenario, require_reviewed

__all__ = ["DEAL_DRAWS", "ROUND_CAP", "as_scenario", "model_params", "to_stability"]

# eum and exchange publish a fixed number of rounds (specs eum §5, exchange §5) and keep it as
# their default. Judgements (compare, the brief, `detente forecast`, the calibration) run them
# instead until a round in which nobody moves, at most this many rounds, and report the round
# it settled or that the cap was reached. Stopping there cannot change the answer: a round in
# which nobody moves is followed by identical rounds. smp has its own stop rule (KTAB's).
ROUND_CAP = 100
# Draws of the brief's deal check: enough for P(accept), P(kept) and P(viable) to two decimals'
# worth of meaning (a standard error of at most 0.035), few enough to print the page in well
# under a minute (ukraine-2026's four packages take about 20 s).
DEAL_DRAWS = 200


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


def to_stability(scenario: Scenario | None, model: str) -> dict[str, Any]:
    """Parameters that run a fixed-round model until nothing moves (at most :data:`ROUND_CAP`
    rounds); none for other models or when the scenario sets the model's rounds itself.

    >>> to_stability(None, "eum")
    {'rounds': 100, 'until_stable': 0.0}
    >>> to_stability(None, "smp"), to_stability(None, "compromise")
    ({}, {})
    """
    params = models.get(model).make_params()
    own = scenario.model_parameters.get(model, {}) if scenario is not None else {}
    if not isinstance(params, models.DynamicParams) or params.until_stable is not None:
        return {}
    if "rounds" in own or "until_stable" in own:
        return {}
    return {"rounds": ROUND_CAP, "until_stable": 0.0}
