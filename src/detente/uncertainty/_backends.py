"""Where chunks run: in this process (default), in local worker processes, or on Dask.

Every backend returns the results in task order, whatever order the chunks finish in, so the
backend can never change a number. Nothing starts on import: pools and clients are opened for
one run and closed after it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..errors import ModelError
from ._malloc import keep_arrays_on_heap

__all__ = ["backend_name", "run_tasks"]

T = TypeVar("T")
R = TypeVar("R")

# How long to wait for a Dask scheduler to answer before saying it cannot be reached.
CONNECT_TIMEOUT = "10s"

DASK_MISSING = (
    "the Dask backend (scheduler=...) needs the optional 'dask' extra; install it with "
    "pip install 'detente[dask]' (it brings dask[distributed])"
)


def backend_name(workers: int | None, scheduler: str | None) -> str:
    """A short description of the backend, for progress messages and benchmarks."""
    if scheduler is not None:
        return f"Dask scheduler at {scheduler}"
    if workers is not None:
        return f"{workers} local worker process{'es' if workers != 1 else ''}"
    return "in-process"


def run_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[R]:
    """``[fn(t) for t in tasks]`` on the chosen backend, in task order.

    ``workers=N`` runs on N local processes (started fresh with the ``spawn`` method, so no
    state of this process leaks in); ``scheduler="tcp://host:port"`` on an existing Dask
    distributed cluster. ``on_done(i)`` is called as task ``i`` finishes.

    >>> run_tasks(abs, [-1, 2, -3])
    [1, 2, 3]
    """
    if workers is not None and scheduler is not None:
        raise ModelError(
            f"give either workers ({workers}) or a Dask scheduler ({scheduler!r}), not both"
        )
    if workers is not None and workers < 1:
        raise ModelError(f"workers must be at least 1; got {workers}")
    if scheduler is not None:
        return _on_dask(fn, tasks, scheduler, on_done)
    if workers is not None:
        return _on_processes(fn, tasks, workers, on_done)
    results = []
    for i, task in enumerate(tasks):
        results.append(fn(task))
        if on_done is not None:
            on_done(i)
    return results


def _on_processes(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    workers: int,
    on_done: Callable[[int], None] | None,
) -> list[R]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # `spawn` rather than the platform default `fork`: a forked child inherits the parent's
    # threads' locks (a progress bar's refresh thread, say) and can hang on them.
    context = multiprocessing.get_context("spawn")
    threads = max(1, (os.cpu_count() or 1) // workers)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=share_cores,
        initargs=(threads,),
    ) as pool:
        futures = {pool.submit(fn, task): i for i, task in enumerate(tasks)}
        results: dict[int, R] = {}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            if on_done is not None:
                on_done(i)
    return [results[i] for i in range(len(tasks))]


def share_cores(threads: int) -> None:
    """In a fresh worker process, before any kernel is compiled or loaded: let its parallel
    kernels use ``threads`` threads (the machine's cores shared among the workers), unless the
    user set the numba or OpenMP thread count. N workers each starting one thread per core would
    run N × cores threads on the cores and lose time switching between them. Thread counts never
    change a result."""
    for name in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))
    keep_arrays_on_heap()


def _on_worker(fn: Callable[[T], R], task: T) -> R:
    """A task on a Dask worker: the worker's malloc set for arrays first (see ._malloc)."""
    keep_arrays_on_heap()
    return fn(task)


def _on_dask(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    scheduler: str,
    on_done: Callable[[int], None] | None,
) -> list[R]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ImportError(DASK_MISSING) from None
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise ModelError(
            f"could not reach the Dask scheduler at {scheduler!r} ({exc}); start one with "
            "`dask scheduler` (and workers with `dask worker ADDRESS`) or check the address"
        ) from None
    with client:
        # pure=False: two chunks with equal inputs are still two tasks, never merged.
        futures = client.map(functools.partial(_on_worker, fn), list(tasks), pure=False)
        index: dict[Any, int] = {f.key: i for i, f in enumerate(futures)}
        # Our client is not the process default (we leave global state alone): name its loop.
        for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
            if on_done is not None:
                on_done(index[future.key])
        results: list[R] = client.gather(futures)  # type: ignore[no-untyped-call]
    return results
