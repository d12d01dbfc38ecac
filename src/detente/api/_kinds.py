"""Run kinds: each maps a request (scenario, model, parameters, seed) to a result.

Adding a kind is one line in :data:`KINDS`. A kind function gets the checked scenario and a
``progress`` callback (0–1; it raises :class:`Cancelled` when the run was cancelled) and
returns the result JSON (the CLI's ``--json`` shape) plus named result tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

import detente
from detente import models
from detente._compare import compare

from ..errors import ModelError
from ..scenario import Scenario

__all__ = ["DATASETS", "KINDS", "PENDING_KINDS", "Cancelled", "Progress", "RunOutput", "check_kind"]

Progress = Callable[[float], None]


class Cancelled(Exception):
    """The run was cancelled (or the server is stopping); raised from the progress callback."""


@dataclass(frozen=True)
class RunOutput:
    """What a run produces: the result JSON and result tables (name → DataFrame)."""

    result: dict[str, Any]
    tables: dict[str, pd.DataFrame]


def _split_params(params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    params = dict(params)
    draws = params.pop("draws", 1)
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ModelError(f"params.draws must be a whole number of at least 1; got {draws!r}")
    return draws, params


def run_forecast(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente.forecast``, in chunks of draws with progress; the CLI's ``--json``."""
    draws, model_params = _split_params(params)
    result = detente.forecast(
        scenario,
        model,
        draws=draws,
        seed=seed,
        progress=_counter(draws, progress),
        **model_params,
    )
    return RunOutput(
        result.to_json(), {"outcome": result.to_frame(), "rounds": result.rounds_frame()}
    )


def run_compare(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente compare``: ``model`` is empty (every model) or comma-separated names."""
    draws, rest = _split_params(params)
    if rest:
        raise ModelError(f"a compare run takes only params.draws; got {', '.join(sorted(rest))}")
    names = [m.strip() for m in model.split(",") if m.strip()] or None
    result = compare(scenario, names, draws=draws, seed=seed)
    frames = [fc.to_frame().assign(model=name) for name, fc in result.forecasts.items()]
    return RunOutput(result.to_json(), {"outcome": pd.concat(frames, ignore_index=True)})


def _counter(total: int, progress: Progress) -> Callable[[int], None]:
    """A callback adding up the draws each finished chunk reports, as a share of ``total``.

    The runner also calls it with 0 before every round, so a cancelled run stops within a round.
    """
    done = [0]

    def count(draws: int) -> None:
        done[0] += draws
        progress(min(done[0] / max(total, 1), 1.0))

    return count


def _pop(params: dict[str, Any], name: str, default: Any = None) -> Any:
    if default is None and name not in params:
        raise ModelError(f"this run kind needs params.{name}")
    return params.pop(name, default)


def run_simulate(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente simulate``: Monte Carlo over the uncertain inputs (params.draws: 10,000)."""
    rest = dict(params)
    draws = int(rest.pop("draws", 10_000))
    result = detente.simulate(
        scenario, model, draws=draws, seed=seed, progress=_counter(draws, progress), **rest
    )
    # The draws as the "outcome" table: the run page and the report chart their distribution.
    return RunOutput(result.to_json(), {"outcome": result.to_frame()})


def run_sensitivity(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente sensitivity``: tornado (default) or Sobol (params.method, params.samples)."""
    rest = dict(params)
    method = rest.pop("method", "tornado")
    samples = int(rest.pop("samples", 512))
    result = detente.sensitivity(scenario, model, method=method, samples=samples, seed=seed, **rest)
    return RunOutput(result.to_json(), {"sensitivity": result.to_frame()})


def run_levers(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente levers``: params.actor, params.issue, params.toward (low|high)."""
    rest = dict(params)
    actor, issue, toward = _pop(rest, "actor"), _pop(rest, "issue"), _pop(rest, "toward")
    result = detente.levers(scenario, actor, issue, toward, model=model, seed=seed, **rest)
    return RunOutput(result.to_json(), {"levers": result.to_frame()})


def run_deal(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente deal``: params.draws, params.package (a guarantee package id), params.top."""
    report = detente.check_deal(scenario, seed=seed, **params)
    # Per issue: the zone, the Nash package and the range around it, who binds (medians).
    return RunOutput(report.to_json(), {"zone": pd.DataFrame(report.binding())})


def run_guarantees(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente guarantees``: params.package (default: the first), params.draws."""
    rest = dict(params)
    package = rest.pop("package", None)
    assessment = detente.assess_guarantees(scenario, package, seed=seed, **rest)
    return RunOutput(assessment.to_json(), {"guarantors": assessment.result.to_frame()})


def run_backtest(
    scenario: Scenario | None, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente backtest deu`` on the shipped DEU development set; ``model`` lists the models
    (comma-separated; empty = every registered model)."""
    board = detente.backtest(None, model or None, seed=seed, **params)
    return RunOutput(board.to_json(), {"leaderboard": board.to_frame()})


RunFunction = Callable[[Any, str, dict[str, Any], int, Progress], RunOutput]

# One line per kind.
KINDS: dict[str, RunFunction] = {
    "forecast": run_forecast,
    "compare": run_compare,
    "simulate": run_simulate,
    "sensitivity": run_sensitivity,
    "levers": run_levers,
    "deal": run_deal,
    "guarantees": run_guarantees,
    "backtest": run_backtest,
}

# Kinds that run on a shipped dataset instead of a scenario: their `scenario` names the dataset.
DATASETS: dict[str, tuple[str, ...]] = {"backtest": ("deu",)}

# Kinds of the contract whose engines are not in this build yet: asked for, they get a clear 422.
PENDING_KINDS: tuple[str, ...] = ()


def check_kind(kind: str) -> RunFunction:
    """The function of a run kind, or a :class:`ModelError` saying which kinds exist."""
    if kind in KINDS:
        return KINDS[kind]
    available = ", ".join(KINDS)
    if kind in PENDING_KINDS:
        raise ModelError(
            f"run kind '{kind}' is not available in this version of detente; "
            f"available kinds: {available}"
        )
    raise ModelError(f"unknown run kind '{kind}'; available kinds: {available}")


def check_params(kind: str, model: str, params: dict[str, Any], max_draws: int) -> None:
    """Refuse bad model names, parameters and draw counts before a run is queued."""
    draws, rest = _split_params({"draws": 1, **params})
    if draws > max_draws:
        raise ModelError(f"params.draws is {draws}; this server allows at most {max_draws}")
    if kind == "forecast":
        models.get(model).make_params(**rest)
    elif kind == "compare":
        for name in (m.strip() for m in model.split(",") if m.strip()):
            models.get(name)
