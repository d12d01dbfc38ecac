"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ASSETS = Path(__file__).parent / "assets"


@pytest.fixture
def assets() -> Path:
    """Folder of test input files (good and malformed scenarios)."""
    return ASSETS


# Property tests explore the same examples on every run, so CI cannot pass or fail by luck;
# explore new random examples locally with HYPOTHESIS_PROFILE=explore.
settings.register_profile("detente", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "detente"))
