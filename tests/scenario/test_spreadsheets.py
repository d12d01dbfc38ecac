"""Spreadsheets as people have them: headers in any case, commas, semicolons or tabs, decimal
commas in semicolon files, and the veto, status quo and walk-away columns of the long CSV and
the XLSX positions sheet, with errors that name the file, row and column."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from detente import ScenarioError, load_scenario
from detente.scenario import (
    read_csv,
    read_scenario_bytes,
    read_xlsx,
    write_long_csv,
    write_xlsx,
)

DOC = Path(__file__).parents[2] / "docs" / "scenario-format.md"

SEMICOLONS = (
    "Actor;Issue;Capability;Position;Salience;Veto;Status quo;Walk-away\n"
    "North;land;1;10,5;60;yes;20;\n"
    "South;land;2;40;55,5;no;20;30\n"
    "North;money;1;0,25;50;yes;;\n"
)


def _problem(info: pytest.ExceptionInfo[ScenarioError]) -> dict[str, Any]:
    assert len(info.value.problems) == 1, info.value.render()
    return info.value.records()[0]


def _summary(s: Any) -> dict[str, Any]:
    """What these tests compare: vetoes, status quos, and every stance's numbers."""
    return {
        "veto": {a.id: a.veto for a in s.actors},
        "status_quo": {i.id: i.status_quo.mode if i.status_quo else None for i in s.issues},
        "stances": {
            (a.id, k): (
                v.position.mode,
                v.salience.mode,
                (v.capability or a.capability).mode,
                v.walk_away.mode if v.walk_away else None,
            )
            for a in s.actors
            for k, v in a.issues.items()
        },
    }


