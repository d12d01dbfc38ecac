"""Cross-site request protection as plain ASGI middleware: a browser's unsafe request (POST,
PUT, PATCH, DELETE) coming from another site's page is refused with 403.

Any web page a person visits can post forms and uploads to a server on their loopback address,
and the browser sends the sign-in cookie along. Browsers say where a request comes from:
``Sec-Fetch-Site`` (every current browser) and ``Origin`` (on every cross-origin POST). A
request is allowed when ``Sec-Fetch-Site`` is ``same-origin`` or ``none`` (typed by the person);
without that header, when ``Origin`` names this server's own host; and when neither header is
sent, which no browser does for a cross-site POST (programs such as curl or httpx send neither).
This is the token-free scheme of Go 1.25's ``http.CrossOriginProtection``. Behind a reverse proxy
that rewrites ``Host`` the proxy must keep the original host for the check to pass.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["SameOrigin"]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def cross_site(method: str, headers: dict[bytes, bytes]) -> str | None:
    """Why an unsafe request comes from another site, or None when it may proceed.

    >>> cross_site("POST", {b"sec-fetch-site": b"cross-site"})
    'the request comes from another site (Sec-Fetch-Site: cross-site)'
    >>> cross_site("POST", {b"origin": b"http://127.0.0.1:8000", b"host": b"127.0.0.1:8000"})
    >>> cross_site("POST", {b"origin": b"https://evil.example", b"host": b"127.0.0.1:8000"})
    "the request comes from another site's page (Origin: 'https://evil.example')"
    >>> cross_site("POST", {}) is None, cross_site("GET", {b"sec-fetch-site": b"cross-site"})
    (True, None)
    """
    if method in SAFE_METHODS:
        return None
    fetch_site = headers.get(b"sec-fetch-site", b"").decode("latin-1").lower()
    if fetch_site:
        if fetch_site in ("same-origin", "none"):
            return None
        return f"the request comes from another site (Sec-Fetch-Site: {fetch_site[:40]})"
    origin = headers.get(b"origin", b"").decode("latin-1")
    if not origin:
        return None
    host = headers.get(b"host", b"").decode("latin-1").lower()
    if urlsplit(origin).netloc.lower() == host and host:
        return None
    return f"the request comes from another site's page (Origin: {origin[:100]!r})"


class SameOrigin:
    """Refuse unsafe requests that a browser sends from another site's page (403)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            reason = cross_site(scope["method"], dict(scope.get("headers") or []))
            if reason is not None:
                await _refuse(send, reason)
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, reason: str) -> None:
    data = json.dumps(
        {
            "detail": f"refused: {reason}; Détente's forms and API only accept writes from its own "
            "pages or from programs"
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
