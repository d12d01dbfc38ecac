"""The deal sections of a scenario (deal spec §1, §2, §5): shape, meaning checks, round trip."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from detente import ScenarioError
from detente.scenario import parse_scenario, read_yaml

FIXTURE = Path(__file__).parents[1] / "data" / "deal" / "two-issue.yaml"


@pytest.fixture
def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return data


def codes(raw: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(raw)
    return [(str(r["code"]), str(r["location"])) for r in info.value.records()]


def test_every_section_loads_with_the_python_names(raw: dict[str, Any]) -> None:
    s = parse_scenario(raw)
    assert s.no_deal is not None
    assert s.no_deal.horizon_years.mode == 2.0
    assert s.no_deal.yearly_cost["b"].mode == 4.0
    assert s.red_lines["b"]["TERR"].min is not None
    assert s.red_lines["b"]["TERR"].min.high == 65.0
    assert s.conditions[0].if_.issue == "TERR"
    assert s.conditions[0].then.package == ("weak",)
    assert s.guarantees[0].issue_value == {"GUAR": 2.0}
    assert [p.id for p in s.proposals] == ["text-1", "text-2"]
    assert s.proposals[1].package == "none"


def test_sections_round_trip_through_yaml_with_the_if_key(raw: dict[str, Any]) -> None:
    s = parse_scenario(raw)
    text = s.to_yaml()
    assert "\n  if:\n" in text and "if_" not in text
    assert read_yaml(text) == s


def test_a_scenario_without_the_sections_still_loads(raw: dict[str, Any]) -> None:
    for key in ("no_deal", "red_lines", "conditions", "proposals"):
        raw.pop(key)
    s = parse_scenario(raw)
    assert s.no_deal is None and not s.red_lines and not s.conditions and not s.proposals


def test_unknown_ids_are_named(raw: dict[str, Any]) -> None:
    raw["red_lines"]["russia"] = {"TERR": {"max": 50}}
    raw["no_deal"]["issues"]["LAND"] = 10
    raw["conditions"][0]["then"] = {"package": ["strong"]}
    raw["conditions"][1]["then"]["issue"] = "NATO"
    raw["proposals"][0]["package"] = "paris"
    raw["proposals"][1]["sources"] = ["S9"]
    found = codes(raw)
    assert ("unknown_actor", "red_lines[russia]") in found
    assert ("unknown_issue", "no_deal.issues[LAND]") in found
    assert ("unknown_package", "conditions[0].then.package") in found
    assert ("unknown_issue", "conditions[1].then.max") in found
    assert ("unknown_package", "proposals[text-1].package") in found
    assert ("unknown_source", "proposals[text-2].sources") in found


def test_values_off_the_issue_scale_and_inverted_bounds_are_refused(raw: dict[str, Any]) -> None:
    raw["guarantees"][0]["issue_value"] = {"GUAR": 12}  # GUAR's scale is 0–10
    raw["red_lines"]["b"]["TERR"]["max"] = 50  # below its min (55–65)
    raw["conditions"][1]["then"]["min"] = 8  # above its max 5
    raw["no_deal"]["discount"] = 1.5
    raw["no_deal"]["yearly_cost"]["a"] = -1
    raw["proposals"][1]["issues"]["GUAR"] = 20
    found = codes(raw)
    assert ("out_of_range", "guarantees[weak].issue_value[GUAR]") in found
    assert ("bad_range", "red_lines[b].TERR") in found
    assert ("bad_range", "conditions[1].then") in found
    assert ("out_of_range", "no_deal.discount") in found
    assert ("out_of_range", "no_deal.yearly_cost[a]") in found
    assert ("out_of_range", "proposals[text-2].issues[GUAR]") in found


def test_a_condition_side_names_an_issue_or_a_package_not_both(raw: dict[str, Any]) -> None:
    raw["conditions"][0]["then"] = {"issue": "GUAR", "max": 3, "package": ["weak"]}
    raw["conditions"][1]["if"] = {"issue": "TERR"}
    found = codes(raw)
    assert ("invalid", "conditions[0].then") in found
    assert ("empty", "conditions[1].if") in found


def test_requires_names_another_guarantor_of_the_package_without_a_cycle(
    raw: dict[str, Any],
) -> None:
    package = raw["guarantees"][0]
    second = copy.deepcopy(package["guarantors"][0])
    second["actor"] = "a"
    package["guarantors"][0]["requires"] = ["a"]
    second["requires"] = ["g"]
    package["guarantors"].append(second)
    found = codes(raw)
    assert ("cycle", "guarantees[weak].guarantors[0].requires") in found
    package["guarantors"] = package["guarantors"][:1]
    package["guarantors"][0]["requires"] = ["united_states"]
    assert codes(raw) == [("unknown_guarantor", "guarantees[weak].guarantors[0].requires")]
