"""Security: loopback by default, a token for writes (and for starting off-loopback), reads open,
the web app's sign-in cookie; ``detente serve`` refuses a public address without a token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from detente.api import Settings, create_app
from detente.cli import app

YAML = (Path(__file__).parent / "data" / "emission.yaml").read_bytes()
HEADERS = {"content-type": "application/yaml"}


@pytest.fixture
def guarded(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=db_url, host="0.0.0.0", token="s3cret"))) as c:
        yield c


def test_the_default_address_is_loopback() -> None:
    assert Settings().host == "127.0.0.1"


def test_a_public_address_without_a_token_is_refused(db_url: str) -> None:
    with pytest.raises(ValueError, match=r"refusing to listen on 0\.0\.0\.0: .* DETENTE_API_TOKEN"):
        create_app(Settings(database_url=db_url, host="0.0.0.0"))


def test_serve_refuses_a_public_address_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DETENTE_API_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0" in result.output


def test_writes_need_the_bearer_token(guarded: TestClient) -> None:
    refused = guarded.post("/api/scenarios", content=YAML, headers=HEADERS)
    assert refused.status_code == 401
    assert "Authorization: Bearer <DETENTE_API_TOKEN>" in refused.json()["detail"]
    wrong = guarded.post(
        "/api/scenarios", content=YAML, headers={**HEADERS, "authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    ok = guarded.post(
        "/api/scenarios", content=YAML, headers={**HEADERS, "authorization": "Bearer s3cret"}
    )
    assert ok.status_code == 201
    for method, path in (("delete", "/api/scenarios/1"), ("post", "/api/runs/1/cancel")):
        assert guarded.request(method, path).status_code == 401


def test_reads_stay_open_with_a_token(guarded: TestClient) -> None:
    assert guarded.get("/health").json() == {"status": "ok"}
    assert guarded.get("/api/scenarios").status_code == 200
    assert 'href="/login"' in guarded.get("/").text  # the page offers the sign-in


def test_the_web_sign_in_keeps_the_token_in_a_strict_cookie(guarded: TestClient) -> None:
    assert guarded.post("/login", data={"token": "nope"}).status_code == 401
    signed = guarded.post("/login", data={"token": "s3cret"}, follow_redirects=False)
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    run = guarded.post(
        "/scenarios/emission-standards-1994/run",
        data={"kind": "forecast", "model": "median", "draws": "1", "seed": "0"},
        follow_redirects=False,
    )
    assert run.status_code == 303


def test_a_server_without_a_token_offers_no_sign_in(client: TestClient) -> None:
    assert 'href="/login"' not in client.get("/").text
