"""Computing one run, in a worker process or a thread: the kind function, its progress written
to the store, and an outcome that always says how the run ended.

A worker process opens its own engine on the server's database (SQLite in WAL mode or
PostgreSQL, both safe for several processes) and writes only the run's progress there; reading
the status back at each step is how a cancelled run learns it should stop. The run's start and
end are written by the server (:mod:`._runner`), so a worker that dies or is killed cannot leave
a run half-ended.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from ..errors import DetenteError
from ..store import Store, open_store, set_progress
from ._kinds import Backend, Cancelled, Progress, RunFunction, RunOutput, check_kind

__all__ = ["Outcome", "compute", "serve_runs", "store_progress"]

log = logging.getLogger("detente.api")

# Progress is written at most this often (seconds): enough for a live bar, light on the database.
PROGRESS_EVERY = 0.2

# How a run ended: ("done", the results to store), ("cancelled", None) or ("failed", the reason).
Outcome = tuple[str, Any]


def store_progress(store: Store, run_id: int, stopping: Callable[[], bool]) -> Progress:
    """A progress callback that records the share done and raises :class:`Cancelled` once the
    run is no longer running (cancelled) or ``stopping()`` says the server is stopping."""
    last = [0.0]

    def progress(fraction: float) -> None:
        if stopping():
            raise Cancelled
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        with store.session() as session:
            status = set_progress(session, run_id=run_id, progress=fraction)
        if status != "running":
            raise Cancelled

    return progress


def compute(
    fn: RunFunction,
    scenario: Any,
    model: str,
    params: dict[str, Any],
    seed: int,
    progress: Progress,
) -> Outcome:
    """Run a kind function; every exception, serialising the result too, becomes a failure."""
    try:
        return "done", _serialise(fn(scenario, model, params, seed, progress))
    except Cancelled:
        return "cancelled", None
    except DetenteError as exc:
        return "failed", str(exc)
    except Exception as exc:  # a bug: keep the worker up, record it, log the traceback
        log.exception("a run failed")
        return "failed", f"internal error: {type(exc).__name__}: {exc}"


def _serialise(output: RunOutput) -> dict[str, tuple[str, str]]:
    """The result JSON (strict: NaN is not JSON) and each table as CSV."""
    results = {"result": ("application/json", json.dumps(output.result, allow_nan=False))}
    for name, frame in output.tables.items():
        results[name] = ("text/csv", frame.to_csv(index=False))
    return results


# How much lower a worker's priority is than the server's (Unix nice increment).
WORKER_NICENESS = 10


def _yield_to_the_server() -> None:
    # No nice on this platform, or not allowed: the worker runs as is.
    with contextlib.suppress(AttributeError, OSError):
        os.nice(WORKER_NICENESS)


def serve_runs(connection: Connection, database_url: str, scheduler: str | None) -> None:
    """A worker process's loop: receive ``(run_id, kind, scenario, model, params, seed)``, send
    back its :data:`Outcome`; ``None`` ends the loop.

    The worker lowers its own scheduling priority first: a run's compiled kernels use every
    core, and the server that answers pages, polls and ``/health`` must win the cores whenever
    it has something to do (a run is a little slower on a busy server, never the other way).
    """
    _yield_to_the_server()
    store = open_store(database_url, migrate=False)
    try:
        while (job := connection.recv()) is not None:
            run_id, kind, scenario, model, params, seed = job
            report = store_progress(store, run_id, stopping=lambda: False)
            outcome = compute(
                check_kind(kind), scenario, model, params, seed, Backend(report, scheduler)
            )
            connection.send(outcome)
    except (EOFError, KeyboardInterrupt):  # the server went away or is stopping
        pass
    finally:
        store.close()
