"""Run kinds: each maps a request (scenario, model, parameters, seed) to a result.

Adding a kind is one line in :data:`KINDS`. A kind function gets the checked scenario and a
``progress`` callback (0–1; it raises :class:`Cancelled` when the run was cancelled; a
:class:`Backend` also says where the chunks of draws compute) and returns the result JSON (the
CLI's ``--json`` shape) plus named result tables. Results are of bounded size unless a forecast
asks for ``params.results: "full"``: see :func:`run_forecast`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

import detente
from detente import models
from detente._brief import brief
from detente._compare import compare
from detente._forecast import forecast_with_modes
from detente._inputs import DEAL_DRAWS, to_stability
from detente._intervals import forecast_json
from detente.uncertainty import default_chunk_size

from ..errors import ModelError
from ..scenario import Scenario, uncertain_inputs

__all__ = [
    "DATASETS",
    "KINDS",
    "PENDING_KINDS",
    "Backend",
    "Cancelled",
    "Progress",
    "RunOutput",
    "check_kind",
]

Progress = Callable[[float], None]

# Sobol base samples when a sensitivity run does not say (the CLI's default).
SOBOL_SAMPLES = 512

# A batch of draws is cut into at least this many chunks, so its progress moves before the end
# (a chunk reports when it finishes); results do not depend on the cut.
PROGRESS_CHUNKS = 20


@dataclass(frozen=True)
class Backend:
    """The ``progress`` a kind function gets: call it with the share done (0–1; it raises
    :class:`Cancelled` once the run is cancelled); ``scheduler`` is the Dask cluster the run's
    chunks of draws go to (None: they compute in the worker itself)."""

    report: Progress
    scheduler: str | None = None

    def __call__(self, fraction: float) -> None:
        self.report(fraction)


def _chunking(scenario: Scenario, draws: int, progress: Progress) -> dict[str, Any]:
    """How :func:`detente.uncertainty.run_draws` should run a kind's ``draws``: in
    :data:`PROGRESS_CHUNKS` chunks at least (memory still bounds their size), on the
    backend's cluster when it has one."""
    largest = default_chunk_size(len(scenario.actors), len(scenario.issues))
    size = max(1, min(largest, math.ceil(draws / PROGRESS_CHUNKS)))
    return {"chunk_size": size, "scheduler": getattr(progress, "scheduler", None)}


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
    """``detente.forecast``, in chunks of draws with progress; the CLI's ``--json`` (with its
    intervals, and eum and exchange run to stability unless the run sets their rounds).

    By default (``params.results: "summary"``) the result is bounded whatever the draws: the
    JSON summary, each draw's outcome per issue (``outcome``), per-round medians over draws
    (``rounds``) and the events of the draw at the modes (``events``). ``"full"`` stores every
    draw's rounds and events as those tables instead, for download as CSV; the JSON stays the
    summary.
    """
    draws, model_params = _split_params(params)
    full = model_params.pop("results", "summary") == "full"
    if "rounds" not in model_params and "until_stable" not in model_params:
        model_params = {**to_stability(scenario, model), **model_params}
    result, modes = forecast_with_modes(
        scenario,
        model,
        draws=draws,
        all_draws=full,
        seed=seed,
        progress=_counter(draws, progress),
        **_chunking(scenario, draws, progress),
        **model_params,
    )
    rounds = result.rounds_frame()
    if not full and "draw" in rounds.columns and not rounds.empty:
        # The medians over draws the trajectory chart reads, not one row per draw and round.
        rounds = rounds.groupby(["round", "issue"], sort=False)[["mean", "median"]].median()
        rounds = rounds.reset_index()
    tables = {"outcome": result.to_frame(), "rounds": rounds}
    # Every draw's events when the batch kept them ("full"), else those of the draw at the modes.
    events = (modes if result.events is None and modes is not None else result).events_frame()
    if not events.empty:
        tables["events"] = events
    return RunOutput(forecast_json(result, scenario, modes=modes), tables)


