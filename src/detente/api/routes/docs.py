"""``/docs`` (Swagger UI), ``/redoc`` and ``/favicon.ico`` from the package's own files.

FastAPI's defaults load Swagger UI, ReDoc, a font and a favicon from CDNs: a blank page offline,
although the app promises to work with no internet. The scripts come from the npm lockfile
(``swagger-ui-dist``, ``redoc``), copied to ``static/vendor`` by the Makefile like htmx.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

router = APIRouter(include_in_schema=False)

FAVICON = "/static/favicon.svg"


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    """The interactive API reference, every asset served from this server."""
    return get_swagger_ui_html(
        openapi_url=str(request.app.openapi_url),
        title=f"{request.app.title} — API",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url=FAVICON,
    )


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    """The API reference as one readable page (ReDoc), without web fonts from a CDN."""
    return get_redoc_html(
        openapi_url=str(request.app.openapi_url),
        title=f"{request.app.title} — API",
        redoc_js_url="/static/vendor/redoc.standalone.js",
        redoc_favicon_url=FAVICON,
        with_google_fonts=False,
    )


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for ``/favicon.ico`` on every site; it is the app's SVG icon."""
    return FileResponse(
        str(resources.files("detente.api.web") / "static" / "favicon.svg"),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
