"""The web pages through TestClient: list, editor (validation inline), save as a new version,
run page with its progress fragment, results, comparison, and assets served from packages."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from .service_support import wait_for_run

DATA = Path(__file__).parent / "data"
CASE = "emission-standards-1994"


def _form(client: TestClient, ref: str) -> dict[str, str]:
    """The editor's current values, as the browser would post them."""
    import re

    html = client.get(f"/scenarios/{ref}").text
    fields = dict(re.findall(r'name="([^"]+:[^"]+)"[^>]*value="([^"]*)"', html))
    fields.update(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    for name in re.findall(r'name="(veto:\d+)"[^>]*checked', html):
        fields[name] = "on"
    return fields


def test_the_list_shows_builtins_and_stored_scenarios(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert f'href="/scenarios/{CASE}"' in page.text
    assert '<script src="/static/vendor/htmx.min.js"></script>' in page.text


def test_scripts_are_served_from_installed_packages(client: TestClient) -> None:
    htmx = client.get("/static/vendor/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:2000]
    plotly = client.get("/vendor/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000


def test_the_editor_shows_the_grid_with_sources(client: TestClient) -> None:
    page = client.get(f"/scenarios/{CASE}").text
    assert (
        'aria-label="Netherlands, Delay before the emission standards take effect: salience"'
        in (page)
    )
    assert "[BDM1994]" in page and "veto" in page


def test_saving_a_builtin_stores_a_copy_and_then_new_versions(client: TestClient) -> None:
    form = _form(client, CASE)
    form["sal:0.0"] = "55"
    form.update(author="ana", note="lower Dutch salience")
    saved = client.post(f"/scenarios/{CASE}", data=form, follow_redirects=False)
    assert saved.status_code == 303
    sid = int(saved.headers["location"].split("/scenarios/")[1].split("?")[0])
    stored = client.get(f"/api/scenarios/{sid}").json()
    assert stored["scenario"]["actors"][0]["issues"]["lag"]["salience"] == {
        "value": 55.0,
        "source": "BDM1994",
    }
    assert (stored["author"], stored["note"]) == ("ana", "lower Dutch salience")
    again = _form(client, str(sid))
    again["veto:1"] = "on"
    client.post(f"/scenarios/{sid}", data=again)
    latest = client.get(f"/api/scenarios/{sid}").json()
    assert latest["version"] == 2 and latest["scenario"]["actors"][1]["veto"] is True


def test_invalid_grid_values_are_shown_in_their_cell_and_nothing_is_saved(
    client: TestClient,
) -> None:
    form = _form(client, CASE)
    form["sal:1.0"] = "140"
    page = client.post(f"/scenarios/{CASE}", data=form)
    assert page.status_code == 422 and "Not saved — 1 problem(s)" in page.text
    assert '<span class="msg" role="alert">salience must lie between 0 and 100' in page.text
    assert 'value="140"' in page.text  # the analyst's input is kept for correction
    form["sal:1.0"] = "40"
    form["pos:2.0"] = "soon"
    page = client.post(f"/scenarios/{CASE}", data=form)
    assert page.status_code == 422
    assert "expected a number; got &#39;soon&#39;" in page.text
    assert client.get("/api/scenarios").json()["count"] == 0


def test_run_page_polls_until_done_then_shows_results(client: TestClient) -> None:
    started = client.post(
        f"/scenarios/{CASE}/run",
        data={"kind": "forecast", "model": "median", "draws": "50", "seed": "1"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    run_id = int(started.headers["location"].rsplit("/", 1)[1])
    wait_for_run(client, run_id)
    fragment = client.get(f"/runs/{run_id}/status").text
    assert 'data-status="done"' in fragment and "hx-get" not in fragment
    assert "standards in 7 years" in fragment and 'id="download-html"' in fragment
    page = client.get(f"/runs/{run_id}").text
    assert '<script src="/vendor/plotly.min.js"></script>' in page
    assert page.count('class="plotly-graph-div"') == 2


def test_a_bad_run_request_from_the_page_says_why(client: TestClient) -> None:
    page = client.post(
        f"/scenarios/{CASE}/run",
        data={"kind": "forecast", "model": "nope", "draws": "1", "seed": "0"},
    )
    assert page.status_code == 422 and "unknown model &#39;nope&#39;" in page.text


def test_the_run_form_takes_a_kinds_own_parameters(client: TestClient) -> None:
    started = client.post(
        "/scenarios/ukraine-2026/run",
        data={
            "kind": "levers",
            "model": "compromise",
            "draws": "50",
            "seed": "0",
            "extra": '{"actor": "ukraine", "issue": "TERR", "toward": "low"}',
        },
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    run = wait_for_run(client, int(started.headers["location"].rsplit("/", 1)[1]))
    assert run["status"] == "done" and run["result"]["levers"]
    bad = client.post(
        "/scenarios/ukraine-2026/run",
        data={
            "kind": "levers",
            "model": "compromise",
            "draws": "1",
            "seed": "0",
            "extra": "actor=x",
        },
    )
    assert bad.status_code == 422 and "more parameters must be a JSON object" in bad.text


def test_compare_shows_two_runs_side_by_side(client: TestClient) -> None:
    ids = []
    for model in ("median", "mean"):
        rid = client.post(
            "/api/runs", json={"kind": "forecast", "scenario": CASE, "model": model}
        ).json()["id"]
        wait_for_run(client, rid)
        ids.append(rid)
    page = client.get("/compare", params={"a": ids[0], "b": ids[1]})
    assert page.status_code == 200
    assert f'aria-label="run {ids[0]}"' in page.text and f'aria-label="run {ids[1]}"' in page.text
    assert client.get("/compare", params={"a": 999}).status_code == 404


def test_upload_from_the_page_opens_the_editor(client: TestClient) -> None:
    with open(DATA / "emission.yaml", "rb") as handle:
        r = client.post("/upload", files={"file": ("e.yaml", handle)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/scenarios/")
    with open(DATA / "bad_salience.yaml", "rb") as handle:
        bad = client.post("/upload", files={"file": ("bad.yaml", handle)})
    assert bad.status_code == 422 and "salience must lie between 0 and 100" in bad.text


def test_a_compare_run_page_shows_every_model(client: TestClient) -> None:
    rid = client.post(
        "/api/runs", json={"kind": "compare", "scenario": CASE, "model": "median,mean"}
    ).json()["id"]
    wait_for_run(client, rid)
    page = client.get(f"/runs/{rid}").text
    assert "<th>model</th>" in page
    assert "<td>median</td>" in page and "<td>mean</td>" in page


def test_the_grid_is_checked_live_without_saving(client: TestClient) -> None:
    form = _form(client, CASE)
    assert "No problems: ready to save." in client.post(f"/scenarios/{CASE}/check", data=form).text
    form["sal:3.0"] = "-5"
    checked = client.post(f"/scenarios/{CASE}/check", data=form).text
    assert "1 problem(s) — fix before saving" in checked
    assert "<code>actors[Germany].issues[lag].salience</code>" in checked
    assert client.get("/api/scenarios").json()["count"] == 0


def test_people_get_an_error_page_and_programs_json(client: TestClient) -> None:
    page = client.get("/scenarios/no-such-case", headers={"accept": "text/html"})
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    assert "no stored scenario or built-in called &#39;no-such-case&#39;" in page.text
    assert client.get("/runs/999", headers={"accept": "text/html"}).status_code == 404
    api = client.get("/api/runs/999", headers={"accept": "text/html"})
    assert api.json() == {"detail": "no run with id 999"}


def test_a_kind_without_an_outcome_table_still_shows_its_result(
    thread_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kind still to come (e.g. deal) may return only JSON: the page and report must cope.
    from detente.api import _kinds

    def zone(scenario, model, params, seed, progress):  # type: ignore[no-untyped-def]
        return _kinds.RunOutput({"zone": {"lag": [5.0, 9.0]}}, {})

    monkeypatch.setitem(_kinds.KINDS, "zone", zone)
    rid = thread_client.post("/api/runs", json={"kind": "zone", "scenario": CASE}).json()["id"]
    assert wait_for_run(thread_client, rid)["result"] == {"zone": {"lag": [5.0, 9.0]}}
    page = thread_client.get(f"/runs/{rid}").text
    assert "Full result (JSON" in page and "&#34;zone&#34;" in page
    assert thread_client.get(f"/api/runs/{rid}/report").status_code == 200
