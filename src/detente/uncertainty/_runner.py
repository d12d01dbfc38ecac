"""Run one model over many sampled draws in fixed, memory-bounded chunks.

The uniforms of every draw are drawn from the run seed *before* the batch is split, and the
chunk boundaries depend only on ``chunk_size``, never on the backend or the number of workers.
Each chunk rebuilds its arrays from its slice of the uniforms, runs the model and sends back only
what a summary needs (outcomes and rounds to stability), so memory stays bounded by the chunk.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import models
from ..errors import ModelError
from ..scenario import InputRef, Scenario, ScenarioArrays, to_arrays
from ._backends import run_tasks

__all__ = [
    "ChunkResult",
    "ChunkTask",
    "Outcomes",
    "arrays_for",
    "default_chunk_size",
    "run_chunk",
    "run_draws",
]

Float = NDArray[np.float64]

# Working memory one chunk may use, and the bounds of the chunk size it implies.
_CHUNK_BYTES = 64 * 2**20
_MIN_CHUNK, _MAX_CHUNK = 256, 8192


def default_chunk_size(n_actors: int, n_issues: int) -> int:
    """Draws per chunk so that a model's pairwise work arrays stay near 64 MiB.

    Sized for the heaviest models, which hold a few ``[c, N, N, D]`` arrays at once; the answer
    depends on the scenario's shape only, so chunk boundaries never depend on the backend.

    >>> default_chunk_size(10, 1), default_chunk_size(10, 7)
    (8192, 2995)
    """
    bytes_per_draw = 8 * n_actors * n_issues * max(n_actors, 8) * 4
    return int(min(_MAX_CHUNK, max(_MIN_CHUNK, _CHUNK_BYTES // max(bytes_per_draw, 1))))


def arrays_for(
    scenario: Scenario,
    uniforms: Float | None,
    overrides: Mapping[InputRef, float] | None = None,
) -> ScenarioArrays:
    """The scenario's arrays for given uniforms ``u[c, K]`` (None: one draw at the modes)."""
    pinned = dict(overrides) if overrides else None
    if uniforms is None:
        return to_arrays(scenario, draws=1, overrides=pinned)
    return to_arrays(scenario, draws=uniforms.shape[0], uniforms=uniforms, overrides=pinned)


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of a run: everything a worker needs, and nothing else (it is pickled).

    ``uniforms`` is ``float[c, K]`` or None for a single draw at the modes; ``seed`` is the
    chunk's own :class:`numpy.random.SeedSequence`, spawned from the run seed by chunk index.
    """

    scenario: Scenario
    model: str
    params: Any
    uniforms: Float | None
    overrides: tuple[tuple[InputRef, float], ...]
    seed: np.random.SeedSequence


@dataclass(frozen=True)
class ChunkResult:
    """A chunk's outcomes ``float[c, D]`` (issue scale) and rounds to stability ``int[c]``."""

    outcome: Float
    stable_round: NDArray[np.int64] | None
    n_rounds: int | None


def _chunk_params(params: Any, seed: np.random.SeedSequence) -> Any:
    """Give a model with internal randomness (a ``seed`` parameter left at None) its chunk seed."""
    names = {f.name for f in dataclasses.fields(params)} if dataclasses.is_dataclass(params) else ()
    if "seed" in names and params.seed is None:
        return dataclasses.replace(params, seed=int(seed.generate_state(1)[0]))
    return params


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Build a chunk's arrays and run the model on them (module level, so workers can import it)."""
    spec = models.get(task.model)
    arrays = arrays_for(task.scenario, task.uniforms, dict(task.overrides))
    result = spec.run(arrays, _chunk_params(task.params, task.seed))
    rounds = result.rounds
    return ChunkResult(
        outcome=np.ascontiguousarray(result.outcome),
        stable_round=None if rounds is None else np.asarray(rounds.stable_round, dtype=np.int64),
        n_rounds=None if rounds is None else rounds.n_rounds,
    )


@dataclass(frozen=True)
class Outcomes:
    """Outcomes of every draw in draw order: ``float[B, D]`` and rounds to stability ``int[B]``."""

    outcome: Float
    stable_round: NDArray[np.int64] | None
    n_rounds: int | None


def run_draws(
    scenario: Scenario,
    model: str,
    params: Any,
    uniforms: Float | None,
    *,
    seed: int,
    overrides: Mapping[InputRef, float] | None = None,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcomes:
    """Run ``model`` on the draws given by ``uniforms[B, K]`` (None: one draw at the modes).

    ``progress`` is called with a chunk's number of draws each time a chunk finishes.
    """
    total = 1 if uniforms is None else int(uniforms.shape[0])
    size = chunk_size
    if size is None:
        size = default_chunk_size(len(scenario.actors), len(scenario.issues))
    if size < 1:
        raise ModelError(f"chunk_size must be at least 1; got {size}")
    starts = list(range(0, total, size))
    seeds = np.random.SeedSequence(seed).spawn(len(starts))
    pinned = tuple((overrides or {}).items())
    tasks = [
        ChunkTask(
            scenario=scenario,
            model=model,
            params=params,
            uniforms=None if uniforms is None else uniforms[start : start + size],
            overrides=pinned,
            seed=chunk_seed,
        )
        for start, chunk_seed in zip(starts, seeds, strict=True)
    ]
    sizes = [min(size, total - start) for start in starts]
    results = run_tasks(
        run_chunk,
        tasks,
        workers=workers,
        scheduler=scheduler,
        on_done=None if progress is None else (lambda i: progress(sizes[i])),
    )
    stable = [r.stable_round for r in results]
    return Outcomes(
        outcome=np.concatenate([r.outcome for r in results], axis=0),
        stable_round=None
        if any(s is None for s in stable)
        else np.concatenate([s for s in stable if s is not None]),
        n_rounds=results[0].n_rounds,
    )