def test_the_documented_semicolon_example_loads_as_described() -> None:
    block = re.search(r"```csv\n(Actor;.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert block is not None
    s = read_scenario_bytes(block.group(1).encode(), filename="talks.csv")
    got = _summary(s)
    assert got["veto"] == {"North": True, "South": False, "Broker": False}
    assert got["status_quo"] == {"land": 20.0, "money": None}
    assert got["stances"][("North", "land")] == (10.5, 60.0, 1.0, None)
    assert got["stances"][("South", "land")] == (40.0, 55.5, 2.0, 30.0)
    assert got["stances"][("Broker", "land")][2] == 0.5


def test_the_issue_acceptance_header_with_semicolons_and_a_veto() -> None:
    text = "Actor;Issue;Capability;Position;Salience;Veto\na;x;1;20;50;yes\nb;x;2;80;50;no\n"
    s = read_scenario_bytes(text.encode(), filename="acceptance.csv")
    assert [(a.id, a.veto) for a in s.actors] == [("a", True), ("b", False)]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_commas_semicolons_and_tabs_give_the_same_scenario(delimiter: str) -> None:
    rows = [
        ["ACTOR", "issue", "Power", "Position", "SALIENCE", "veto", "status_quo", "walk_away"],
        ["North", "land", "1", "10.5", "60", "y", "20", ""],
        ["South", "land", "2", "40", "55.5", "", "20", "30"],
        ["North", "money", "1", "0.25", "50", "", "", ""],
    ]
    text = "".join(delimiter.join(r) + "\n" for r in rows)
    assert _summary(read_csv(text)) == _summary(read_csv(SEMICOLONS))


def test_excel_sep_line_says_the_delimiter_and_rows_keep_their_numbers() -> None:
    text = "sep=;\nactor;issue;capability;position;salience\na;x;1;20;50\nb;x;1;abc;50\n"
    with pytest.raises(ScenarioError) as info:
        read_csv(text, file="excel.csv")
    problem = _problem(info)
    assert (problem["file"], problem["line"], problem["column"]) == ("excel.csv", 4, "position")
    assert read_csv(text.replace("abc", "80")).actor_ids == ["a", "b"]


@pytest.mark.parametrize(
    ("delimiter", "cell"),
    [(",", '"0,5"'), ("\t", "0,5"), (";", "1.234,5")],
)
def test_an_ambiguous_decimal_mark_is_refused_with_its_row_and_column(
    delimiter: str, cell: str
) -> None:
    text = delimiter.join(["actor", "issue", "capability", "position", "salience"]) + "\n"
    text += delimiter.join(["a", "x", "1", cell, "50"]) + "\n"
    with pytest.raises(ScenarioError) as info:
        read_csv(text, file="odd.csv")
    problem = _problem(info)
    assert (problem["code"], problem["line"], problem["column"]) == ("not_a_number", 2, "position")
    assert problem["expected"] == "a number"


def test_a_comma_in_a_name_does_not_change_the_delimiter() -> None:
    text = 'actor;issue;capability;position;salience;name\na;x;1;20;50;"Smith, J."\n'
    assert read_csv(text).actors[0].name == "Smith, J."


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "message"),
    [
        (
            "actor,issue,capability,position,salience,veto\na,x,1,20,50,maybe\n",
            "invalid",
            2,
            "veto",
            "expected yes or no in column 'veto'; got 'maybe'",
        ),
        (
            "actor,issue,capability,position,salience,veto\na,x,1,20,50,yes\na,y,1,20,50,no\n",
            "conflict",
            3,
            "veto",
            "actor 'a' has veto no here but yes on row 2",
        ),
        (
            "actor,issue,capability,position,salience,status_quo\na,x,1,20,50,30\nb,x,1,20,50,31\n",
            "conflict",
            3,
            "status_quo",
            "issue 'x' has status_quo 31 here but 30 on row 2",
        ),
        (
            "actor,issue,capability,position,salience,walk_away\na,x,1,20,50,far\n",
            "not_a_number",
            2,
            "walk_away",
            "expected a number in column 'walk_away'; got 'far'",
        ),
        (
            "Actor,Position,actor,salience\n",
            "duplicate_column",
            1,
            "actor",
            "column 'actor' (column 3) names the same column as 'Actor' (column 1)",
        ),
    ],
)
def test_bad_cells_are_named_by_file_row_and_column(
    text: str, code: str, line: int, column: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        read_csv(text, file="people.csv")
    problem = _problem(info)
    assert (problem["file"], problem["code"], problem["line"], problem["column"]) == (
        "people.csv",
        code,
        line,
        column,
    )
    assert message in problem["message"]


def test_a_walk_away_off_the_scale_is_checked_like_yaml() -> None:
    text = "actor,issue,capability,position,salience,walk_away\na,x,1,20,50,140\n"
    with pytest.raises(ScenarioError) as info:
        read_csv(text, file="far.csv")
    problem = _problem(info)
    assert problem["line"] == 2 and problem["column"] == "walk_away"


def test_ranges_of_status_quo_and_walk_away() -> None:
    text = (
        "actor,issue,capability,position,salience,status_quo,status_quo_low,status_quo_high,"
        "walk_away,walk_away_low,walk_away_high\n"
        "a,x,1,20,50,30,25,35,40,,45\n"
    )
    s = read_csv(text)
    sq, wa = s.issues[0].status_quo, s.actors[0].issues["x"].walk_away
    assert (sq.low, sq.mode, sq.high) == (25, 30, 35)
    assert (wa.low, wa.mode, wa.high) == (40, 40, 45)


def test_the_long_csv_round_trip_keeps_vetoes_status_quos_and_walk_aways() -> None:
    built = read_csv(SEMICOLONS)
    text = write_long_csv(built)
    assert text.splitlines()[0].endswith(",veto,status_quo,walk_away")
    assert _summary(read_csv(text)) == _summary(built)
    ukraine = load_scenario("ukraine-2026")
    again = read_csv(write_long_csv(ukraine))
    assert [a.veto for a in again.actors] == [a.veto for a in ukraine.actors]
    assert [i.status_quo for i in again.issues] == [
        i.status_quo.model_copy(update={"source": (), "note": None}) if i.status_quo else None
        for i in ukraine.issues
    ]


def _book(tmp_path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    del book[book.sheetnames[0]]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "people.xlsx"
    book.save(path)
    return path


def test_xlsx_positions_take_the_same_columns_in_any_case(tmp_path: Path) -> None:
    path = _book(
        tmp_path,
        {
            "Positions": [
                ["Actor", "Issue", "Capability", "Position", "Salience", "Veto", "Status Quo",
                 "Walk-away"],
                ["North", "land", 1, 10.5, 60, True, 20, None],
                ["South", "land", 2, 40, 55.5, "no", 20, 30],
                ["North", "money", 1, 0.25, 50, "yes", None, None],
            ]
        },
    )  # fmt: skip
    assert _summary(read_xlsx(path)) == _summary(read_csv(SEMICOLONS))


def test_xlsx_round_trip_keeps_walk_aways(tmp_path: Path) -> None:
    built = read_csv(SEMICOLONS)
    write_xlsx(built, tmp_path / "t.xlsx")
    assert _summary(read_xlsx(tmp_path / "t.xlsx")) == _summary(built)


def test_xlsx_status_quo_in_two_sheets_must_agree(tmp_path: Path) -> None:
    positions = [
        ["actor", "issue", "capability", "position", "salience", "status_quo"],
        ["a", "x", 1, 20, 50, 30],
    ]
    issues = [["id", "name", "status_quo"], ["x", "X", 35]]
    path = _book(tmp_path, {"positions": positions, "issues": issues})
    with pytest.raises(ScenarioError) as info:
        read_xlsx(path, file="people.xlsx")
    problem = _problem(info)
    assert (problem["line"], problem["column"]) == (2, "status_quo")
    assert (
        "issue 'x' has status_quo 30 in this row but 35 in the issues sheet" in (problem["message"])
    )
    issues[1][2] = 30
    path = _book(tmp_path, {"positions": positions, "issues": issues})
    assert read_xlsx(path).issues[0].status_quo.mode == 30


def test_an_actors_sheet_veto_that_is_not_yes_or_no_is_refused(tmp_path: Path) -> None:
    positions = [["actor", "issue", "capability", "position", "salience"], ["a", "x", 1, 20, 50]]
    actors = [["id", "veto"], ["a", "perhaps"]]
    with pytest.raises(ScenarioError) as info:
        read_xlsx(_book(tmp_path, {"positions": positions, "actors": actors}), file="b.xlsx")
    problem = _problem(info)
    assert (problem["line"], problem["column"]) == (2, "actors!veto")


def test_a_draft_stays_a_draft_through_the_long_csv_and_the_xlsx() -> None:
    import io

    from detente.scenario import load_scenario, read_csv, read_xlsx, write_long_csv, write_xlsx

    draft = load_scenario("emission-standards-1994").model_copy(update={"status": "draft"})
    text = write_long_csv(draft)
    assert read_csv(text).status == "draft"
    book = io.BytesIO()
    write_xlsx(draft, book)
    book.seek(0)
    assert read_xlsx(book).status == "draft"
    # A reviewed case writes no status column and reads back reviewed.
    reviewed = write_long_csv(load_scenario("emission-standards-1994"))
    assert "status" not in reviewed.splitlines()[0].split(",")
    assert read_csv(reviewed).status == "reviewed"


@pytest.mark.parametrize(
    ("first", "expected"),
    [("Reviewed", "'draft' on row 3 and 'reviewed' on row 2"), ("maybe", "got 'maybe'")],
)
def test_a_status_cell_that_is_not_one_status_is_refused_with_its_row(
    first: str, expected: str
) -> None:
    from detente.scenario import load_scenario, write_long_csv

    text = write_long_csv(
        load_scenario("emission-standards-1994").model_copy(update={"status": "draft"})
    )
    with pytest.raises(ScenarioError) as err:
        read_csv(text.replace("draft", first, 1), file="case.csv")
    problem = err.value.problems[0]
    assert expected in problem.message and problem.column == "status" and problem.line == 2
