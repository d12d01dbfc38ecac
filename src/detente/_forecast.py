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
from .uncertainty._simulate import run_params

__all__ = ["forecast", "forecast_with_modes"]

# How a batch is run, not what it computes: the single draw at the modes runs here, in one piece.
_RUNNER_OPTIONS = ("progress", "workers", "chunk_size", "scheduler")


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
    full: bool = True,
    **params: Any,
) -> Forecast:
    """Run one model on a scenario; ``draws > 1`` samples uncertain inputs (seeded).

    Parameters not given take the scenario's ``model_parameters`` and then the model's defaults.
    Many draws run in chunks (``chunk_size``, ``workers``, ``scheduler`` and ``progress`` as in
    :func:`detente.uncertainty.run_draws`); the answer never depends on how they are cut.
    ``full=False`` keeps outcomes and per-round means and medians only (no events, extras or
    positions), which is what a summary of many draws reads.

    >>> f = forecast("emission-standards-1994", "median")
    >>> f.outcomes
    {'lag': 7.0}
    """
    scenario = as_scenario(scenario)
    # A summary has no use for a dynamic model's full record (every draw's events and
    # positions per round): it would be built, and dropped, chunk by chunk.
    chosen = (model_params if full else run_params)(scenario, model, **params)
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
        full=full,
    )


def forecast_with_modes(
    scenario: Scenario | str | Path,
    model: str = "compromise",
    *,
    draws: int = 1,
    all_draws: bool = False,
    **options: Any,
) -> tuple[Forecast, Forecast | None]:
    """A forecast for a bounded summary: the batch of ``draws`` and the draw at the modes.

    Over several draws the batch keeps only what the summary reads (unless ``all_draws``) and
    the single draw at the inputs' modes is run beside it (always: it is cheap) for its events
    and final positions, so memory and output stay the same size whatever the number of draws;
    pass both to :meth:`~detente.models.Forecast.to_json`. One draw is its own modes draw
    (None).
    ``options`` are :func:`forecast`'s.

    >>> batch, modes = forecast_with_modes("emission-standards-1994", "eum", draws=50)
    >>> batch.draws, modes.draws, "events" in batch.to_json(modes=modes)
    (50, 1, True)
    """
    batch = forecast(scenario, model, draws=draws, full=all_draws or draws == 1, **options)
    if draws == 1:
        return batch, None
    single = {k: v for k, v in options.items() if k not in _RUNNER_OPTIONS}
    return batch, forecast(scenario, model, draws=1, **single)
