"""The one-page brief as a run kind: the web app offers it on every scenario, its run page shows
the brief (escaped, sandboxed), its report downloads are the brief's HTML and PDF, and its
progress moves through the comparison and then the deal check, a cancel stopping it between."""

from __future__ import annotations

import html
import io
import json
import re
import time
from pathlib import Path

import pypdf
import pytest
from fastapi.testclient import TestClient

import detente
from detente._brief import COMPARE_SHARE
from detente.api._kinds import Cancelled, check_params, run_brief
from detente.errors import ModelError
from detente.report import brief_html
from detente.scenario import load_scenario

from .service_support import wait_for_run

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


def _docs_request() -> dict[str, object]:
    """The run request of the example in docs/brief.md, as written there."""
    text = (ROOT / "docs" / "brief.md").read_text(encoding="utf-8")
    (body,) = re.findall(r"-d '(\{\"kind\": \"brief\".*?\})'", text)
    request: dict[str, object] = json.loads(body)
    return request


@pytest.mark.slow
def test_the_brief_example_in_the_docs_runs_and_its_page_is_the_brief(
    client: TestClient,
) -> None:
    request = _docs_request()
    rid = client.post("/api/runs", json=request).json()["id"]
    run = wait_for_run(client, rid, timeout=180)
    assert run["status"] == "done", run["error"]
    params = request["params"]
    assert isinstance(params, dict)
    seed = request["seed"]
    assert isinstance(seed, int)
    expected = detente.brief("ukraine-2026", draws=params["draws"], seed=seed).to_json()
    # What `detente brief --json` prints (JSON has lists where the brief has tuples).
    assert run["result"] == json.loads(json.dumps(expected))

    page = client.get(f"/runs/{rid}").text
    # The brief's own page inside a sandboxed frame, escaped into its srcdoc attribute.
    frame = re.search(r'<iframe id="brief"[^>]* sandbox srcdoc="([^"]*)"></iframe>', page)
    assert frame is not None
    assert "&lt;b&gt;Bottom line.&lt;/b&gt;" in frame.group(1)
    assert "Paris package plus a US backstop" in frame.group(1)
    assert "plotly.min.js" not in page  # no charts on a brief's page
    assert ">brief (PDF)</a>" in page

    report = client.get(f"/api/runs/{rid}/report", params={"format": "html"})
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert report.text == brief_html(expected)  # the page `detente brief -o` writes
    assert "<b>Bottom line.</b>" in report.text

    pdf = client.get(f"/api/runs/{rid}/report", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) <= 2
    text = " ".join(reader.pages[0].extract_text().split())
    assert text.startswith("Russia–Ukraine peace talks, 2025–2026 One-page brief")
    assert text.index("Bottom line.") < text.index("Key judgements")


