"""Alembic environment: runs on the connection the store hands over (no URL from a file)."""

from __future__ import annotations

from alembic import context

from detente.store._tables import Base


def run_migrations() -> None:
    """Apply the migrations on the connection passed in ``config.attributes``."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


# Alembic executes this file to migrate; importing it elsewhere (e.g. doctest collection) must
# do nothing, and there Alembic's context has no configuration.
if hasattr(context, "config"):
    run_migrations()
