"""The public ``forecast`` door over the model registry and the chunked runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._inputs import as_scenario, model_params
from .errors import ModelError
from .models import Forecast
from .scenario import Scenario, uncertain_inputs
from .uncertainty._copula import sample_uniforms
from .uncertainty._runner import run_draws

__all__ = ["forecast"]


def forecast(
    scenario: Scenario | str | Path,
    model: str = "compromise",
    *,
    draws: int = 1,
    seed: int = 0,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    **params: Any,
) -> Forecast:
    """Run one model on a scenario; ``draws > 1`` samples uncertain inputs (seeded).

    Parameters not given take the scenario's ``model_parameters`` and then the model's defaults.
    Many draws run in chunks (``chunk_size``, ``workers``, ``scheduler`` and ``progress`` as in
    :func:`detente.uncertainty.run_draws`); the answer never depends on how they are cut.

    >>> f = forecast("emission-standards-1994", "median")
    >>> f.outcomes
    {'lag': 7.0}
    """
    scenario = as_scenario(scenario)
    chosen = model_params(scenario, model, **params)
    if draws < 1:
        raise ModelError(f"draws must be at least 1; got {draws}")
    uniforms = None
    if draws > 1:
        uniforms = sample_uniforms(uncertain_inputs(scenario), draws, seed)
    return run_draws(
        scenario,
        model,
        chosen,
        uniforms,
        seed=seed,
        chunk_size=chunk_size,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
    )
