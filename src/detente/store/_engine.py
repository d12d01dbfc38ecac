"""Where the store lives and how it is opened: URL resolution, SQLite set-up, migrations.

SQLite (the default) is a file under the data directory, created on first use, in WAL mode so
readers never wait for the writer and a killed process cannot leave a half-written database.
PostgreSQL is used when a ``postgresql://`` URL is given (``DETENTE_DATABASE_URL``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Store", "default_data_dir", "open_store", "resolve_database_url"]

SQLITE_FILE = "detente.sqlite3"


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``DETENTE_DATA_DIR``, else ``$XDG_DATA_HOME/detente``, else ``~/.local/share/detente``."""
    env = os.environ if environ is None else environ
    if env.get("DETENTE_DATA_DIR"):
        return Path(env["DETENTE_DATA_DIR"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "detente"


def resolve_database_url(
    url: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str:
    """The database URL: ``url``, else ``DETENTE_DATABASE_URL``, else the SQLite file.

    ``postgresql://`` URLs are given the psycopg 3 driver, which is the one installed.

    >>> resolve_database_url("postgresql://u:p@localhost/db")
    'postgresql+psycopg://u:p@localhost/db'
    >>> resolve_database_url(environ={"DETENTE_DATA_DIR": "/srv/d"})
    'sqlite:////srv/d/detente.sqlite3'
    """
    env = os.environ if environ is None else environ
    chosen = url or env.get("DETENTE_DATABASE_URL")
    if not chosen:
        return f"sqlite:///{default_data_dir(env) / SQLITE_FILE}"
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix) :]
    return chosen


@dataclass(frozen=True)
class Store:
    """An opened store: the engine and a session factory. Use :meth:`session` per unit of work."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers do not block the writer; synchronous=NORMAL is durable in WAL mode except
    # for the last transactions on power loss, never corrupting (a killed process loses nothing).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and on first use create) the store at ``url``, bringing its schema up to date.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = open_store(f"sqlite:///{folder}/new/detente.sqlite3")
    >>> (folder / "new" / "detente.sqlite3").exists()
    True
    >>> store.close()
    """
    resolved = resolve_database_url(url)
    kwargs: dict[str, Any] = {"future": True}
    if resolved.startswith("sqlite"):
        path = resolved.split("///", 1)[1] if "///" in resolved else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
    engine = create_engine(resolved, **kwargs)
    if resolved.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return Store(resolved, engine, sessionmaker(engine, expire_on_commit=False))


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (Alembic, scripts shipped in the package)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("detente.store") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
