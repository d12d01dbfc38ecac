"""``/api/scenarios``: upload, read, list, revise (a new version), diff and soft-delete."""

from __future__ import annotations

import difflib
import logging
from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from ...errors import DetenteError, ScenarioError
from ...scenario import Scenario, dump_yaml, read_scenario_bytes
from ...store import (
    ConflictError,
    ScenarioRecord,
    add_scenario_version,
    create_scenario,
    delete_scenario,
    get_scenario,
    list_scenarios,
    list_versions,
)
from .._deps import (
    MAX_ID,
    DbSession,
    RecordId,
    Services,
    ServicesDep,
    Writer,
    author_name,
    parse_stored,
)
from .._schemas import (
    Change,
    Conflict,
    Created,
    ProblemReport,
    ScenarioDiff,
    ScenarioList,
    ScenarioPublic,
    ScenarioSummary,
    VersionList,
    VersionPublic,
)

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"])
log = logging.getLogger("detente.api")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MEDIA = {
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "text/csv": "csv",
    XLSX: "xlsx",
    "application/xml": "xml",
    "text/xml": "xml",
}
# The file formats an upload's name tells (the same as the file loader's): KTAB XML, and the
# decide program's input (.decide, .txt).
_SUFFIX = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx", ".xml": "xml"}
_SUFFIX |= {".decide": "decide", ".txt": "decide"}

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The scenario: a multipart field `file` (YAML, CSV, XLSX, KTAB XML or "
        "the decide format, told by its name: .yaml/.yml, .csv, .xlsx, .xml, .decide/.txt), or "
        "the raw file as the body with its content type.",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/yaml": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            "application/xml": {"schema": {"type": "string"}},
        },
    }
}
ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "The body is too large."},
    415: {"description": "The content type or file name is not a scenario format."},
    422: {"model": ProblemReport, "description": "The scenario is invalid: every problem."},
}


async def read_upload(request: Request) -> tuple[Scenario, str, str]:
    """The checked scenario of an upload, the text to store and its format.

    The stored text is always one that reads back as the same scenario: the file as sent when
    it does, else (a workbook, say) its YAML equivalent.
    """
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ScenarioError.single(
                "no_file", "send the scenario file in the multipart field 'file'", location="file"
            )
        # Only the name's last part is kept: it tells the format, never a server path.
        filename = PurePath((upload.filename or "scenario.yaml").replace("\\", "/")).name
        suffix = PurePath(filename).suffix.lower()
        if suffix not in _SUFFIX:
            raise HTTPException(
                status_code=415,
                detail=f"a scenario file is named {', '.join(_SUFFIX)}; got '{filename}'"[:500],
            )
        kind = _SUFFIX[suffix]
        data = await upload.read()
    elif media in _MEDIA:
        kind = _MEDIA[media]
        data = await request.body()
        filename = f"scenario.{kind}"
    else:
        raise HTTPException(
            status_code=415,
            detail=f"send a scenario as multipart/form-data (field 'file') or as a raw body of "
            f"type {', '.join(sorted(_MEDIA))}; got '{media or '(none)'}'"[:500],
        )
    return await run_in_threadpool(_checked, data, filename, kind)


def _checked(data: bytes, filename: str, kind: str) -> tuple[Scenario, str, str]:
    try:
        scenario = read_scenario_bytes(data, filename=filename, kind=kind)
    except DetenteError:
        raise
    except Exception as exc:  # a reader bug on a strange file: still the file's 422, not a 500
        log.exception("reading the upload %r failed", filename)
        raise ScenarioError.single(
            "unreadable",
            f"the file could not be read: {type(exc).__name__}: {exc}"[:500],
            file=filename,
        ) from None
    if kind != "xlsx":
        text = data.decode("utf-8-sig")
        if parse_stored(text, kind, scenario.id) == scenario:
            return scenario, text, kind
    # A workbook, or a file whose scenario depends on its name: stored as its YAML equivalent,
    # text that diffs and reads back the same.
    return scenario, dump_yaml(scenario), "yaml"


