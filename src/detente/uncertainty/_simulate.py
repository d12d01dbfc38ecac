"""``simulate``: Monte Carlo over a scenario's uncertain inputs with any registered model."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import models
from .._inputs import as_scenario, model_params
from ..errors import ModelError
from ..scenario import Scenario, uncertain_inputs
from ._copula import Correlated, sample_uniforms
from ._result import Simulation
from ._runner import run_outcomes

__all__ = ["band_edges", "run_params", "simulate"]

# Without interior anchors an issue's scale is cut into this many equal bands.
_DEFAULT_BANDS = 5


def band_edges(scenario: Scenario) -> tuple[tuple[float, ...], ...]:
    """Per issue: the scale's ends and every anchor strictly inside, ascending."""
    out = []
    for issue in scenario.issues:
        lo, hi = issue.scale.min, issue.scale.max
        inner = sorted({a.value for a in issue.scale.anchors if lo < a.value < hi})
        if not inner:
            step = (hi - lo) / _DEFAULT_BANDS
            inner = [lo + step * k for k in range(1, _DEFAULT_BANDS)]
        out.append((lo, *inner, hi))
    return tuple(out)


def run_params(scenario: Scenario, model: str, **params: Any) -> Any:
    """The model's parameters for a many-draw run.

    Dynamic models keep only per-round summaries unless ``keep`` is given: a run keeps just the
    outcomes and the rounds to stability, so the full ``[B, R+1, N, D]`` record would be waste.
    """
    spec = models.get(model)
    chosen = model_params(scenario, model, **params)
    names = {f.name for f in dataclasses.fields(chosen)}
    if spec.dynamic and "keep" in names and "keep" not in params:
        chosen = dataclasses.replace(chosen, keep="summary")
    return chosen


def simulate(
    scenario: Scenario | str | Path,
    model: str = "compromise",
    *,
    draws: int = 10_000,
    seed: int = 0,
    correlated: Sequence[Correlated] = (),
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    **params: Any,
) -> Simulation:
    """Monte Carlo: sample every uncertain input ``draws`` times and run ``model`` on each draw.

    Inputs are drawn from their triangular ranges with uniforms from ``seed`` (correlated through
    a Gaussian copula when ``correlated`` groups are given), all before the draws are cut into
    chunks of ``chunk_size`` (default: sized to the scenario to bound memory). Chunks run in this
    process, on ``workers`` local processes, or on the Dask cluster at ``scheduler``; the result
    is the same, bit for bit, whichever is used. ``progress`` is called with a chunk's number of
    draws as each chunk finishes. ``draws=1`` is a point run at the modes.

    >>> s = simulate("emission-standards-1994", "median", draws=100, seed=7)
    >>> s.draws, s.median("lag"), s.interval("lag", 0.95)
    (100, 7.0, (7.0, 7.0))
    """
    if draws < 1:
        raise ModelError(f"draws must be at least 1; got {draws}")
    scenario = as_scenario(scenario)
    chosen = run_params(scenario, model, **params)
    inputs = uncertain_inputs(scenario)
    uniforms = sample_uniforms(inputs, draws, seed, correlated) if draws > 1 else None
    result = run_outcomes(
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
    return Simulation(
        scenario_id=scenario.id,
        model=model,
        params=chosen,
        draws=draws,
        seed=seed,
        issue_ids=tuple(scenario.issue_ids),
        scale_min=tuple(i.scale.min for i in scenario.issues),
        scale_max=tuple(i.scale.max for i in scenario.issues),
        band_edges=band_edges(scenario),
        outcome=result.outcome,
        stable_round=result.stable_round,
        n_rounds=result.n_rounds,
        correlated=tuple(g.describe() for g in correlated),
    )
