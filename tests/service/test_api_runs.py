"""``/api/runs``: background runs with progress, results as JSON (the CLI's shape) and CSV,
server-sent events, cancellation, and clear 422s for what cannot run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import detente
from detente.api import _kinds
from detente.cli import app

from .service_support import NO_POSTGRES, POSTGRES_URL, postgres_schema, wait_for_run

DATA = Path(__file__).parent / "data"


def test_a_forecast_run_returns_the_cli_json(client: TestClient) -> None:
    r = client.post(
        "/api/runs",
        json={"kind": "forecast", "scenario": "emission-standards-1994", "model": "compromise"},
    )
    assert r.status_code == 202
    run = wait_for_run(client, r.json()["id"])
    assert (run["status"], run["progress"]) == ("done", 1.0)
    cli = CliRunner().invoke(app, ["forecast", "emission-standards-1994", "--json"])
    assert run["result"] == json.loads(cli.output)
    # The package's own doctest value (detente/__init__.py).
    assert run["result"]["outcomes"]["lag"] == pytest.approx(7.389955686853766, abs=1e-12)


def test_a_run_records_what_reproduces_it(client: TestClient) -> None:
    rid = client.post(
        "/api/runs",
        json={
            "kind": "forecast",
            "scenario": "emission-standards-1994",
            "model": "median",
            "params": {"draws": 50},
            "seed": 11,
        },
    ).json()["id"]
    run = wait_for_run(client, rid)
    assert (run["model"], run["params"], run["seed"]) == ("median", {"draws": 50}, 11)
    assert run["package_version"] == detente.__version__ and len(run["input_hash"]) == 64
    again = detente.forecast("emission-standards-1994", "median", draws=50, seed=11)
    assert run["result"]["outcomes"] == again.outcomes


def test_a_stored_scenario_runs_at_its_version(client: TestClient) -> None:
    with open(DATA / "emission.yaml", "rb") as handle:
        sid = client.post("/api/scenarios", files={"file": ("e.yaml", handle)}).json()["id"]
    run = wait_for_run(
        client,
        client.post(
            "/api/runs", json={"kind": "forecast", "scenario": sid, "model": "median"}
        ).json()["id"],
    )
    assert (run["scenario"], run["scenario_version"]) == (str(sid), 1)
    assert run["result"]["outcomes"] == {"lag": 7.0}


def test_results_come_as_csv_tables(client: TestClient) -> None:
    rid = client.post(
        "/api/runs",
        json={"kind": "forecast", "scenario": "emission-standards-1994", "params": {"draws": 4}},
    ).json()["id"]
    wait_for_run(client, rid)
    csv = client.get(f"/api/runs/{rid}/result", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0] == "draw,issue,outcome" and len(lines) == 5


def test_large_runs_are_chunked_with_the_same_numbers(client: TestClient) -> None:
    # A run's draws go in 20 chunks at least (here 15 chunks of 2) so progress moves; the
    # numbers are those of the whole batch.
    rid = client.post(
        "/api/runs",
        json={
            "kind": "forecast",
            "scenario": "emission-standards-1994",
            "params": {"draws": 30},
            "seed": 3,
        },
    ).json()["id"]
    wait_for_run(client, rid)
    rows = client.get(f"/api/runs/{rid}/result", params={"format": "csv"}).text.splitlines()[1:]
    whole = detente.forecast("emission-standards-1994", draws=30, seed=3).outcome[:, 0]
    assert [float(r.split(",")[2]) for r in rows] == pytest.approx(list(whole), abs=0)


def test_compare_runs_every_model_asked(client: TestClient) -> None:
    rid = client.post(
        "/api/runs",
        json={
            "kind": "compare",
            "scenario": "emission-standards-1994",
            "model": "median,compromise",
        },
    ).json()["id"]
    run = wait_for_run(client, rid)
    assert run["result"]["models"]["median"]["outcomes"] == {"lag": 7.0}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"kind": "dance", "scenario": "emission-standards-1994"},
            "unknown run kind 'dance'; available kinds: forecast, compare, simulate, sensitivity, "
            "levers, deal, guarantees, backtest",
        ),
        (
            {"kind": "backtest", "scenario": "emission-standards-1994"},
            "a backtest run takes a dataset as its scenario: deu; got 'emission-standards-1994'",
        ),
        (
            {"kind": "forecast", "scenario": "emission-standards-1994", "model": "medain"},
            "unknown model 'medain'; the models are: compromise, mean, median, status_quo, nash, exchange, eum, smp; did you mean 'median'?",
        ),
        (
            {"kind": "forecast", "scenario": "emission-standards-1994", "params": {"draws": 0}},
            "params.draws must be a whole number from 1 to 200,000 on this server; got 0",
        ),
        (
            {"kind": "forecast", "scenario": "emission-standards-1994", "params": {"draws": 10**7}},
            "params.draws must be a whole number from 1 to 200,000 on this server; got 10000000",
        ),
        (
            {
                "kind": "sensitivity",
                "scenario": "emission-standards-1994",
                "params": {"method": "sobol", "samples": 2**31},
            },
            "params.samples must be a whole number from 2 to 65,536 on this server; got 2147483648",
        ),
        (
            {
                "kind": "sensitivity",
                "scenario": "ukraine-2026",
                "params": {"method": "sobol", "samples": 4096},
            },
            # 4,096 × (91 uncertain inputs of ukraine-2026, its no-deal path included, + 2)
            "params.samples 4,096 needs 380,928 model draws for this scenario's uncertain "
            "inputs; this server allows at most 200,000",
        ),
        (
            {
                "kind": "sensitivity",
                "scenario": "emission-standards-1994",
                "params": {"method": "sobol", "samples": 100},
            },
            "params.samples must be a power of two (Sobol sequences need it); got 100",
        ),
        (
            {
                "kind": "levers",
                "scenario": "emission-standards-1994",
                "params": {"actor": "a", "issue": "b", "toward": "low", "draws": 10**6},
            },
            "params.draws must be a whole number from 1 to 10,000 on this server",
        ),
        (
            {"kind": "backtest", "scenario": "deu", "params": {"resamples": 10**9}},
            "params.resamples must be a whole number from 1 to 100,000 on this server",
        ),
        (
            {
                "kind": "deal",
                "scenario": "emission-standards-1994",
                "params": {"top": 10**9},
            },
            "params.top must be a whole number from 1 to 100",
        ),
        (
            {
                "kind": "guarantees",
                "scenario": "emission-standards-1994",
                "params": {"workers": 64},
            },
            "a guarantees run takes no params.workers; its parameters are draws, package",
        ),
        (
            {
                "kind": "simulate",
                "scenario": "emission-standards-1994",
                "params": {"scheduler": "processes"},
            },
            "scheduler",
        ),
        (
            {"kind": "forecast", "scenario": "/etc/passwd"},
            "no stored scenario or built-in called '/etc/passwd'",
        ),
    ],
)
def test_what_cannot_run_is_a_clear_422(client: TestClient, body: dict, message: str) -> None:
    r = client.post("/api/runs", json=body)
    assert r.status_code == 422
    assert message in r.text


def test_a_missing_run_is_a_404_that_says_so(client: TestClient) -> None:
    r = client.get("/api/runs/999")
    assert (r.status_code, r.json()) == (404, {"detail": "no run with id 999"})


def test_events_stream_progress_then_the_end(client: TestClient) -> None:
    rid = client.post(
        "/api/runs", json={"kind": "forecast", "scenario": "emission-standards-1994"}
    ).json()["id"]
    wait_for_run(client, rid)
    with client.stream("GET", f"/api/runs/{rid}/events") as stream:
        text = "".join(stream.iter_text())
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert 'event: progress\ndata: {"status": "done", "progress": 1.0}' in text
    assert text.endswith('event: end\ndata: {"status": "done", "error": null}\n\n')


def test_cancel_stops_a_running_run(
    thread_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    started, release = threading.Event(), threading.Event()

    def slow(scenario, model, params, seed, progress):  # type: ignore[no-untyped-def]
        started.set()
        release.wait(10)
        progress(0.5)  # the cancelled run stops here
        raise AssertionError("a cancelled run went on")

    monkeypatch.setitem(_kinds.KINDS, "forecast", slow)
    monkeypatch.setattr("detente.api._worker.PROGRESS_EVERY", 0.0)
    rid = thread_client.post(
        "/api/runs", json={"kind": "forecast", "scenario": "emission-standards-1994"}
    ).json()["id"]
    assert started.wait(10)
    assert thread_client.post(f"/api/runs/{rid}/cancel").json()["status"] == "cancelled"
    release.set()
    run = wait_for_run(thread_client, rid)
    assert (run["status"], run["result"], run["error"]) == ("cancelled", None, None)


def test_a_failing_run_is_failed_with_its_message(
    thread_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(scenario, model, params, seed, progress):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(_kinds.KINDS, "forecast", broken)
    rid = thread_client.post(
        "/api/runs", json={"kind": "forecast", "scenario": "emission-standards-1994"}
    ).json()["id"]
    run = wait_for_run(thread_client, rid)
    assert run["status"] == "failed"
    assert run["error"] == "internal error: ZeroDivisionError: division by zero"
    assert thread_client.get("/health").json() == {"status": "ok"}


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
def test_the_service_works_on_postgresql() -> None:
    from detente.api import Settings, create_app

    with postgres_schema() as url, TestClient(create_app(Settings(database_url=url))) as pg:
        sid = pg.post(
            "/api/scenarios",
            content=(DATA / "emission.yaml").read_bytes(),
            headers={"content-type": "application/yaml"},
        ).json()["id"]
        rid = pg.post(
            "/api/runs",
            json={
                "kind": "forecast",
                "scenario": sid,
                "model": "median",
                "params": {"draws": 10},
                "seed": 2**32 - 1,
            },
        ).json()["id"]
        run = wait_for_run(pg, rid)
        assert (run["status"], run["seed"]) == ("done", 2**32 - 1)
        assert run["result"]["outcomes"] == {"lag": 7.0}


def test_non_finite_parameters_are_refused(client: TestClient) -> None:
    body = '{"kind": "forecast", "scenario": "emission-standards-1994", "params": {"x": NaN}}'
    r = client.post("/api/runs", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "params.x must hold finite numbers only; got nan" in r.text
    nested = (
        '{"kind": "deal", "scenario": "emission-standards-1994", '
        '"params": {"walk_away": {"a": [1, {"b": -Infinity}]}}}'
    )
    r = client.post("/api/runs", content=nested, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "params.walk_away must hold finite numbers only" in r.text


def test_stopping_the_server_fails_unfinished_runs_and_keeps_finished_ones(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from detente.api import Settings, create_app
    from detente.store import get_run, open_store

    started = threading.Event()

    def long_run(scenario, model, params, seed, progress):  # type: ignore[no-untyped-def]
        started.set()
        for k in range(500):  # about 5 s unless stopped; stopping raises from progress()
            progress(k / 500)
            time.sleep(0.01)
        raise AssertionError("the run was not stopped")

    monkeypatch.setitem(_kinds.KINDS, "long", long_run)
    monkeypatch.setattr("detente.api._worker.PROGRESS_EVERY", 0.0)
    settings = Settings(database_url=db_url, workers=1, processes=False)
    with TestClient(create_app(settings)) as c:
        done = c.post("/api/runs", json={"kind": "forecast", "scenario": "emission-standards-1994"})
        wait_for_run(c, done.json()["id"])
        running = c.post("/api/runs", json={"kind": "long", "scenario": "emission-standards-1994"})
        queued = c.post("/api/runs", json={"kind": "long", "scenario": "emission-standards-1994"})
        assert started.wait(10)
    store = open_store(db_url)
    with store.session() as s:
        states = [get_run(s, run_id=r.json()["id"]) for r in (done, running, queued)]
    store.close()
    assert [r.status for r in states] == ["done", "failed", "failed"]
    assert all(r.error and r.error.startswith("interrupted:") for r in states[1:])


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"kind": "simulate", "scenario": "ukraine-2026", "params": {"draws": 2000}}, "issues"),
        ({"kind": "sensitivity", "scenario": "ukraine-2026"}, None),
        (
            {
                "kind": "levers",
                "scenario": "ukraine-2026",
                "params": {"actor": "ukraine", "issue": "TERR", "toward": "low", "draws": 200},
            },
            None,
        ),
        ({"kind": "deal", "scenario": "ukraine-2026"}, "zone_exists"),
        (
            {
                "kind": "guarantees",
                "scenario": "ukraine-2026",
                "params": {"package": "paris-2026", "draws": 5000},
            },
            "p_deterrence",
        ),
        (
            {
                "kind": "backtest",
                "scenario": "deu",
                "model": "compromise,median",
                "params": {"resamples": 200},
            },
            "n_issues",
        ),
    ],
)
def test_every_run_kind_of_the_contract_runs_through_the_public_api(
    client: TestClient, body: dict[str, Any], key: str | None
) -> None:
    response = client.post("/api/runs", json=body)
    assert response.status_code == 202, response.text
    run = wait_for_run(client, response.json()["id"])
    assert run["status"] == "done", run.get("error")
    assert run["result"]
    if key is not None:
        assert key in run["result"]
    # Every kind's result tables come as CSV too.
    table = {
        "simulate": "outcome",
        "sensitivity": "sensitivity",
        "levers": "levers",
        "deal": "zone",
        "guarantees": "guarantors",
        "backtest": "leaderboard",
    }[body["kind"]]
    csv = client.get(f"/api/runs/{run['id']}/result", params={"format": "csv", "table": table})
    assert csv.status_code == 200, csv.text
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) >= 2
