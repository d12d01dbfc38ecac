"""Reports: one self-contained HTML file (charts inline, sources, parameters and seed) and its
PDF print; the same from the CLI (a scenario name or a stored run) and from the API."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from detente import forecast, load_scenario
from detente.cli import app
from detente.report import find_chromium, outcome_table, render_html, report_from_forecast

from .service_support import wait_for_run

needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="PDF reports are printed by Chromium, which is not installed"
)


def _report_html() -> str:
    s = load_scenario("emission-standards-1994")
    return render_html(report_from_forecast(forecast(s, "median", draws=20, seed=5), s, seed=5))


def test_the_html_report_is_self_contained() -> None:
    html = _report_html()
    # No script, stylesheet or image is fetched from anywhere: everything is inline.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html)
    assert "Plotly.newPlot" in html and len(html) > 3_000_000  # plotly.js is inline
    assert html.count('class="plotly-graph-div"') == 2  # forecast and actor positions


def test_the_html_report_records_sources_parameters_and_seed() -> None:
    html = _report_html()
    assert "BDM1994" in html and "Unravelling Bueno De Mesquita" in html
    assert "<th>seed</th><td><code>5</code></td>" in html
    assert "<th>model</th><td><code>median</code></td>" in html
    assert "20 draws" in html


def test_outcome_table_gives_the_forecast_interval_and_words() -> None:
    s = load_scenario("emission-standards-1994")
    data = report_from_forecast(forecast(s, "median"), s)
    [row] = outcome_table(data.outcome, data.issues).to_dict("records")
    # The weighted median of the 1994 case is 7 years (detente.forecast's doctest).
    assert (row["forecast"], row["p10"], row["p90"], row["words"]) == (
        7.0,
        7.0,
        7.0,
        "standards in 7 years",
    )


def test_cli_report_of_a_builtin_writes_html(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app, ["report", "emission-standards-1994", "--html", str(out), "--model", "mean"]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert "<th>model</th><td><code>mean</code></td>" in out.read_text()


def test_cli_report_needs_an_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "emission-standards-1994"])
    assert result.exit_code == 2
    assert "say where to write the report: --html FILE and/or --pdf FILE" in result.output


def test_cli_report_of_a_stored_run(client: TestClient, db_url: str, tmp_path: Path) -> None:
    rid = client.post(
        "/api/runs",
        json={
            "kind": "forecast",
            "scenario": "emission-standards-1994",
            "model": "median",
            "seed": 9,
        },
    ).json()["id"]
    wait_for_run(client, rid)
    out = tmp_path / "run.html"
    result = CliRunner().invoke(
        app, ["report", f"run:{rid}", "--html", str(out), "--database-url", db_url]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert f"run {rid}" in html and "<th>seed</th><td><code>9</code></td>" in html
    missing = CliRunner().invoke(
        app, ["report", "run:999", "--html", str(out), "--database-url", db_url]
    )
    assert missing.exit_code == 2 and "no run with id 999" in missing.output


def test_the_api_serves_the_report_of_a_finished_run_only(client: TestClient) -> None:
    assert client.get("/api/runs/1/report").status_code == 404
    rid = client.post(
        "/api/runs", json={"kind": "forecast", "scenario": "emission-standards-1994"}
    ).json()["id"]
    wait_for_run(client, rid)
    r = client.get(f"/api/runs/{rid}/report")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f'filename="detente-run-{rid}.html"' in r.headers["content-disposition"]


@pytest.mark.slow
@needs_chromium
def test_the_pdf_report_is_printed_by_chromium(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(app, ["report", "emission-standards-1994", "--pdf", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1


def test_a_pdf_without_chromium_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DETENTE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    result = CliRunner().invoke(
        app, ["report", "emission-standards-1994", "--pdf", str(tmp_path / "r.pdf")]
    )
    assert result.exit_code == 2
    assert "apt-get install chromium" in result.output
