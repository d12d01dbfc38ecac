"""Every malformed input gets one clear ScenarioError naming file, place, value and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente import ScenarioError, load_scenario
from detente.scenario import MAX_FILE_BYTES

BAD = Path(__file__).parents[1] / "assets" / "bad"


def problems_of(name: str) -> list[dict[str, object]]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BAD / name)
    assert info.value.problems, "a ScenarioError always carries at least one problem"
    return info.value.records()


def test_salience_out_of_range_is_named_with_actor_issue_line_and_value() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BAD / "salience_out_of_range.yaml")
    assert str(info.value) == (
        f"1 problem in {BAD / 'salience_out_of_range.yaml'}\n"
        "  actors[russia].issues[land].salience  (line 12)\n"
        "    salience must lie between 0 and 100; got 140  [out_of_range]"
    )
    (record,) = info.value.records()
    assert record["given"] == 140.0
    assert record["expected"] == "between 0 and 100"


def test_unknown_field_suggests_the_nearest_known_field() -> None:
    records = problems_of("unknown_field.yaml")
    unknown = [r for r in records if r["code"] == "unknown_field"]
    assert unknown[0]["message"] == "unknown field 'salienc'; did you mean 'salience'?"
    assert unknown[0]["location"] == "actors[a].issues[land]"
    assert unknown[0]["line"] == 10


@pytest.mark.parametrize(
    ("name", "code", "fragment"),
    [
        ("duplicate_actor.yaml", "duplicate_id", "actor id 'a' is used more than once"),
        (
            "unknown_issue.yaml",
            "unknown_issue",
            "issue 'lands' is not defined in 'issues'; did you mean 'land'?",
        ),
        ("missing_position.yaml", "missing", "required field 'position' is missing"),
        ("disordered_range.yaml", "bad_range", "low ≤ mode ≤ high; got low=50, mode=30, high=40"),
        ("nan_value.yaml", "not_finite", "capability must be a finite number; got nan"),
        ("inf_value.yaml", "not_finite", "salience must be a finite number; got inf"),
        ("non_numeric.yaml", "not_a_number", "expected a number; got 'thirty'"),
        (
            "position_outside_scale.yaml",
            "out_of_range",
            "position must lie between 4 and 10; got 12",
        ),
        (
            "inverted_scale.yaml",
            "bad_scale",
            "the low end must be below the high end; got min=500000, max=80000",
        ),
        ("empty_scenario.yaml", "empty", "the scenario has no issues"),
        ("empty_file.yaml", "empty", "the file is empty"),
        ("not_a_scenario.yaml", "not_a_scenario", "this is not a scenario"),
        ("invalid_yaml.yaml", "invalid_yaml", "this is not valid YAML"),
        ("unknown_source.yaml", "unknown_source", "source 'S2' is not in the scenario's sources"),
        ("binary.yaml", "binary_file", "this is a binary file"),
        ("random.xlsx", "not_a_scenario", "this is not an XLSX workbook"),
        ("non_numeric.csv", "not_a_number", "expected a number in column 'position'; got 'abc'"),
        ("extra_column.csv", "unknown_column", "unknown column 'colour'"),
        (
            "salience_out_of_range.csv",
            "out_of_range",
            "salience must lie between 0 and 100; got 400",
        ),
    ],
)
def test_malformed_file_gets_a_clear_problem(name: str, code: str, fragment: str) -> None:
    records = problems_of(name)
    matching = [r for r in records if r["code"] == code]
    assert matching, f"expected a [{code}] problem, got {records}"
    assert fragment in str(matching[0]["message"])
    assert matching[0]["file"] == str(BAD / name)


def test_problem_in_csv_names_row_and_column() -> None:
    (record,) = problems_of("non_numeric.csv")
    assert (record["line"], record["column"]) == (3, "position")


def test_yaml_problem_names_the_line() -> None:
    (record,) = problems_of("position_outside_scale.yaml")
    assert record["line"] == 6
    assert record["location"] == "actors[a].issues[years].position"


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # a 50 MB file
    with pytest.raises(ScenarioError, match=r"the file is 52\.4 MB; scenario files are limited"):
        load_scenario(big)
    assert MAX_FILE_BYTES < 50 * 1024 * 1024


def test_unknown_builtin_name_lists_the_builtins() -> None:
    with pytest.raises(
        ScenarioError,
        match="no file or built-in scenario called 'emision-standards-1994'; did you mean 'emission-standards-1994'",
    ):
        load_scenario("emision-standards-1994")


def test_unknown_file_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text("{}")
    with pytest.raises(ScenarioError, match=r"unknown file type '\.json'"):
        load_scenario(path)


def test_all_problems_are_reported_at_once() -> None:
    records = problems_of("empty_scenario.yaml")
    assert {r["message"] for r in records} == {
        "the scenario has no issues",
        "the scenario has no actors",
    }


def test_scenario_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="1 problem"):
        load_scenario(BAD / "nan_value.yaml")
