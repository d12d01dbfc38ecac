"""Runs end, whatever happens: every exception fails the run with its reason, a sensitivity run
with actor-level inputs succeeds, and SIGTERM stops ``detente serve`` within seconds with its
unfinished runs failed "interrupted"."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.api import _kinds

from .service_support import start_server, stop_server, wait_for_run

GOOD = Path(__file__).parents[1] / "assets" / "good.yaml"


@pytest.mark.parametrize("params", [{}, {"method": "sobol", "samples": 64}])
def test_a_sensitivity_run_with_actor_level_inputs_succeeds(
    client: TestClient, params: dict[str, object]
) -> None:
    sid = client.post(
        "/api/scenarios", content=GOOD.read_bytes(), headers={"content-type": "application/yaml"}
    ).json()["id"]
    rid = client.post(
        "/api/runs", json={"kind": "sensitivity", "scenario": sid, "params": params}
    ).json()["id"]
    run = wait_for_run(client, rid)
    assert run["status"] == "done", run["error"]
    inputs = run["result"]["issues"]["land"]["inputs"]
    capability = [i for i in inputs if i["field"] == "capability"]
    assert capability and all(i["input_issue"] is None for i in capability)


def test_a_result_that_is_not_json_fails_the_run_with_the_reason(
    thread_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_json(scenario, model, params, seed, progress):  # type: ignore[no-untyped-def]
        return _kinds.RunOutput({"x": float("nan")}, {})

    monkeypatch.setitem(_kinds.KINDS, "forecast", not_json)
    rid = thread_client.post(
        "/api/runs", json={"kind": "forecast", "scenario": "emission-standards-1994"}
    ).json()["id"]
    run = wait_for_run(thread_client, rid)
    assert run["status"] == "failed"
    assert run["error"] == (
        "internal error: ValueError: Out of range float values are not JSON compliant"
    )
    # The worker survived: the next run is computed.
    monkeypatch.undo()
    again = thread_client.post(
        "/api/runs", json={"kind": "forecast", "scenario": "emission-standards-1994"}
    ).json()["id"]
    assert wait_for_run(thread_client, again)["status"] == "done"


@pytest.mark.slow
def test_sigterm_stops_the_server_within_seconds_and_fails_its_running_runs(
    tmp_path: Path,
) -> None:
    server = start_server(f"sqlite:///{tmp_path}/term.sqlite3")
    try:
        with server.client() as http:
            big = {
                "kind": "simulate",
                "scenario": "emission-standards-1994",
                "model": "eum",
                "params": {"draws": 200_000},
            }
            ids = [http.post("/api/runs", json={**big, "seed": s}).json()["id"] for s in range(3)]
            deadline = time.monotonic() + 60
            while http.get(f"/api/runs/{ids[0]}").json()["status"] == "queued":
                assert time.monotonic() < deadline, "the run never started"
                time.sleep(0.1)
        server.process.send_signal(signal.SIGTERM)
        began = time.monotonic()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail("detente serve did not exit within 10 s of SIGTERM")
        assert time.monotonic() - began < 10
    finally:
        stop_server(server)
    again = start_server(server.database_url)
    try:
        with again.client() as http:
            states = [http.get(f"/api/runs/{rid}").json() for rid in ids]
    finally:
        stop_server(again)
    assert [s["status"] for s in states] == ["failed"] * 3, states
    assert all(s["error"].startswith("interrupted:") for s in states), [s["error"] for s in states]


def test_a_compare_run_reports_progress_as_chunks_of_draws_finish() -> None:
    from detente._compare import compare

    seen: list[float] = []
    models = ["compromise", "median", "mean"]
    compare("emission-standards-1994", models, draws=40, chunk_size=10, progress=seen.append)
    # Four chunks per model: the share moves within a model, not only after it.
    assert sorted(set(seen)) == pytest.approx([k / 12 for k in range(1, 13)])
    assert seen == sorted(seen)


def test_a_cancelled_compare_run_stops_between_models(
    thread_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from detente import _compare

    first, release, ran = threading.Event(), threading.Event(), []
    real = _compare.forecast

    def slow_forecast(*args, **kwargs):  # type: ignore[no-untyped-def]
        ran.append(args[1])
        first.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(_compare, "forecast", slow_forecast)
    monkeypatch.setattr("detente.api._worker.PROGRESS_EVERY", 0.0)
    rid = thread_client.post(
        "/api/runs",
        json={"kind": "compare", "scenario": "emission-standards-1994", "model": "median,mean"},
    ).json()["id"]
    assert first.wait(10)
    assert thread_client.post(f"/api/runs/{rid}/cancel").json()["status"] == "cancelled"
    release.set()
    assert wait_for_run(thread_client, rid)["status"] == "cancelled"
    assert ran == ["median"]  # the second model never ran
