"""KTAB's scenario formats: the CSV (read, write) and the XML (read), ``specs/smp.md`` §2.5."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pytest import approx

from detente import load_scenario
from detente.errors import ScenarioError
from detente.scenario import read_ktab_csv, read_ktab_xml, read_scenario_bytes, write_ktab_csv

DATA = Path(__file__).parents[1] / "data" / "smp"


def test_ktab_csv_is_detected_and_read() -> None:
    s = load_scenario(DATA / "ktab_dummy_3dim.csv")
    assert s.title == "DummyData_3Dim"
    assert s.description == "Dummy scenario to test reading format"
    assert s.issue_ids == ["Pstn1", "Pstn2", "Pstn3"]
    assert s.actor_ids == [f"SActor-0{i}" for i in range(7)]
    actor = s.actor("SActor-00")
    assert actor.description == "Random Spatial Actor"
    assert actor.capability is not None and actor.capability.mode == 102.543
    assert actor.issues["Pstn2"].position.mode == 6.37
    assert actor.issues["Pstn3"].salience.mode == 28.15


def test_padded_cells_and_trailing_space_are_read() -> None:
    # SOE-Pol-Comp pads capabilities with spaces and ends lines with ", ".
    s = load_scenario(DATA / "ktab_soe_pol_comp.csv")
    assert s.title == "China Policy/Competitive; scen 2"
    assert s.issue_ids == ["Policy", "Competitive"]
    assert s.issues[0].name == "Policy Position"
    lk = s.actor("LK")
    assert lk.capability is not None and lk.capability.mode == 60.2
    assert lk.description == "Li Keqiang"
    assert (lk.issues["Policy"].salience.mode, lk.issues["Competitive"].salience.mode) == (
        44.7,
        41.3,
    )


def test_builtin_scenarios_carry_the_same_numbers_as_the_ktab_files() -> None:
    for csv_name, builtin in (
        ("ktab_dummy_3dim.csv", "ktab-dummy-3dim"),
        ("ktab_soe_pol_comp.csv", "ktab-soe-pol-comp"),
        ("ktab_soe_competitive.csv", "ktab-soe-competitive"),
    ):
        a = load_scenario(DATA / csv_name).to_arrays()
        b = load_scenario(builtin).to_arrays()
        for field in ("positions", "salience", "capability"):
            assert np.array_equal(getattr(a, field), getattr(b, field)), (builtin, field)
        assert a.actor_ids == b.actor_ids


def test_every_number_of_the_builtins_has_a_source() -> None:
    for name in ("ktab-dummy-3dim", "ktab-soe-pol-comp", "ktab-soe-competitive"):
        s = load_scenario(name)
        known = {src.id for src in s.sources}
        for actor in s.actors:
            assert actor.capability is not None and set(actor.capability.source) <= known
            assert actor.capability.source
            for stance in actor.issues.values():
                assert stance.position.source and stance.salience.source


def test_dollar_pairs_stand_for_commas_and_quotes_are_stripped() -> None:
    text = (
        'Demo,"a test$$ with a comma", 3, 1,\n'
        "Actor,Description,Power,Pos,Sal,\n"
        'A,"first$$ actor",10,20,50,\nB,second,20,80,60,\nC,third,30,50,40,\n'
    )
    s = read_ktab_csv(text, file="demo.csv")
    assert s.description == "a test, with a comma"
    assert s.actor("A").description == "first, actor"


def test_write_then_read_gives_the_same_scenario() -> None:
    s = load_scenario("ktab-soe-pol-comp")
    text = write_ktab_csv(s)
    assert text.splitlines()[0].endswith(", 13, 2,") or text.splitlines()[0].endswith(",13,2,")
    back = read_scenario_bytes(text.encode(), filename="roundtrip.csv")
    a, b = s.to_arrays(), back.to_arrays()
    assert np.array_equal(a.positions, b.positions)
    assert np.array_equal(a.salience, b.salience)
    assert np.array_equal(a.capability, b.capability)
    assert back.issue_ids == ["policy", "competitive"]


def test_writer_refuses_actors_without_every_issue() -> None:
    text = (
        "id: partial\ntitle: t\nissues: [{id: a, name: A}, {id: b, name: B}]\n"
        "actors:\n"
        "  - {id: X, name: X, capability: 1, issues: {a: {position: 1, salience: 10}}}\n"
        "  - {id: Y, name: Y, capability: 1, issues: {a: {position: 2, salience: 10}, "
        "b: {position: 3, salience: 10}}}\n"
    )
    s = read_scenario_bytes(text.encode(), filename="partial.yaml")
    with pytest.raises(ScenarioError, match=r"actors\[X\]\.issues\[b\][\s\S]*every actor's"):
        write_ktab_csv(s)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("A,x,10,20,50,\nB,y,20,80,60,\n", r"declares 3 actors but the file has 2"),
        (
            "A,x,10,20,50,\nB,y,20,80,\nC,z,30,50,40,\n",
            r"actors\[B\]  \(line 4\)[\s\S]*needs 5 cells",
        ),
        (
            "A,x,10,20,50,\nB,y,0,80,60,\nC,z,30,50,40,\n",
            r"actors\[B\]  \(row 4, column Power\)[\s\S]*capability 0",
        ),
        ("A,x,10,20,50,\nB,y,ten,80,60,\nC,z,30,50,40,\n", r"expected a number in column 'Power'"),
        ("A,x,10,20,50,\nB,y,20,180,60,\nC,z,30,50,40,\n", r"180"),
    ],
)
def test_bad_ktab_csv_lines_are_named(body: str, message: str) -> None:
    text = "Demo,a test, 3, 1,\nActor,Description,Power,Pos,Sal,\n" + body
    with pytest.raises(ScenarioError, match=message):
        read_scenario_bytes(text.encode(), filename="bad.csv")


def test_salience_over_100_is_refused_with_the_sum() -> None:
    text = (
        "Demo,a test, 3, 2,\nActor,Description,Power,P1,S1,P2,S2,\n"
        "A,x,10,20,60,30,50,\nB,y,20,80,30,30,30,\nC,z,30,50,40,30,10,\n"
    )
    with pytest.raises(ScenarioError, match=r"saliences of actor 'A' sum to 110"):
        read_ktab_csv(text, file="over.csv")


def test_header_with_wrong_column_count() -> None:
    text = "Demo,a test, 3, 2,\nActor,Description,Power,P1,S1,\nA,x,10,20,60,\n"
    with pytest.raises(ScenarioError, match=r"declares 2 issues, so the header needs 7"):
        read_ktab_csv(text)


def test_xml_reads_options_seed_and_ideal_adjustment() -> None:
    s = load_scenario(DATA / "ktab_dummy_3dim.xml")
    options = s.model_parameters["smp"]
    assert options["voting_rule"] == "Prop"  # the schema's spelling 'Proportional'
    assert options["inter_vec_brgn"] == "S2P2"
    assert options["seed"] == 0
    a = np.array(options["accommodation"])
    assert a[0, :2] == approx([0.5, 0.2]) and a[6, 6] == 0.0 and a[6, 2] == 0.1
    assert a[1, 1] == 1.0  # pairs not listed keep the identity
    csv = load_scenario(DATA / "ktab_dummy_3dim.csv").to_arrays()
    assert np.array_equal(s.to_arrays().positions, csv.positions)


def test_xml_without_ideal_adjustment_or_parameters_uses_defaults() -> None:
    text = (
        "<Scenario><name>t</name><desc>d</desc><Dimensions><dName>X</dName></Dimensions><Actors>"
        + "".join(
            f"<Actor><name>A{i}</name><description>a</description><capability>{c}</capability>"
            f"<Position><dCoord>{p}</dCoord></Position><Salience><dSal>50</dSal></Salience>"
            "</Actor>"
            for i, (c, p) in enumerate([(1, 10), (2, 50), (3, 90)])
        )
        + "</Actors></Scenario>"
    )
    s = read_ktab_xml(text, file="plain.xml")
    assert s.model_parameters == {}
    assert [a.issues["X"].position.mode for a in s.actors] == [10, 50, 90]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<Scenario><name>", r"not valid XML"),
        ("<Other/>", r"root element is <Other>"),
        (
            "<Scenario><ModelParameters><VotingRule>Loud</VotingRule></ModelParameters>"
            "<Dimensions><dName>X</dName></Dimensions><Actors/></Scenario>",
            r"VotingRule must be one of .*got 'Loud'",
        ),
        (
            "<Scenario><Dimensions><dName>X</dName></Dimensions><Actors><Actor><name>A</name>"
            "<capability>1</capability><Position><dCoord>1</dCoord><dCoord>2</dCoord></Position>"
            "<Salience><dSal>5</dSal></Salience></Actor></Actors></Scenario>",
            r"actor 'A' has 2 coordinates and 1 saliences; the scenario has 1 dimensions",
        ),
    ],
)
def test_bad_xml_is_named(xml: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        read_scenario_bytes(xml.encode(), filename="bad.xml")
