"""Background runs: worker threads that compute queued runs and record how they go.

Progress and status live in the database, so any request (or another server process reading
the same database) sees them. Cancellation is cooperative: the progress callback reads the run's
status and stops the computation when it has become ``cancelled``. Every exception of a run,
serialising its result included, ends it ``failed`` with the reason; a worker never dies of one.

The workers are daemon threads: on shutdown they get a few seconds to stop at their next
progress step, and a computation that does not stop in time cannot keep the process alive (its
run is marked failed "interrupted" by :func:`detente.store.mark_interrupted`, as after a crash).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..errors import DetenteError
from ..scenario import Scenario
from ..store import Store, finish_run, set_progress, start_run
from ._kinds import Cancelled, Progress, RunFunction, RunOutput

__all__ = ["Runner"]

log = logging.getLogger("detente.api")

# Progress is written at most this often (seconds): enough for a live bar, light on the database.
PROGRESS_EVERY = 0.2
# How long shutdown waits for running computations to reach their next progress step (seconds).
STOP_GRACE = 3.0


@dataclass(frozen=True)
class _Job:
    run_id: int
    fn: RunFunction
    scenario: Scenario | None
    model: str
    params: dict[str, Any]
    seed: int


class Runner:
    """Computes runs in background threads, writing status, progress and results to the store."""

    def __init__(self, store: Store, *, workers: int) -> None:
        self._store = store
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, name=f"detente-run-{i}", daemon=True)
            for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

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
        self._queue.put(_Job(run_id, fn, scenario, model, params, seed))

    def shutdown(self, grace: float = STOP_GRACE) -> None:
        """Stop: queued runs never start; running ones stop at their next progress step, waited
        for at most ``grace`` seconds in all."""
        self._stopping.set()
        for _ in self._threads:
            self._queue.put(None)
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0.0))

    def _work(self) -> None:
        while (job := self._queue.get()) is not None and not self._stopping.is_set():
            try:
                self._execute(job)
            except Exception:  # the store itself failed: nothing can be recorded, keep serving
                log.exception("run %s could not be recorded", job.run_id)

    def _execute(self, job: _Job) -> None:
        with self._store.session() as session:
            if not start_run(session, run_id=job.run_id):
                return
        try:
            output = job.fn(
                job.scenario, job.model, job.params, job.seed, self._progress_callback(job.run_id)
            )
            results = _serialise(output)
        except Cancelled:
            return
        except DetenteError as exc:
            self._end(job.run_id, "failed", error=str(exc))
            return
        except Exception as exc:  # a bug: keep the server up, record it, log the traceback
            log.exception("run %s failed", job.run_id)
            self._end(job.run_id, "failed", error=f"internal error: {type(exc).__name__}: {exc}")
            return
        try:
            self._end(job.run_id, "done", results=results)
        except Exception as exc:  # e.g. a result the database refuses: the run must still end
            log.exception("run %s: its result could not be stored", job.run_id)
            self._end(
                job.run_id, "failed", error=f"the result could not be stored: {type(exc).__name__}"
            )

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
    """The result JSON (strict: NaN is not JSON) and each table as CSV."""
    results = {"result": ("application/json", json.dumps(output.result, allow_nan=False))}
    for name, frame in output.tables.items():
        results[name] = ("text/csv", frame.to_csv(index=False))
    return results
