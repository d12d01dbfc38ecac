"""The one function that runs a model over draws in chunks, with progress: :func:`run_draws`.

The uniforms of every draw are drawn from the run seed *before* the batch is split, and the
chunk boundaries depend only on ``chunk_size``, never on the backend or the number of workers.
Each chunk rebuilds its arrays from its slice of the uniforms, with the absolute numbers of its
draws: a model keys its own random numbers by them (``models/_random.py``), so a draw's result
is the same in every chunk. ``forecast``, ``simulate``, sensitivity, levers, the CLI, the API's
background runs and Dask all run through here.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import models
from ..errors import ModelError
from ..models import Forecast, OnRound
from ..scenario import InputRef, Scenario, ScenarioArrays, to_arrays
from ._backends import run_tasks
from ._merge import merge_forecasts

__all__ = [
    "ChunkTask",
    "Outcomes",
    "arrays_for",
    "default_chunk_size",
    "run_chunk",
    "run_draws",
    "run_outcomes",
]

Float = NDArray[np.float64]
Progress = Callable[[int], None]

# Working memory one chunk may use, and the bounds of the chunk size it implies.
_CHUNK_BYTES = 64 * 2**20
_MIN_CHUNK, _MAX_CHUNK = 256, 8192
# Chunks per worker process, and in all on a Dask cluster (whose size the run does not ask):
# enough that the last chunk to finish is a small share of the run.
CHUNKS_PER_WORKER = 4
CLUSTER_CHUNKS = 16


def default_chunk_size(n_actors: int, n_issues: int) -> int:
    """Draws per chunk so that a model's pairwise work arrays stay near 64 MiB.

    Sized for the heaviest models, which hold a few ``[c, N, N, D]`` arrays at once; the answer
    depends on the scenario's shape only. Runs on worker processes or a cluster cut smaller
    chunks (:func:`spread_size`); the results are the same either way.

    >>> default_chunk_size(10, 1), default_chunk_size(10, 7)
    (8192, 2995)
    """
    bytes_per_draw = 8 * n_actors * n_issues * max(n_actors, 8) * 4
    return int(min(_MAX_CHUNK, max(_MIN_CHUNK, _CHUNK_BYTES // max(bytes_per_draw, 1))))


def spread_size(total: int, workers: int | None) -> int:
    """Draws per chunk on worker processes or a cluster: small enough that every worker gets
    several chunks (:data:`CHUNKS_PER_WORKER` each with ``workers`` local processes, else
    :data:`CLUSTER_CHUNKS` in all), so no worker idles while another ends the run alone. The
    results cannot change: every draw's numbers are keyed by its absolute index.

    >>> spread_size(20_000, 2), spread_size(20_000, None), spread_size(3, 2)
    (2500, 1250, 1)
    """
    # workers < 1 is refused by the backend, with its own message.
    chunks = CHUNKS_PER_WORKER * max(workers, 1) if workers is not None else CLUSTER_CHUNKS
    return max(1, -(-total // chunks))


def arrays_for(
    scenario: Scenario,
    uniforms: Float | None,
    overrides: Mapping[InputRef, float] | None = None,
    *,
    seed: int = 0,
    first_draw: int = 0,
) -> ScenarioArrays:
    """The scenario's arrays for given uniforms ``u[c, K]`` (None: one draw at the modes), as
    draws ``first_draw ..`` of the run with ``seed``."""
    pinned = dict(overrides) if overrides else None
    draws = 1 if uniforms is None else int(uniforms.shape[0])
    return to_arrays(
        scenario,
        draws=draws,
        seed=seed,
        uniforms=uniforms,
        overrides=pinned,
        first_draw=first_draw,
    )


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of a run: everything a worker needs, and nothing else (it is pickled).

    ``uniforms`` is ``float[c, K]`` or None for a single draw at the modes; the chunk holds the
    run's draws ``first_draw .. first_draw + c - 1``; ``full`` keeps the whole forecast (events,
    extras, positions), otherwise only what a summary needs.
    """

    scenario: Scenario
    model: str
    params: Any
    uniforms: Float | None
    overrides: tuple[tuple[InputRef, float], ...]
    seed: int
    first_draw: int
    full: bool


