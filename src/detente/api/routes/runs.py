"""``/api/runs``: start runs in the background, poll or stream their progress, cancel them,
fetch results (JSON or CSV) and reports."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from ... import __version__
from ...errors import ModelError
from ...report import safe_csv
from ...scenario import Scenario, require_reviewed
from ...store import (
    TERMINAL,
    RunRecord,
    cancel_run,
    content_hash,
    create_run,
    get_result,
    get_run,
    list_runs,
    utcnow,
)
from .._deps import MAX_ID, DbSession, RecordId, Services, ServicesDep, Writer, resolve_scenario
from .._kinds import DATASETS, check_kind, check_params
from .._schemas import RunCreate, RunList, RunPublic, RunQueued

router = APIRouter(prefix="/api/runs", tags=["runs"])

# How often the event stream looks at the run (seconds).
STREAM_EVERY = 0.25


def public_run(record: RunRecord, result: dict[str, Any] | None = None) -> RunPublic:
    """The API shape of a run record."""
    return RunPublic(
        id=record.id,
        kind=record.kind,
        scenario=record.scenario_ref,
        scenario_version=record.scenario_version,
        model=record.model,
        params=record.params,
        seed=record.seed,
        input_hash=record.input_hash,
        package_version=record.package_version,
        status=record.status,
        progress=record.progress,
        error=record.error,
        created_by=record.created_by,
        created_at=record.created_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        seconds_left=record.seconds_left(utcnow()),
        warning=record.version_warning(__version__),
        result=result,
    )


def start(services: Services, request: RunCreate, created_by: str) -> int:
    """Check a run request, record it as queued and hand it to the runner; its id."""
    check_kind(request.kind)
    scenario: Scenario | None
    if request.kind in DATASETS:
        ref, version, scenario = str(request.scenario), None, None
        if ref not in DATASETS[request.kind]:
            raise ModelError(
                f"a {request.kind} run takes a dataset as its scenario: "
                f"{', '.join(DATASETS[request.kind])}; got '{ref}'"
            )
    else:
        with services.store.session() as session:
            scenario, ref, version = resolve_scenario(
                session, request.scenario, request.version, scenarios=services.scenarios
            )
        require_reviewed(scenario)  # a draft is refused now (422), not as a failed run later
    check_params(request.kind, request.model, request.params, scenario, services.settings.max_draws)
    seen = json.dumps(
        {
            "scenario": scenario.model_dump(mode="json") if scenario is not None else ref,
            "kind": request.kind,
            "model": request.model,
            "params": request.params,
            "seed": request.seed,
        },
        sort_keys=True,
    )
    with services.store.session() as session:
        record = create_run(
            session,
            kind=request.kind,
            scenario_ref=ref,
            scenario_version=version,
            model=request.model,
            params=request.params,
            seed=request.seed,
            input_hash=content_hash(seen),
            package_version=__version__,
            created_by=created_by,
        )
    services.runner.submit(
        record.id, request.kind, scenario, request.model, request.params, request.seed
    )
    return record.id


@router.post("", status_code=202, response_model=RunQueued, responses={404: {}, 422: {}})
def create(request: RunCreate, services: ServicesDep, writer: Writer) -> RunQueued:
    """Queue a run; poll ``GET /api/runs/{id}`` or stream ``/api/runs/{id}/events``."""
    return RunQueued(id=start(services, request, writer), status="queued")


@router.get("", response_model=RunList)
def list_all(
    session: DbSession,
    offset: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(100, ge=1, le=500),
) -> RunList:
    """Runs, newest first (results not included; read each run for its result)."""
    records, count = list_runs(session, offset=offset, limit=limit)
    return RunList(data=[public_run(r) for r in records], count=count)


def read_result(session: Any, record: RunRecord) -> dict[str, Any] | None:
    """The result JSON of a finished run, else None."""
    if record.status != "done":
        return None
    _media, body = get_result(session, run_id=record.id, name="result")
    result: dict[str, Any] = json.loads(body)
    return result


@router.get("/{run_id}", response_model=RunPublic, responses={404: {}})
def read(run_id: RecordId, session: DbSession) -> RunPublic:
    """Status, progress (0–1) and, once done, the result (the CLI's ``--json`` shape)."""
    record = get_run(session, run_id=run_id)
    return public_run(record, read_result(session, record))


@router.post("/{run_id}/cancel", response_model=RunPublic, responses={404: {}})
def cancel(run_id: RecordId, session: DbSession, writer: Writer) -> RunPublic:
    """Cancel a queued or running run; a finished run is left as it ended."""
    return public_run(cancel_run(session, run_id=run_id))


@router.get(
    "/{run_id}/events",
    responses={200: {"content": {"text/event-stream": {}}}, 404: {}},
    response_class=StreamingResponse,
)
async def events(run_id: RecordId, services: ServicesDep, request: Request) -> StreamingResponse:
    """Server-sent events: a ``progress`` event whenever status or progress changes, then one
    ``end`` event with the final status."""

    def look() -> RunRecord:
        with services.store.session() as session:
            return get_run(session, run_id=run_id)

    first = await run_in_threadpool(look)

    async def stream() -> AsyncIterator[str]:
        record, last = first, None
        while True:
            now = (record.status, round(record.progress, 3))
            if now != last:
                payload = json.dumps({"status": record.status, "progress": record.progress})
                yield f"event: progress\ndata: {payload}\n\n"
                last = now
            if record.status in TERMINAL:
                end = json.dumps({"status": record.status, "error": record.error})
                yield f"event: end\ndata: {end}\n\n"
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(STREAM_EVERY)
            record = await run_in_threadpool(look)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
    )


