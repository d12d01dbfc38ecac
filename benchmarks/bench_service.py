"""The service in-process (TestClient, SQLite file): request latency and a run's round trip."""

from __future__ import annotations

import tempfile
import time

from fastapi.testclient import TestClient

from detente.api import Settings, create_app

from ._timing import best_of, markdown_table

CASE = "emission-standards-1994"


def _round_trip(client: TestClient, draws: int) -> None:
    body = {"kind": "forecast", "scenario": CASE, "params": {"draws": draws}}
    run_id = client.post("/api/runs", json=body).json()["id"]
    while client.get(f"/api/runs/{run_id}").json()["status"] not in ("done", "failed"):
        time.sleep(0.005)


def run() -> str:
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="detente-bench-") as folder,
        TestClient(
            create_app(Settings(database_url=f"sqlite:///{folder}/bench.sqlite3"))
        ) as client,
    ):
        yaml_text = client.get(f"/api/cases/{CASE}").json()["content"].encode()
        sid = client.post(
            "/api/scenarios", content=yaml_text, headers={"content-type": "application/yaml"}
        ).json()["id"]
        requests = {
            "GET /health": lambda: client.get("/health"),
            "GET /api/scenarios/{id}": lambda: client.get(f"/api/scenarios/{sid}"),
            "POST /api/scenarios (YAML)": lambda: client.post(
                "/api/scenarios", content=yaml_text, headers={"content-type": "application/yaml"}
            ),
        }
        for name, call in requests.items():
            rows.append([name, f"{best_of(call) * 1e3:.1f} ms"])
        for draws in (1, 100_000):
            seconds = best_of(lambda d=draws: _round_trip(client, d), repeat=3)
            rows.append([f"forecast run round trip, {draws:,} draws", f"{seconds * 1e3:.0f} ms"])
    table = markdown_table(["request", "best time"], rows)
    return "## Service (in-process, SQLite, emission case)\n\n" + table