def test_every_scenario_page_offers_the_brief_and_its_form_starts_one(
    client: TestClient,
) -> None:
    # emission-standards-1994 has no guarantee packages and no veto players: a brief all the same.
    page = client.get("/scenarios/emission-standards-1994").text
    assert 'id="choice-brief"' in page and "One-page brief" in page
    assert 'Deal-check draws <input name="brief.draws"' in page and 'value="200"' in page
    started = client.post(
        "/scenarios/emission-standards-1994/run",
        data={"choice": "brief", "brief.draws": "5", "seed": "3"},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    run = wait_for_run(client, int(started.headers["location"].rsplit("/", 1)[1]))
    assert run["status"] == "done", run["error"]
    assert (run["kind"], run["model"], run["params"], run["seed"]) == ("brief", "", {"draws": 5}, 3)
    assert run["result"]["no_deal"] == "The scenario has no guarantee packages."
    bad = client.post(
        "/scenarios/emission-standards-1994/run", data={"choice": "brief", "brief.draws": "2x"}
    )
    assert bad.status_code == 422 and "draws must be a whole number" in bad.text


def test_a_brief_page_escapes_the_scenarios_text(client: TestClient) -> None:
    hostile = "<script>alert('brief')</script>"
    yaml = (DATA / "emission.yaml").read_text()
    yaml = re.sub(r"(?m)^title: .*$", f'title: "{hostile}"', yaml, count=1)
    assert hostile in yaml
    created = client.post(
        "/api/scenarios", content=yaml.encode(), headers={"content-type": "application/yaml"}
    )
    assert created.status_code == 201, created.text
    rid = client.post("/api/runs", json={"kind": "brief", "scenario": created.json()["id"]}).json()[
        "id"
    ]
    assert wait_for_run(client, rid)["status"] == "done"
    page = client.get(f"/runs/{rid}").text
    report = client.get(f"/api/runs/{rid}/report").text
    assert "<script>alert" not in page and "<script>alert" not in report
    # Escaped once by the brief, once more into the frame's srcdoc.
    assert "&lt;script&gt;alert" in report and "&amp;lt;script&amp;gt;alert" in page


def test_a_brief_run_is_the_briefs_json_with_progress_through_both_steps() -> None:
    scenario = load_scenario("ukraine-2026")
    seen: list[float] = []
    out = run_brief(scenario, "", {"draws": 2}, 4, seen.append)
    assert out.result == detente.brief(scenario, draws=2, seed=4).to_json()
    assert seen == sorted(seen) and seen[-1] == 1.0
    # The comparison moves up to its share, the deal check from there to the end.
    assert any(0 < f < COMPARE_SHARE for f in seen) and any(COMPARE_SHARE < f < 1 for f in seen)
    assert COMPARE_SHARE in seen


def test_a_cancel_between_the_comparison_and_the_deal_check_stops_the_brief() -> None:
    calls: list[float] = []

    def cancelled_once_compared(fraction: float) -> None:
        calls.append(fraction)
        if fraction >= COMPARE_SHARE:
            raise Cancelled

    with pytest.raises(Cancelled):
        run_brief(load_scenario("ukraine-2026"), "", {"draws": 200}, 0, cancelled_once_compared)
    assert calls[-1] == COMPARE_SHARE  # the deal check never started


def test_a_brief_run_takes_its_draws_within_the_servers_bound_and_nothing_else() -> None:
    check_params("brief", "", {"draws": 200}, None, 200)
    with pytest.raises(ModelError, match=r"params.draws must be a whole number from 1 to 200"):
        check_params("brief", "", {"draws": 201}, None, 200)
    with pytest.raises(ModelError, match=r"a brief run takes no params.top; its parameters are"):
        check_params("brief", "", {"top": 3}, None, 200)


def test_a_brief_of_a_case_with_packages_but_no_veto_player_says_why_it_has_no_deal() -> None:
    raw = load_scenario("ukraine-2026").model_dump(mode="json")
    for actor in raw["actors"]:
        actor["veto"] = False
    b = detente.brief(detente.Scenario.model_validate(raw), draws=2)
    assert b.packages == () and "names no veto players" in b.no_deal
    assert html.escape(b.no_deal) in brief_html(b.to_json())


def test_a_running_briefs_progress_moves_and_it_is_cancelled_from_the_api(
    client: TestClient,
) -> None:
    # In a worker process, as served: progress is written before the end, and a cancel ends it.
    rid = client.post(
        "/api/runs", json={"kind": "brief", "scenario": "ukraine-2026", "params": {"draws": 200}}
    ).json()["id"]
    deadline = time.monotonic() + 60
    while client.get(f"/api/runs/{rid}").json()["progress"] == 0:
        assert time.monotonic() < deadline, "the brief's progress never moved"
        time.sleep(0.05)
    assert client.post(f"/api/runs/{rid}/cancel").json()["status"] == "cancelled"
    run = wait_for_run(client, rid)
    assert run["status"] == "cancelled" and 0 < run["progress"] < 1
