"""The web pages: scenario list, editor, run page with live progress, results, comparison."""

from __future__ import annotations

import json
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from ... import models as model_registry
from ...errors import DetenteError, ModelError, ScenarioError
from ...report import outcome_table, panel_html, report_figures
from ...scenario import builtin_names
from ...store import (
    TERMINAL,
    ConflictError,
    NotFoundError,
    add_scenario_version,
    create_scenario,
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
from .._kinds import KINDS
from .._reports import report_for_run
from .._schemas import MAX_SEED, RunCreate
from ..routes.runs import read_result, start
from ..routes.scenarios import read_upload, version_diff
from ._editor import apply_form, grid, problem_cells

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
    return _page(request, "index.html", cases=cases, stored=stored, runs=runs)


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request, services: ServicesDep, writer: Writer) -> Response:
    """Store an uploaded scenario file and open it in the editor."""
    try:
        scenario, text, fmt = await read_upload(request)
    except ScenarioError as exc:
        with services.store.session() as session:
            stored, _count = list_scenarios(session, limit=200)
            runs, _n = list_runs(session, limit=20)
        cases = [(name, services.scenarios.builtin(name).title) for name in builtin_names()]
        return _page(
            request, "index.html", 422, cases=cases, stored=stored, runs=runs, upload_error=exc
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


def _editor(
    request: Request, session: Any, ref: str, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    services: Services = request.app.state.services
    scenario, canonical, version = resolve_scenario(session, ref, scenarios=services.scenarios)
    history = list_versions(session, scenario_id=int(canonical)) if version else []
    return _page(
        request,
        "scenario.html",
        status_code,
        scenario=scenario,
        ref=canonical,
        version=version,
        history=history,
        rows=grid(scenario),
        kinds=list(KINDS),
        models=model_registry.names(),
        **extra,
    )


@router.get("/scenarios/{ref}", response_class=HTMLResponse)
def editor(request: Request, ref: str, session: DbSession) -> HTMLResponse:
    """The scenario editor: actors × issues grid, history, and the run form."""
    return _editor(request, session, ref)


@router.post("/scenarios/{ref}", response_class=HTMLResponse)
async def save(request: Request, ref: str, services: ServicesDep, writer: Writer) -> Response:
    """Save the grid as a new version of the version it was loaded from (``base_version``); a
    built-in is saved as a new stored scenario. When someone saved meanwhile nothing is saved:
    the page says what they changed and keeps this edit for a second look."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    base_text = form.get("base_version", "")
    base = int(base_text) if base_text.isdigit() and len(base_text) <= 10 else None
    with services.store.session() as session:
        scenario, canonical, version = resolve_scenario(
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
        try:
            changed, text = apply_form(scenario, form)
        except ScenarioError as exc:
            return _editor(
                request,
                session,
                ref,
                422,
                error=exc,
                cells_problems=problem_cells(exc, scenario),
                form=form,
            )
    who = author_name(form.get("author"), writer)
    note = form.get("note", "")[:2000]
    try:
        with services.store.session() as session:
            if version is None:
                record = create_scenario(
                    session,
                    slug=changed.id,
                    title=changed.title,
                    content=text,
                    format="yaml",
                    author=who,
                    note=note or f"edited from the built-in {canonical}",
                )
            else:
                record = add_scenario_version(
                    session,
                    scenario_id=int(canonical),
                    base_version=version,
                    title=changed.title,
                    content=text,
                    format="yaml",
                    author=who,
                    note=note,
                )
    except ConflictError as exc:
        with services.store.session() as session:
            since = version_diff(
                session, services, exc.scenario_id, exc.base_version, exc.latest_version
            )
            return _editor(
                request, session, ref, 409, conflict=exc, conflict_changes=since, form=form
            )
    return RedirectResponse(
        f"/scenarios/{record.id}?saved={record.latest_version}", status_code=303
    )


@router.post("/scenarios/{ref}/check", response_class=HTMLResponse)
async def check(request: Request, ref: str, services: ServicesDep) -> HTMLResponse:
    """Check the grid as it stands, without saving (htmx calls it whenever a cell changes)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    with services.store.session() as session:
        scenario, _canonical, _version = resolve_scenario(
            session, ref, scenarios=services.scenarios
        )
    try:
        apply_form(scenario, form)
    except ScenarioError as exc:
        return _page(request, "_check.html", error=exc)
    return _page(request, "_check.html", error=None)


def _extra_params(text: str) -> dict[str, Any]:
    """The run form's "more parameters" field: empty, or a JSON object."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise ModelError(
            'more parameters must be a JSON object, e.g. {"actor": "ukraine", "issue": "TERR", '
            f'"toward": "low"}}; got {text.strip()[:80]!r}'
        )
    return value


@router.post("/scenarios/{ref}/run")
def run(
    ref: str,
    services: ServicesDep,
    writer: Writer,
    request: Request,
    kind: Annotated[str, Form()] = "forecast",
    model: Annotated[str, Form()] = "compromise",
    draws: Annotated[int, Form(ge=1)] = 1,
    seed: Annotated[int, Form(ge=0, le=MAX_SEED)] = 0,
    extra: Annotated[str, Form()] = "",
) -> Response:
    """Start a run of this scenario and go to its page.

    ``extra`` holds the kind's own parameters as a JSON object (e.g. a levers run's actor,
    issue and direction); a tornado takes no draws.
    """
    try:
        params: dict[str, Any] = {} if kind == "sensitivity" else {"draws": draws}
        params.update(_extra_params(extra))
        run_id = start(
            services,
            RunCreate(kind=kind, scenario=ref, model=model, params=params, seed=seed),
            writer,
        )
    except DetenteError as exc:
        with services.store.session() as session:
            return _editor(request, session, ref, 422, run_error=str(exc))
    except ValidationError as exc:  # e.g. NaN among the JSON parameters
        message = "; ".join(e["msg"] for e in exc.errors())
        with services.store.session() as session:
            return _editor(request, session, ref, 422, run_error=message)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


def _results(session: Any, run_id: int, services: Services) -> dict[str, Any]:
    """What the results panel shows: tables, chart HTML and the full result JSON."""
    import json

    data = report_for_run(session, run_id, scenarios=services.scenarios)
    html = [
        c.to_html(
            full_html=False,
            include_plotlyjs=False,
            config={"displaylogo": False, "responsive": True},
        )
        for c in report_figures(data)
    ]
    result = read_result(session, get_run(session, run_id=run_id))
    return {
        "outcomes": outcome_table(data.outcome, data.issues).to_dict("records"),
        "charts": html,
        "has_models": "model" in data.outcome.columns,
        "panel": panel_html(str(data.run.get("kind", "")), data.result, data.issues),
        "json": json.dumps(result, indent=2, ensure_ascii=False),
    }


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request, run_id: RecordId, session: DbSession, services: ServicesDep
) -> HTMLResponse:
    """A run: parameters, a live progress bar, then its results and downloads."""
    record = get_run(session, run_id=run_id)
    results = _results(session, run_id, services) if record.status == "done" else None
    return _page(request, "run.html", run=record, results=results)


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


@router.get("/compare", response_class=HTMLResponse)
def compare(
    request: Request,
    session: DbSession,
    services: ServicesDep,
    a: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    b: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    """Two runs side by side (pick them from the list when not given)."""
    runs, _n = list_runs(session, limit=100)
    sides = []
    for run_id in (a, b):
        if run_id is None:
            continue
        try:
            record = get_run(session, run_id=run_id)
        except NotFoundError as exc:
            return _page(request, "compare.html", 404, runs=runs, sides=[], error=str(exc))
        results = _results(session, run_id, services) if record.status == "done" else None
        sides.append((record, results))
    return _page(request, "compare.html", runs=runs, sides=sides, a=a, b=b)


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
