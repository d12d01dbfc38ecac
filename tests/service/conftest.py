"""Fixtures of the service tests: a fresh SQLite file per test, the app, a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.api import Settings, create_app

from .service_support import Server, start_server, stop_server


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite file for this test only."""
    return f"sqlite:///{tmp_path}/detente.sqlite3"


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    """The real app on its own fresh database (lifespan started and stopped)."""
    with TestClient(create_app(Settings(database_url=db_url))) as test_client:
        yield test_client


@pytest.fixture
def thread_client(db_url: str) -> Iterator[TestClient]:
    """The app computing runs in its own threads: for tests that register or patch a kind in
    this process (a worker process would not see it)."""
    with TestClient(create_app(Settings(database_url=db_url, processes=False))) as test_client:
        yield test_client


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A real server process on a fresh SQLite file."""
    running = start_server(f"sqlite:///{tmp_path}/served.sqlite3")
    yield running
    stop_server(running)
