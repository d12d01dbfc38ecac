"""The web pages through TestClient: list, editor (validation inline), save as a new version,
run page with its progress fragment, results, comparison, and assets served from packages."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from .service_support import wait_for_run

DATA = Path(__file__).parent / "data"
CASE = "emission-standards-1994"


def _fields(html: str) -> dict[str, str]:
    """A builder page's form values, as the browser would post them (inputs, text areas,
    the selected options, ticked boxes)."""
    editor = html.split('id="editor"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input[^>]*? name="([^"]+)"[^>]*value="([^"]*)"', editor))
    fields.update(re.findall(r'<textarea[^>]*? name="([^"]+)"[^>]*>([^<]*)</textarea>', editor))
    for name, options in re.findall(r'<select name="([^"]+)">(.*?)</select>', editor, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        fields[name] = chosen.group(1) if chosen else ""
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', editor):
        fields[name] = "on"
    return {k: html_lib.unescape(v) for k, v in fields.items()}


def _form(client: TestClient, ref: str) -> dict[str, str]:
    """The editor's current values, as the browser would post them."""
    return _fields(client.get(f"/scenarios/{ref}").text)


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
        data={"choice": "montecarlo", "montecarlo.model": "median", "montecarlo.draws": "50"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    run_id = int(started.headers["location"].rsplit("/", 1)[1])
    wait_for_run(client, run_id)
    fragment = client.get(f"/runs/{run_id}/status").text
    assert 'data-status="done"' in fragment and "hx-get" not in fragment
    assert "standards in 7 years" in fragment and 'id="download-html"' in fragment
    page = client.get(f"/runs/{run_id}").text
    assert (
        "<h1>EC emission standards for medium-sized cars" in page
    )  # the scenario's title, not its id
    assert '<script src="/vendor/plotly.min.js"></script>' in page
    assert page.count('class="plotly-graph-div"') == 2


def test_a_bad_run_request_from_the_page_says_why(client: TestClient) -> None:
    page = client.post(
        f"/scenarios/{CASE}/run",
        data={"choice": "point", "point.model": "nope", "seed": "7"},
    )
    assert page.status_code == 422 and "unknown model &#39;nope&#39;" in page.text
    # The form comes back as typed (a typo never resets it).
    assert 'id="choice-point" checked' in page.text and 'value="7"' in page.text


def test_the_run_form_takes_a_kinds_own_parameters(client: TestClient) -> None:
    started = client.post(
        "/scenarios/ukraine-2026/run",
        data={
            "choice": "levers",
            "levers.model": "compromise",
            "levers.actor": "ukraine",
            "levers.issue": "TERR",
            "levers.toward": "low",
            "levers.draws": "50",
        },
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    run = wait_for_run(client, int(started.headers["location"].rsplit("/", 1)[1]))
    assert run["status"] == "done" and run["result"]["levers"]
    bad = client.post(
        "/scenarios/ukraine-2026/run",
        data={"choice": "levers", "levers.actor": "ukraine", "levers.draws": "1o0"},
    )
    assert bad.status_code == 422 and "draws must be a whole number; got &#39;1o0&#39;" in bad.text
    assert 'value="1o0"' in bad.text


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


def _post_page(client: TestClient, url: str, form: dict[str, str]) -> str:
    page = client.post(url, data=form)
    assert page.status_code == 200, page.text[-2000:]
    return page.text


def test_a_case_is_built_from_nothing_and_saved(client: TestClient) -> None:
    form = _fields(client.get("/new").text)
    form["action"] = "add_actor"
    form = _fields(_post_page(client, "/new", form))
    form["action"] = "add_actor"
    form = _fields(_post_page(client, "/new", form))
    form["action"] = "add_issue"
    form = _fields(_post_page(client, "/new", form))
    assert {k for k in form if k.startswith(("actor_id:", "issue_id:"))} == {
        "actor_id:0", "actor_id:1", "actor_id:2", "issue_id:0", "issue_id:1"
    }  # fmt: skip
    form.update({"meta:id": "talks", "meta:title": "Three-party talks"})
    form.update({"issue_id:0": "land", "issue_name:0": "Land", "scale_max:0": "50"})
    form.update({"unit:0": "km", "anchors:0": "0 = none\n50 = all", "sq:0": "20"})
    form.update({"issue_id:1": "money", "issue_name:1": "Money", "no_deal:0": "25"})
    form.update({"nd_horizon": "2", "veto:1": "on", "nd_cost:1": "3"})
    for a, name in enumerate(["North", "South", "Broker"]):
        form[f"actor_id:{a}"], form[f"actor_name:{a}"], form[f"cap:{a}"] = name.lower(), name, "1"
        for d in range(2):
            form[f"pos:{a}.{d}"], form[f"sal:{a}.{d}"] = str(10 + 15 * a), "60"
    form["red_min:1.0"] = "15"
    form.update({"action": "add_source"})
    form = _fields(_post_page(client, "/new", form))
    form.update({"source_id:0": "S1", "title:0": "Talks memo", "quote:0": "We want the land."})
    form.update({"src:0.0": "S1", "mark:0.0": "F", "pos_low:0.0": "5", "pos_high:0.0": "12"})
    form.update({"author": "ana", "note": "first cut"})
    saved = client.post("/new", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[-3000:]
    sid = int(saved.headers["location"].split("/scenarios/")[1].split("?")[0])
    stored = client.get(f"/api/scenarios/{sid}").json()
    s = stored["scenario"]
    assert (stored["author"], stored["note"], s["id"]) == ("ana", "first cut", "talks")
    assert s["issues"][0]["scale"] == {
        "min": 0.0, "max": 50.0, "unit": "km",
        "anchors": [{"value": 0.0, "label": "none"}, {"value": 50.0, "label": "all"}],
    }  # fmt: skip
    assert s["actors"][1]["veto"] is True and s["red_lines"]["south"]["land"]["min"] == 15.0
    assert s["no_deal"]["issues"] == {"land": 25.0} and s["no_deal"]["yearly_cost"] == {
        "south": 3.0
    }
    assert s["actors"][0]["issues"]["land"]["position"] == {
        "low": 5.0, "mode": 10.0, "high": 12.0, "source": "S1", "note": "[F]"
    }  # fmt: skip
    assert s["sources"][0]["quote"] == "We want the land."
    page = client.get(f"/scenarios/{sid}").text
    assert 'id="choice-deal"' in page and 'id="choice-guarantees"' not in page
    assert 'id="choice-backtest"' not in page


def test_removing_rows_and_bad_fields_are_shown_beside_them(client: TestClient) -> None:
    form = _form(client, CASE)
    form["action"] = "del_issue:0"
    page = _post_page(client, f"/scenarios/{CASE}", form)
    assert 'name="issue_id:0"' not in page and 'name="pos:0.0"' not in page
    form = _form(client, CASE)
    form.update({"anchors:0": "soon", "red_max:0.0": "99"})
    bad = client.post(f"/scenarios/{CASE}", data=form)
    assert bad.status_code == 422
    assert "write one anchor a line as &#39;value = label&#39;; got &#39;soon&#39;" in bad.text
    assert 'value="99"' in bad.text and client.get("/api/scenarios").json()["count"] == 0


def test_a_scenario_without_veto_players_offers_no_deal_check(client: TestClient) -> None:
    page = client.get(f"/scenarios/{CASE}").text
    assert 'id="choice-point"' in page and 'id="choice-montecarlo"' in page
    assert ('id="choice-deal"' in page) == ('is a veto player" checked' in page)
    refused = client.post(f"/scenarios/{CASE}/run", data={"choice": "backtest"})
    assert refused.status_code == 422 and "this scenario offers the runs point" in refused.text


def test_saving_a_builtin_twice_makes_versions_of_one_scenario(client: TestClient) -> None:
    for salience in ("51", "52"):
        form = _form(client, CASE)
        form["sal:0.0"] = salience
        assert client.post(f"/scenarios/{CASE}", data=form, follow_redirects=False).is_redirect
    listed = client.get("/api/scenarios").json()
    assert listed["count"] == 1
    assert client.get(f"/api/scenarios/{listed['data'][0]['id']}").json()["version"] == 2


def test_the_scenario_downloads_as_yaml_and_xlsx(client: TestClient, tmp_path: Path) -> None:
    from detente.scenario import load_scenario, read_xlsx, read_yaml

    yaml_file = client.get(f"/scenarios/{CASE}/download?format=yaml")
    assert yaml_file.headers["content-disposition"].endswith(f'"{CASE}.yaml"')
    assert read_yaml(yaml_file.text) == load_scenario(CASE)
    xlsx = client.get(f"/scenarios/{CASE}/download?format=xlsx")
    (tmp_path / "case.xlsx").write_bytes(xlsx.content)
    back = read_xlsx(tmp_path / "case.xlsx")
    assert back.actor_ids == load_scenario(CASE).actor_ids
    assert client.get(f"/scenarios/{CASE}/download?format=exe").status_code == 422


def test_compare_defaults_to_the_latest_finished_runs_with_differences(
    thread_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.api import _kinds

    def boom(scenario, model, params, seed, progress):  # type: ignore[no-untyped-def]
        raise _kinds.ModelError("this run fails on purpose")

    monkeypatch.setitem(_kinds.KINDS, "boom", boom)
    ids = []
    for model in ("median", "mean"):
        rid = thread_client.post(
            "/api/runs", json={"kind": "forecast", "scenario": CASE, "model": model}
        ).json()["id"]
        wait_for_run(thread_client, rid)
        ids.append(rid)
    failed = thread_client.post("/api/runs", json={"kind": "boom", "scenario": CASE}).json()["id"]
    assert wait_for_run(thread_client, failed)["status"] == "failed"
    page = thread_client.get("/compare").text
    assert f'aria-label="run {ids[0]}"' in page and f'aria-label="run {ids[1]}"' in page
    assert f'aria-label="run {failed}"' not in page
    assert 'id="differences"' in page and "<th>Δ</th>" in page
    assert "EC emission standards for medium-sized cars" in page  # titles, not ids
    three = thread_client.get(
        "/compare", params=[("run", ids[0]), ("run", ids[1]), ("run", ids[0])]
    )
    assert three.text.count("<th>Δ</th>") == 2


def test_a_simulation_page_shows_the_95_interval_and_histograms(client: TestClient) -> None:
    started = client.post(
        f"/scenarios/{CASE}/run",
        data={"choice": "simulate", "simulate.model": "compromise", "simulate.draws": "300"},
        follow_redirects=False,
    )
    run_id = int(started.headers["location"].rsplit("/", 1)[1])
    result = wait_for_run(client, run_id)["result"]["issues"]["lag"]
    page = client.get(f"/runs/{run_id}").text
    assert 'id="distribution"' in page and "<th>95% interval</th>" in page
    low, high = result["interval_95"]
    assert f"{low:.4g} – {high:.4g}" in page
    bars = page.split('aria-label="histogram of the outcome">', 1)[1].split("</svg>", 1)[0]
    assert bars.count('fill="#0969da"') == len(result["histogram"]["counts"])


def test_the_largest_builtin_goes_through_the_form_unchanged(client: TestClient) -> None:
    # ukraine-2026 holds every section (anchors quoting texts with ';' and '=', red lines,
    # no-deal path, guarantees, conditions, proposals, sourced ranges): the form must carry it.
    from detente.scenario import load_scenario, read_yaml

    form = _form(client, "ukraine-2026")
    assert len(form) > 1000  # past Starlette's default limit of form fields
    checked = client.post("/scenarios/ukraine-2026/check", data=form).text
    assert "No problems: ready to save." in checked, checked[:2000]
    saved = client.post("/scenarios/ukraine-2026", data=form, follow_redirects=False)
    sid = saved.headers["location"].split("/scenarios/")[1].split("?")[0]
    stored = client.get(f"/scenarios/{sid}/download?format=yaml").text
    assert read_yaml(stored) == load_scenario("ukraine-2026")


def test_a_30_issue_15_actor_case_goes_through_the_builder(client: TestClient) -> None:
    import yaml

    issues = [{"id": f"i{d}", "name": f"Issue {d}"} for d in range(30)]
    actors = [
        {"id": f"a{a}", "name": f"Actor {a}", "capability": 1 + a,
         "issues": {f"i{d}": {"position": (a * 7 + d) % 100, "salience": 50} for d in range(30)}}
        for a in range(15)
    ]  # fmt: skip
    text = yaml.safe_dump({"id": "wide", "title": "Wide", "issues": issues, "actors": actors})
    upload = client.post("/upload", files={"file": ("wide.yaml", text)}, follow_redirects=False)
    sid = upload.headers["location"].rsplit("/", 1)[1]
    form = _form(client, sid)
    assert len(form) > 4000 and 'class="sticky"' in client.get(f"/scenarios/{sid}").text
    form["sal:14.29"] = "51"
    saved = client.post(f"/scenarios/{sid}", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[-1500:]
    stored = client.get(f"/api/scenarios/{sid}").json()
    assert stored["version"] == 2
    assert stored["scenario"]["actors"][14]["issues"]["i29"]["salience"] in (51.0, {"value": 51.0})
