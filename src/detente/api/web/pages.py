"""The web pages: scenario list, editor, run page with live progress, results, comparison."""

from __future__ import annotations

import io
import json
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import Field, ValidationError

from ... import models as model_registry
from ...errors import DetenteError, ScenarioError
from ...report import brief_html, outcome_table, panel_html, report_figures
from ...scenario import Scenario, builtin_names, dump_yaml, write_xlsx
from ...store import (
    TERMINAL,
    ConflictError,
    NotFoundError,
    add_scenario_version,
    create_scenario,
    find_scenario,
    get_run,
    list_runs,
    list_scenarios,
    list_versions,
    utcnow,
)
from .._deps import (
    MAX_ID,
    DbSession,
    RecordId,
    Services,
    ServicesDep,
    Writer,
    author_name,
    resolve_scenario,
)
from .._reports import report_for_run
from .._schemas import RunCreate
from ..routes.runs import read_result, start
from ..routes.scenarios import XLSX, read_upload, version_diff
from ._distribution import distribution_rows
from ._editor import apply_action, apply_form, draft, problem_cells, view
from ._run_form import offered, run_request

router = APIRouter(include_in_schema=False)

_HERE = resources.files("detente.api.web")


def mount_assets(app: FastAPI) -> None:
    """Load the page templates; serve ``/static`` (our CSS and the vendored htmx) and plotly.js
    from its wheel."""
    app.state.templates = Jinja2Templates(directory=str(_HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        path = resources.files("plotly") / "package_data" / "plotly.min.js"
        return FileResponse(
            str(path),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/", response_class=HTMLResponse)
def index(request: Request, session: DbSession, services: ServicesDep) -> HTMLResponse:
    """The scenario list: built-ins, stored scenarios, recent runs, and an upload form."""
    stored, _count = list_scenarios(session, limit=200)
    runs, _n = list_runs(session, limit=20)
    cases = [(name, services.scenarios.builtin(name).title) for name in builtin_names()]
    return _page(
        request,
        "index.html",
        cases=cases,
        stored=stored,
        runs=runs,
        titles=_titles(session, services),
    )


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request, services: ServicesDep, writer: Writer) -> Response:
    """Store an uploaded scenario file and open it in the editor."""
    try:
        scenario, text, fmt = await read_upload(request)
    except ScenarioError as exc:
        with services.store.session() as session:
            stored, _count = list_scenarios(session, limit=200)
            runs, _n = list_runs(session, limit=20)
            titles = _titles(session, services)
        cases = [(name, services.scenarios.builtin(name).title) for name in builtin_names()]
        return _page(
            request,
            "index.html",
            422,
            cases=cases,
            stored=stored,
            runs=runs,
            upload_error=exc,
            titles=titles,
        )
    with services.store.session() as session:
        record = create_scenario(
            session,
            slug=scenario.id,
            title=scenario.title,
            content=text,
            format=fmt,
            author=writer,
            note="uploaded in the web app",
        )
    return RedirectResponse(f"/scenarios/{record.id}", status_code=303)


def _builder(
    request: Request,
    raw: dict[str, Any],
    *,
    ref: str | None,
    version: int | None,
    status_code: int = 200,
    history: list[Any] | None = None,
    scenario: Scenario | None = None,
    **extra: Any,
) -> HTMLResponse:
    """The builder page for raw scenario data (a stored one, a built-in or a draft); the run
    form only for a saved scenario (``scenario``), with the choices it can run."""
    return _page(
        request,
        "scenario.html",
        status_code,
        s=view(raw),
        ref=ref,
        version=version,
        history=history or [],
        scenario=scenario,
        choices=offered(scenario) if scenario is not None else [],
        models=model_registry.names(),
        **extra,
    )


def _editor(
    request: Request, session: Any, ref: str, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    services: Services = request.app.state.services
    scenario, canonical, version = resolve_scenario(session, ref, scenarios=services.scenarios)
    history = list_versions(session, scenario_id=int(canonical)) if version else []
    return _builder(
        request,
        scenario.model_dump(mode="json"),
        ref=canonical,
        version=version,
        status_code=status_code,
        history=history,
        scenario=scenario,
        **extra,
    )


@router.get("/scenarios/{ref}", response_class=HTMLResponse)
def editor(request: Request, ref: str, session: DbSession) -> HTMLResponse:
    """The scenario builder: its issues, actors × issues grid, deal sections, sources, history
    and the run form."""
    return _editor(request, session, ref)


# A case built from nothing starts with one issue and one actor, so every table has a row to fill.
_EMPTY: dict[str, Any] = {
    "id": "new-case",
    "title": "New case",
    "issues": [{"id": "issue1", "name": "Issue 1"}],
    "actors": [{"id": "actor1", "name": "Actor 1", "issues": {}}],
}


@router.get("/new", response_class=HTMLResponse)
def new_case(request: Request) -> HTMLResponse:
    """An empty case in the builder; nothing is stored until it is saved."""
    return _builder(request, json.loads(json.dumps(_EMPTY)), ref=None, version=None)


# The builder posts about ten fields per actor × issue cell: a 30-issue × 15-actor case sends
# some 5,000 (Starlette refuses more than 1,000 by default).
MAX_FORM_FIELDS = 20_000


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/new", response_class=HTMLResponse)
async def save_new(request: Request, services: ServicesDep, writer: Writer) -> Response:
    """Add or remove rows of the draft, or save it as a new stored scenario (version 1)."""
    return await _save(request, services, writer, None, await _posted(request))


@router.post("/scenarios/{ref}", response_class=HTMLResponse)
async def save(request: Request, ref: str, services: ServicesDep, writer: Writer) -> Response:
    """Add or remove rows (the page comes back with the draft, nothing saved), or save the form
    as a new version of the version it was loaded from (``base_version``). An edited built-in is
    saved into its stored copy (made on its first save), so saving it twice makes two versions
    of one scenario. When someone saved meanwhile nothing is saved: the page says what they
    changed and keeps this edit for a second look."""
    return await _save(request, services, writer, ref, await _posted(request))


async def _save(
    request: Request, services: Services, writer: str, ref: str | None, form: dict[str, str]
) -> Response:
    base_text = form.get("base_version", "")
    base = int(base_text) if base_text.isdigit() and len(base_text) <= 10 else None
    with services.store.session() as session:
        if ref is not None:
            _scenario, ref, version = resolve_scenario(
                session, ref, base, scenarios=services.scenarios
            )
            if version is not None and base is None:
                return _editor(
                    request,
                    session,
                    ref,
                    422,
                    save_error="this form does not say which version it edits; reload the page "
                    "and make the edit again",
                )
        else:
            version = None
        history = list_versions(session, scenario_id=int(ref)) if version and ref else []
    again: dict[str, Any] = {"ref": ref, "version": version, "history": history, "form": form}
    raw, _problems = draft(form)
    if form.get("action"):
        return _builder(request, apply_action(raw, form["action"]), **again)
    try:
        changed, text = apply_form(form)
    except ScenarioError as exc:
        cells = problem_cells(exc, raw)
        return _builder(request, raw, status_code=422, error=exc, cells_problems=cells, **again)
    who = author_name(form.get("author"), writer)
    note = form.get("note", "")[:2000]
    try:
        with services.store.session() as session:
            record = _store(session, changed, text, ref, version, who, note)
    except ConflictError as exc:
        with services.store.session() as session:
            since = version_diff(
                session, services, exc.scenario_id, exc.base_version, exc.latest_version
            )
        # The form now edits the latest version: saving again puts this edit on top of it.
        again["version"] = exc.latest_version
        return _builder(
            request, raw, status_code=409, conflict=exc, conflict_changes=since, **again
        )
    return RedirectResponse(
        f"/scenarios/{record.id}?saved={record.latest_version}", status_code=303
    )


def _store(
    session: Any,
    scenario: Scenario,
    text: str,
    ref: str | None,
    version: int | None,
    who: str,
    note: str,
) -> Any:
    """Save ``text`` as a new scenario, the next version of a stored one, or of a built-in's
    stored copy."""
    if version is not None and ref is not None:
        return add_scenario_version(
            session,
            scenario_id=int(ref),
            base_version=version,
            title=scenario.title,
            content=text,
            format="yaml",
            author=who,
            note=note,
        )
    copy = find_scenario(session, slug=ref) if ref is not None else None
    if copy is not None:
        # An edit of the built-in, not of the copy's latest version: it becomes the next one.
        return add_scenario_version(
            session,
            scenario_id=copy.id,
            base_version=copy.latest_version,
            title=scenario.title,
            content=text,
            format="yaml",
            author=who,
            note=note or f"edited from the built-in {ref}",
        )
    return create_scenario(
        session,
        slug=ref or scenario.id,
        title=scenario.title,
        content=text,
        format="yaml",
        author=who,
        note=note or (f"edited from the built-in {ref}" if ref else "built in the web app"),
    )


async def _check(request: Request) -> HTMLResponse:
    try:
        apply_form(await _posted(request))
    except ScenarioError as exc:
        return _page(request, "_check.html", error=exc)
    return _page(request, "_check.html", error=None)


@router.post("/scenarios/{ref}/check", response_class=HTMLResponse)
async def check(request: Request, ref: str) -> HTMLResponse:
    """Check the form as it stands, without saving (htmx calls it whenever a field changes)."""
    return await _check(request)


@router.post("/new/check", response_class=HTMLResponse)
async def check_new(request: Request) -> HTMLResponse:
    """Check a new case's form as it stands, without saving."""
    return await _check(request)


@router.get("/scenarios/{ref}/download")
def download(
    ref: str,
    session: DbSession,
    services: ServicesDep,
    format: Annotated[str, Query(pattern="^(yaml|xlsx)$")] = "yaml",
) -> Response:
    """The scenario as a YAML file or an XLSX workbook."""
    scenario, _canonical, _version = resolve_scenario(session, ref, scenarios=services.scenarios)
    name = scenario.id if scenario.id.replace("-", "").replace("_", "").isalnum() else "scenario"
    if format == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(scenario, buffer)
        return Response(
            buffer.getvalue(),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return Response(
        dump_yaml(scenario),
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}.yaml"'},
    )


@router.post("/scenarios/{ref}/run")
async def run(ref: str, services: ServicesDep, writer: Writer, request: Request) -> Response:
    """Start the run the form asks for and go to its page; a bad field keeps the form as typed."""
    form = await _posted(request)
    with services.store.session() as session:
        scenario, _canonical, _version = resolve_scenario(
            session, ref, scenarios=services.scenarios
        )
    try:
        kind, model, params, seed = run_request(scenario, form, model_registry.names())
        run_id = start(
            services,
            RunCreate(kind=kind, scenario=ref, model=model, params=params, seed=seed),
            writer,
        )
    except DetenteError as exc:
        with services.store.session() as session:
            return _editor(request, session, ref, 422, run_error=str(exc), run_form=form)
    except ValidationError as exc:  # e.g. a seed past its bound
        message = "; ".join(e["msg"] for e in exc.errors())
        with services.store.session() as session:
            return _editor(request, session, ref, 422, run_error=message, run_form=form)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


def _issue_names(issues: Any) -> dict[str, str]:
    """Issue ids → names, from the report's issues table."""
    if issues is None or "issue" not in getattr(issues, "columns", ()):
        return {}
    return {str(i): str(n) for i, n in zip(issues["issue"], issues["name"], strict=True)}


def _results(session: Any, run_id: int, services: Services) -> dict[str, Any]:
    """What the results panel shows: tables, chart HTML and the full result JSON; for a brief
    run, the brief's page and its JSON."""
    data = report_for_run(session, run_id, scenarios=services.scenarios)
    result = read_result(session, get_run(session, run_id=run_id))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if data.run.get("kind") == "brief":
        # The page `detente brief -o` writes, shown as it prints; no tables or charts besides.
        empty: dict[str, Any] = {"outcomes": [], "charts": [], "panel": "", "distribution": []}
        return {**empty, "has_models": False, "brief": brief_html(data.result), "json": text}
    html = [
        c.to_html(
            full_html=False,
            include_plotlyjs=False,
            config={"displaylogo": False, "responsive": True},
        )
        for c in report_figures(data)
    ]
    return {
        "outcomes": outcome_table(data.outcome, data.issues, data.run.get("model") or None).to_dict(
            "records"
        ),
        "charts": html,
        "has_models": "model" in data.outcome.columns,
        "panel": panel_html(str(data.run.get("kind", "")), data.result, data.issues),
        "distribution": distribution_rows(data.result, _issue_names(data.issues))
        if data.run.get("kind") == "simulate"
        else [],
        "brief": "",
        "json": text,
    }


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request, run_id: RecordId, session: DbSession, services: ServicesDep
) -> HTMLResponse:
    """A run: parameters, a live progress bar, then its results and downloads."""
    record = get_run(session, run_id=run_id)
    results = _results(session, run_id, services) if record.status == "done" else None
    title = _titles(session, services).get(record.scenario_ref, record.scenario_ref)
    return _page(request, "run.html", run=record, results=results, title=title)


@router.get("/runs/{run_id}/status", response_class=HTMLResponse)
def run_status(
    request: Request, run_id: RecordId, session: DbSession, services: ServicesDep
) -> HTMLResponse:
    """The progress fragment htmx polls; once the run ends it carries the results."""
    record = get_run(session, run_id=run_id)
    results = _results(session, run_id, services) if record.status == "done" else None
    return _page(
        request,
        "_status.html",
        run=record,
        results=results,
        terminal=record.status in TERMINAL,
        seconds_left=record.seconds_left(utcnow()),
    )


def _titles(session: Any, services: Services) -> dict[str, str]:
    """Scenario references (stored ids, built-in names) → titles, for lists of runs."""
    stored, _count = list_scenarios(session, limit=200)
    titles = {name: services.scenarios.builtin(name).title for name in builtin_names()}
    titles.update({str(s.id): s.title for s in stored})
    return titles


def _differences(sides: list[tuple[Any, Any]]) -> list[dict[str, Any]]:
    """One row per (model, issue) of the runs' outcome tables: each run's forecast and the
    difference of each run from the first."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for k, (_run, results) in enumerate(sides):
        for row in (results or {}).get("outcomes", []):
            key = (str(row.get("model", "")), str(row["name"]))
            entry = rows.setdefault(key, {"model": key[0], "issue": key[1], "values": {}})
            entry["values"][k] = row["forecast"]
    for entry in rows.values():
        first = entry["values"].get(0)
        entry["cells"] = [
            (
                entry["values"].get(k),
                None if first is None or k not in entry["values"] else entry["values"][k] - first,
            )
            for k in range(len(sides))
        ]
    return list(rows.values())


@router.get("/compare", response_class=HTMLResponse)
def compare(
    request: Request,
    session: DbSession,
    services: ServicesDep,
    run: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None, Query(max_length=6)] = None,
    a: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    b: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    """Runs side by side (``run`` repeated, or ``a`` and ``b``) with each run's panels and a
    difference column per issue; with none given, the two latest finished runs."""
    runs, _n = list_runs(session, limit=100)
    titles = _titles(session, services)
    picked = [*(run or []), *(x for x in (a, b) if x is not None)]
    if not picked:
        picked = [r.id for r in runs if r.status == "done"][:2][::-1]
    sides = []
    for run_id in picked:
        try:
            record = get_run(session, run_id=run_id)
        except NotFoundError as exc:
            return _page(
                request, "compare.html", 404, runs=runs, sides=[], error=str(exc), titles=titles
            )
        results = _results(session, run_id, services) if record.status == "done" else None
        sides.append((record, results))
    return _page(
        request,
        "compare.html",
        runs=runs,
        sides=sides,
        picked=picked,
        titles=titles,
        differences=_differences(sides),
    )


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    """Where a browser gives the server's token once (kept in a same-site cookie) so its forms
    can write on a server that needs one."""
    return _page(request, "login.html")


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request, services: ServicesDep, token: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    """Check the token and keep it in an HTTP-only, same-site cookie."""
    import hmac

    expected = services.settings.token
    if expected and not hmac.compare_digest(token.encode(), expected.encode()):
        return _page(request, "login.html", 401, error="that is not this server's token")
    response = RedirectResponse("/", status_code=303)
    if expected:
        response.set_cookie(
            "detente_token", token, httponly=True, samesite="strict", max_age=7 * 24 * 3600
        )
    return response
