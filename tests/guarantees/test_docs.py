"""The headline shown in docs/guarantees.md is what the command prints on the built-in case."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app

DOC = Path(__file__).parent.parent.parent / "docs" / "guarantees.md"


def test_the_documented_headline_is_the_commands_output() -> None:
    block = re.search(
        r"```console\n\$ detente guarantees ukraine-2026 --package paris-2026-us-backstop\n(.*?)```",
        DOC.read_text(encoding="utf-8"),
        flags=re.S,
    )
    assert block is not None
    shown = [line for line in block.group(1).splitlines() if line.strip() != "..."]
    result = CliRunner().invoke(
        app, ["guarantees", "ukraine-2026", "--package", "paris-2026-us-backstop"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[: len(shown)] == shown
