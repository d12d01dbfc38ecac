"""Data access: keyword-only functions over a SQLAlchemy session, returning frozen records.

Scenario saves append versions; deletes are soft; run rows move queued → running → done /
failed / cancelled and their results are written once, when the run ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import ConflictError, NotFoundError
from ._tables import RunResultRow, RunRow, ScenarioRow, ScenarioVersionRow, utcnow

__all__ = [
    "ACTIVE",
    "TERMINAL",
    "ConflictError",
    "NotFoundError",
    "RunRecord",
    "ScenarioRecord",
    "VersionRecord",
    "add_scenario_version",
    "cancel_run",
    "content_hash",
    "create_run",
    "create_scenario",
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
    "set_progress",
    "start_run",
]

ACTIVE = ("queued", "running")
TERMINAL = ("done", "failed", "cancelled")
INTERRUPTED = "interrupted: the server stopped before the run finished; start it again"


def content_hash(text: str) -> str:
    """SHA-256 of a text, hex (the input hash of runs and versions)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class VersionRecord:
    """One saved version: who saved it, when, why, and its content."""

    scenario_id: int
    version: int
    format: str
    content: str
    content_hash: str
    author: str
    note: str
    created_at: dt.datetime


@dataclass(frozen=True)
class ScenarioRecord:
    """A stored scenario with one of its versions (the latest unless asked)."""

    id: int
    slug: str
    title: str
    created_by: str
    created_at: dt.datetime
    latest_version: int
    deleted: bool
    current: VersionRecord


@dataclass(frozen=True)
class RunRecord:
    """A run as stored: what was asked and how it went."""

    id: int
    kind: str
    scenario_ref: str
    scenario_version: int | None
    model: str
    params: dict[str, Any]
    seed: int
    input_hash: str
    package_version: str
    status: str
    progress: float
    error: str | None
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    def version_warning(self, current: str) -> str | None:
        """A note when the run was made by another package version than ``current``."""
        if self.package_version == current:
            return None
        return (
            f"this run was made with detente {self.package_version}; this is {current}, "
            "so running it again may not give the same numbers"
        )

    def seconds_left(self, now: dt.datetime) -> float | None:
        """Time left of a running run, estimated from its progress so far (None until it
        has some progress, and once it has ended).

        >>> start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> run = RunRecord(1, "forecast", "x", None, "eum", {}, 0, "", "", "running", 0.25,
        ...                 None, "", start, start, None)
        >>> run.seconds_left(start + dt.timedelta(seconds=30))
        90.0
        """
        if self.status != "running" or self.started_at is None or not 0 < self.progress < 1:
            return None
        started = self.started_at
        if started.tzinfo is None:  # SQLite gives back naive times; every stored time is UTC
            started = started.replace(tzinfo=dt.UTC)
        elapsed = max((now - started).total_seconds(), 0.0)
        return round(elapsed * (1 - self.progress) / self.progress, 1)


def _version(row: ScenarioVersionRow) -> VersionRecord:
    return VersionRecord(
        row.scenario_id,
        row.version,
        row.format,
        row.content,
        row.content_hash,
        row.author,
        row.note,
        row.created_at,
    )


def _run(row: RunRow) -> RunRecord:
    return RunRecord(
        row.id,
        row.kind,
        row.scenario_ref,
        row.scenario_version,
        row.model,
        dict(row.params),
        row.seed,
        row.input_hash,
        row.package_version,
        row.status,
        row.progress,
        row.error,
        row.created_by,
        row.created_at,
        row.started_at,
        row.finished_at,
    )


def create_scenario(
    session: Session,
    *,
    slug: str,
    title: str,
    content: str,
    format: str,
    author: str,
    note: str = "",
) -> ScenarioRecord:
    """Store a new scenario as version 1."""
    row = ScenarioRow(slug=slug, title=title, created_by=author, latest_version=1)
    session.add(row)
    session.flush()
    session.add(
        ScenarioVersionRow(
            scenario_id=row.id,
            version=1,
            format=format,
            content=content,
            content_hash=content_hash(content),
            author=author,
            note=note,
        )
    )
    session.flush()
    return get_scenario(session, scenario_id=row.id)


