"""Alembic migrations of the store, shipped inside the package (numbered, never edited once
released)."""
