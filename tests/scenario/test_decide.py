"""The ``decide`` input format: reading the sample, writing it back, and clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import ScenarioError
from detente.scenario import load_scenario, read_decide, read_scenario_bytes, write_decide

DATA = Path(__file__).parent.parent / "data" / "exchange"


def test_the_sample_file_reads_as_the_built_in_case() -> None:
    read = load_scenario(DATA / "sample_data.decide")
    built_in = load_scenario("decide-sample")
    assert read.id == "sample_data"
    assert read.actor_ids == built_in.actor_ids
    assert read.issue_ids == built_in.issue_ids
    assert read.issue("tol-hoogte").scale.min == 0.5
    assert read.issue("tol-hoogte").scale.max == 7.0
    a, b = read.to_arrays(), built_in.to_arrays()
    for name in ("positions", "salience", "capability", "scale_min", "scale_max"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_writing_and_reading_back_keeps_every_number() -> None:
    scenario = load_scenario("decide-sample")
    text = write_decide(scenario)
    assert text.count("\n#D;") == 60
    again = read_decide(text, scenario_id="decide-sample")
    assert write_decide(again).splitlines()[1:] == text.splitlines()[1:]
    a, b = scenario.to_arrays(), again.to_arrays()
    assert np.array_equal(a.positions, b.positions)
    assert np.array_equal(a.salience, b.salience)


def test_tab_separated_quoted_rows_as_decide_writes_them() -> None:
    # decide's own test data: tab-separated, cells quoted with single quotes, saliences on 0-100.
    text = (
        "'#A'\t'Actor-1'\t'Actor-1'\t''\t\n'#A'\t'Actor-2'\t'Actor-2'\t''\t\n"
        "'#P'\t'Issue-1'\t'first'\t\n'#P'\t'Issue-2'\t'second'\t\n"
        "'#D'\t'Actor-1'\t'Issue-1'\t0.0\t10\t1\t\n'#D'\t'Actor-1'\t'Issue-2'\t0.0\t90\t1\t\n"
        "'#D'\t'Actor-2'\t'Issue-1'\t100.0\t60\t1\t\n'#D'\t'Actor-2'\t'Issue-2'\t100.0\t50\t1\n"
    )
    s = read_decide(text, salience_scale=100)
    assert s.actor("Actor-1").issues["Issue-2"].salience.mode == 90.0
    assert s.issue("Issue-1").name == "first"
    assert s.issue("Issue-1").scale.max == 100.0
    with pytest.raises(ScenarioError, match="use salience_scale=100") as info:
        read_decide(text, file="rex.txt")
    assert [p.line for p in info.value.problems] == [5, 6, 7, 8]


def test_dispatch_by_suffix_and_by_content(tmp_path: Path) -> None:
    text = (DATA / "sample_data.decide").read_text()
    for name in ("case.txt", "case.decide", "case.csv"):
        path = tmp_path / name
        path.write_text(text)
        assert len(load_scenario(path).actors) == 10
    plain_csv = read_scenario_bytes(
        b"actor,position,salience,capability\na,10,50,1\nb,90,50,1\n", filename="x.csv"
    )
    assert plain_csv.actor_ids == ["a", "b"]


def test_every_problem_is_reported_with_its_row() -> None:
    text = (
        "#A;a;A\n#A;b;B;comment;surplus\n#P;i;Issue\n#M;i;0;\n#M;i;10;\n"
        "#D;a;i;20;0.5;1\n#D;c;i;5;0.5;1\n#D;a;j;5;0.5;1\n#X;what\n#D;a;i;abc;0.5;1\n"
    )
    with pytest.raises(ScenarioError) as info:
        read_decide(text, file="bad.txt")
    rendered = str(info.value)
    assert rendered.startswith("5 problems in bad.txt")
    assert (
        "a #A (actor) row has 3 fields (id, name, comment); got 4: 'surplus' left over" in rendered
    )
    assert "stance of undeclared actor 'c' (no #A row)" in rendered
    assert "stance on undeclared issue 'j' (no #P row)" in rendered
    assert "unknown row tag '#X'" in rendered
    assert "expected a number for 'position'; got 'abc'" in rendered
    assert [(p.location, p.line) for p in info.value.problems] == [
        ("#A row", 2),
        ("#X row", 9),
        ("#D row", 7),
        ("#D row", 8),
        ("#D row", 10),
    ]
    assert "  #D row  (row 10, column position)\n" in rendered


def test_a_position_off_the_scale_names_actor_and_issue() -> None:
    text = "#A;a;A\n#A;b;B\n#P;i;Issue\n#M;i;0;\n#M;i;10;\n#D;a;i;20;0.5;1\n#D;b;i;5;0.5;1\n"
    with pytest.raises(ScenarioError, match=r"actors\[a\]\.issues\[i\]\.position"):
        read_decide(text, file="scale.txt")


def test_other_scenarios_write_at_their_modes() -> None:
    scenario = load_scenario("emission-standards-1994")
    lines = write_decide(scenario).splitlines()
    assert sum(line.startswith("#D;") for line in lines) == 10
    assert "#D;Netherlands;lag;4;0.8;0.08" in lines
    assert "#M;lag;4;standards in 4 years" in lines
