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


FORGED = [
    {"origin": "https://evil.example"},
    {"origin": "null"},
    {"origin": "http://127.0.0.1:9999"},  # another server on the same machine
    {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
    {"sec-fetch-site": "same-site", "origin": "http://localhost:3000"},
]


@pytest.mark.parametrize("headers", FORGED)
def test_forged_cross_site_writes_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    run = client.post(
        "/scenarios/emission-standards-1994/run",
        data={"kind": "forecast", "model": "median", "draws": "1", "seed": "0"},
        headers=headers,
        follow_redirects=False,
    )
    assert run.status_code == 403
    assert "refused: the request comes from another site" in run.json()["detail"]
    for path in ("/upload", "/api/scenarios"):
        upload = client.post(path, files={"file": ("e.yaml", YAML)}, headers=headers)
        assert upload.status_code == 403
    save = client.post("/scenarios/emission-standards-1994", data={"note": "x"}, headers=headers)
    assert save.status_code == 403
    assert client.post("/api/runs/1/cancel", headers=headers).status_code == 403
    assert client.get("/api/runs").json()["count"] == 0
    assert client.get("/api/scenarios").json()["count"] == 0
    # Reads stay open to any page (nothing changes).
    assert client.get("/api/scenarios", headers=headers).status_code == 200


def test_a_forged_post_is_refused_even_with_the_sign_in_cookie(guarded: TestClient) -> None:
    guarded.post("/login", data={"token": "s3cret"})
    forged = guarded.post(
        "/scenarios/emission-standards-1994/run",
        data={"kind": "forecast", "model": "median", "draws": "1", "seed": "0"},
        headers={"origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert forged.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://testserver", "sec-fetch-site": "same-origin"},
        {"origin": "http://testserver"},  # a browser without Sec-Fetch-Site, same host
        {"sec-fetch-site": "none"},  # typed or bookmarked by the person
        {},  # programs: curl, httpx
    ],
)
def test_the_servers_own_pages_and_programs_can_write(
    client: TestClient, headers: dict[str, str]
) -> None:
    run = client.post(
        "/scenarios/emission-standards-1994/run",
        data={"kind": "forecast", "model": "median", "draws": "1", "seed": "0"},
        headers=headers,
        follow_redirects=False,
    )
    assert run.status_code == 303
    upload = client.post("/api/scenarios", files={"file": ("e.yaml", YAML)}, headers=headers)
    assert upload.status_code == 201
