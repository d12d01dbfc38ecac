"""Result panels of the kinds with no outcome table (tornado / Sobol, levers, zone of agreement,
guarantees): each run goes through the API on ``ukraine-2026``; its run page and its HTML report
show the same figure, and the figure draws the numbers of the result JSON."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from detente import load_scenario
from detente.api import Settings, create_app
from detente.report import panel_figures, panel_html, scenario_tables
from detente.store import get_result

from .service_support import wait_for_run

# kind label → (run request, the figure's title as the page and the report must carry it, the
# data-panel attribute of its tables or None when the panel is the figure alone).
RUNS: dict[str, tuple[dict[str, Any], str, str | None]] = {
    "tornado": (
        {"kind": "sensitivity", "scenario": "ukraine-2026"},
        "Tornado: forecast with each input at its low / high end",
        None,
    ),
    "sobol": (
        {
            "kind": "sensitivity",
            "scenario": "ukraine-2026",
            "params": {"method": "sobol", "samples": 64},
        },
        "Sobol indices (64 samples)",
        None,
    ),
    "levers": (
        {
            "kind": "levers",
            "scenario": "ukraine-2026",
            "params": {"actor": "ukraine", "issue": "TERR", "toward": "low", "draws": 100},
        },
        "Levers for ukraine to move",
        "levers",
    ),
    "deal": (
        {"kind": "deal", "scenario": "ukraine-2026", "params": {"draws": 5, "top": 3}},
        "Is there a deal, and would it hold?",
        "deal",
    ),
    "guarantees": (
        {
            "kind": "guarantees",
            "scenario": "ukraine-2026",
            "params": {"package": "paris-2026", "draws": 2000},
        },
        "Guarantee package ",
        "guarantees",
    ),
}


@pytest.fixture(scope="module")
def done_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, dict[str, Any]]]]:
    """One finished run of every panel kind, on one fresh database (the runs are the slow part)."""
    folder: Path = tmp_path_factory.mktemp("panels")
    app = create_app(Settings(database_url=f"sqlite:///{folder}/detente.sqlite3"))
    with TestClient(app) as client:
        runs = {}
        for label, (body, _title, _attr) in RUNS.items():
            response = client.post("/api/runs", json=body)
            assert response.status_code == 202, response.text
            runs[label] = response.json()["id"]
        finished = {label: wait_for_run(client, rid, timeout=120) for label, rid in runs.items()}
        for label, run in finished.items():
            assert run["status"] == "done", (label, run.get("error"))
        yield client, finished


def _issues() -> pd.DataFrame:
    issues, _positions, _sources = scenario_tables(load_scenario("ukraine-2026"))
    return issues


@pytest.mark.parametrize("label", list(RUNS))
def test_the_run_page_and_the_report_show_the_panel(
    done_runs: tuple[TestClient, dict[str, dict[str, Any]]], label: str
) -> None:
    client, runs = done_runs
    _body, title, attribute = RUNS[label]
    run_id = runs[label]["id"]
    page = client.get(f"/runs/{run_id}")
    report = client.get(f"/api/runs/{run_id}/report?format=html")
    assert page.status_code == 200 and report.status_code == 200
    for html in (page.text, report.text):
        # The panel is the one figure; a deal draws its viability chart, then the zone.
        assert html.count('class="plotly-graph-div"') == (2 if label == "deal" else 1)
        assert title in _figure_json(html)["layout"]["title"]["text"]
        if attribute is not None:
            assert f'data-panel="{attribute}"' in html
    # The report is still self-contained (no script or stylesheet fetched from anywhere).
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", report.text)


def _figure_json(html: str, k: int = 0) -> dict[str, Any]:
    """The data and layout of the k-th plotly figure in a page (as plotly's to_html embeds it)."""
    decoder = json.JSONDecoder()
    at = -1
    for _ in range(k + 1):
        at = html.index("Plotly.newPlot(", at + 1)
    at = html.index("[", at)
    data, end = decoder.raw_decode(html, at)
    layout, _end = decoder.raw_decode(html, html.index("{", end))
    return {"data": data, "layout": layout}


def test_the_tornado_draws_each_inputs_low_and_high_around_the_base(
    done_runs: tuple[TestClient, dict[str, dict[str, Any]]],
) -> None:
    client, runs = done_runs
    result = runs["tornado"]["result"]
    drawn = _figure_json(client.get(f"/runs/{runs['tornado']['id']}").text)["data"]
    issue, entry = next(iter(result["issues"].items()))
    low, high = drawn[0], drawn[1]  # the first issue's bars: inputs at low, then at high
    top = entry["inputs"][: len(low["y"])]
    # Largest swing on top: the bars follow the result's ranking, which is by swing.
    assert low["y"] == [r["input"] for r in top]
    assert [r["swing"] for r in top] == sorted((r["swing"] for r in top), reverse=True)
    ends = [b + x for b, x in zip(low["base"], low["x"], strict=True)]
    assert ends == pytest.approx([r["at_low"] for r in top])
    ends = [b + x for b, x in zip(high["base"], high["x"], strict=True)]
    assert ends == pytest.approx([r["at_high"] for r in top])
    assert low["base"] == pytest.approx([entry["base"]] * len(top))
    assert len(drawn) == 2 * len(result["issues"]), issue


def test_the_levers_chart_ranks_every_lever_and_marks_own_moves() -> None:
    result = {
        "actor": "ukraine",
        "issue": "TERR",
        "toward": "low",
        "base": 40.0,
        "levers": [
            {"input": "a", "from": 1.0, "to": 2.0, "effect": -3.0, "own": True},
            {"input": "b", "from": 1.0, "to": 0.0, "effect": -1.0, "own": False},
        ],
    }
    [fig] = panel_figures("levers", result, _issues())
    assert list(fig.data[0].x) == [-3.0, -1.0]
    assert list(fig.data[0].y) == ["a: 1 → 2", "b: 1 → 0"]
    assert fig.data[0].marker.color == ("#e45756", "#9ca3af")


def test_the_levers_panel_table_lists_change_effect_and_cost(
    done_runs: tuple[TestClient, dict[str, dict[str, Any]]],
) -> None:
    client, runs = done_runs
    result = runs["levers"]["result"]
    page = client.get(f"/runs/{runs['levers']['id']}").text
    table = page[page.index('data-panel="levers"') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr><td") == len(result["levers"]) > 0
    drawn = _figure_json(page)["data"][0]
    assert drawn["x"] == pytest.approx([lv["effect"] for lv in result["levers"]])
    assert any(lv["own"] for lv in result["levers"])  # ukraine has moves of its own
    assert "<th>cost</th>" in table


def test_the_zone_panel_marks_the_nash_package_and_the_binding_veto_players(
    done_runs: tuple[TestClient, dict[str, dict[str, Any]]],
) -> None:
    client, runs = done_runs
    result = runs["deal"]["result"]
    page = client.get(f"/runs/{runs['deal']['id']}").text
    drawn = _figure_json(page, 1)["data"]
    nash = [t for t in drawn if t.get("name") == "Nash package"]
    assert len(nash) == len(result["issues"])
    for trace, row in zip(nash, result["issues"], strict=True):
        expected = (result["nash"] or {}).get(row["issue"], row["center"])
        assert trace["x"] == [pytest.approx(expected)]
    labels = [t for t in drawn if t.get("name") == "veto player who binds"]
    for trace, row in zip(labels, result["issues"], strict=True):
        assert trace["text"] == [
            f"◀ {row['binds_low']}" if row["binds_low"] else "",
            f"{row['binds_high']} ▶" if row["binds_high"] else "",
        ]
    assert f"headline package P(accept) = {result['p_deal']:.0%}" in page
    for trade in result["trades"]:
        assert trade["description"].split(":")[0] in page


def test_the_viability_chart_sets_p_accept_beside_p_kept_with_the_structural_spread(
    done_runs: tuple[TestClient, dict[str, dict[str, Any]]],
) -> None:
    client, runs = done_runs
    result = runs["deal"]["result"]
    rows = result["viability"]
    assert [r["package"] for r in rows] == [
        "none",
        "paris-2026",
        "paris-2026-us-backstop",
        "us-guarantee-2025-11",
    ]
    for html in (
        client.get(f"/runs/{runs['deal']['id']}").text,
        client.get(f"/api/runs/{runs['deal']['id']}/report?format=html").text,
    ):
        bars = _figure_json(html, 0)["data"]
        assert [b["name"].split(":")[0] for b in bars] == ["P(accept)", "P(kept)", "P(viable)"]
        for bar, key in zip(bars, ("p_accept", "p_kept", "p_viable"), strict=True):
            assert bar["y"] == pytest.approx([r[key] for r in rows])
            # Whiskers run to the lowest and highest structural variant, not a Monte Carlo error.
            high = [max(v[key] for v in r["variants"]) - r[key] for r in rows]
            low = [r[key] - min(v[key] for v in r["variants"]) for r in rows]
            assert bar["error_y"]["array"] == pytest.approx(high)
            assert bar["error_y"]["arrayminus"] == pytest.approx(low)
        # The table beside it: each package with its words, the proposals, what it would take.
        panel = html[html.index('data-panel="deal"') :]
        for r in rows:
            assert escape(r["words"]) in panel
        for p in result["proposals"]:
            assert escape(p["title"]) in panel
        for lever in result["what_it_takes"]:
            assert escape(lever["text"]) in panel


def test_a_one_draw_deal_run_draws_no_probability() -> None:
    one = {"draws": 1, "headline_package": "none", "viability": [{"package": "none"}]}
    assert panel_figures("deal", one | {"issues": []}, _issues())[0].layout.title.text.startswith(
        "Zone of agreement"
    )
    html = panel_html(
        "deal",
        one
        | {
            "viability": [
                {
                    "package": "none",
                    "p_accept": 0.0,
                    "p_kept": 0.0,
                    "blockers": {"russia": 1.0},
                    "block_reasons": {"russia": {"reason": "red line", "issue": "TERR"}},
                }
            ],
            "p_deal": 0.0,
            "zone_exists": False,
            "issues": [],
            "proposals": [],
            "what_it_takes": [],
            "trades": [],
        },
        _issues(),
    )
    assert "one draw: no" in html and "russia (red line on TERR)" in html
    assert "P(accept)" not in html


def test_the_guarantee_panel_gives_p_deterrence_priors_and_pivotal_effects(
    done_runs: tuple[TestClient, dict[str, dict[str, Any]]],
) -> None:
    client, runs = done_runs
    result = runs["guarantees"]["result"]
    report = client.get(f"/api/runs/{runs['guarantees']['id']}/report?format=html").text
    drawn = _figure_json(report)["data"]
    # "default" in by_prior is the package's own priors, drawn first.
    assert result["by_prior"]["default"] == result["p_deterrence"]
    p = [
        result["p_deterrence"],
        result["by_prior"]["pessimistic"],
        result["by_prior"]["optimistic"],
    ]
    assert drawn[0]["x"] == pytest.approx(p)
    assert drawn[0]["y"] == ["package priors", "pessimistic", "optimistic"]
    assert drawn[0]["error_x"]["array"][0] == pytest.approx(1.96 * result["standard_error"])
    assert drawn[1]["x"] == [pytest.approx(result["q_eff"]["q50"])]
    pivotal = drawn[-1]
    assert pivotal["x"] == pytest.approx([g["pivotal_effect"] for g in result["guarantors"]])
    assert "<h3>Caveats</h3>" in report and "Leeds 2003" in report
    # The headline is the range across structural assumptions in words; the Monte Carlo error
    # is a detail after it.
    panel = report[report.index('data-panel="guarantees"') :]
    assert panel.index(str(escape(result["words"]))) < panel.index("Monte Carlo error")


def test_other_kinds_have_no_panel() -> None:
    assert panel_figures("forecast", {"issues": {}}, _issues()) == []
    assert panel_figures("deal", {}, _issues()) == []


def test_deal_and_guarantee_runs_store_their_result_tables(
    done_runs: tuple[TestClient, dict[str, dict[str, Any]]],
) -> None:
    client, runs = done_runs
    store = client.app.state.services.store  # type: ignore[attr-defined]
    with store.session() as session:
        _media, zone = get_result(session, run_id=runs["deal"]["id"], name="zone")
        _media, viability = get_result(session, run_id=runs["deal"]["id"], name="viability")
        _media, guarantors = get_result(session, run_id=runs["guarantees"]["id"], name="guarantors")
    zone_table = pd.read_csv(io.StringIO(zone))
    assert list(zone_table.issue) == [row["issue"] for row in runs["deal"]["result"]["issues"]]
    assert list(zone_table.center) == pytest.approx(
        [row["center"] for row in runs["deal"]["result"]["issues"]]
    )
    rows = pd.read_csv(io.StringIO(viability))
    expected_rows = runs["deal"]["result"]["viability"]
    assert list(rows.package) == [r["package"] for r in expected_rows]
    assert list(rows.p_kept) == pytest.approx([r["p_kept"] for r in expected_rows])
    assert list(rows.range_high) == pytest.approx([r["range"][1] for r in expected_rows])
    table = pd.read_csv(io.StringIO(guarantors))
    expected = runs["guarantees"]["result"]["guarantors"]
    assert list(table.guarantor) == [g["guarantor"] for g in expected]
    assert list(table.pivotal_effect) == pytest.approx([g["pivotal_effect"] for g in expected])
