"""The deal sections (no_deal, red_lines, conditions, proposals) in XLSX sheets and long-CSV
columns: round trips, and errors that name the sheet, row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from detente import ScenarioError, load_scenario
from detente.scenario import read_csv, read_xlsx, write_long_csv, write_xlsx

ASSETS = Path(__file__).parent.parent / "assets"
SECTIONS = ("no_deal", "red_lines", "conditions", "proposals")


@pytest.fixture(scope="module")
def deal() -> Any:
    return load_scenario(ASSETS / "deal-sections.yaml")


def _workbook(tmp_path: Path, deal: Any, **sheets: list[list[Any]]) -> Path:
    """The fixture as XLSX, with the given sheets replaced (an empty list removes one)."""
    path = tmp_path / "deal.xlsx"
    write_xlsx(deal, path)
    from openpyxl import load_workbook

    book = load_workbook(path)
    for name, rows in sheets.items():
        if name in book.sheetnames:
            del book[name]
        if rows:
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(row)
    book.save(path)
    return path


def _problem(exc: pytest.ExceptionInfo[ScenarioError]) -> dict[str, Any]:
    assert len(exc.value.problems) == 1, exc.value.render()
    return exc.value.records()[0]


def test_xlsx_round_trip_keeps_every_deal_section(tmp_path: Path, deal: Any) -> None:
    path = tmp_path / "deal.xlsx"
    write_xlsx(deal, path)
    again = read_xlsx(path, scenario_id="deal-sections")
    for section in SECTIONS:
        assert getattr(again, section) == getattr(deal, section), section
    # Values stay on the issue's own scale (years 1–5), ranges stay ranges.
    assert again.no_deal.issues["years"].mode == 4
    assert again.red_lines["b"]["years"].max.high == 5


def test_xlsx_writes_one_sheet_per_section_and_red_lines_not_twice(
    tmp_path: Path, deal: Any
) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "deal.xlsx"
    write_xlsx(deal, path)
    book = load_workbook(path)
    assert {"no_deal", "red_lines", "conditions", "proposals"} <= set(book.sheetnames)
    header = [c.value for c in next(book["positions"].iter_rows(max_row=1))]
    assert not any(str(h).startswith("red_line") for h in header)
    rows = [[c.value for c in r] for r in book["no_deal"].iter_rows()]
    assert rows[:3] == [
        ["field", "id", "low", "mode", "high"],
        ["horizon_years", None, 1, 2, 3],
        ["discount", None, None, 0.9, None],
    ]


def test_long_csv_carries_red_lines_as_columns_and_reads_them_back(deal: Any) -> None:
    text = write_long_csv(deal)
    assert text.splitlines()[0] == (
        "actor,issue,capability,position,salience,veto,status_quo,"
        "red_line_min,red_line_max_low,red_line_max,red_line_max_high"
    )
    assert "b,years,80,4.5,30,yes,3,2,4,4.5,5" in text.splitlines()
    assert read_csv(text, scenario_id="x").red_lines == deal.red_lines


def test_red_lines_may_sit_in_the_positions_sheet_but_not_also_in_their_own(
    tmp_path: Path, deal: Any
) -> None:
    positions = [
        ["actor", "issue", "capability", "position", "salience", "red_line_min"],
        ["a", "land", 60, 30, 90, None],
        ["a", "years", 60, 2, 50, None],
        ["b", "land", 80, 85, 95, 70],
        ["b", "years", 80, 4.5, 30, None],
    ]
    path = _workbook(tmp_path, deal, positions=positions, red_lines=[], no_deal=[], proposals=[],
                     conditions=[])  # fmt: skip
    assert read_xlsx(path).red_lines["b"]["land"].min.mode == 70
    path = _workbook(tmp_path, deal, positions=positions, no_deal=[], proposals=[], conditions=[])
    with pytest.raises(ScenarioError) as exc:
        read_xlsx(path, file="deal.xlsx")
    assert _problem(exc) | {"message": ""} == {
        "code": "duplicate_id",
        "location": "red_lines[b].land",
        "message": "",
        "given": None,
        "expected": None,
        "file": "deal.xlsx",
        "line": 3,
        "column": "red_lines!issue",
    }


def test_an_unknown_column_is_named_with_its_sheet_and_a_suggestion(
    tmp_path: Path, deal: Any
) -> None:
    path = _workbook(tmp_path, deal, no_deal=[["field", "id", "mod"], ["discount", None, 0.9]])
    with pytest.raises(ScenarioError) as exc:
        read_xlsx(path, file="deal.xlsx")
    unknown, missing = exc.value.records()
    assert unknown["message"] == (
        "unknown column 'mod' in sheet 'no_deal'; did you mean 'mode'?; its columns are: "
        "field, id, low, mode, high"
    )
    assert (unknown["file"], unknown["line"], unknown["column"]) == ("deal.xlsx", 1, "no_deal!mod")
    assert missing["message"] == "sheet 'no_deal' needs a 'mode' column"


def test_a_bad_number_is_reported_by_the_schema_at_its_sheet_row_and_column(
    tmp_path: Path, deal: Any
) -> None:
    rows = [["field", "id", "low", "mode", "high"], ["horizon_years", None, None, "two", None]]
    with pytest.raises(ScenarioError) as exc:
        read_xlsx(_workbook(tmp_path, deal, no_deal=rows), file="deal.xlsx")
    p = _problem(exc)
    assert p["location"] == "no_deal.horizon_years"
    assert "expected a number" in p["message"] and "'two'" in p["message"]
    assert (p["line"], p["column"]) == (2, "no_deal!mode")


def test_a_meaning_problem_points_at_the_row_it_came_from(tmp_path: Path, deal: Any) -> None:
    rows = [
        ["actor", "issue", "min_low", "min", "min_high", "max_low", "max", "max_high"],
        ["a", "land", None, None, None, None, 50, None],
        ["b", "years", None, 9, None, None, None, None],
    ]
    with pytest.raises(ScenarioError) as exc:
        read_xlsx(_workbook(tmp_path, deal, red_lines=rows), file="deal.xlsx")
    p = _problem(exc)
    assert p["location"] == "red_lines[b].years.min"
    assert "red line min must lie" in p["message"] or "scale" in p["message"], p["message"]
    assert (p["line"], p["column"]) == (3, "red_lines!min")


@pytest.mark.parametrize(
    ("sheet", "rows", "message", "column"),
    [
        (
            "no_deal",
            [["field", "id", "mode"], ["horizon", None, 2]],
            "unknown field 'horizon'; did you mean 'horizon_years'?; a no_deal row is one of: "
            "horizon_years, discount, issues, yearly_cost",
            "no_deal!field",
        ),
        (
            "no_deal",
            [["field", "id", "mode"], ["horizon_years", None, 2], ["yearly_cost", None, 5]],
            "a 'yearly_cost' row needs the actor in column 'id'",
            "no_deal!id",
        ),
        (
            "proposals",
            [["proposal", "title", "issue", "mode"], ["p", "One", "land", 50],
             ["p", "Two", "years", 2]],
            "proposal 'p' has title 'Two' here but 'One' on an earlier row",
            "proposals!title",
        ),
        (
            "proposals",
            [["proposal", "issue", "mode"], ["p", None, 50]],
            "proposal 'p': a value needs its issue",
            "proposals!issue",
        ),
        (
            "no_deal",
            [["field", "id", "mode"], ["horizon_years", None, 2], ["discount", None, 0.9],
             ["discount", None, 0.8]],
            "no_deal 'discount' is given twice",
            "no_deal!field",
        ),
        (
            "proposals",
            [["proposal", "issue", "mode"], ["p", "land", 50], ["p", "land", 60]],
            "proposal 'p' gives 'land' twice",
            "proposals!issue",
        ),
        (
            "red_lines",
            [["actor", "issue", "min"], [None, "land", 50]],
            "the 'actor' cell is empty",
            "red_lines!actor",
        ),
    ],
)  # fmt: skip
def test_sheet_level_mistakes_are_refused_by_name(
    tmp_path: Path, deal: Any, sheet: str, rows: list[list[Any]], message: str, column: str
) -> None:
    path = _workbook(tmp_path, deal, **{sheet: rows})
    with pytest.raises(ScenarioError) as exc:
        read_xlsx(path, file="deal.xlsx")
    p = _problem(exc)
    assert p["message"] == message
    assert (p["file"], p["column"]) == ("deal.xlsx", column)
    assert p["line"] == len(rows)


def test_a_condition_on_a_package_list_reads_commas_or_spaces(tmp_path: Path, deal: Any) -> None:
    rows = [["actor", "if_issue", "if_min", "then_package"], ["a", "land", 50, "none, none"]]
    again = read_xlsx(_workbook(tmp_path, deal, conditions=rows))
    assert again.conditions[0].then.package == ("none", "none")


def test_a_bad_csv_red_line_points_at_its_row_and_column() -> None:
    text = "actor,issue,capability,position,salience,red_line_min\na,land,1,30,90,abc\n"
    with pytest.raises(ScenarioError) as exc:
        read_csv(text, file="x.csv")
    p = _problem(exc)
    assert (p["file"], p["line"], p["column"]) == ("x.csv", 2, "red_line_min")
    assert p["location"] == "red_lines[a].land.min"
    assert p["message"] == "expected a number; got 'abc'"


def test_xlsx_refuses_to_write_a_package_it_has_no_sheet_for(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=(
        r"XLSX has no sheet for guarantee packages, so proposal 'us-28-point' cannot name "
        r"package 'us-guarantee-2025-11'; keep this scenario in YAML \(Scenario.to_yaml\(\)\)"
    )):  # fmt: skip
        write_xlsx(load_scenario("ukraine-2026"), tmp_path / "u.xlsx")
    assert not (tmp_path / "u.xlsx").exists()


def test_an_empty_deal_sheet_is_no_section(tmp_path: Path, deal: Any) -> None:
    book = Workbook()
    book.active.title = "positions"  # type: ignore[union-attr]
    book.active.append(["actor", "issue", "capability", "position", "salience"])  # type: ignore[union-attr]
    book.active.append(["a", "land", 1, 30, 50])  # type: ignore[union-attr]
    book.create_sheet("proposals").append(["proposal", "issue", "mode"])
    path = tmp_path / "empty.xlsx"
    book.save(path)
    assert read_xlsx(path).proposals == ()