@router.get(
    "/{run_id}/result",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}, 404: {}},
)
def result(
    run_id: RecordId,
    session: DbSession,
    format: Literal["json", "csv"] = Query("json", description="json or csv"),
    table: Literal[
        "outcome", "rounds", "events", "sensitivity", "levers", "zone", "guarantors", "leaderboard"
    ] = Query(
        "outcome",
        description="For CSV, the result table: outcome (draw, issue, outcome: forecast, "
        "compare, simulate), rounds and events (forecast: per-round medians over draws and the "
        "events of the draw at the modes, or every draw's with params.results 'full'), "
        "sensitivity, levers, zone (deal), guarantors (guarantees) or leaderboard (backtest).",
    ),
) -> Response:
    """A finished run's result: the JSON, or a result table as a CSV download, streamed (text
    cells that a spreadsheet would run as a formula, such as ``=HYPERLINK(...)``, start with
    ``'``)."""
    record = get_run(session, run_id=run_id)
    name = "result" if format == "json" else table
    media, body = get_result(session, run_id=record.id, name=name)
    if format == "json":
        return Response(content=body, media_type=media)
    # Ids in the table come from uploaded scenarios: no cell may reach a spreadsheet as a formula.
    disposition = f'attachment; filename="run-{run_id}-{table}.csv"'
    return StreamingResponse(
        _pieces(safe_csv(body)), media_type=media, headers={"Content-Disposition": disposition}
    )


# Bytes a streamed download sends at a time.
STREAM_PIECE = 1 << 16


def _pieces(text: str) -> Iterator[bytes]:
    """A large table (every draw's events, say) goes out in pieces, not as one response body."""
    data = text.encode()
    for start in range(0, len(data), STREAM_PIECE):
        yield data[start : start + STREAM_PIECE]


@router.get(
    "/{run_id}/report",
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}, 404: {}, 422: {}},
)
def report(
    run_id: RecordId,
    session: DbSession,
    services: ServicesDep,
    format: Literal["html", "pdf"] = Query("html", description="html or pdf"),
) -> Response:
    """The run's report: one self-contained HTML file (charts inline), or its PDF print; for a
    brief run, the one-page brief."""
    import tempfile
    from pathlib import Path

    from ...report import html_to_pdf
    from .._reports import report_document

    document = report_document(session, run_id, scenarios=services.scenarios)
    disposition = f'attachment; filename="detente-run-{run_id}.{format}"'
    if format == "html":
        return Response(
            document, media_type="text/html", headers={"Content-Disposition": disposition}
        )
    with tempfile.TemporaryDirectory() as folder:
        pdf = html_to_pdf(document, Path(folder) / "report.pdf").read_bytes()
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})