def _public(record: ScenarioRecord, services: Services) -> ScenarioPublic:
    current = record.current
    scenario = services.scenarios.stored(current.content, current.format, record.slug)
    return ScenarioPublic(
        id=record.id,
        slug=record.slug,
        title=record.title,
        version=current.version,
        latest_version=record.latest_version,
        format=current.format,
        author=current.author,
        note=current.note,
        created_at=current.created_at,
        content=current.content,
        scenario=scenario.model_dump(mode="json"),
    )


Author = Query(None, max_length=200, description="Who saves this (kept in the history).")
Note = Query("", max_length=2000, description="Why: a note kept with this version.")


@router.post(
    "", status_code=201, response_model=Created, responses=ERRORS, openapi_extra=UPLOAD_BODY
)
async def create(
    request: Request,
    services: ServicesDep,
    writer: Writer,
    author: str | None = Author,
    note: str = Note,
) -> Created:
    """Store a new scenario (version 1) after the same checks as ``detente validate``."""
    scenario, text, fmt = await read_upload(request)

    def save() -> Created:
        with services.store.session() as session:
            record = create_scenario(
                session,
                slug=scenario.id,
                title=scenario.title,
                content=text,
                format=fmt,
                author=author_name(author, writer),
                note=note,
            )
        return Created(id=record.id, version=record.latest_version)

    return await run_in_threadpool(save)


@router.get("", response_model=ScenarioList)
def list_all(
    session: DbSession,
    offset: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(100, ge=1, le=500),
) -> ScenarioList:
    """Stored scenarios (not deleted), newest first."""
    records, count = list_scenarios(session, offset=offset, limit=limit)
    data = [
        ScenarioSummary(
            id=r.id,
            slug=r.slug,
            title=r.title,
            latest_version=r.latest_version,
            created_by=r.created_by,
            created_at=r.created_at,
            updated_at=r.current.created_at,
        )
        for r in records
    ]
    return ScenarioList(data=data, count=count)


@router.get("/{scenario_id}", response_model=ScenarioPublic, responses={404: {}})
def read(
    scenario_id: RecordId,
    session: DbSession,
    services: ServicesDep,
    response: Response,
    version: int | None = Query(None, ge=1, le=MAX_ID),
) -> ScenarioPublic:
    """A stored scenario at its latest version, or at ``version``; the ``ETag`` header names
    the version (send it back as ``If-Match`` when saving an edit of it)."""
    found = _public(get_scenario(session, scenario_id=scenario_id, version=version), services)
    response.headers["ETag"] = f'"{found.version}"'
    return found


BaseVersion = Query(
    None,
    ge=1,
    le=MAX_ID,
    description='The version this save is based on (or the header If-Match: "N").',
)


def _base_version(request: Request, given: int | None) -> int:
    """The version a save is based on, from ``If-Match`` or ``base_version``."""
    header = request.headers.get("if-match")
    tag = None
    if header is not None:
        text = header.strip().removeprefix("W/").strip('"')
        if not text.isdigit() or len(text) > 10:
            raise HTTPException(
                status_code=422,
                detail=f'If-Match must be the ETag of a version, e.g. "3"; got {header[:40]!r}',
            )
        tag = int(text)
    if tag is not None and given is not None and tag != given:
        raise HTTPException(
            status_code=422,
            detail=f"If-Match names version {tag} but base_version is {given}; send one",
        )
    base = tag if tag is not None else given
    if base is None:
        raise HTTPException(
            status_code=428,
            detail="say which version this save is based on: the header If-Match with the "
            'ETag of GET /api/scenarios/{id} (e.g. If-Match: "3"), or ?base_version=3; a save '
            "based on an older version would silently undo someone else's edit",
        )
    return base


