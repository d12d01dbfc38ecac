"""`detente forecast … --model eum` from the command line (in-process, typer's CliRunner)."""

from __future__ import annotations

import json

from pytest import approx
from typer.testing import CliRunner

from detente.cli import app

runner = CliRunner()

# specs/eum.md §9.5 [re-run]: medians and means after rounds 1–10.
MEDIANS = [8.415932, 9.610859, 9.961980, 9.961980, 9.961980, 7.472046, 8.824594, 9.671130,
           9.671130, 7.0]  # fmt: skip
MEANS = [7.461314, 7.552501, 7.590145, 7.358131, 7.349174, 7.414878, 7.510457, 7.572447,
         7.324989, 7.242131]  # fmt: skip


def _run(*args: str) -> str:
    result = runner.invoke(
        app,
        ["forecast", "emission-standards-1994", "--model", "eum", *args],
        env={"COLUMNS": "200"},  # wide enough that rich does not truncate the events table
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_json_prints_the_published_rounds_and_the_events() -> None:
    data = json.loads(_run("--rounds", "10", "--json"))
    rounds = data["rounds"]
    assert [r["round"] for r in rounds] == list(range(11))
    assert [r["median"] for r in rounds[1:]] == approx(MEDIANS, abs=1e-4)
    assert [r["mean"] for r in rounds[1:]] == approx(MEANS, abs=1e-4)
    assert data["outcomes"]["lag"] == approx(7.0, abs=1e-4)
    first = next(e for e in data["events"] if e["actor"] == "Belgium")
    assert first["offer"] == "compromise" and first["counterpart"] == "France"
    assert first["position_to"] == approx(8.415932, abs=1e-4)


def test_table_prints_the_per_round_table_and_events_explain_the_moves() -> None:
    out = _run("--rounds", "10", "--events")
    assert "per round: mean and median (fixed rounds: 10)" in out
    assert "8.415932" in out and "7.242131" in out
    assert "compromise" in out and "confrontation" in out and "Luxembourg" in out


def test_until_stable_reports_the_rule_that_fired() -> None:
    out = _run("--until-stable", "0.01")
    assert "maximum rounds reached (10, tol 0.01)" in out


def test_a_bad_parameter_is_a_short_error() -> None:
    result = runner.invoke(
        app, ["forecast", "emission-standards-1994", "--model", "eum", "-p", "conventions=lit"]
    )
    assert result.exit_code == 2
    assert "'conventions' expects one of 'replication', 'paper'" in result.output
