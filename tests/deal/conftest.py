"""Fixtures of the deal tests: the test copy of the ukraine-2026 case."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente import Scenario, load_scenario

DATA = Path(__file__).parent.parent / "data" / "deal"


@pytest.fixture(scope="session")
def mini_path() -> Path:
    return DATA / "ukraine-mini.yaml"


@pytest.fixture(scope="session")
def mini(mini_path: Path) -> Scenario:
    return load_scenario(mini_path)