@router.put(
    "/{scenario_id}",
    response_model=Created,
    responses={
        **ERRORS,
        404: {},
        409: {"model": Conflict, "description": "Saved meanwhile: what changed since the base."},
        428: {"description": "The save does not say which version it is based on."},
    },
    openapi_extra=UPLOAD_BODY,
)
async def update(
    scenario_id: RecordId,
    request: Request,
    services: ServicesDep,
    writer: Writer,
    author: str | None = Author,
    note: str = Note,
    base_version: int | None = BaseVersion,
) -> Response:
    """Save a new version based on ``base_version`` (or ``If-Match``); every earlier version
    stays readable. When someone saved since that version, nothing is saved: 409 with what
    they changed."""
    base = _base_version(request, base_version)
    with services.store.session() as session:
        get_scenario(session, scenario_id=scenario_id)
    scenario, text, fmt = await read_upload(request)

    def save() -> Response:
        try:
            with services.store.session() as session:
                record = add_scenario_version(
                    session,
                    scenario_id=scenario_id,
                    base_version=base,
                    title=scenario.title,
                    content=text,
                    format=fmt,
                    author=author_name(author, writer),
                    note=note,
                )
        except ConflictError as exc:
            with services.store.session() as session:
                changed = version_diff(
                    session, services, scenario_id, exc.base_version, exc.latest_version
                )
            body = Conflict(
                detail=str(exc),
                base_version=exc.base_version,
                latest_version=exc.latest_version,
                changes=changed,
            )
            return JSONResponse(status_code=409, content=body.model_dump(mode="json"))
        created = Created(id=record.id, version=record.latest_version)
        return JSONResponse(content=created.model_dump(), headers={"ETag": f'"{created.version}"'})

    return await run_in_threadpool(save)


@router.get("/{scenario_id}/versions", response_model=VersionList, responses={404: {}})
def versions(scenario_id: RecordId, session: DbSession) -> VersionList:
    """Every version with who saved it, when and why, oldest first."""
    found = list_versions(session, scenario_id=scenario_id)
    data = [
        VersionPublic(
            version=v.version,
            format=v.format,
            author=v.author,
            note=v.note,
            created_at=v.created_at,
            content_hash=v.content_hash,
        )
        for v in found
    ]
    return VersionList(data=data, count=len(data))


@router.get("/{scenario_id}/diff", response_model=ScenarioDiff, responses={404: {}})
def diff(
    scenario_id: RecordId,
    session: DbSession,
    services: ServicesDep,
    before: int = Query(..., ge=1, le=MAX_ID, description="The older version."),
    after: int = Query(..., ge=1, le=MAX_ID, description="The newer version."),
) -> ScenarioDiff:
    """What changed between two versions, field by field and as a unified diff of the text."""
    return version_diff(session, services, scenario_id, before, after)


def version_diff(
    session: Any, services: Services, scenario_id: int, before: int, after: int
) -> ScenarioDiff:
    """Two versions of a stored scenario compared (the diff endpoint, and a 409's body)."""
    old = get_scenario(session, scenario_id=scenario_id, version=before)
    new = get_scenario(session, scenario_id=scenario_id, version=after)
    flat_old = _flatten(_public(old, services).scenario)
    flat_new = _flatten(_public(new, services).scenario)
    changes = [
        Change(location=key, before=flat_old.get(key), after=flat_new.get(key))
        for key in sorted(set(flat_old) | set(flat_new))
        if flat_old.get(key) != flat_new.get(key)
    ]
    unified = "".join(
        difflib.unified_diff(
            old.current.content.splitlines(keepends=True),
            new.current.content.splitlines(keepends=True),
            fromfile=f"version {before}",
            tofile=f"version {after}",
        )
    )
    return ScenarioDiff(
        id=scenario_id, before=before, after=after, changes=changes, unified=unified
    )


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of a scenario dump keyed by path; list items with an ``id`` are keyed by it."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
        out = {}
        for item in value:
            out.update(
                _flatten({k: v for k, v in item.items() if k != "id"}, f"{prefix}[{item['id']}]")
            )
        return out
    return {prefix: value}


@router.delete("/{scenario_id}", status_code=204, responses={404: {}})
def delete(
    scenario_id: RecordId, session: DbSession, writer: Writer, author: str | None = Author
) -> Response:
    """Soft delete: gone from listings and reads; every version stays in the database."""
    delete_scenario(session, scenario_id=scenario_id, by=author_name(author, writer))
    return Response(status_code=204)
