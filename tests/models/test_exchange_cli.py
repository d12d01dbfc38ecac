"""Command-line acceptance of issue 5: exchange and nash through ``forecast`` and ``compare``."""

from __future__ import annotations

import json
from pathlib import Path

from pytest import approx
from typer.testing import CliRunner

import detente
from detente.cli import app

runner = CliRunner()


def _run(*args: str) -> str:
    # A wide terminal so that rich does not elide the events table's cells.
    result = runner.invoke(app, list(args), env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    return result.output


def test_forecast_exchange_one_round_json_lists_39_exchanges_and_the_round_one_outcome() -> None:
    # Acceptance: exchange.md §10.3, 39 realized exchanges and the round-1 voting outcome.
    data = json.loads(
        _run("forecast", "decide-sample", "--model", "exchange", "--rounds", "1", "--json")
    )
    assert len(data["events"]) == 39
    first = data["events"][0]
    assert (first["actor_i"], first["issue_supplied_i"], first["actor_j"]) == (
        "Willems",
        "extra-investering",
        "Wcentr",
    )
    assert first["gain"] == approx(1.9736842105, abs=1e-9)
    assert data["outcomes"] == approx(
        {
            "extra-investering": 75.146199,
            "kleine-of-grote-ring": 46.772734,
            "tol-hoogte": 3.659033,
            "tolheffing-binnenstad": 67.177856,
            "wanneer-tol": 50.682797,
            "woonwerkverkeer": 16.234703,
        },
        abs=1e-6,
    )
    assert data["params"]["rounds"] == 1 and data["params"]["bookkeeping"] == "decide"
    assert {r["round"] for r in data["rounds"]} == {0, 1}


def test_forecast_exchange_prints_events_and_rounds() -> None:
    out = _run("forecast", "decide-sample", "-m", "exchange", "--rounds", "2", "--events")
    assert "per round" in out and "events" in out
    assert "Willems" in out


def test_compare_shows_the_cooperative_models_side_by_side() -> None:
    out = _run("compare", "decide-sample")
    assert "exchange" in out and "compromise" in out
    # The sample has no status quo: nash says why it did not run instead of failing.
    assert "nash: not run" in out and "no status quo" in out
    data = json.loads(_run("compare", "decide-sample", "--models", "compromise,exchange", "--json"))
    assert data["scenario"] == "decide-sample"
    assert set(data["models"]) == {"compromise", "exchange"}
    assert data["models"]["compromise"]["outcomes"]["tolheffing-binnenstad"] == approx(
        49.353234, abs=1e-6
    )
    # compare runs exchange to stability (at most 100 rounds): the answer of the full 100 rounds.
    params = data["models"]["exchange"]["params"]
    assert (params["rounds"], params["until_stable"]) == (100, 0.0)
    full = detente.forecast("decide-sample", "exchange", rounds=100)
    assert data["models"]["exchange"]["outcomes"] == approx(full.outcomes, abs=1e-9)


M1_YAML = """
id: m1
title: Two issues, three players (baselines.md 4.4 M1)
issues:
  - {id: one, name: Issue one, status_quo: 50}
  - {id: two, name: Issue two, status_quo: 50}
actors:
  - id: A
    name: A
    capability: 1
    issues: {one: {position: 100, salience: 80}, two: {position: 0, salience: 20}}
  - id: B
    name: B
    capability: 1
    issues: {one: {position: 0, salience: 30}, two: {position: 100, salience: 70}}
  - id: C
    name: C
    capability: 1
    issues: {one: {position: 70, salience: 50}, two: {position: 70, salience: 50}}
"""


def test_nash_on_the_command_line(tmp_path: Path) -> None:
    # baselines.md §4.4 M1 from a YAML file: the joint point (74, 79.333333).
    path = tmp_path / "m1.yaml"
    path.write_text(M1_YAML)
    data = json.loads(_run("forecast", str(path), "--model", "nash", "--json"))
    assert data["outcomes"] == approx({"one": 74.0, "two": 79.333333}, abs=1e-4)
    alone = json.loads(
        _run("forecast", str(path), "-m", "nash", "-p", "package=per_issue", "--json")
    )
    assert alone["outcomes"] == approx({"one": 50.0, "two": 50.0})
    out = _run("compare", str(path), "--models", "compromise,nash,exchange")
    assert "nash" in out and "79.3" in out


def test_nash_without_status_quo_is_a_clear_error() -> None:
    result = runner.invoke(app, ["forecast", "decide-sample", "--model", "nash"])
    assert result.exit_code == 2
    assert "have no status quo" in result.output