def _summary(result: Forecast) -> Forecast:
    """What a summary of many draws reads: outcomes and per-round means, medians, stability."""
    rounds = result.rounds
    return dataclasses.replace(
        result,
        rounds=None if rounds is None else dataclasses.replace(rounds, positions=None),
        events=None,
        extras={},
    )


def run_chunk(task: ChunkTask, on_round: OnRound | None = None) -> Forecast:
    """Build a chunk's arrays and run the model on them (module level, so workers can import it)."""
    spec = models.get(task.model)
    arrays = arrays_for(
        task.scenario,
        task.uniforms,
        dict(task.overrides),
        seed=task.seed,
        first_draw=task.first_draw,
    )
    result = spec(arrays, task.params, on_round=on_round)
    return result if task.full else _summary(result)


def run_draws(
    scenario: Scenario,
    model: str,
    params: Any,
    uniforms: Float | None,
    *,
    seed: int,
    overrides: Mapping[InputRef, float] | None = None,
    full: bool = True,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Forecast:
    """Run ``model`` on the draws given by ``uniforms[B, K]`` (None: one draw at the modes).

    The draws are cut into chunks of ``chunk_size`` (default: :func:`default_chunk_size`) that
    run in this process, on ``workers`` local processes or on the Dask cluster at
    ``scheduler``; the merged :class:`~detente.models.Forecast` is the same, bit for bit,
    whichever is used. ``full=False`` keeps only outcomes and per-round summaries (no events,
    extras or positions), for large runs. ``progress(n)`` is called with a chunk's number of
    draws as each chunk finishes and, in this process, with 0 before every round of a dynamic
    model, so a callback that raises (a cancelled run) stops the run within a round.

    >>> from detente import load_scenario
    >>> s = load_scenario("emission-standards-1994")
    >>> run_draws(s, "eum", models.get("eum").make_params(rounds=3), None, seed=0).rounds.n_rounds
    3
    """
    total = 1 if uniforms is None else int(uniforms.shape[0])
    size = chunk_size
    if size is None:
        size = default_chunk_size(len(scenario.actors), len(scenario.issues))
        if workers is not None or scheduler is not None:
            size = min(size, spread_size(total, workers))
    if size < 1:
        raise ModelError(f"chunk_size must be at least 1; got {size}")
    starts = list(range(0, total, size))
    pinned = tuple((overrides or {}).items())
    tasks = [
        ChunkTask(
            scenario=scenario,
            model=model,
            params=params,
            uniforms=None if uniforms is None else uniforms[start : start + size],
            overrides=pinned,
            seed=seed,
            first_draw=start,
            full=full,
        )
        for start in starts
    ]
    sizes = [min(size, total - start) for start in starts]
    fn: Callable[[ChunkTask], Forecast] = run_chunk
    if progress is not None and workers is None and scheduler is None:
        # In this process the hook can reach the caller: a chance to stop before every round.
        fn = functools.partial(run_chunk, on_round=lambda _round: progress(0))
    parts = run_tasks(
        fn,
        tasks,
        workers=workers,
        scheduler=scheduler,
        on_done=None if progress is None else (lambda i: progress(sizes[i])),
    )
    return merge_forecasts(parts, starts)


@dataclass(frozen=True)
class Outcomes:
    """Outcomes of every draw in draw order: ``float[B, D]`` and rounds to stability ``int[B]``."""

    outcome: Float
    stable_round: NDArray[np.int64] | None
    n_rounds: int | None


def run_outcomes(
    scenario: Scenario, model: str, params: Any, uniforms: Float | None, **options: Any
) -> Outcomes:
    """:func:`run_draws` keeping only the outcomes and rounds to stability (``options`` as
    there, except ``full``)."""
    result = run_draws(scenario, model, params, uniforms, full=False, **options)
    rounds = result.rounds
    return Outcomes(
        outcome=np.ascontiguousarray(result.outcome),
        stable_round=None if rounds is None else np.asarray(rounds.stable_round, dtype=np.int64),
        n_rounds=None if rounds is None else rounds.n_rounds,
    )
