"""The service's settings: one frozen record handed to :func:`create_app` (nothing global)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Settings", "is_loopback"]

# A scenario file may be up to 10 MB (detente.scenario.MAX_FILE_BYTES); multipart adds a little.
DEFAULT_MAX_REQUEST_BYTES = 11 * 1024 * 1024


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """How the service runs.

    ``database_url`` None means ``DETENTE_DATABASE_URL`` or the SQLite file under the data
    directory. ``token`` (``DETENTE_API_TOKEN``), when set, is required as a bearer token by every
    write endpoint; a server bound to a non-loopback ``host`` must have one. ``workers`` is the
    number of runs computed at once, each in its own worker process (``processes``; False
    computes in the server's threads). ``scheduler`` (``DETENTE_SCHEDULER``), a Dask scheduler
    address, sends the runs' chunks of draws to that cluster.
    """

    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    workers: int = 2
    max_draws: int = 200_000
    processes: bool = True
    scheduler: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``DETENTE_*`` environment variables, then ``overrides``."""
        env = os.environ if environ is None else environ
        base = cls(
            database_url=env.get("DETENTE_DATABASE_URL") or None,
            token=env.get("DETENTE_API_TOKEN") or None,
            scheduler=env.get("DETENTE_SCHEDULER") or None,
        )
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})

    def check(self) -> None:
        """Refuse a non-loopback address without a token (writes would be open to anyone)."""
        if not is_loopback(self.host) and not self.token:
            raise ValueError(
                f"refusing to listen on {self.host}: that address is reachable from other "
                "machines, so write endpoints need a bearer token; set DETENTE_API_TOKEN or "
                "bind to 127.0.0.1"
            )
