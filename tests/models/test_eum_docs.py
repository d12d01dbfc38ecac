"""`docs/models/eum.md` stays true: its examples run and its tables are what the code produces."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from detente import forecast
from detente.models.eum import conventions_table, moves_table, rounds_table

DOC = Path(__file__).parents[2] / "docs" / "models" / "eum.md"


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_the_python_examples_run() -> None:
    result = doctest.testfile(str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4
    assert result.failed == 0


def test_the_worked_example_tables_are_the_models_output(text: str) -> None:
    f = forecast("emission-standards-1994", "eum")
    assert rounds_table(f) in text
    assert moves_table(f) in text


def test_the_conventions_table_is_generated_from_the_parameters(text: str) -> None:
    assert conventions_table() in text
