"""A scenario's dated versions: the built-in ones, or those saved in a store.

The timeline reads them; ``detente update --db`` adds one. A stored scenario is found by its
slug (the built-in name or the file's scenario id); the first update of a scenario not yet stored
saves the original as version 1, so the history starts where the news found it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .scenario import Scenario, builtin_names, builtin_versions, load_scenario, read_scenario_bytes

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .store import ScenarioRecord

# The store (SQLAlchemy) is imported where used: `import detente` stays light for notebooks
# and commands that never touch a database.

__all__ = ["Version", "save_on_top", "save_update", "stored_versions", "versions"]


@dataclass(frozen=True)
class Version:
    """One version of a scenario: a label (``ukraine-2026@2026-01-06``, ``v3``), who and why."""

    label: str
    scenario: Scenario
    author: str = ""
    note: str = ""


def save_on_top(
    session: Session,
    base: Scenario,
    updated: Scenario,
    *,
    scenario_id: int | None,
    base_version: int,
    author: str,
    note: str,
    origin: str,
) -> ScenarioRecord:
    """Save ``updated`` as a new version of stored scenario ``scenario_id``, drawn up against
    ``base_version``; a scenario not yet stored (None) is first saved as it was (``base``,
    version 1, noted with ``origin``), so the history starts where the news found it. A save in
    between is refused (ConflictError), not reverted."""
    from .store import add_scenario_version, create_scenario

    if scenario_id is None:
        base_version = 1
        scenario_id = create_scenario(
            session,
            slug=base.id,
            title=base.title,
            content=base.to_yaml(),
            format="yaml",
            author=author,
            note=origin,
        ).id
    return add_scenario_version(
        session,
        scenario_id=scenario_id,
        base_version=base_version,
        title=updated.title,
        content=updated.to_yaml(),
        format="yaml",
        author=author,
        note=note,
    )


def save_update(
    url: str, ref: str, base: Scenario, updated: Scenario, *, author: str, note: str
) -> str:
    """Save ``updated`` as a new version of ``base`` in the store at ``url``; where it went."""
    from .store import find_scenario, open_store

    store = open_store(url)
    try:
        with store.session() as session:
            # Drawn up against the latest stored version, or the file stored as version 1.
            found = find_scenario(session, slug=base.id)
            record = save_on_top(
                session,
                base,
                updated,
                scenario_id=None if found is None else found.id,
                base_version=1 if found is None else found.latest_version,
                author=author,
                note=note,
                origin=f"as loaded from {ref}",
            )
            return f"scenario {record.id} ({record.slug}) version {record.latest_version}"
    finally:
        store.close()


def versions(ref: str, *, db: str | None = None) -> list[Version]:
    """The versions of ``ref``, oldest first: a store's (with ``db``) or the built-in dates.

    >>> [v.label for v in versions("ukraine-2026")]
    ['ukraine-2026@2026-01-06', 'ukraine-2026']
    """
    if db is None:
        if ref in builtin_names():
            return [Version(r, load_scenario(r)) for r in builtin_versions(ref)]
        return [Version(ref, load_scenario(ref))]
    from .store import NotFoundError, find_scenario, open_store

    store = open_store(db)
    try:
        with store.session() as session:
            found = None if ref.isdigit() else find_scenario(session, slug=ref)
            sid = found.id if found is not None else int(ref) if ref.isdigit() else None
            if sid is None:
                raise NotFoundError(f"no stored scenario called '{ref}' in {db}")
            return stored_versions(session, sid)
    finally:
        store.close()


def stored_versions(session: Session, scenario_id: int) -> list[Version]:
    """Every stored version of a scenario, oldest first, as checked scenarios."""
    from .store import get_scenario, list_versions

    slug = get_scenario(session, scenario_id=scenario_id).slug
    return [
        Version(
            f"v{v.version}",
            read_scenario_bytes(
                v.content.encode("utf-8"), filename=f"{slug}.{v.format}", kind=v.format
            ),
            v.author,
            v.note,
        )
        for v in list_versions(session, scenario_id=scenario_id)
    ]
