"""Guarantee packages in scenario files: schema, meaning checks, and ``assess_guarantees``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import detente
from detente import ModelError, ScenarioError
from detente.scenario import parse_scenario, read_yaml

DATA = Path(__file__).parent.parent / "data" / "deal"
MINI = DATA / "ukraine-mini.yaml"


@pytest.fixture(scope="module")
def mini() -> detente.Scenario:
    return detente.load_scenario(MINI)


def test_fragment_for_the_builtin_is_the_mini_scenarios_packages(mini: detente.Scenario) -> None:
    fragment = yaml.safe_load((DATA / "ukraine-2026-guarantees.yaml").read_text(encoding="utf-8"))
    assert list(fragment) == ["guarantees"]
    assert [p["id"] for p in fragment["guarantees"]] == [
        "none",
        "paris-2026",
        "paris-2026-us-backstop",
    ]
    raw = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    assert raw["guarantees"] == fragment["guarantees"]
    # Every guarantor is one of the built-in's ten actor ids.
    ids = {
        "united_kingdom",
        "france",
        "germany",
        "eu_coalition",
        "poland",
        "turkiye",
        "united_states",
    }
    assert {g.actor for p in mini.guarantees for g in p.guarantors} == ids


def test_packages_round_trip_through_yaml(mini: detente.Scenario) -> None:
    again = read_yaml(mini.to_yaml())
    assert again.guarantees == mini.guarantees


def test_p_deterrence_is_ordered_none_paris_backstop(mini: detente.Scenario) -> None:
    # Issue 8 acceptance: none < Paris < Paris + US backstop.
    p = [
        detente.assess_guarantees(mini, k, draws=20_000).p_deterrence
        for k in ("none", "paris-2026", "paris-2026-us-backstop")
    ]
    assert p[0] == 0.0
    assert p[0] < p[1] < p[2]


def test_assessment_json_has_p_deterrence_package_thresholds_and_pivots(
    mini: detente.Scenario,
) -> None:
    a = detente.assess_guarantees(mini, "paris-2026", draws=5000, seed=3)
    data = a.to_json()
    json.dumps(data, allow_nan=False)
    assert data["p_deterrence"] == a.p_deterrence
    assert data["package"]["id"] == "paris-2026"
    assert data["q_eff"]["mean"] is not None and data["thresholds"]["t_hard"]["mean"] > 0
    pivots = {g["guarantor"]: g["pivotal_effect"] for g in data["guarantors"]}
    assert set(pivots) == {g.actor for g in a.package.guarantors}
    # The two in-country co-leads matter most (brief §(f)).
    assert max(pivots, key=lambda k: pivots[k]) in {"united_kingdom", "france"}
    # Spec §7.3: pessimistic <= default <= optimistic.
    assert data["by_prior"]["pessimistic"] <= data["by_prior"]["default"]
    assert data["by_prior"]["default"] <= data["by_prior"]["optimistic"]
    assert len(data["caveats"]) == 3


def test_unknown_package_and_scenario_without_packages() -> None:
    with pytest.raises(ModelError, match="unknown guarantee package 'paris-2025'; did you mean"):
        detente.assess_guarantees(MINI, "paris-2025")
    with pytest.raises(ModelError, match="defines no guarantee packages"):
        detente.assess_guarantees("emission-standards-1994")


BAD = """\
id: t
title: T
sources: [{id: S1, title: a source}]
issues: [{id: x, name: X, status_quo: 50}]
actors:
  - {id: ru, name: R, capability: 1, veto: true, issues: {x: {position: 90, salience: 50}}}
  - {id: uk, name: U, capability: 1, issues: {x: {position: 10, salience: 50}}}
guarantees:
  - id: p
    name: P
    challenger: ru
    attribution: 1.5
    payoffs: {unanswered_attack: 0.3}
    guarantors:
      - actor: fr
        prior: bf2018_defence_pact
        level: declaration
        measures: {military_capability: 0.1}
      - actor: uk
        prior: {mu: 0.4}
        level: agreement
        extra_shift: 0.5
        measures: {additional_sanctions: -0.2}
      - actor: uk
        prior: {alpha: 2}
        level: statement
        sources: [S9]
        measures: {diplomatic_initiatives: 0.1}
"""


def test_meaning_checks_report_every_package_problem_with_lines() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml(BAD, file="bad.yaml")
    text = info.value.render()
    codes = [p.code for p in info.value.problems]
    assert "9 problems in bad.yaml" in text.splitlines()[0]
    assert "attribution probability must lie between 0 and 1; got 1.5" in text
    assert "guarantor 'fr' is not an actor of the scenario" in text
    assert "unknown prior 'bf2018_defence_pact'; did you mean 'bf2018_defense_pact'?" in text
    assert "unknown measure 'military_capability'; did you mean 'military_capabilities'?" in text
    assert "an extra log-odds shift must cite a reason" in text
    assert "cost of additional_sanctions must lie at least 0; got -0.2" in text
    assert "guarantor 'uk' appears more than once in package 'p'" in text
    assert "give a prior as a name, as {mu, kappa} or as {alpha, beta}; got alpha" in text
    assert "source 'S9' is not in the scenario's sources" in text
    assert codes.count("unknown_actor") == 1
    # Line numbers point into the file.
    fr = next(p for p in info.value.problems if p.code == "unknown_actor")
    assert fr.location == "guarantees[p].guarantors[0].actor" and fr.line == 15


def test_structural_errors_in_packages_are_named() -> None:
    raw = yaml.safe_load(BAD)
    raw["guarantees"][0]["guarantors"][0]["level"] = "treaty"
    raw["guarantees"][0]["colour"] = "blue"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(raw)
    text = info.value.render()
    assert "unknown field 'colour'" in text
    assert "guarantees[p].guarantors[0].level" in text and "'statement'" in text


def test_builtin_ukraine_orders_deterrence_none_below_paris_below_us_backstop() -> None:
    # Issue 8 acceptance: P(deterrence holds) none < Paris < Paris + US backstop on ukraine-2026.
    from detente import assess_guarantees

    p = {
        package: assess_guarantees(
            "ukraine-2026", package, draws=20_000, seed=1, sensitivity=False
        ).p_deterrence
        for package in ("none", "paris-2026", "paris-2026-us-backstop")
    }
    assert p["none"] < p["paris-2026"] < p["paris-2026-us-backstop"]
