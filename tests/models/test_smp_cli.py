"""The command line with the SMP: the acceptance check of issue 6 and the KTAB export."""

from __future__ import annotations

import json
from pathlib import Path

from pytest import approx
from typer.testing import CliRunner

from detente.cli import app

runner = CliRunner()

# specs/smp.md §8.3 [KTAB]: final positions of SOE-Pol-Comp (policy / competitive).
KTAB_FINAL = {
    "XJ": [43.18, 43.30],
    "LK": [43.23, 43.27],
    "ZG": [38.66, 28.82],
    "MK": [38.57, 28.79],
    "LH": [38.66, 28.82],
    "XS": [38.59, 29.52],
    "NEA": [38.72, 28.97],
    "MLR": [38.72, 28.97],
    "MEP": [38.71, 28.95],
    "MOF": [38.82, 30.72],
    "SHX": [38.82, 30.77],
    "HLJ": [38.82, 30.77],
    "WY": [15.00, 60.00],
}


def test_forecast_json_reproduces_ktab_final_positions() -> None:
    result = runner.invoke(app, ["forecast", "ktab-soe-pol-comp", "--model", "smp", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    final = data["final_positions"]
    for actor, (policy, competitive) in KTAB_FINAL.items():
        assert final[actor]["policy"] == approx(policy, abs=1e-9)
        assert final[actor]["competitive"] == approx(competitive, abs=1e-9)
    assert data["rounds"][-1]["round"] == 27
    assert data["outcomes"] == approx({"policy": 39.7280, "competitive": 32.7835}, abs=1e-4)
    assert {e["round"] for e in data["events"]} == set(range(1, 28))


def test_forecast_table_names_the_stop_rule() -> None:
    result = runner.invoke(app, ["forecast", "ktab-dummy-3dim", "--model", "smp", "--events"])
    assert result.exit_code == 0, result.output
    assert "KTAB movement rule" in result.output
    assert "events" in result.output


def test_forecast_with_an_option_and_a_turn_limit() -> None:
    result = runner.invoke(
        app,
        ["forecast", "ktab-dummy-3dim", "-m", "smp", "--rounds", "3", "-p", "voting_rule=Cubic"],
    )
    assert result.exit_code == 0, result.output
    assert "turn limit" in result.output


def test_bad_option_exits_with_a_message() -> None:
    result = runner.invoke(
        app, ["forecast", "ktab-dummy-3dim", "-m", "smp", "-p", "pce_model=Markov"]
    )
    assert result.exit_code == 2
    assert "pce_model" in result.output


def test_ktab_export_writes_a_file_that_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "pol_comp.csv"
    result = runner.invoke(app, ["ktab-export", "ktab-soe-pol-comp", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0].endswith(",13,2,")
    assert lines[2] == "XJ,Xi Jinping,100,30,24,20,48,"
    again = runner.invoke(app, ["forecast", str(out), "--model", "smp", "--json"])
    data = json.loads(again.output)
    assert data["final_positions"]["XJ"]["policy"] == approx(43.18, abs=1e-9)
    printed = runner.invoke(app, ["ktab-export", "ktab-dummy-3dim"])
    assert printed.output.splitlines()[2].startswith("SActor-00,Random Spatial Actor,102.543,")


def test_the_documentation_example_runs_and_prints_what_it_says(capsys) -> None:
    import re

    doc = (Path(__file__).parents[2] / "docs" / "models" / "smp.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", doc, re.S)[0]
    exec(compile(code, "docs/models/smp.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "27" and printed[1] == "[43.18 43.3 ]"
    assert printed[2] == "{'policy': 39.73, 'competitive': 32.78}"
    assert printed[3].startswith("KTAB movement rule")
    assert printed[4] == "9" and printed[5] == "[35 35 35 35]"
