"""Uploads: every scenario format an upload's name or content type tells is stored so that it
reads back as the same scenario; unknown ones are refused at upload (415); non-finite numbers
are the documented 422, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.scenario import load_scenario, read_scenario_bytes, write_long_csv, write_xlsx

TESTS = Path(__file__).parents[1]
DECIDE = (TESTS / "data" / "exchange" / "sample_data.decide").read_bytes()
KTAB_XML = (TESTS / "data" / "smp" / "ktab_dummy_3dim.xml").read_bytes()
YAML = (Path(__file__).parent / "data" / "emission.yaml").read_bytes()


def _files(tmp_path: Path) -> dict[str, bytes]:
    write_xlsx(load_scenario("emission-standards-1994"), tmp_path / "e.xlsx")
    return {
        "e.yaml": YAML,
        "e.yml": YAML,
        "e.csv": write_long_csv(load_scenario("emission-standards-1994")).encode(),
        "e.xlsx": (tmp_path / "e.xlsx").read_bytes(),
        "sample.decide": DECIDE,
        "sample.txt": DECIDE,
        "ktab.xml": KTAB_XML,
    }


@pytest.mark.parametrize(
    "name", ["e.yaml", "e.yml", "e.csv", "e.xlsx", "sample.decide", "sample.txt", "ktab.xml"]
)
def test_every_format_reads_back_as_the_uploaded_scenario(
    client: TestClient, tmp_path: Path, name: str
) -> None:
    data = _files(tmp_path)[name]
    r = client.post("/api/scenarios", files={"file": (name, data)})
    assert r.status_code == 201, r.text
    stored = client.get(f"/api/scenarios/{r.json()['id']}")
    assert stored.status_code == 200, stored.text
    expected = read_scenario_bytes(data, filename=name)
    assert stored.json()["scenario"] == expected.model_dump(mode="json")
    run = client.post("/api/runs", json={"kind": "forecast", "scenario": r.json()["id"]})
    assert run.status_code == 202, run.text


def test_a_raw_ktab_xml_body_is_read_as_xml(client: TestClient) -> None:
    r = client.post("/api/scenarios", content=KTAB_XML, headers={"content-type": "text/xml"})
    assert r.status_code == 201, r.text
    assert client.get(f"/api/scenarios/{r.json()['id']}").json()["format"] == "xml"


@pytest.mark.parametrize("name", ["e.json", "e", "e.yaml.exe", "e.pdf"])
def test_an_unknown_file_type_is_refused_at_upload(client: TestClient, name: str) -> None:
    r = client.post("/api/scenarios", files={"file": (name, YAML)})
    assert r.status_code == 415
    assert "a scenario file is named .yaml, .yml, .csv, .xlsx, .xml, .decide, .txt" in r.text
    assert client.get("/api/scenarios").json()["count"] == 0


@pytest.mark.parametrize("number", [".nan", ".inf", "-.inf", "1e999"])
def test_non_finite_numbers_in_an_upload_are_the_documented_422(
    client: TestClient, number: str
) -> None:
    text = YAML.decode().replace("salience: {value: 40", f"salience: {{value: {number}", 1)
    r = client.post(
        "/api/scenarios", content=text.encode(), headers={"content-type": "application/yaml"}
    )
    assert r.status_code == 422
    body = r.json()
    assert "salience must be a finite number" in body["detail"]
    assert body["problems"][0]["location"] == "actors[Belgium].issues[lag].salience"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"seed": "4294967296"}, "less than or equal to 4294967295"),
        ({"choice": "montecarlo", "montecarlo.draws": "NaN"}, "draws must be a whole number"),
        ({"choice": "simulate", "simulate.draws": "1e999"}, "got &#39;1e999&#39;"),
    ],
)
def test_the_web_run_form_answers_bad_numbers_with_a_page(
    client: TestClient, data: dict[str, str], message: str
) -> None:
    page = client.post(
        "/scenarios/emission-standards-1994/run", data=data, headers={"accept": "text/html"}
    )
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert message in page.text


def test_a_semicolon_spreadsheet_with_a_veto_column_uploads_in_the_web_app(
    client: TestClient,
) -> None:
    # Issue 15's acceptance: a long CSV as a European spreadsheet saves it, capitalised headers.
    hint = client.get("/").text.split('id="file-help">', 1)[1].split("</small>", 1)[0]
    assert "Veto, Status quo, Walk-away" in hint and "semicolons" in hint
    data = (
        b"Actor;Issue;Capability;Position;Salience;Veto\n"
        b"North;land;1;10,5;60;yes\nSouth;land;2;40;55,5;no\nBroker;land;0,5;25;40;\n"
    )
    page = client.post("/upload", files={"file": ("talks.csv", data)}, follow_redirects=False)
    assert page.status_code == 303, page.text[-2000:]
    sid = page.headers["location"].rsplit("/", 1)[1]
    stored = client.get(f"/api/scenarios/{sid}").json()["scenario"]
    assert [(a["id"], a["veto"]) for a in stored["actors"]] == [
        ("North", True), ("South", False), ("Broker", False)
    ]  # fmt: skip
    assert stored["actors"][0]["issues"]["land"]["position"] in (10.5, {"value": 10.5})
    # A veto player makes the deal check one of the runs the scenario offers.
    assert 'id="choice-deal"' in client.get(f"/scenarios/{sid}").text
    api = client.post("/api/scenarios", files={"file": ("talks.csv", data)})
    assert api.status_code == 201, api.text


def test_a_bad_veto_cell_in_an_upload_names_the_row_and_column(client: TestClient) -> None:
    data = b"Actor;Issue;Capability;Position;Salience;Veto\nNorth;land;1;10;60;perhaps\n"
    r = client.post("/api/scenarios", files={"file": ("talks.csv", data)})
    assert r.status_code == 422
    problem = r.json()["problems"][0]
    assert (problem["file"], problem["line"], problem["column"]) == ("talks.csv", 2, "veto")
    assert problem["message"] == "expected yes or no in column 'veto'; got 'perhaps'"