def _scenario_row(session: Session, scenario_id: int, *, lock: bool = False) -> ScenarioRow:
    query = select(ScenarioRow).where(ScenarioRow.id == scenario_id)
    if lock:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None or row.deleted_at is not None:
        raise NotFoundError(f"no stored scenario with id {scenario_id}")
    return row


def add_scenario_version(
    session: Session,
    *,
    scenario_id: int,
    base_version: int,
    title: str,
    content: str,
    format: str,
    author: str,
    note: str = "",
) -> ScenarioRecord:
    """Save a new version of a stored scenario; earlier versions stay as they were.

    ``base_version`` is the version the edit started from: when another save came first, a
    :class:`ConflictError` is raised and nothing is saved. The version number is taken by one
    conditional ``UPDATE`` as the session's first statement, so concurrent saves queue on the
    database's write lock (SQLite) or row lock (PostgreSQL) and each gets its own number.
    """
    bump = update(ScenarioRow).where(
        ScenarioRow.id == scenario_id,
        ScenarioRow.deleted_at.is_(None),
        ScenarioRow.latest_version == base_version,
    )
    version = session.execute(
        bump.values(latest_version=ScenarioRow.latest_version + 1, title=title).returning(
            ScenarioRow.latest_version
        ),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if version is None:
        row = _scenario_row(session, scenario_id)  # not found, or a stale base
        raise ConflictError(
            scenario_id=scenario_id,
            base_version=base_version,
            latest_version=row.latest_version,
        )
    session.add(
        ScenarioVersionRow(
            scenario_id=scenario_id,
            version=version,
            format=format,
            content=content,
            content_hash=content_hash(content),
            author=author,
            note=note,
        )
    )
    try:
        session.flush()
    except IntegrityError:  # a concurrent save took the same number after all: same answer
        raise ConflictError(
            scenario_id=scenario_id, base_version=version - 1, latest_version=version
        ) from None
    return get_scenario(session, scenario_id=scenario_id)


def get_scenario(
    session: Session, *, scenario_id: int, version: int | None = None
) -> ScenarioRecord:
    """A stored scenario at ``version`` (default: the latest); deleted ones are not found."""
    row = _scenario_row(session, scenario_id)
    wanted = row.latest_version if version is None else version
    found = session.scalars(
        select(ScenarioVersionRow).where(
            ScenarioVersionRow.scenario_id == scenario_id, ScenarioVersionRow.version == wanted
        )
    ).one_or_none()
    if found is None:
        raise NotFoundError(
            f"scenario {scenario_id} has no version {wanted}; its versions are 1 to "
            f"{row.latest_version}"
        )
    return ScenarioRecord(
        row.id,
        row.slug,
        row.title,
        row.created_by,
        row.created_at,
        row.latest_version,
        row.deleted_at is not None,
        _version(found),
    )


def list_scenarios(
    session: Session, *, offset: int = 0, limit: int = 100
) -> tuple[list[ScenarioRecord], int]:
    """Stored scenarios not deleted, newest first, with the total count."""
    live = ScenarioRow.deleted_at.is_(None)
    count = session.scalar(select(func.count()).select_from(ScenarioRow).where(live)) or 0
    ids = session.scalars(
        select(ScenarioRow.id)
        .where(live)
        .order_by(ScenarioRow.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [get_scenario(session, scenario_id=i) for i in ids], int(count)


def find_scenario(session: Session, *, slug: str) -> ScenarioRecord | None:
    """The oldest live stored scenario with this slug (the web app saves an edited built-in
    there, so saving it twice makes two versions of one scenario); None when there is none."""
    live = ScenarioRow.deleted_at.is_(None)
    found = session.scalar(
        select(ScenarioRow.id).where(live, ScenarioRow.slug == slug).order_by(ScenarioRow.id)
    )
    return None if found is None else get_scenario(session, scenario_id=found)


def list_versions(session: Session, *, scenario_id: int) -> list[VersionRecord]:
    """Every version of a stored scenario, oldest first."""
    _scenario_row(session, scenario_id)
    rows = session.scalars(
        select(ScenarioVersionRow)
        .where(ScenarioVersionRow.scenario_id == scenario_id)
        .order_by(ScenarioVersionRow.version)
    ).all()
    return [_version(r) for r in rows]


def delete_scenario(session: Session, *, scenario_id: int, by: str) -> None:
    """Soft delete: the scenario disappears from listings; its versions stay in the database."""
    row = _scenario_row(session, scenario_id, lock=True)
    row.deleted_at = utcnow()
    row.deleted_by = by


def create_run(
    session: Session,
    *,
    kind: str,
    scenario_ref: str,
    scenario_version: int | None,
    model: str,
    params: dict[str, Any],
    seed: int,
    input_hash: str,
    package_version: str,
    created_by: str,
) -> RunRecord:
    """Record a queued run."""
    row = RunRow(
        kind=kind,
        scenario_ref=scenario_ref,
        scenario_version=scenario_version,
        model=model,
        params=params,
        seed=seed,
        input_hash=input_hash,
        package_version=package_version,
        status="queued",
        progress=0.0,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return _run(row)


def get_run(session: Session, *, run_id: int) -> RunRecord:
    """A run by id."""
    row = session.get(RunRow, run_id)
    if row is None:
        raise NotFoundError(f"no run with id {run_id}")
    return _run(row)


def list_runs(
    session: Session, *, offset: int = 0, limit: int = 100
) -> tuple[list[RunRecord], int]:
    """Runs, newest first, with the total count."""
    count = session.scalar(select(func.count()).select_from(RunRow)) or 0
    rows = session.scalars(select(RunRow).order_by(RunRow.id.desc()).offset(offset).limit(limit))
    return [_run(r) for r in rows], int(count)


def start_run(session: Session, *, run_id: int) -> bool:
    """Mark a queued run running; False when it is no longer queued (e.g. cancelled)."""
    done = session.execute(
        update(RunRow)
        .where(RunRow.id == run_id, RunRow.status == "queued")
        .values(status="running", started_at=utcnow())
    )
    return bool(getattr(done, "rowcount", 0))


def set_progress(session: Session, *, run_id: int, progress: float) -> str:
    """Record progress (0–1) of a running run; returns its status (``cancelled`` stops it)."""
    session.execute(
        update(RunRow)
        .where(RunRow.id == run_id, RunRow.status == "running")
        .values(progress=min(max(progress, 0.0), 1.0))
    )
    return str(session.scalar(select(RunRow.status).where(RunRow.id == run_id)))


def finish_run(
    session: Session,
    *,
    run_id: int,
    status: str,
    error: str | None = None,
    results: dict[str, tuple[str, str]] | None = None,
) -> None:
    """End a run as ``done`` (with its results: name → (media type, body)), ``failed`` or
    ``cancelled``. A run already ended (e.g. cancelled meanwhile) keeps its end."""
    done = session.execute(
        update(RunRow)
        .where(RunRow.id == run_id, RunRow.status.in_(ACTIVE))
        .values(
            status=status,
            error=error,
            finished_at=utcnow(),
            progress=1.0 if status == "done" else RunRow.progress,
        )
    )
    if getattr(done, "rowcount", 0) and status == "done":
        for name, (media_type, body) in (results or {}).items():
            session.add(RunResultRow(run_id=run_id, name=name, media_type=media_type, body=body))


def cancel_run(session: Session, *, run_id: int) -> RunRecord:
    """Cancel a queued or running run (a running one stops at its next progress step)."""
    get_run(session, run_id=run_id)
    session.execute(
        update(RunRow)
        .where(RunRow.id == run_id, RunRow.status.in_(ACTIVE))
        .values(status="cancelled", finished_at=utcnow())
    )
    return get_run(session, run_id=run_id)


def mark_interrupted(session: Session) -> int:
    """Fail every run left queued or running by a server that stopped; returns how many."""
    done = session.execute(
        update(RunRow)
        .where(RunRow.status.in_(ACTIVE))
        .values(status="failed", error=INTERRUPTED, finished_at=utcnow())
    )
    return int(getattr(done, "rowcount", 0))


def get_result(session: Session, *, run_id: int, name: str) -> tuple[str, str]:
    """A result table of a run: (media type, body)."""
    row = session.scalars(
        select(RunResultRow).where(RunResultRow.run_id == run_id, RunResultRow.name == name)
    ).one_or_none()
    if row is None:
        run = get_run(session, run_id=run_id)
        raise NotFoundError(f"run {run_id} has no '{name}' result (its status is '{run.status}')")
    return row.media_type, row.body
