"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ASSETS = Path(__file__).parent / "assets"


@pytest.fixture
def assets() -> Path:
    """Folder of test input files (good and malformed scenarios)."""
    return ASSETS
