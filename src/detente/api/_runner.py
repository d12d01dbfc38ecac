"""Background runs: a thread pool that computes queued runs and records how they go.

Progress and status live in the database, so any request (or another server process reading
the same database) sees them. Cancellation is cooperative: the progress callback reads the run's
status and stops the computation when it has become ``cancelled``. A server that dies leaves its
unfinished runs ``queued``/``running``; the next start marks them failed
(:func:`detente.store.mark_interrupted`).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..errors import DetenteError
from ..scenario import Scenario
from ..store import Store, finish_run, set_progress, start_run
from ._kinds import Cancelled, Progress, RunFunction, RunOutput

__all__ = ["Runner"]

log = logging.getLogger("detente.api")

# Progress is written at most this often (seconds): enough for a live bar, light on the database.
PROGRESS_EVERY = 0.2


class Runner:
    """Computes runs in background threads, writing status, progress and results to the store."""

    def __init__(self, store: Store, *, workers: int) -> None:
        self._store = store
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="detente-run")
        self._stopping = threading.Event()

    def submit(
        self,
        run_id: int,
        fn: RunFunction,
        scenario: Scenario | None,
        model: str,
        params: dict[str, Any],
        seed: int,
    ) -> None:
        """Queue a run already recorded as ``queued``."""
        self._pool.submit(self._execute, run_id, fn, scenario, model, params, seed)

    def shutdown(self) -> None:
        """Stop: running runs stop at their next progress step; queued ones never start."""
        self._stopping.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _execute(
        self,
        run_id: int,
        fn: RunFunction,
        scenario: Scenario | None,
        model: str,
        params: dict[str, Any],
        seed: int,
    ) -> None:
        with self._store.session() as session:
            if not start_run(session, run_id=run_id):
                return
        try:
            output = fn(scenario, model, params, seed, self._progress_callback(run_id))
        except Cancelled:
            return
        except DetenteError as exc:
            self._end(run_id, "failed", error=str(exc))
            return
        except Exception as exc:  # a bug: keep the server up, record it, log the traceback
            log.exception("run %s failed", run_id)
            self._end(run_id, "failed", error=f"internal error: {type(exc).__name__}: {exc}")
            return
        self._end(run_id, "done", results=_serialise(output))

    def _progress_callback(self, run_id: int) -> Progress:
        last = [0.0]

        def progress(fraction: float) -> None:
            if self._stopping.is_set():
                raise Cancelled
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY:
                return
            last[0] = now
            with self._store.session() as session:
                status = set_progress(session, run_id=run_id, progress=fraction)
            if status != "running":
                raise Cancelled

        return progress

    def _end(
        self,
        run_id: int,
        status: str,
        *,
        error: str | None = None,
        results: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        with self._store.session() as session:
            finish_run(session, run_id=run_id, status=status, error=error, results=results)


def _serialise(output: RunOutput) -> dict[str, tuple[str, str]]:
    import json

    results = {"result": ("application/json", json.dumps(output.result, allow_nan=False))}
    for name, frame in output.tables.items():
        results[name] = ("text/csv", frame.to_csv(index=False))
    return results
