"""The worked examples in ``docs/models/{nash,exchange}.md`` run, and their parameter tables list
every parameter with its default."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from detente.models import get

DOCS = Path(__file__).parents[2] / "docs" / "models"


@pytest.mark.parametrize("model", ["nash", "exchange"])
def test_worked_examples_run(model: str) -> None:
    result = doctest.testfile(
        str(DOCS / f"{model}.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("model", ["nash", "exchange"])
def test_parameter_table_matches_the_model(model: str) -> None:
    text = (DOCS / f"{model}.md").read_text()
    for name, default, _ in get(model).parameters():
        assert f"| `{name}` | `{default!r}` |" in text, name
