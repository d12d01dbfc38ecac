"""Persistence of scenarios (with every version), runs and their results.

SQLite file by default (``DETENTE_DATA_DIR``), PostgreSQL by ``DETENTE_DATABASE_URL``; the
schema is kept by Alembic migrations shipped in ``detente/store/migrations``.

>>> import tempfile
>>> store = open_store(f"sqlite:///{tempfile.mkdtemp()}/s.sqlite3")
>>> with store.session() as s:
...     first = create_scenario(s, slug="demo", title="Demo", content="id: demo", format="yaml",
...                             author="ana", note="first draft")
...     second = add_scenario_version(s, scenario_id=first.id, base_version=1, title="Demo",
...                                   content="id: demo2", format="yaml", author="ben",
...                                   note="revised")
>>> with store.session() as s:
...     [(v.version, v.author, v.note) for v in list_versions(s, scenario_id=first.id)]
[(1, 'ana', 'first draft'), (2, 'ben', 'revised')]
>>> store.close()
"""

from __future__ import annotations

from ._access import (
    ACTIVE,
    TERMINAL,
    ConflictError,
    NotFoundError,
    RunRecord,
    ScenarioRecord,
    VersionRecord,
    add_scenario_version,
    cancel_run,
    content_hash,
    create_run,
    create_scenario,
    delete_scenario,
    find_scenario,
    finish_run,
    get_result,
    get_run,
    get_scenario,
    list_runs,
    list_scenarios,
    list_versions,
    mark_interrupted,
    set_progress,
    start_run,
)
from ._engine import Store, default_data_dir, open_store, resolve_database_url
from ._tables import utcnow

__all__ = [
    "ACTIVE",
    "TERMINAL",
    "ConflictError",
    "NotFoundError",
    "RunRecord",
    "ScenarioRecord",
    "Store",
    "VersionRecord",
    "add_scenario_version",
    "cancel_run",
    "content_hash",
    "create_run",
    "create_scenario",
    "default_data_dir",
    "delete_scenario",
    "find_scenario",
    "finish_run",
    "get_result",
    "get_run",
    "get_scenario",
    "list_runs",
    "list_scenarios",
    "list_versions",
    "mark_interrupted",
    "open_store",
    "resolve_database_url",
    "set_progress",
    "start_run",
    "utcnow",
]
