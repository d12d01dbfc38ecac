"""The web app in a real browser: Playwright driving Debian's Chromium (headless) through
open a case → change a salience → save → run → progress bar finishes → chart renders →
download the report. Screenshots are kept under ``artifacts/browser/``."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from detente.report import find_chromium
from detente.scenario import builtin_names

from .service_support import Server

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
CHROMIUM = find_chromium()
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the Playwright package is not installed (make setup adds it)"
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium here (make setup installs Debian's chromium where it can: root + "
        "apt-get)",
    ),
]


def _case() -> str:
    # The flagship case when it ships; until then the 1994 case.
    return "ukraine-2026" if "ukraine-2026" in builtin_names() else "emission-standards-1994"


def test_open_edit_run_watch_chart_download(server: Server) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    case = _case()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        page.goto(server.url)
        page.screenshot(path=str(ARTIFACTS / "1-list.png"), full_page=True)
        page.click(f"a[data-case='{case}']")
        page.wait_for_url(f"**/scenarios/{case}")

        salience = page.locator("input[name^='sal:']").first
        old = float(salience.input_value())
        new = 55.0 if old != 55.0 else 45.0
        salience.fill(str(new))
        salience.press("Tab")  # leaving the cell checks the grid live (htmx)
        page.wait_for_selector("#live-check >> text=No problems: ready to save.")
        page.fill("#author", "playwright")
        page.fill("#note", "salience changed in the browser test")
        page.screenshot(path=str(ARTIFACTS / "2-editor.png"), full_page=True)
        page.click("#save")
        page.wait_for_selector("text=Saved as version 1")
        scenario_id = int(page.url.split("/scenarios/")[1].split("?")[0])

        kinds = page.locator("#kind option").all_inner_texts()
        page.select_option("#kind", "simulate" if "simulate" in kinds else "forecast")
        page.fill("#draws", "20000")
        page.click("#run")
        page.wait_for_url("**/runs/*")
        page.wait_for_selector("progress#progress")
        page.screenshot(path=str(ARTIFACTS / "3-running.png"), full_page=True)
        page.wait_for_selector("#status[data-status='done']", timeout=60_000)
        assert page.locator("progress#progress").get_attribute("value") == "1.0"
        page.wait_for_selector("#results .js-plotly-plot .main-svg", timeout=30_000)
        assert page.locator("#results .js-plotly-plot").count() >= 2
        page.screenshot(path=str(ARTIFACTS / "4-results.png"), full_page=True)

        with page.expect_download() as download_info:
            page.click("#download-html")
        report = ARTIFACTS / "report.html"
        download_info.value.save_as(report)
        browser.close()

    html = report.read_text(encoding="utf-8")
    assert "Parameters and seed" in html and "Sources" in html
    assert "Plotly.newPlot" in html and "cdn" not in html.lower().split("<body", 1)[1]
    stored = httpx.get(f"{server.url}/api/scenarios/{scenario_id}").json()
    assert stored["author"] == "playwright"
    first_actor = stored["scenario"]["actors"][0]
    first_issue = next(iter(first_actor["issues"].values()))
    salience_saved = first_issue["salience"]
    value = (
        salience_saved
        if isinstance(salience_saved, float | int)
        else salience_saved.get("mode", salience_saved.get("value"))
    )
    assert value == new
