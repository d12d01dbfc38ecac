"""The app factory: builds a FastAPI app from :class:`Settings` (nothing happens at import)."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from .. import __version__
from ..errors import DetenteError, ScenarioError
from ..store import NotFoundError, mark_interrupted, open_store
from ._deps import Scenarios, Services
from ._limits import BodyLimit
from ._origin import SameOrigin
from ._runner import Runner
from ._settings import Settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The Détente service: REST API under ``/api``, web pages under ``/``, OpenAPI at ``/docs``.

    Opens (and migrates) the store, marks runs a previous server left unfinished as failed, and
    starts the run workers; they stop when the app's lifespan ends.

    >>> import tempfile
    >>> from fastapi.testclient import TestClient
    >>> app = create_app(Settings(database_url=f"sqlite:///{tempfile.mkdtemp()}/d.sqlite3"))
    >>> with TestClient(app) as client:
    ...     client.get("/health").json()
    {'status': 'ok'}
    """
    settings = settings or Settings.from_env()
    settings.check()
    store = open_store(settings.database_url)
    with store.session() as session:
        mark_interrupted(session)
    runner = Runner(
        store,
        workers=settings.workers,
        processes=settings.processes,
        scheduler=settings.scheduler,
    )
    services = Services(settings, store, runner, Scenarios())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            services.runner.shutdown()
            with store.session() as session:
                mark_interrupted(session)
            store.close()

    app = FastAPI(
        title="Détente",
        version=__version__,
        summary="Forecasts, deal checks and guarantee assessments for multi-party negotiations.",
        lifespan=lifespan,
        # Served from local assets by routes.docs, not FastAPI's CDN pages.
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    # Added last, so it runs first: a cross-site write is refused before its body is read.
    app.add_middleware(SameOrigin)
    _add_error_handlers(app)

    from .routes import cases, docs, health, runs, scenarios
    from .web import news, pages

    for module in (health, scenarios, runs, cases, docs, pages, news):
        app.include_router(module.router)
    pages.mount_assets(app)
    return app


def _for_people(request: Request) -> bool:
    """Whether an error goes to a person's browser (a web page) rather than to a program."""
    path = request.url.path
    return not path.startswith(("/api/", "/health", "/docs", "/openapi")) and "text/html" in (
        request.headers.get("accept", "")
    )


def _json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities as text: an error echoes what it was given (a
    scenario's ``.nan``, say), and JSON has no such numbers.

    >>> _json_safe({"given": float("nan"), "at": [1.0, float("-inf")]})
    {'given': 'nan', 'at': [1.0, '-inf']}
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _error(request: Request, status: int, content: dict[str, Any]) -> Response:
    """The error as JSON for programs, or as a short page for people."""
    if _for_people(request):
        templates = request.app.state.templates
        message = content["detail"]
        return templates.TemplateResponse(  # type: ignore[no-any-return]
            request, "error.html", {"status": status, "message": message}, status_code=status
        )
    return JSONResponse(status_code=status, content=_json_safe(content))


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's default echoes the input, which may hold NaN (not valid JSON): keep where,
        # what and the message, which say everything needed to fix the request.
        detail = [
            {"type": e.get("type"), "loc": list(e.get("loc", ())), "msg": e.get("msg")}
            for e in exc.errors()
        ]
        return _error(request, 422, {"detail": detail})

    @app.exception_handler(ScenarioError)
    async def scenario_error(request: Request, exc: ScenarioError) -> Response:
        return _error(request, 422, {"detail": exc.render(), "problems": exc.records()})

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return _error(request, 404, {"detail": str(exc)})

    @app.exception_handler(DetenteError)
    async def bad_input(request: Request, exc: DetenteError) -> Response:
        return _error(request, 422, {"detail": str(exc)})
