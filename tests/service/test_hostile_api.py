"""Hostile requests against the real app: 2,397 generated requests (hypothesis, derandomized;
400 examples for each of six tests, fewer where the space is small) — random scenario bodies and file names for create, update and upload, run
requests of every kind with huge, non-finite, mistyped and nested parameters, junk ids and query
parameters, web forms — and not one is answered with a 5xx or takes 5 s."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.api import Settings, create_app
from detente.api._kinds import KINDS

pytestmark = pytest.mark.slow

YAML = (Path(__file__).parent / "data" / "emission.yaml").read_text()
LIMIT = 5.0  # seconds per request
EXAMPLES = 400  # per test below; six tests: 2,400 requests

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=dt.timedelta(seconds=LIMIT),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on a fresh SQLite file for this module, with one stored scenario (id 1). Small
    runs only, so the runs the requests start stay cheap in the background."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile')}/h.sqlite3"
    with TestClient(
        create_app(Settings(database_url=url, max_draws=200, workers=1)),
    ) as client:
        created = client.post(
            "/api/scenarios", content=YAML.encode(), headers={"content-type": "application/yaml"}
        )
        assert created.json() == {"id": 1, "version": 1}
        yield client


def _answer(client: TestClient, method: str, url: str, **kwargs: Any) -> int:
    began = time.monotonic()
    response = client.request(method, url, **kwargs)
    took = time.monotonic() - began
    assert response.status_code < 500, (method, url, response.status_code, response.text[:500])
    assert took < LIMIT, (method, url, took)
    return response.status_code


# Values a JSON body can hold: the edges of integers and floats, text, and nesting.
HUGE = st.sampled_from([2**31, 2**32, 2**63, -(2**63), 10**30, -1, 0, 2**53 + 1])
SCALARS = (
    st.none()
    | st.booleans()
    | HUGE
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
PARAM_NAMES = st.sampled_from(
    [
        "draws",
        "rounds",
        "samples",
        "method",
        "resamples",
        "unit",
        "top",
        "form",
        "actor",
        "issue",
        "toward",
        "package",
        "guarantee_draws",
        "payoff_scale",
        "walk_away",
        "sensitivity",
        "workers",
        "scheduler",
        "chunk_size",
        "progress",
        "correlated",
    ]
) | st.text(max_size=12)
NON_FINITE = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])


def _body_with_raw(value: dict[str, Any], raw: dict[str, str]) -> str:
    """JSON text of ``value`` with some parameters spliced in as raw tokens (NaN, 1e999)."""
    text = json.dumps(value)
    if raw and text.endswith("}}") and '"params": {' in text:
        extra = ", ".join(f"{json.dumps(k)}: {v}" for k, v in raw.items())
        head, tail = text[:-2], "}}"
        joiner = ", " if not head.endswith("{") else ""
        text = head + joiner + extra + tail
    return text


@given(
    kind=st.sampled_from(list(KINDS)) | st.text(max_size=10),
    scenario=st.sampled_from(["emission-standards-1994", "ukraine-2026", "deu", 1, "1", 99])
    | HUGE
    | st.text(max_size=20),
    model=st.sampled_from(["compromise", "eum", "median,eum", "", "exchange", "smp"])
    | st.text(max_size=20),
    params=st.dictionaries(PARAM_NAMES, JSONISH, max_size=4),
    raw=st.dictionaries(PARAM_NAMES, NON_FINITE, max_size=2),
    seed=HUGE | st.integers(0, 2**32 - 1) | st.text(max_size=5),
    version=st.none() | HUGE,
)
@FUZZ
def test_run_requests_of_every_kind(
    api: TestClient,
    kind: Any,
    scenario: Any,
    model: Any,
    params: dict[str, Any],
    raw: dict[str, str],
    seed: Any,
    version: Any,
) -> None:
    body: dict[str, Any] = {"kind": kind, "scenario": scenario, "model": model, "seed": seed}
    if version is not None:
        body["version"] = version
    body["params"] = params
    text = _body_with_raw(body, raw)
    _answer(api, "POST", "/api/runs", content=text, headers={"content-type": "application/json"})


SUFFIXES = st.sampled_from(
    [".yaml", ".yml", ".csv", ".xlsx", ".xml", ".decide", ".txt", ".json", "", ".YAML"]
)
MEDIA = st.sampled_from(
    [
        "application/yaml",
        "text/csv",
        "text/xml",
        "application/xml",
        "text/plain",
        "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "",
        "multipart/form-data",
    ]
)


def _scenario_text(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 4))
    if choice == 0:  # the real file with one line changed to junk
        lines = YAML.splitlines()
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = draw(st.text(max_size=40))
        return "\n".join(lines).encode()
    if choice == 1:  # the real file with a number swapped for an edge value
        value = draw(st.sampled_from([".nan", ".inf", "-.inf", "1e999", "-1", "1e308", "0x10"]))
        return YAML.replace("value: 40", f"value: {value}", 1).encode()
    if choice == 2:
        return json.dumps(draw(JSONISH)).encode()
    if choice == 3:
        return draw(st.binary(max_size=200))
    return draw(st.text(max_size=200)).encode()


@st.composite
def uploads(draw: st.DrawFn) -> dict[str, Any]:
    data = _scenario_text(draw)
    if draw(st.booleans()):
        name = draw(st.text(max_size=12)) + draw(SUFFIXES)
        return {"files": {"file": (name, data)}}
    return {"content": data, "headers": {"content-type": draw(MEDIA)}}


@given(
    upload=uploads(),
    author=st.none() | st.text(max_size=300),
    path=st.sampled_from(["/api/scenarios", "/upload"]),
)
@FUZZ
def test_scenario_creates_and_uploads(
    api: TestClient, upload: dict[str, Any], author: str | None, path: str
) -> None:
    params = {} if author is None else {"author": author}
    _answer(api, "POST", path, params=params, **upload)


@given(
    upload=uploads(),
    sid=st.sampled_from(["1", "2", "0", "-1", "abc", "1e3", "99999999999"]) | HUGE.map(str),
    if_match=st.none()
    | st.sampled_from(['"1"', "*", 'W/"1"', '"99999999999"', "", '"-1"'])
    | st.text(max_size=10),
    base=st.none() | st.sampled_from(["1", "0", "x", "2147483648"]),
)
@FUZZ
def test_scenario_updates(
    api: TestClient, upload: dict[str, Any], sid: str, if_match: str | None, base: str | None
) -> None:
    headers: dict[str, Any] = dict(upload.pop("headers", {}))
    if if_match is not None:
        headers["if-match"] = if_match.encode()  # any bytes, as a hostile client sends them
    params = {} if base is None else {"base_version": base}
    _answer(api, "PUT", f"/api/scenarios/{sid}", params=params, headers=headers, **upload)


IDS = (
    st.sampled_from(["1", "0", "-5", "abc", "1.5", "%00", "..", "9" * 30])
    | HUGE.map(str)
    | st.integers().map(str)
    | st.text(alphabet="0123456789abc%.-/", max_size=12)
)
QUERY = st.dictionaries(
    st.sampled_from(["version", "before", "after", "offset", "limit", "format", "table", "a", "b"]),
    st.sampled_from(["1", "0", "-1", "x", "json", "csv", "pdf", "rounds", "9" * 20, ""])
    | HUGE.map(str),
    max_size=4,
)
READS = st.sampled_from(
    [
        "/api/scenarios/{id}",
        "/api/scenarios/{id}/versions",
        "/api/scenarios/{id}/diff",
        "/api/scenarios",
        "/api/runs",
        "/api/runs/{id}",
        "/api/runs/{id}/result",
        "/api/runs/{id}/events",
        "/runs/{id}",
        "/runs/{id}/status",
        "/scenarios/{id}",
        "/compare",
        "/",
    ]
)


@given(path=READS, rid=IDS, query=QUERY)
@FUZZ
def test_reads_with_junk_ids_and_query_parameters(
    api: TestClient, path: str, rid: str, query: dict[str, str]
) -> None:
    _answer(api, "GET", path.format(id=rid), params=query)


@given(
    rid=IDS,
    method=st.sampled_from(["POST", "DELETE"]),
    path=st.sampled_from(["/api/runs/{id}/cancel", "/api/scenarios/{id}"]),
)
@FUZZ
def test_cancels_and_deletes_with_junk_ids(
    api: TestClient, rid: str, method: str, path: str
) -> None:
    if rid == "1" and path == "/api/scenarios/{id}":
        return  # scenario 1 is the fixture's; every other id may go
    _answer(api, method, path.format(id=rid))


FORM_VALUES = st.sampled_from(
    [
        "4294967296",
        "-1",
        "NaN",
        "1e999",
        "",
        "0",
        "1",
        "abc",
        '{"draws": NaN}',
        "[]",
        '{"samples": 2147483648}',
        "brief",
    ]
) | st.text(max_size=20)


@given(
    ref=st.sampled_from(["1", "emission-standards-1994", "nope", "99", "../etc"]),
    action=st.sampled_from(["/run", "", "/check"]),
    form=st.dictionaries(
        st.sampled_from(
            [
                "choice",
                "point.model",
                "montecarlo.draws",
                "levers.actor",
                "brief.draws",
                "seed",
                "action",
                "orig_actor:0",
                "actor_id:0",
                "issue_id:0",
                "anchors:0",
                "yaml:proposals",
                "base_version",
                "pos:0.0",
                "sal:0.0",
                "cap:0",
                "veto:0",
                "note",
                "author",
            ]
        ),
        FORM_VALUES,
        max_size=8,
    ),
    accept=st.sampled_from(["text/html", "application/json", ""]),
)
@FUZZ
def test_web_forms(
    api: TestClient, ref: str, action: str, form: dict[str, str], accept: str
) -> None:
    _answer(
        api,
        "POST",
        f"/scenarios/{ref}{action}",
        data=form,
        headers={"accept": accept},
        follow_redirects=False,
    )
