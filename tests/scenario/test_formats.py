"""Round trips through every file format give back the same scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente import ScenarioError, load_scenario
from detente.scenario import (
    read_csv,
    read_xlsx,
    read_yaml,
    write_flat_csv,
    write_long_csv,
    write_xlsx,
)

ASSETS = Path(__file__).parents[1] / "assets"


def test_yaml_round_trip_keeps_everything() -> None:
    scenario = load_scenario(ASSETS / "good.yaml")
    again = read_yaml(scenario.to_yaml())
    assert again == scenario
    assert again.actors[0].issues["land"].position.note == "stated aim"
    assert again.sources[0].quote == "a quote"


def test_builtin_yaml_round_trip() -> None:
    scenario = load_scenario("emission-standards-1994")
    assert read_yaml(scenario.to_yaml()) == scenario


def test_long_csv_round_trip_keeps_ranges_and_per_issue_capability() -> None:
    scenario = load_scenario(ASSETS / "good.yaml")
    text = write_long_csv(scenario)
    assert text.splitlines()[0] == (
        "actor,issue,capability,position,salience,name,veto,status_quo,walk_away,position_low,"
        "position_high,salience_low,salience_high,capability_low,capability_high"
    )
    again = read_csv(text, scenario_id="two-issue-test")
    assert write_long_csv(again) == text
    assert [a.veto for a in again.actors] == [True, True, False]
    assert again.issues[0].status_quo is not None and again.issues[0].status_quo.mode == 40
    assert again.actor("a").issues["land"].walk_away is not None
    alpha = again.actor("a")
    assert (alpha.issues["land"].position.low, alpha.issues["land"].position.high) == (20, 50)
    assert again.actor("b").issues["years"].capability is not None
    assert again.actor("b").issues["years"].capability.mode == 20  # type: ignore[union-attr]


def test_flat_csv_round_trip() -> None:
    scenario = load_scenario("emission-standards-1994")
    text = write_flat_csv(scenario)
    assert text.splitlines()[:2] == [
        "actor,capability,position,salience,name",
        "Netherlands,0.08,4,80,",
    ]
    again = read_csv(text, scenario_id="emission")
    assert write_flat_csv(again) == text
    assert [a.issues["issue"].position.mode for a in again.actors] == [
        a.issues["lag"].position.mode for a in scenario.actors
    ]


def test_flat_csv_refuses_several_issues() -> None:
    with pytest.raises(ScenarioError, match="the flat CSV holds one issue; this scenario has 2"):
        write_flat_csv(load_scenario(ASSETS / "good.yaml"))


def test_literature_flat_csv_with_name_column_loads(tmp_path: Path) -> None:
    path = tmp_path / "soe.csv"
    path.write_text(
        "actor,capability,position,salience,name\nXJ,100,30,30,Xi Jinping\nLK,65,45,65,Li Keqiang\n"
    )
    scenario = load_scenario(path)
    assert scenario.id == "soe"
    assert scenario.actor("XJ").name == "Xi Jinping"


def test_long_csv_accepts_power_for_capability(tmp_path: Path) -> None:
    path = tmp_path / "cop.csv"
    path.write_text("actor,issue,power,position,salience\nUSA,a,0.26,10,90\nEU,a,0.2,80,50\n")
    assert load_scenario(path).actor("USA").issues["a"].capability.mode == 0.26  # type: ignore[union-attr]


def test_xlsx_round_trip(tmp_path: Path) -> None:
    scenario = load_scenario(ASSETS / "good.yaml")
    path = tmp_path / "good.xlsx"
    write_xlsx(scenario, path)
    again = read_xlsx(path, scenario_id="two-issue-test")
    assert write_long_csv(again) == write_long_csv(scenario)
    assert again.issue("years").scale.max == 5
    assert again.issue("land").status_quo is not None
    assert again.actor("a").veto and not again.actor("c").veto
    assert load_scenario(path).actor("b").name == "Beta"


def test_xlsx_without_positions_sheet_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "wrong.xlsx"
    book = Workbook()
    book.active.title = "data"  # type: ignore[union-attr]
    book.save(path)
    with pytest.raises(ScenarioError, match="the workbook has no 'positions' sheet"):
        load_scenario(path)
