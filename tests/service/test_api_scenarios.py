"""``/api/scenarios``: upload (multipart, raw YAML/CSV, XLSX), validation as 422 with the CLI's
records, versions, diff, soft delete."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from detente.scenario import load_scenario, write_long_csv, write_xlsx

DATA = Path(__file__).parent / "data"


def _upload(client: TestClient, name: str = "emission.yaml", **params: str) -> dict:
    with open(DATA / name, "rb") as handle:
        response = client.post("/api/scenarios", files={"file": (name, handle)}, params=params)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_multipart_upload_creates_version_1(client: TestClient) -> None:
    created = _upload(client, author="ana", note="from the paper")
    assert created["version"] == 1
    body = client.get(f"/api/scenarios/{created['id']}").json()
    assert (body["slug"], body["author"], body["note"]) == (
        "emission-standards-1994",
        "ana",
        "from the paper",
    )
    assert len(body["scenario"]["actors"]) == 10


def test_raw_yaml_and_csv_bodies_are_accepted_with_their_content_type(
    client: TestClient,
) -> None:
    yaml_text = (DATA / "emission.yaml").read_bytes()
    r = client.post(
        "/api/scenarios", content=yaml_text, headers={"content-type": "application/yaml"}
    )
    assert r.status_code == 201 and r.json()["version"] == 1
    csv_text = write_long_csv(load_scenario("emission-standards-1994"))
    r = client.post(
        "/api/scenarios", content=csv_text.encode(), headers={"content-type": "text/csv"}
    )
    assert r.status_code == 201, r.text
    stored = client.get(f"/api/scenarios/{r.json()['id']}").json()
    assert stored["format"] == "csv" and len(stored["scenario"]["actors"]) == 10


def test_xlsx_upload_is_stored_as_its_yaml_equivalent(client: TestClient, tmp_path: Path) -> None:
    write_xlsx(load_scenario("emission-standards-1994"), tmp_path / "e.xlsx")
    with open(tmp_path / "e.xlsx", "rb") as handle:
        r = client.post("/api/scenarios", files={"file": ("e.xlsx", handle)})
    assert r.status_code == 201, r.text
    stored = client.get(f"/api/scenarios/{r.json()['id']}").json()
    assert stored["format"] == "yaml"
    assert [a["id"] for a in stored["scenario"]["actors"]][:2] == ["Netherlands", "Belgium"]


def test_an_invalid_scenario_is_a_422_with_the_cli_problem_records(client: TestClient) -> None:
    with open(DATA / "bad_salience.yaml", "rb") as handle:
        r = client.post("/api/scenarios", files={"file": ("bad_salience.yaml", handle)})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"].startswith("1 problem in bad_salience.yaml")
    [problem] = body["problems"]
    assert problem["location"] == "actors[Netherlands].issues[lag].salience"
    assert problem["given"] == 140 and problem["file"] == "bad_salience.yaml"
    assert problem["line"] is not None


def test_a_wrong_content_type_is_a_415_that_lists_the_accepted_ones(client: TestClient) -> None:
    r = client.post("/api/scenarios", content=b"{}", headers={"content-type": "application/json"})
    assert r.status_code == 415
    assert "text/csv" in r.json()["detail"] and "'application/json'" in r.json()["detail"]


def test_a_client_path_in_the_file_name_is_never_used(client: TestClient) -> None:
    r = client.post(
        "/api/scenarios",
        files={"file": ("../../etc/passwd.yaml", (DATA / "emission.yaml").read_bytes())},
    )
    assert r.status_code == 201
    missing = client.post("/api/scenarios", files={"file": ("/etc/hostname", b"x")})
    assert missing.status_code == 415
    assert "got 'hostname'" in missing.json()["detail"]
    bad = client.post("/api/scenarios", files={"file": ("/etc/hostname.yaml", b"x: [")})
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["file"] == "hostname.yaml"


def test_update_adds_a_version_and_diff_names_the_changed_field(client: TestClient) -> None:
    sid = _upload(client)["id"]
    changed = (
        (DATA / "emission.yaml")
        .read_text()
        .replace(
            "position: {value: 7, source: BDM1994}, salience: {value: 40",
            "position: {value: 8, source: BDM1994}, salience: {value: 40",
        )
    )
    r = client.put(
        f"/api/scenarios/{sid}",
        content=changed.encode(),
        headers={"content-type": "application/yaml"},
        params={"author": "ben", "note": "Belgium moved", "base_version": "1"},
    )
    assert r.json() == {"id": sid, "version": 2}
    assert r.headers["etag"] == '"2"'
    versions = client.get(f"/api/scenarios/{sid}/versions").json()
    assert versions["count"] == 2
    assert [(v["version"], v["note"]) for v in versions["data"]] == [(1, ""), (2, "Belgium moved")]
    diff = client.get(f"/api/scenarios/{sid}/diff", params={"before": 1, "after": 2}).json()
    assert diff["changes"] == [
        {"location": "actors[Belgium].issues.lag.position.value", "before": 7.0, "after": 8.0}
    ]
    assert "-  - {id: Belgium" in diff["unified"] and "+  - {id: Belgium" in diff["unified"]
    assert client.get(f"/api/scenarios/{sid}", params={"version": 1}).json()["version"] == 1


def test_delete_is_soft_and_hides_the_scenario(client: TestClient) -> None:
    sid = _upload(client)["id"]
    assert client.delete(f"/api/scenarios/{sid}").status_code == 204
    missing = client.get(f"/api/scenarios/{sid}")
    assert missing.status_code == 404
    assert missing.json() == {"detail": f"no stored scenario with id {sid}"}
    assert client.get("/api/scenarios").json() == {"data": [], "count": 0}


def test_list_is_an_envelope_newest_first(client: TestClient) -> None:
    first, second = _upload(client)["id"], _upload(client)["id"]
    listing = client.get("/api/scenarios").json()
    assert listing["count"] == 2
    assert [s["id"] for s in listing["data"]] == [second, first]


def test_oversized_bodies_are_refused_with_413(db_url: str) -> None:
    from detente.api import Settings, create_app

    with TestClient(create_app(Settings(database_url=db_url, max_request_bytes=1000))) as c:
        r = c.post(
            "/api/scenarios", content=b"x" * 5000, headers={"content-type": "application/yaml"}
        )
        assert r.status_code == 413
        assert "larger than this server accepts (1000 bytes)" in r.json()["detail"]


def test_yaml_is_loaded_safely(client: TestClient) -> None:
    evil = b"!!python/object/apply:os.system ['echo pwned']\n"
    r = client.post("/api/scenarios", content=evil, headers={"content-type": "application/yaml"})
    assert r.status_code == 422


def test_built_in_cases_and_models_are_listed(client: TestClient) -> None:
    cases = client.get("/api/cases").json()
    assert "emission-standards-1994" in [c["name"] for c in cases["data"]]
    case = client.get("/api/cases/emission-standards-1994").json()
    assert case["scenario"]["id"] == "emission-standards-1994"
    assert client.get("/api/cases/nope").status_code == 404
    models = {m["name"]: m for m in client.get("/api/models").json()["data"]}
    assert "compromise" in models and models["median"]["params"]


def test_a_streamed_body_over_the_limit_is_cut_off_with_413(db_url: str) -> None:
    from detente.api import Settings, create_app

    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(4):
            yield b"x" * 600

    with TestClient(create_app(Settings(database_url=db_url, max_request_bytes=1000))) as c:
        r = c.post("/api/scenarios", content=chunks(), headers={"content-type": "text/csv"})
        assert r.status_code == 413
