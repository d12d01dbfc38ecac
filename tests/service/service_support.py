"""Helpers of the service tests: waiting for runs, starting a real server process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient


def wait_for_run(
    client: TestClient | httpx.Client, run_id: int, timeout: float = 30.0
) -> dict[str, Any]:
    """Poll a run until it ends; its final JSON."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/runs/{run_id}").json()
        if body["status"] in ("done", "failed", "cancelled"):
            return dict(body)
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not end within {timeout} s: {body}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A real ``detente serve`` process on loopback."""

    process: subprocess.Popen[bytes]
    url: str
    database_url: str

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30.0, **kwargs)  # type: ignore[arg-type]


def start_server(database_url: str, *, env: dict[str, str] | None = None) -> Server:
    """Start ``detente serve`` in a subprocess and wait until /health answers."""
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="detente-serve-")) / "stderr.log"
    with open(log_path, "wb") as log:  # the server keeps its own handle
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "detente",
                "serve",
                "--port",
                str(port),
                "--database-url",
                database_url,
            ],
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            # A file, not a pipe: nobody reads a pipe while the server runs; a full one blocks it.
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    # Generous: on a busy 2-core machine the imports alone have taken 15 s.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = log_path.read_text(errors="replace")
            raise AssertionError(f"server exited with {process.returncode}: {err}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return Server(process, url, database_url)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError("server did not answer /health within 90 s")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


POSTGRES_URL = os.environ.get("DETENTE_TEST_DATABASE_URL")
NO_POSTGRES = (
    "PostgreSQL tests need DETENTE_TEST_DATABASE_URL (.ci/run starts a server and sets it)"
)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL of the PostgreSQL test server whose tables live in a new, throw-away schema."""
    import uuid

    from sqlalchemy import text

    from detente.store import open_store

    assert POSTGRES_URL, NO_POSTGRES
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = open_store(POSTGRES_URL, migrate=False)
    with admin.engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.close()
