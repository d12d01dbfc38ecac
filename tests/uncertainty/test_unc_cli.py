"""The ``simulate``, ``sensitivity`` and ``levers`` commands, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app

MINI = Path(__file__).parent.parent / "data" / "uncertainty" / "ukraine-mini.yaml"

runner = CliRunner()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_simulate_json_is_identical_for_a_seed_whatever_the_chunking() -> None:
    args = ["simulate", str(MINI), "--model", "median", "--draws", "400", "--seed", "7", "--json"]
    first = _ok(*args)
    again = _ok(*args, "--chunk-size", "33")
    assert first == again
    data = json.loads(first)
    assert data["draws"] == 400 and data["seed"] == 7 and data["model"] == "median"
    assert set(data["issues"]["TERR"]) >= {"median", "interval_80", "interval_95", "bands"}


def test_simulate_prints_a_table_and_saves_a_figure(tmp_path: Path) -> None:
    figure = tmp_path / "hist.png"
    out = _ok("simulate", str(MINI), "--draws", "300", "--figure", str(figure))
    assert "80% interval" in out and "TERR" in out and "NATO" in out
    assert figure.exists()


def test_sensitivity_names_the_inputs_that_move_each_issue_most() -> None:
    out = _ok("sensitivity", str(MINI))
    # Russia's TERR position has the largest swing on TERR (tests/uncertainty/test_sensitivity).
    terr_table = out.split("NATO: base")[0]
    assert terr_table.index("russia.position[TERR]") < terr_table.index("usa.position[TERR]")
    data = json.loads(
        _ok("sensitivity", str(MINI), "--method", "sobol", "--samples", "32", "--json")
    )
    assert data["method"] == "sobol" and data["samples"] == 32


def test_levers_lists_ranked_levers_with_effect_sizes() -> None:
    out = _ok("levers", str(MINI), "--actor", "ukraine", "--issue", "TERR", "--toward", "low")
    first = next(line for line in out.splitlines() if "│ 1 " in line)
    assert "russia.position[TERR]" in first and "85 → 75" in first
    assert "+3.263" in out  # 80.75 * 10 / 247.5 = 3.2626
    data = json.loads(
        _ok(
            "levers",
            str(MINI),
            "--actor",
            "ukraine",
            "--issue",
            "TERR",
            "--toward",
            "low",
            "--json",
        )
    )
    assert data["levers"][0]["effect"] > data["levers"][1]["effect"] > 0


def test_bad_input_is_one_clear_line_and_exit_status_2() -> None:
    result = runner.invoke(
        app, ["levers", str(MINI), "--actor", "kyiv", "--issue", "TERR", "--toward", "low"]
    )
    assert result.exit_code == 2
    assert "ModelError: scenario 'ukraine-mini' has no actor 'kyiv'" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["sensitivity", "emission-standards-1994"])
    assert result.exit_code == 2 and "has no uncertain inputs" in result.output


def test_simulate_draws_a_correlated_bloc_on_request() -> None:
    args = ["simulate", str(MINI), "--draws", "200", "--json"]
    data = json.loads(_ok(*args, "--correlate", "position:france,germany,poland:TERR=0.8"))
    assert data["correlated"] == ["position of france,germany,poland on TERR (rho=0.8)"]
    result = runner.invoke(app, [*args, "--correlate", "position:france=high"])
    assert result.exit_code == 2
    assert "a correlated group is written FIELD[:ACTORS[:ISSUES]]=RHO" in result.output
    result = runner.invoke(app, [*args, "--correlate", "postion=0.5"])
    assert "field must be one of position, salience" in result.output
