"""Monte Carlo runs: draws, models, backends (in-process, local workers, Dask), memory."""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import detente
from detente import models

from ._timing import markdown_table

SCENARIOS = ("emission-standards-1994", "ukraine-2026")
MODELS = ("compromise", "eum")
SEED = 7
# Draws of the scaling comparison: enough for several chunks per worker.
SCALING_DRAWS = 20_000


def _once(fn: Callable[[], Any]) -> float:
    """Wall-clock seconds of one call (large runs are too slow to repeat many times)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _peak_mib(fn: Callable[[], Any]) -> float:
    """Peak memory traced while ``fn`` runs (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _available() -> tuple[list[str], list[str], list[str]]:
    names = set(detente.builtin_names())
    scenarios = [s for s in SCENARIOS if s in names]
    chosen = [m for m in MODELS if m in models.names()]
    missing = [f"scenario {s}" for s in SCENARIOS if s not in names]
    missing += [f"model {m}" for m in MODELS if m not in models.names()]
    return scenarios, chosen, missing


def _draws_table(scenarios: list[str], chosen: list[str]) -> str:
    rows = []
    for name in scenarios:
        scenario = detente.load_scenario(name)
        for model in chosen:
            detente.simulate(scenario, model, draws=100, seed=SEED)  # warm-up
            for draws in (10_000, 100_000):
                seconds = _once(
                    lambda s=scenario, m=model, d=draws: detente.simulate(s, m, draws=d, seed=SEED)
                )
                rows.append([name, model, f"{draws:,}", f"{seconds:.2f} s"])
            peak = _peak_mib(lambda s=scenario, m=model: detente.simulate(s, m, draws=10_000))
            rows.append([name, model, "memory per 10,000 draws", f"{peak:.1f} MiB peak"])
    return markdown_table(["scenario", "model", "draws", "time (in-process)"], rows)


def _scaling_table(scenario_name: str, model: str, draws: int) -> str:
    import numba
    from distributed import LocalCluster

    scenario = detente.load_scenario(scenario_name)
    rows: list[list[str]] = []

    def timed(**backend: Any) -> tuple[float, Any]:
        start = time.perf_counter()
        result = detente.simulate(scenario, model, draws=draws, seed=SEED, **backend)
        return time.perf_counter() - start, result.outcome

    detente.simulate(scenario, model, draws=100, seed=SEED)  # warm-up: compiled kernels load
    cores = numba.get_num_threads()
    numba.set_num_threads(1)
    base, reference = timed()
    numba.set_num_threads(cores)

    def row(label: str, seconds: float, outcome: Any) -> None:
        same = "—" if outcome is None else str(bool((outcome == reference).all()))
        rows.append([label, f"{seconds:.2f} s", f"{base / seconds:.2f}×", same])

    row("in-process, 1 thread", base, None)
    # Like with like: one thread per worker process (the children inherit the variable).
    os.environ["NUMBA_NUM_THREADS"] = "1"
    try:
        for workers in (1, 2):
            seconds, outcome = timed(workers=workers)
            row(f"{workers} local worker process(es), 1 thread each", seconds, outcome)
        # The last cluster keeps the mmap threshold Dask's trim threshold pins (the user's own
        # MALLOC_MMAP_THRESHOLD_ is left alone): how the workers ran before, on the same work.
        for workers, pinned in ((1, False), (2, False), (2, True)):
            env = {"NUMBA_NUM_THREADS": "1"}
            if pinned:
                env["MALLOC_MMAP_THRESHOLD_"] = "131072"
            start = time.perf_counter()
            with LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
                env=env,
            ) as cluster:
                startup = time.perf_counter() - start
                address = cluster.scheduler_address
                detente.simulate(scenario, model, draws=100, scheduler=address)  # workers load
                seconds, outcome = timed(scheduler=address)
                malloc = ", mmap threshold pinned at 128 KiB (before)" if pinned else ""
                row(
                    f"Dask LocalCluster, {workers} worker(s) × 1 thread{malloc} "
                    f"(start-up {startup:.1f} s, not counted)",
                    seconds,
                    outcome,
                )
    finally:
        del os.environ["NUMBA_NUM_THREADS"]
    # The defaults: in-process kernels use every core; local workers share the cores.
    seconds, outcome = timed()
    row(f"in-process, default ({cores} threads)", seconds, outcome)
    seconds, outcome = timed(workers=2)
    row("2 local worker processes, default (cores shared)", seconds, outcome)
    table = markdown_table(["backend", "time", "speed-up vs 1 thread", "identical"], rows)
    return (
        f"Scaling: {draws:,} draws of `{model}` on `{scenario_name}`, wall clock of one run. "
        "Runs on workers cut the draws into more chunks than workers (4 per local worker, 16 "
        "on a cluster) so none idles at the end. Local worker pools are started inside each run "
        "(spawned processes import Détente and load the compiled kernels: about a second), so "
        "small runs are faster in-process. Dask workers raise glibc's mmap threshold before their "
        "first chunk (Dask's trim threshold had pinned it at 128 KiB, so every array was a fresh "
        "mapping whose pages faulted in: docs/uncertainty.md); the row marked before keeps it "
        "pinned. Target (issue 14): 2 workers ≥ 1.6× one thread in-process.\n\n" + table
    )


def run() -> str:
    scenarios, chosen, missing = _available()
    parts = ["## Monte Carlo (`detente.simulate`)", _draws_table(scenarios, chosen)]
    if missing:
        parts.append("Not measured (not in this build): " + ", ".join(missing) + ".")
    heavy_model = chosen[-1]
    heavy_scenario = scenarios[-1]
    parts.append(_scaling_table(heavy_scenario, heavy_model, SCALING_DRAWS))
    return "\n\n".join(parts)