def run_compare(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente compare``: ``model`` is empty (every model) or comma-separated names; a bounded
    summary per model (quantiles and histogram over several draws), each draw's outcome per
    model and issue as the ``outcome`` table."""
    draws, rest = _split_params(params)
    if rest:
        raise ModelError(f"a compare run takes only params.draws; got {', '.join(sorted(rest))}")
    names = [m.strip() for m in model.split(",") if m.strip()] or None
    result = compare(
        scenario,
        names,
        draws=draws,
        seed=seed,
        progress=progress,
        **_chunking(scenario, draws, progress),
    )
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
        scenario,
        model,
        draws=draws,
        seed=seed,
        progress=_counter(draws, progress),
        **_chunking(scenario, draws, progress),
        **rest,
    )
    # The draws as the "outcome" table: the run page and the report chart their distribution.
    return RunOutput(result.to_json(), {"outcome": result.to_frame()})


def run_sensitivity(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente sensitivity``: tornado (default) or Sobol (params.method, params.samples)."""
    rest = dict(params)
    method = rest.pop("method", "tornado")
    samples = int(rest.pop("samples", SOBOL_SAMPLES))
    # Sobol runs samples × (inputs + 2) draws in chunks (a tornado is one small batch).
    total = samples * (len(uncertain_inputs(scenario)) + 2)
    result = detente.sensitivity(
        scenario,
        model,
        method=method,
        samples=samples,
        seed=seed,
        progress=_counter(total, progress),
        **rest,
    )
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
    report = detente.check_deal(scenario, seed=seed, progress=progress, **params)
    # Per package: the viability row; per issue: the zone, the Nash package and the range
    # around it, who binds (on the most likely inputs).
    tables = {"viability": report.viability_frame(), "zone": pd.DataFrame(report.binding())}
    return RunOutput(report.to_json(), tables)


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


def run_brief(
    scenario: Scenario, model: str, params: dict[str, Any], seed: int, progress: Progress
) -> RunOutput:
    """``detente brief --json``: every model with the skill-weighted ensemble, then the deal
    check (params.draws, its draws: 200 as in the CLI; ``seed`` is its seed); ``model`` is not
    used (the brief weighs every model). Progress moves through the comparison, then the deal
    check; a cancel stops at the next of their steps."""
    draws, rest = _split_params({"draws": DEAL_DRAWS, **params})
    if rest:
        raise ModelError(f"a brief run takes only params.draws; got {', '.join(sorted(rest))}")
    result = brief(scenario, seed=seed, draws=draws, progress=progress)
    return RunOutput(result.to_json(), {})


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
    "brief": run_brief,
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


# Bounds of the size parameters a request can carry beyond ``draws`` (which the server's
# ``max_draws`` bounds): past them one run could hold a worker for hours.
MAX_LEVER_DRAWS = 10_000  # levers run every candidate change over these draws
MAX_SOBOL_SAMPLES = 2**16
MAX_TOP = 100
MAX_RESAMPLES = 100_000
MAX_TEXT = 200

Check = Callable[[str, Any], None]


def _whole(low: int, high: int) -> Check:
    def check(name: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ModelError(
                f"params.{name} must be a whole number from {low:,} to {high:,} on this server; "
                f"got {value!r}"[:300]
            )

    return check


def _power_of_two(name: str, value: Any) -> None:
    _whole(2, MAX_SOBOL_SAMPLES)(name, value)
    if value & (value - 1):
        raise ModelError(
            f"params.{name} must be a power of two (Sobol sequences need it); got {value}"
        )


def _one_of(*options: str) -> Check:
    def check(name: str, value: Any) -> None:
        if value not in options:
            raise ModelError(
                f"params.{name} must be one of {', '.join(options)}; got {value!r}"[:300]
            )

    return check


def _text(name: str, value: Any) -> None:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT:
        raise ModelError(
            f"params.{name} must be a name of 1 to {MAX_TEXT} characters; got {value!r}"[:300]
        )


def _flag(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise ModelError(f"params.{name} must be true or false; got {value!r}"[:300])


def _scores(name: str, value: Any) -> None:
    """A mapping of actor ids to numbers (a deal's walk-away points)."""
    if not isinstance(value, dict) or len(value) > 1000:
        raise ModelError(f"params.{name} must be an object of actor ids to numbers"[:300])
    for key, number in value.items():
        _text(f"{name}.{key}"[:100], key)
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise ModelError(f"params.{name}.{key} must be a number; got {number!r}"[:300])


def _kind_params(kind: str, max_draws: int) -> tuple[dict[str, Check], bool]:
    """The parameters a kind takes with their checks, and whether it also takes the model's."""
    draws = {"draws": _whole(1, max_draws)}
    table: dict[str, tuple[dict[str, Check], bool]] = {
        "forecast": ({**draws, "results": _one_of("summary", "full")}, True),
        "compare": (draws, False),
        "simulate": (draws, True),
        "sensitivity": ({"method": _one_of("tornado", "sobol"), "samples": _power_of_two}, True),
        "levers": (
            {
                "actor": _text,
                "issue": _text,
                "toward": _one_of("low", "high"),
                "draws": _whole(1, min(max_draws, MAX_LEVER_DRAWS)),
            },
            True,
        ),
        "deal": (
            {
                **draws,
                "package": _text,
                "top": _whole(1, MAX_TOP),
                "form": _one_of("linear", "quadratic"),
                "walk_away": _scores,
            },
            False,
        ),
        "guarantees": ({**draws, "package": _text, "sensitivity": _flag}, False),
        "brief": (draws, False),
        "backtest": (
            {"resamples": _whole(1, MAX_RESAMPLES), "unit": _one_of("proposal", "issue")},
            False,
        ),
    }
    # A kind missing from the table (one a test registers, say) takes no parameters.
    return table.get(kind, ({}, False))


def check_params(
    kind: str, model: str, params: dict[str, Any], scenario: Scenario | None, max_draws: int
) -> None:
    """Refuse bad model names, unknown parameters and sizes beyond this server's bounds before
    a run is queued (each with a :class:`ModelError` naming the parameter and the bound)."""
    own, takes_model = _kind_params(kind, max_draws)
    model_params = {}
    for name, value in params.items():
        if name in own:
            own[name](name, value)
        elif takes_model:
            model_params[name] = value
        else:
            raise ModelError(
                f"a {kind} run takes no params.{name}"[:200]
                + f"; its parameters are {', '.join(own)}"
            )
    if takes_model:
        models.get(model).make_params(**model_params)
    elif kind == "compare":
        for name in (m.strip() for m in model.split(",") if m.strip()):
            models.get(name)
    if kind == "sensitivity" and params.get("method") == "sobol" and scenario is not None:
        samples = params.get("samples", SOBOL_SAMPLES)
        total = samples * (len(uncertain_inputs(scenario)) + 2)
        if total > max_draws:
            raise ModelError(
                f"params.samples {samples:,} needs {total:,} model draws for this scenario's "
                f"uncertain inputs; this server allows at most {max_draws:,}"
            )
