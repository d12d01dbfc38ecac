"""Backends: local processes and a real 2-worker Dask cluster reproduce in-process runs exactly."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from detente import ModelError, simulate
from detente.scenario import Scenario
from detente.uncertainty import default_chunk_size, run_tasks
from detente.uncertainty._runner import ChunkTask


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    """A LocalCluster with two worker *processes* (not threads), for this module's tests."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=40,
    ) as cluster:
        yield cluster.scheduler_address


def _run(mini: Scenario, **backend: object) -> tuple[np.ndarray, str]:
    sim = simulate(mini, "median", draws=3000, seed=7, chunk_size=500, **backend)  # type: ignore[arg-type]
    return sim.outcome, json.dumps(sim.to_json())


def test_two_local_worker_processes_match_in_process(mini: Scenario) -> None:
    here, here_json = _run(mini)
    there, there_json = _run(mini, workers=2)
    assert np.array_equal(here, there)
    assert here_json == there_json


def test_dask_cluster_with_two_worker_processes_matches_in_process(
    mini: Scenario, dask_scheduler: str
) -> None:
    from distributed import Client

    with Client(dask_scheduler) as client:
        pids = set(client.run(lambda: __import__("os").getpid()).values())
    assert len(pids) == 2 and __import__("os").getpid() not in pids  # real worker processes
    here, here_json = _run(mini)
    there, there_json = _run(mini, scheduler=dask_scheduler)
    assert np.array_equal(here, there)
    assert here_json == there_json


def test_results_come_back_in_task_order_whatever_finishes_first(dask_scheduler: str) -> None:
    done: list[int] = []
    assert run_tasks(abs, [-3, 1, -2, 5], scheduler=dask_scheduler, on_done=done.append) == [
        3,
        1,
        2,
        5,
    ]
    assert sorted(done) == [0, 1, 2, 3]


def test_chunk_tasks_are_small_and_picklable(mini: Scenario) -> None:
    import pickle

    task = ChunkTask(mini, "median", None, np.zeros((4, 3)), (), seed=1, first_draw=8, full=False)
    again = pickle.loads(pickle.dumps(task))
    assert again.uniforms.shape == (4, 3) and again.first_draw == 8


def test_workers_and_scheduler_together_are_refused(mini: Scenario) -> None:
    with pytest.raises(ModelError, match=r"give either workers \(2\) or a Dask scheduler"):
        simulate(mini, draws=10, workers=2, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ModelError, match="workers must be at least 1; got 0"):
        simulate(mini, draws=10, workers=0)


def test_missing_dask_says_which_extra_to_install(
    mini: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'detente\[dask\]'"):
        simulate(mini, draws=10, scheduler="tcp://127.0.0.1:8786")


def test_an_unreachable_scheduler_is_named_with_what_to_do(
    mini: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.uncertainty import _backends

    monkeypatch.setattr(_backends, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(
        ModelError, match=r"could not reach the Dask scheduler at 'tcp://127.0.0.1:9'"
    ):
        simulate(mini, draws=10, scheduler="tcp://127.0.0.1:9")


def test_a_worker_process_gets_its_share_of_the_cores_unless_the_user_set_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from detente.uncertainty._backends import share_cores

    monkeypatch.delenv("NUMBA_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    share_cores(1)
    assert os.environ["NUMBA_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "3"  # the user's choice stands


def test_runs_on_workers_cut_several_chunks_per_worker() -> None:
    from detente.uncertainty._runner import CHUNKS_PER_WORKER, spread_size

    # 20,000 draws of ukraine-2026 used to make 7 chunks of up to 2,995 for 2 workers (4 + 3).
    size = min(default_chunk_size(10, 7), spread_size(20_000, 2))
    assert -(-20_000 // size) == 2 * CHUNKS_PER_WORKER


def test_dask_workers_keep_the_chunks_arrays_on_the_heap(
    mini: Scenario, dask_scheduler: str
) -> None:
    from distributed import Client

    def state() -> tuple[str | None, bool]:
        from detente.uncertainty import _malloc

        return os.environ.get("MALLOC_TRIM_THRESHOLD_"), _malloc._done

    simulate(mini, "median", draws=200, seed=1, chunk_size=10, scheduler=dask_scheduler)
    with Client(dask_scheduler) as client:
        seen = client.run(state).values()
    # Dask's nanny pins the trim threshold; a worker that ran a chunk raised the mmap threshold.
    assert ("65536", True) in seen and all(trim == "65536" for trim, _ in seen)
