"""Fixtures for the backtest tests: the shipped development set, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.backtest import DeuData, load_deu

DATA = Path(__file__).parent.parent / "data" / "backtest"


@pytest.fixture(scope="session")
def dev() -> DeuData:
    """The DEU development set shipped with the package (257 rows, 248 outcomes)."""
    return load_deu()


@pytest.fixture
def data_dir() -> Path:
    """Folder of small DEU-layout test files (``tests/data/backtest``)."""
    return DATA
