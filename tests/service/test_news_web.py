"""The news in the service: the review page with quotes and checkboxes saves a new version; the
timeline page charts the built-in dates; a draft is refused by the run API with a 422."""

from __future__ import annotations

from fastapi.testclient import TestClient
from news_articles import NEWS, article

from detente.draft import draft_scenario

FREEZE = (NEWS / "moscow-freeze.txt").read_text(encoding="utf-8")


def test_review_page_lists_each_change_with_its_quote_and_a_checkbox(client: TestClient) -> None:
    r = client.post(
        "/scenarios/ukraine-2026/news",
        files=[("articles", ("moscow-freeze.txt", FREEZE.encode(), "text/plain"))],
    )
    assert r.status_code == 200, r.text
    assert 'name="accept" value="C2"' in r.text
    assert "position_moved: russia on TERR" in r.text
    assert "Russia could accept a plain freeze on the current line everywhere" in r.text
    assert 'name="article_name" value="moscow-freeze.txt"' in r.text


def test_accepting_saves_the_builtin_then_the_update_as_version_2(client: TestClient) -> None:
    r = client.post(
        "/scenarios/ukraine-2026/news/accept",
        data={
            "article_name": "moscow-freeze.txt",
            "article_text": FREEZE.replace("\n", "\r\n"),  # as a browser sends a textarea
            "accept": ["C2"],
            "author": "ana",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/scenarios/1?saved=2"
    versions = client.get("/api/scenarios/1/versions").json()["data"]
    assert [v["author"] for v in versions] == ["ana", "ana"]
    assert versions[-1]["note"].startswith("accepted C2 from 'Moscow signals a freeze'")
    stored = client.get("/api/scenarios/1").json()["scenario"]
    russia = next(a for a in stored["actors"] if a["id"] == "russia")
    assert russia["issues"]["TERR"]["position"]["mode"] == 40


def test_accepting_nothing_is_a_422_that_says_so(client: TestClient) -> None:
    r = client.post(
        "/scenarios/ukraine-2026/news/accept",
        data={"article_name": "moscow-freeze.txt", "article_text": FREEZE},
    )
    assert r.status_code == 422
    assert "tick at least one change to accept" in r.text


def test_timeline_page_charts_both_builtin_dates(client: TestClient) -> None:
    r = client.get("/scenarios/ukraine-2026/timeline")
    assert r.status_code == 200, r.text
    assert "2026-01-06" in r.text and "2026-02-26" in r.text
    assert '<script src="/vendor/plotly.min.js"></script>' in r.text
    assert "actors[russia].issues[GUAR]</code> +1.17" in r.text


def test_a_draft_run_is_refused_with_a_422_saying_what_to_do(client: TestClient) -> None:
    text = draft_scenario([article("paris-analysis.md")]).to_yaml()
    r = client.post("/api/scenarios", files={"file": ("draft.yaml", text.encode())})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    r = client.post("/api/runs", json={"kind": "forecast", "scenario": sid, "model": "median"})
    assert r.status_code == 422
    assert "is a draft: review the items marked [I]" in r.json()["detail"]


def test_a_stored_scenario_gets_its_update_and_timeline_from_its_own_versions(
    client: TestClient,
) -> None:
    yaml_text = (NEWS.parents[1] / "data" / "deal" / "ukraine-mini.yaml").read_bytes()
    r = client.post("/api/scenarios", files={"file": ("mini.yaml", yaml_text)})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    page = client.get(f"/scenarios/{sid}/news")
    assert page.status_code == 200 and 'type="file"' in page.text
    r = client.post(
        f"/scenarios/{sid}/news/accept",
        data={"article_name": "moscow-freeze.txt", "article_text": FREEZE, "accept": ["C1"]},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/scenarios/{sid}?saved=2"
    timeline = client.get(f"/scenarios/{sid}/timeline")
    assert timeline.status_code == 200
    assert "v1" in timeline.text and "v2" in timeline.text and "2026-03-02" in timeline.text


def test_the_editor_keeps_a_draft_a_draft_until_a_person_sets_it_reviewed(
    client: TestClient,
) -> None:
    from .test_web import _fields

    text = draft_scenario([article("paris-analysis.md")]).to_yaml()
    sid = client.post("/api/scenarios", files={"file": ("draft.yaml", text.encode())}).json()["id"]
    page = client.get(f"/scenarios/{sid}").text
    assert 'id="draft-note"' in page
    form = _fields(page)
    assert form["meta:status"] == "draft"
    saved = client.post(f"/scenarios/{sid}", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[-2000:]
    assert client.get(f"/api/scenarios/{sid}").json()["scenario"]["status"] == "draft"
    run = {"kind": "forecast", "scenario": sid, "model": "median"}
    assert client.post("/api/runs", json=run).status_code == 422
    form = _fields(client.get(f"/scenarios/{sid}").text) | {"meta:status": "reviewed"}
    saved = client.post(f"/scenarios/{sid}", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[-2000:]
    assert client.get(f"/api/scenarios/{sid}").json()["scenario"].get("status") != "draft"
    assert client.post("/api/runs", json=run).status_code == 202
