"""Shared request dependencies as named ``Annotated`` aliases, and scenario resolution."""

from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy.orm import Session

from ..errors import ScenarioError
from ..scenario import Scenario, builtin_names, load_scenario, read_scenario_bytes
from ..store import NotFoundError, Store, get_scenario
from ._runner import Runner
from ._settings import Settings

__all__ = [
    "MAX_ID",
    "DbSession",
    "RecordId",
    "Scenarios",
    "Services",
    "ServicesDep",
    "Writer",
    "author_name",
    "parse_stored",
    "resolve_scenario",
]


@dataclass(frozen=True)
class Services:
    """What the app was built with (on ``app.state``): settings, store, runner, scenarios."""

    settings: Settings
    store: Store
    runner: Runner
    scenarios: Scenarios


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(_services)]


def _session(services: ServicesDep) -> Iterator[Session]:
    with services.store.session() as session:
        yield session


DbSession = Annotated[Session, Depends(_session)]


def _writer(request: Request, services: ServicesDep) -> str:
    """Allow a write when no token is configured or the bearer token (or web cookie) matches."""
    token = services.settings.token
    if token:
        given = request.headers.get("authorization", "")
        bearer = given[7:] if given.lower().startswith("bearer ") else ""
        cookie = request.cookies.get("detente_token", "")
        if not any(hmac.compare_digest(c.encode(), token.encode()) for c in (bearer, cookie) if c):
            raise HTTPException(
                status_code=401,
                detail="this server needs a token to change anything: send the header "
                "'Authorization: Bearer <DETENTE_API_TOKEN>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
    return "token holder" if token else "local user"


Writer = Annotated[str, Depends(_writer)]

# Ids are 32-bit in every database the store supports; larger numbers cannot name a record.
MAX_ID = 2**31 - 1
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A stored record's id.")]

_NAME = re.compile(r"[^\w .@-]+")


def author_name(given: str | None, fallback: str) -> str:
    """A who-field for the history: the name given (cleaned, at most 200 characters) or
    ``fallback``."""
    cleaned = _NAME.sub("", given or "").strip()[:200]
    return cleaned or fallback


def parse_stored(content: str, format: str, slug: str) -> Scenario:
    """The scenario of a stored version's text."""
    return read_scenario_bytes(content.encode("utf-8"), filename=f"{slug}.{format}", kind=format)


class Scenarios:
    """Checked scenarios of one app, memoised: a stored version and a built-in never change, so
    one checked once need not be parsed again (bounded; it goes with the app)."""

    def __init__(self, maxsize: int = 256) -> None:
        self.stored: Callable[[str, str, str], Scenario] = functools.lru_cache(maxsize)(
            parse_stored
        )
        self.builtin: Callable[[str], Scenario] = functools.lru_cache(maxsize)(load_scenario)


def resolve_scenario(
    session: Session,
    ref: str | int,
    version: int | None = None,
    *,
    scenarios: Scenarios | None = None,
) -> tuple[Scenario, str, int | None]:
    """A scenario from a stored id (``3`` or ``"3"``) or a built-in name; never a server path.

    Returns the scenario, the canonical reference and the stored version (None for built-ins).
    """
    scenarios = scenarios or Scenarios(maxsize=0)  # maxsize 0: nothing kept
    text = str(ref).strip()
    if text.isdigit():
        if int(text) > MAX_ID:  # no record has such an id (and the database cannot bind it)
            raise NotFoundError(f"no stored scenario with id {text[:40]}")
        record = get_scenario(session, scenario_id=int(text), version=version)
        current = record.current
        scenario = scenarios.stored(current.content, current.format, record.slug)
        return scenario, str(record.id), current.version
    if text in builtin_names():
        return scenarios.builtin(text), text, None
    raise ScenarioError.single(
        "not_found",
        f"no stored scenario or built-in called '{text}'; give a stored scenario's id or one "
        f"of the built-ins: {', '.join(builtin_names())}",
        location="scenario",
        given=text,
    )
