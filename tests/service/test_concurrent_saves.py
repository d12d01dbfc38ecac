"""Nobody's edit is lost: saves carry the version they are based on; of simultaneous saves on
the same version exactly one is stored and the others get 409 with what changed, on SQLite and
PostgreSQL alike; the version history holds every stored edit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from detente.api import Settings, create_app

from .service_support import NO_POSTGRES, POSTGRES_URL, postgres_schema

YAML = (Path(__file__).parent / "data" / "emission.yaml").read_text()
BELGIUM = "position: {value: 7, source: BDM1994}, salience: {value: 40"
PAIRS = 50


@pytest.fixture(params=["sqlite", "postgresql"])
def app_client(request: pytest.FixtureRequest, db_url: str) -> Iterator[TestClient]:
    """The app on a fresh SQLite file, or on a new schema of the PostgreSQL test server."""
    if request.param == "sqlite":
        with TestClient(create_app(Settings(database_url=db_url))) as client:
            yield client
        return
    if not POSTGRES_URL:
        pytest.fail(NO_POSTGRES)  # CI provides it (.ci/services.sh); a skip would hide the test
    with postgres_schema() as url, TestClient(create_app(Settings(database_url=url))) as client:
        yield client


def _edit(position: float, salience: int) -> bytes:
    return YAML.replace(
        BELGIUM, f"position: {{value: {position}, source: BDM1994}}, salience: {{value: {salience}"
    ).encode()


def _put(client: TestClient, sid: int, body: bytes, base: int, who: str) -> httpx.Response:
    return client.put(
        f"/api/scenarios/{sid}",
        content=body,
        headers={"content-type": "application/yaml", "if-match": f'"{base}"'},
        params={"author": who},
    )


def test_pairs_of_simultaneous_saves_store_one_and_refuse_the_other(
    app_client: TestClient,
) -> None:
    sid = app_client.post(
        "/api/scenarios", content=YAML.encode(), headers={"content-type": "application/yaml"}
    ).json()["id"]
    stored: dict[int, bytes] = {1: YAML.encode()}
    with ThreadPoolExecutor(2) as pool:
        for pair in range(PAIRS):
            base = int(app_client.get(f"/api/scenarios/{sid}").headers["etag"].strip('"'))
            bodies = [_edit(1 + pair % 10, 40), _edit(7, 1 + pair)]
            gate = threading.Barrier(2)

            def save(
                side: int,
                base: int = base,
                bodies: list[bytes] = bodies,
                gate: threading.Barrier = gate,
            ) -> httpx.Response:
                gate.wait()
                return _put(app_client, sid, bodies[side], base, f"analyst-{side}")

            answers = list(pool.map(save, (0, 1)))
            codes = sorted(a.status_code for a in answers)
            assert codes == [200, 409], [a.text for a in answers]
            won = next(side for side, a in enumerate(answers) if a.status_code == 200)
            lost = answers[1 - won].json()
            assert answers[won].json()["version"] == base + 1
            assert (lost["base_version"], lost["latest_version"]) == (base, base + 1)
            assert lost["changes"]["changes"], "a 409 says what changed"
            stored[base + 1] = bodies[won]
    history = app_client.get(f"/api/scenarios/{sid}/versions").json()["data"]
    assert [v["version"] for v in history] == list(range(1, PAIRS + 2))
    for version, body in stored.items():
        content = app_client.get(f"/api/scenarios/{sid}", params={"version": version}).json()
        assert content["content"] == body.decode(), f"version {version} lost its edit"


def test_a_burst_on_one_version_stores_exactly_one(app_client: TestClient) -> None:
    sid = app_client.post(
        "/api/scenarios", content=YAML.encode(), headers={"content-type": "application/yaml"}
    ).json()["id"]
    gate = threading.Barrier(20)

    def save(k: int) -> int:
        gate.wait()
        return _put(app_client, sid, _edit(1 + k % 10, 1 + k), 1, f"a{k}").status_code

    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(save, range(20)))
    assert sorted(codes) == [200] + [409] * 19
    assert app_client.get(f"/api/scenarios/{sid}/versions").json()["count"] == 2


def test_a_stale_save_is_409_with_what_changed_and_nothing_is_saved(client: TestClient) -> None:
    sid = client.post(
        "/api/scenarios", content=YAML.encode(), headers={"content-type": "application/yaml"}
    ).json()["id"]
    assert _put(client, sid, _edit(8, 40), 1, "ana").status_code == 200
    stale = client.put(
        f"/api/scenarios/{sid}",
        content=_edit(7, 90),
        headers={"content-type": "application/yaml"},
        params={"base_version": "1"},
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["detail"].startswith(
        f"scenario {sid} was saved as version 2 since version 1, which this save is based on"
    )
    assert body["changes"]["changes"] == [
        {"location": "actors[Belgium].issues.lag.position.value", "before": 7.0, "after": 8.0}
    ]
    assert client.get(f"/api/scenarios/{sid}/versions").json()["count"] == 2


@pytest.mark.parametrize(
    ("headers", "params", "status", "message"),
    [
        ({}, {}, 428, "say which version this save is based on"),
        ({"if-match": "*"}, {}, 422, "If-Match must be the ETag of a version"),
        ({"if-match": '"1"'}, {"base_version": "2"}, 422, "If-Match names version 1"),
        ({"if-match": 'W/"1"'}, {}, 200, '"version":2'),
    ],
)
def test_a_save_must_say_its_base_version(
    client: TestClient, headers: dict[str, str], params: dict[str, str], status: int, message: str
) -> None:
    sid = client.post(
        "/api/scenarios", content=YAML.encode(), headers={"content-type": "application/yaml"}
    ).json()["id"]
    r = client.put(
        f"/api/scenarios/{sid}",
        content=_edit(8, 40),
        headers={"content-type": "application/yaml", **headers},
        params=params,
    )
    assert r.status_code == status and message in r.text


def test_the_web_editor_refuses_a_stale_save_and_shows_what_changed(client: TestClient) -> None:
    import re

    sid = client.post(
        "/api/scenarios", content=YAML.encode(), headers={"content-type": "application/yaml"}
    ).json()["id"]
    html = client.get(f"/scenarios/{sid}").text
    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    assert form["base_version"] == "1"
    assert _put(client, sid, _edit(8, 40), 1, "ben").status_code == 200
    form["sal:0.0"] = "55"
    page = client.post(f"/scenarios/{sid}", data=form)
    assert page.status_code == 409
    assert "was saved as version 2 since version 1" in page.text
    assert "actors[Belgium].issues.lag.position.value</code>: 7.0 → 8.0" in page.text
    assert 'name="base_version" value="2"' in page.text and 'value="55"' in page.text
    assert client.get(f"/api/scenarios/{sid}/versions").json()["count"] == 2
