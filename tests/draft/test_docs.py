"""The examples of docs/news.md run: each `$ detente ...` line exits as shown, and every output
line shown (other than `...`) is printed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "news.md"


def examples() -> list[tuple[str, list[str], int]]:
    """(command, lines shown after it, exit code shown) from the console blocks."""
    found: list[tuple[str, list[str], int]] = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL):
        lines = block.splitlines()
        k = 0
        while k < len(lines):
            command = lines[k][2:]
            shown: list[str] = []
            k += 1
            while k < len(lines) and not lines[k].startswith("$ "):
                shown.append(lines[k])
                k += 1
            code = 0
            if k < len(lines) and lines[k] == "$ echo $?":
                code = int(lines[k + 1])
                k += 2
            found.append((command, shown, code))
    return found


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Where the examples' /tmp/ files go (shared by the examples, in order)."""
    return f"{tmp_path_factory.mktemp('docs')}/"


@pytest.mark.parametrize(("command", "shown", "code"), examples(), ids=lambda v: str(v)[:60])
def test_doc_example_runs_as_shown(
    command: str, shown: list[str], code: int, scratch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    command = command.replace("/tmp/", scratch)
    shown = [line.replace("/tmp/", scratch) for line in shown]
    args = shlex.split(command)
    assert args[0] == "detente"
    result = CliRunner().invoke(app, args[1:])
    assert result.exit_code == code, result.stdout + result.stderr
    printed = result.stdout + result.stderr
    flat = " ".join(printed.split())
    for line in shown:
        if line.strip() and line.strip() != "...":
            assert " ".join(line.split()) in flat, line
