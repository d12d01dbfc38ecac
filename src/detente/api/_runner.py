"""Background runs: queued runs computed in worker processes, their status and results recorded.

Each of the ``workers`` slots is a server thread that takes the next queued run, hands it to its
own worker process and waits, so the server's threads only wait and the server keeps answering
(``/health``, pages, polls) while runs compute. Worker processes come from a ``forkserver``:
like ``spawn`` they share no threads, locks or database connections with the server, and forking
from a server that has already imported the models starts one in milliseconds. Progress goes
from the worker straight to the database (:mod:`._worker`); the start and the end of a run are
written here, so a run always ends even when its worker dies.

Cancelling is cooperative first: the worker's progress callback reads the run's status at each
step (a chunk of draws, a round, a model) and stops. A run that does not reach a step within
:data:`KILL_GRACE` seconds of being cancelled (a deal check has no steps) is stopped by killing
its worker, which is replaced. On shutdown every worker is killed after the same grace.

``processes=False`` computes in the slot threads themselves, for embedding the app where
processes cannot be started, and for tests that register kinds in this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from ..scenario import Scenario
from ..store import Store, finish_run, get_run, start_run
from ._kinds import Backend, check_kind
from ._worker import Outcome, compute, serve_runs, store_progress

__all__ = ["Runner"]

log = logging.getLogger("detente.api")

# How long shutdown waits for running computations to stop at their next step (seconds).
STOP_GRACE = 3.0
# How long a cancelled run's worker gets to stop by itself before it is killed (seconds).
KILL_GRACE = 2.0
# How often a slot looks at its worker and at the run's status while it computes (seconds).
WATCH_EVERY = 0.25


@dataclass(frozen=True)
class _Job:
    run_id: int
    kind: str
    scenario: Scenario | None
    model: str
    params: dict[str, Any]
    seed: int


class _Worker:
    """One worker process and the pipe to it, started on first use and replaced when it dies
    or is killed."""

    def __init__(self, database_url: str, scheduler: str | None) -> None:
        self._args = (database_url, scheduler)
        self._process: BaseProcess | None = None
        self._pipe: Connection | None = None

    def _started(self) -> Connection:
        if self._process is None or self._pipe is None or not self._process.is_alive():
            context = _context()
            mine, theirs = context.Pipe()
            process = context.Process(
                target=serve_runs, args=(theirs, *self._args), name="detente-worker", daemon=True
            )
            process.start()
            theirs.close()
            self._process, self._pipe = process, mine
        return self._pipe

    def compute(self, job: _Job, stop: Callable[[], bool]) -> Outcome:
        """Send ``job`` and wait for its outcome; kill the worker when ``stop()`` stays true
        for :data:`KILL_GRACE` seconds (a cancelled run, a stopping server)."""
        pipe = self._started()
        pipe.send((job.run_id, job.kind, job.scenario, job.model, job.params, job.seed))
        kill_at: float | None = None
        while True:
            try:
                if pipe.poll(WATCH_EVERY):
                    outcome: Outcome = pipe.recv()
                    return outcome
            except (EOFError, OSError):  # it died while sending, or shutdown killed it
                break
            if self._process is None or not self._process.is_alive():
                break
            if kill_at is None and stop():
                kill_at = time.monotonic() + KILL_GRACE
            if kill_at is not None and time.monotonic() > kill_at:
                self.kill()
                return "cancelled", None
        code = None if self._process is None else self._process.exitcode
        self.kill()
        if stop():  # killed on purpose: a cancelled run, or shutdown (which marks it interrupted)
            return "cancelled", None
        return "failed", f"the worker process computing this run died (exit code {code})"

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._pipe is not None:
            self._pipe.close()
        self._process, self._pipe = None, None


def _context() -> Any:
    """Fresh worker processes: a forkserver that has imported the models, else spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["detente.api._worker"])
    return context


class Runner:
    """Computes runs in the background, writing status, progress and results to the store."""

    def __init__(
        self,
        store: Store,
        *,
        workers: int,
        processes: bool = True,
        scheduler: str | None = None,
    ) -> None:
        self._store = store
        self._scheduler = scheduler
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._workers = [
            _Worker(store.url, scheduler) if processes else None for _ in range(workers)
        ]
        self._threads = [
            threading.Thread(
                target=self._work, args=(worker,), name=f"detente-run-{i}", daemon=True
            )
            for i, worker in enumerate(self._workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(
        self,
        run_id: int,
        kind: str,
        scenario: Scenario | None,
        model: str,
        params: dict[str, Any],
        seed: int,
    ) -> None:
        """Queue a run already recorded as ``queued``."""
        self._queue.put(_Job(run_id, kind, scenario, model, params, seed))

    def shutdown(self, grace: float = STOP_GRACE) -> None:
        """Stop: queued runs never start; running ones stop at their next progress step or are
        killed, waited for at most ``grace`` seconds in all."""
        self._stopping.set()
        for _ in self._threads:
            self._queue.put(None)
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0.0))
        for worker in self._workers:
            if worker is not None:
                worker.kill()

    def _work(self, worker: _Worker | None) -> None:
        while (job := self._queue.get()) is not None and not self._stopping.is_set():
            try:
                self._execute(job, worker)
            except Exception:  # the store itself failed: nothing can be recorded, keep serving
                log.exception("run %s could not be recorded", job.run_id)

    def _execute(self, job: _Job, worker: _Worker | None) -> None:
        with self._store.session() as session:
            if not start_run(session, run_id=job.run_id):
                return
        if worker is None:
            report = store_progress(self._store, job.run_id, stopping=self._stopping.is_set)
            backend = Backend(report, self._scheduler)
            fn = check_kind(job.kind)
            status, payload = compute(fn, job.scenario, job.model, job.params, job.seed, backend)
        else:
            status, payload = worker.compute(job, lambda: self._should_stop(job.run_id))
        if status == "cancelled":
            return
        if status == "failed":
            self._end(job.run_id, "failed", error=payload)
            return
        try:
            self._end(job.run_id, "done", results=payload)
        except Exception as exc:  # e.g. a result the database refuses: the run must still end
            log.exception("run %s: its result could not be stored", job.run_id)
            self._end(
                job.run_id, "failed", error=f"the result could not be stored: {type(exc).__name__}"
            )

    def _should_stop(self, run_id: int) -> bool:
        if self._stopping.is_set():
            return True
        with self._store.session() as session:
            return get_run(session, run_id=run_id).status != "running"

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
