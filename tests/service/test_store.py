"""The store: versions never overwritten, soft delete, run life cycle, restart marking, SQLite
WAL, and the same behaviour on PostgreSQL when a server URL is given."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from detente import store as st
from detente.store import NotFoundError, Store, open_store

from .service_support import NO_POSTGRES, POSTGRES_URL, postgres_schema

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store: a new SQLite file, or a new schema on the PostgreSQL test server."""
    if request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path}/store.sqlite3")
        yield opened
        opened.close()
        return
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    with postgres_schema() as url:
        opened = open_store(url)
        yield opened
        opened.close()


def _new(store: Store, content: str = "id: a") -> int:
    with store.session() as s:
        record = st.create_scenario(
            s, slug="a", title="A", content=content, format="yaml", author="ana", note="first"
        )
    return record.id


def test_every_save_is_a_new_version_and_old_versions_stay(store: Store) -> None:
    sid = _new(store, "id: a\n# v1\n")
    with store.session() as s:
        st.add_scenario_version(
            s,
            scenario_id=sid,
            base_version=1,
            title="A2",
            content="id: a\n# v2\n",
            format="yaml",
            author="ben",
            note="raised salience",
        )
    with store.session() as s:
        latest = st.get_scenario(s, scenario_id=sid)
        first = st.get_scenario(s, scenario_id=sid, version=1)
        history = st.list_versions(s, scenario_id=sid)
    assert (latest.latest_version, latest.title, latest.current.content) == (
        2,
        "A2",
        "id: a\n# v2\n",
    )
    assert first.current.content == "id: a\n# v1\n"
    assert [(v.version, v.author, v.note) for v in history] == [
        (1, "ana", "first"),
        (2, "ben", "raised salience"),
    ]
    assert history[0].content_hash == st.content_hash("id: a\n# v1\n")


def test_a_missing_version_names_the_versions_that_exist(store: Store) -> None:
    sid = _new(store)
    with (
        store.session() as s,
        pytest.raises(
            NotFoundError,
            match=r"has no version 5; its "
            r"versions are 1 to 1",
        ),
    ):
        st.get_scenario(s, scenario_id=sid, version=5)


def test_soft_delete_hides_the_scenario_but_keeps_its_rows(store: Store) -> None:
    sid = _new(store)
    with store.session() as s:
        st.delete_scenario(s, scenario_id=sid, by="ana")
    with store.session() as s:
        assert st.list_scenarios(s) == ([], 0)
        with pytest.raises(NotFoundError, match=f"no stored scenario with id {sid}"):
            st.get_scenario(s, scenario_id=sid)
        kept = s.execute(text("SELECT count(*) FROM scenario_versions")).scalar()
    assert kept == 1


def _run(store: Store) -> int:
    with store.session() as s:
        record = st.create_run(
            s,
            kind="forecast",
            scenario_ref="x",
            scenario_version=None,
            model="median",
            params={"draws": 3},
            seed=7,
            input_hash="h",
            package_version="0.1.0",
            created_by="ana",
        )
    return record.id


def test_a_run_goes_queued_running_done_with_its_results(store: Store) -> None:
    rid = _run(store)
    with store.session() as s:
        assert st.start_run(s, run_id=rid)
        assert st.set_progress(s, run_id=rid, progress=0.5) == "running"
    with store.session() as s:
        st.finish_run(
            s, run_id=rid, status="done", results={"result": ("application/json", '{"a": 1}')}
        )
    with store.session() as s:
        run = st.get_run(s, run_id=rid)
        assert st.get_result(s, run_id=rid, name="result") == ("application/json", '{"a": 1}')
    assert (run.status, run.progress, run.seed, run.params) == ("done", 1.0, 7, {"draws": 3})
    assert run.started_at is not None and run.finished_at is not None


def test_a_cancelled_run_does_not_start_and_keeps_no_late_result(store: Store) -> None:
    rid = _run(store)
    with store.session() as s:
        assert st.cancel_run(s, run_id=rid).status == "cancelled"
    with store.session() as s:
        assert not st.start_run(s, run_id=rid)
        st.finish_run(s, run_id=rid, status="done", results={"result": ("a", "b")})
    with store.session() as s:
        assert st.get_run(s, run_id=rid).status == "cancelled"
        with pytest.raises(
            NotFoundError, match=r"has no 'result' result .its status is 'cancelled'"
        ):
            st.get_result(s, run_id=rid, name="result")


def test_restart_marks_unfinished_runs_failed_and_leaves_finished_ones(store: Store) -> None:
    done, running, queued = _run(store), _run(store), _run(store)
    with store.session() as s:
        st.start_run(s, run_id=done)
        st.finish_run(s, run_id=done, status="done", results={"result": ("j", "{}")})
        st.start_run(s, run_id=running)
    with store.session() as s:
        assert st.mark_interrupted(s) == 2
    with store.session() as s:
        states = {r: st.get_run(s, run_id=r) for r in (done, running, queued)}
    assert states[done].status == "done"
    for rid in (running, queued):
        assert states[rid].status == "failed"
        assert states[rid].error is not None and "server stopped" in states[rid].error


def test_a_run_made_by_another_version_says_so(store: Store) -> None:
    rid = _run(store)
    with store.session() as s:
        run = st.get_run(s, run_id=rid)
    assert run.version_warning("0.1.0") is None
    assert run.version_warning("0.2.0") == (
        "this run was made with detente 0.1.0; this is 0.2.0, so running it again may not give "
        "the same numbers"
    )


def test_sqlite_file_is_created_on_first_use_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "detente.sqlite3"
    opened = open_store(f"sqlite:///{path}")
    opened.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_data_dir_and_database_url_come_from_the_environment() -> None:
    env = {"DETENTE_DATA_DIR": "/srv/detente"}
    assert st.resolve_database_url(environ=env) == "sqlite:////srv/detente/detente.sqlite3"
    env["DETENTE_DATABASE_URL"] = "postgresql://u@db/detente"
    assert st.resolve_database_url(environ=env) == "postgresql+psycopg://u@db/detente"
    assert st.default_data_dir({"XDG_DATA_HOME": "/x"}) == Path("/x/detente")
