"""Keep step, proposals, structural variants and "what it would take" on small fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from pytest import approx

from detente import load_scenario
from detente.deal import check_deal
from detente.deal._confidence import structural_variants
from detente.deal._keep import KeepChoices, kept_probability
from detente.deal._question import DealQuestion, build_question
from detente.deal._takes import what_it_takes
from detente.deal._viability import proposal_result, viability
from detente.scenario import parse_scenario

DATA = Path(__file__).parents[1] / "data" / "deal"


@pytest.fixture(scope="module")
def pinned() -> DealQuestion:
    s = load_scenario(DATA / "pinned-guarantee.yaml")
    return build_question(s, s.to_arrays(draws=300, seed=2), seed=2)


def test_keep_step_follows_the_prior_and_is_reproducible() -> None:
    s = load_scenario(DATA / "pinned-guarantee.yaml")
    weak = s.guarantees[0]
    q = kept_probability(weak, draws=200, seed=5)
    assert np.array_equal(q, kept_probability(weak, draws=200, seed=5))
    pessimistic = kept_probability(
        weak, draws=200, seed=5, choices=KeepChoices(all_priors="bf2018_post1945")
    )
    optimistic = kept_probability(
        weak, draws=200, seed=5, choices=KeepChoices(all_priors="llm2000")
    )
    assert pessimistic.mean() < q.mean() < optimistic.mean()


def test_a_guarantor_that_requires_an_absent_one_adds_nothing() -> None:
    raw = yaml.safe_load((DATA / "pinned-guarantee.yaml").read_text(encoding="utf-8"))
    strong = raw["guarantees"][1]
    second = dict(strong["guarantors"][0], actor="a", level="statement", presence="none")
    second["measures"] = {"military_capabilities": 0.0001}
    strong["guarantors"][0]["requires"] = ["a"]
    strong["guarantors"].append(second)
    s = parse_scenario(raw)
    alone = kept_probability(load_scenario(DATA / "pinned-guarantee.yaml").guarantees[1], 300, 1)
    tied = kept_probability(s.guarantees[1], 300, 1)
    # g now honours only when a (a weak statement) honours too: the deal is kept less often.
    assert tied.mean() < alone.mean() - 0.2


def test_structural_variants_bracket_the_baseline(pinned: DealQuestion) -> None:
    q = pinned
    rows = [viability(q, q.packages[p]) for p in ("weak", "strong")]
    variants = structural_variants(q, rows)
    labels = [v.label for v in variants["weak"]]
    assert labels[:2] == ["baseline", "quadratic utility"]
    assert any("pessimistic" in label for label in labels)
    assert any("correlated" in label for label in labels)
    kept = {v.label.split(" (")[0]: v.p_kept for v in variants["weak"]}
    assert kept["pessimistic prior"] <= kept["baseline"] <= kept["optimistic prior"]
    # Priors and correlation move only the keep step: the same deal is signed as often.
    accept = {v.p_accept for v in variants["weak"] if "prior" in v.label}
    assert accept == {rows[0].p_accept}


def test_what_it_takes_names_the_challengers_cost_of_war_within_its_range(
    pinned: DealQuestion,
) -> None:
    q = pinned
    rows = [viability(q, q.packages[p]) for p in ("weak", "strong")]
    levers = what_it_takes(q, rows[1], rows)
    cost = next(lever for lever in levers if lever.lever == "b's yearly cost of war")
    # Pinned at its mode (10 points) the strong package is refused; it opens when b's cost of
    # war rises towards 240/7 = 34.3 points (the packages on the table were chosen per draw).
    assert cost.from_value == 10.0 and 10.0 < float(cost.to_value) <= 40.0
    assert cost.within_range and "A deal opens if b's yearly cost of war rises" in cost.text
    switch = next(lever for lever in levers if lever.lever == "the guarantee package")
    assert (switch.from_value, switch.to_value) == ("strong", "weak")
    assert [lever.relative for lever in levers] == sorted(lever.relative for lever in levers)


def test_proposals_report_each_veto_player_and_the_binding_issue() -> None:
    s = load_scenario(DATA / "two-issue.yaml")
    q = build_question(s, s.to_arrays())
    text_2 = proposal_result(q, 1)  # TERR 55, GUAR 0, no package
    assert set(text_2.by_actor) == {"a", "b"}
    b = text_2.by_actor["b"]
    # 55 is below b's red line on TERR (60 on the most likely inputs).
    assert b["p_accept"] == 0.0 and b["reason"] == "red line" and b["binding_issue"] == "TERR"
    report = check_deal(s)
    data = report.to_json()
    assert [p["id"] for p in data["proposals"]] == ["text-1", "text-2"]
    assert data["proposals"][1]["by_actor"]["b"]["binding_issue"] == "TERR"
    assert data["proposals"][1]["p_accept"] == approx(0.0)


def test_p_kept_says_which_draws_it_averages_over() -> None:
    # ukraine-2026: red lines close the zone on every draw, so P(kept) is "if signed".
    report = check_deal("ukraine-2026", draws=20, seed=1)
    rows = report.to_json()["viability"]
    assert all(r["p_accept"] == 0.0 for r in rows)
    assert {r["p_kept_over"] for r in rows} == {"all draws, none accepted (P(kept) if signed)"}
