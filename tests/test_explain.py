"""Explanations: convergence flags, nash labels, each actor's pull and why models disagree."""

from __future__ import annotations

import numpy as np
import pytest

import detente
from detente._explain import (
    SETTLE_TOLERANCE,
    SETTLE_WINDOW,
    contributions,
    convergence,
    disagreement,
    events_in_words,
    label,
    nash_terms,
)
from detente._inputs import ROUND_CAP, to_stability
from detente.scenario import load_scenario


def test_eum_oscillating_on_nato_is_flagged_not_converged() -> None:
    s = load_scenario("ukraine-2026")
    f = detente.forecast(s, "eum")
    c = convergence(f, s)
    assert c is not None and (c.rounds_run, c.cap) == (10, 10)
    # The value shown is one point of a cycle (NATO 52 and 95 in rounds 8 and 9): the words
    # give the range the median crossed over the last 10 rounds.
    assert f.rounds is not None
    nato = f.rounds.median[0, 1:, s.issue_ids.index("NATO")]
    assert nato.max() - nato.min() > 30
    assert c.words("NATO") == (
        f"did not settle by round 10 (the cap): {nato.min():.0f}–{nato.max():.0f} over its "
        "last 10 rounds"
    )
    assert not c.all_converged


def test_a_model_stopped_by_its_own_rule_before_the_cap_converged() -> None:
    s = load_scenario("ukraine-2026")
    c = convergence(detente.forecast(s, "smp"), s)
    assert c is not None and c.rounds_run < c.cap and c.all_converged


@pytest.mark.parametrize("model", ["eum", "exchange", "smp"])
def test_convergence_is_judged_on_the_outcome_each_model_reports(model: str) -> None:
    # Each dynamic model's per-round outcome ends at its forecast; exchange's is the voting
    # outcome (round 0: the preferences' weighted mean), not the preferences' median.
    s = load_scenario("ukraine-2026")
    f = detente.forecast(s, model, **to_stability(s, model))
    assert f.rounds is not None
    np.testing.assert_array_equal(f.rounds.outcome[:, -1], f.outcome)
    if model == "exchange":
        np.testing.assert_array_equal(f.rounds.outcome[:, 1:], f.extras["voting_outcome"])
        np.testing.assert_array_equal(f.rounds.outcome[:, 0], f.rounds.mean[:, 0])


def test_exchange_wandering_around_a_level_is_not_settled_by_one_calm_round() -> None:
    # ukraine-2026's exchange voting outcome on CRIM wanders by 1.5 points to the 100-round cap
    # and was within the 0.5-point tolerance of its last value one round before it: settled
    # by the one-round rule, not by SETTLE_WINDOW rounds.
    s = load_scenario("ukraine-2026")
    f = detente.forecast(s, "exchange", **to_stability(s, "exchange"))
    c = convergence(f, s)
    assert c is not None and f.rounds is not None and c.rounds_run == ROUND_CAP
    crim = f.rounds.outcome[0, :, s.issue_ids.index("CRIM")]
    late = crim[-SETTLE_WINDOW - 1 :]
    assert np.abs(late - crim[-1]).max() > SETTLE_TOLERANCE * 100 > abs(crim[-2] - crim[-1])
    assert not c.converged[s.issue_ids.index("CRIM")]
    assert c.words("CRIM").startswith("did not settle by round 100 (the cap): 87–88")
    # ZNPP stays put for far longer than the window.
    assert c.converged[s.issue_ids.index("ZNPP")]


def test_static_models_have_no_convergence_record() -> None:
    assert convergence(detente.forecast("emission-standards-1994", "compromise")) is None


def test_nash_is_labelled_by_its_players() -> None:
    s = load_scenario("ukraine-2026")
    assert label(detente.forecast(s, "nash")) == "nash[all]"
    assert label(detente.forecast(s, "nash", players="veto")) == "nash[veto]"
    assert label(detente.forecast(s, "median")) == "median"


@pytest.mark.parametrize("model", ["compromise", "mean"])
def test_actor_pulls_add_up_to_the_weighted_average(model: str) -> None:
    s = load_scenario("ukraine-2026")
    fc = detente.forecast(s, model)
    pulls = contributions(fc, s)
    for issue, value in fc.outcomes.items():
        scale = s.issue(issue).scale
        midpoint = (scale.min + scale.max) / 2
        assert midpoint + sum(pulls[issue].values()) == pytest.approx(value, abs=1e-9)


def test_non_linear_models_have_no_pulls() -> None:
    s = load_scenario("ukraine-2026")
    assert contributions(detente.forecast(s, "median"), s) == {}


def test_disagreement_names_both_ends_and_skips_the_status_quo() -> None:
    outcomes = {"compromise": 55.0, "eum": 20.0, "median": 50.0, "status_quo": 90.0}
    sentence = disagreement("ZNPP", outcomes, {})
    assert sentence == (
        "ZNPP: 35 points apart — compromise 55 (capability × salience weighted average) "
        "vs eum 20 (challenges and concessions round by round)."
    )
    assert disagreement("X", {"a": 1.0, "b": 3.0}, {}) == "X: the models agree within 2 points."
    assert (
        np.isfinite(len(disagreement("X", {"a": 1.0}, {})))
        and disagreement("X", {"a": 1.0}, {}) == ""
    )


def test_eum_and_exchange_events_are_told_in_words() -> None:
    s = load_scenario("ukraine-2026")
    eum = events_in_words(detente.forecast(s, "eum"))
    assert len(eum) == 3 and all(" moved on " in line and " after a " in line for line in eum)
    trades = events_in_words(detente.forecast(s, "exchange"), top=1)
    assert trades[0].startswith("round 1: russia gave way on GUAR (90 → 45) and ukraine on CRIM")
    assert events_in_words(detente.forecast(s, "compromise")) == []


def test_nash_terms_name_players_and_disagreement_point() -> None:
    s = load_scenario("ukraine-2026")
    veto = nash_terms(detente.forecast(s, "nash", players="veto"), s)
    assert veto.startswith("nash[veto] bargains among 3 actors (Ukraine, Russia, United States)")
    assert veto.endswith(
        "the status quo (TERR 40, CRIM 30, ZNPP 90, GUAR 60, ARMY 0, NATO 30, SANC 10)"
    )


@pytest.mark.parametrize("model", ["eum", "exchange"])
def test_running_to_stability_gives_the_fixed_run_to_the_cap(model: str) -> None:
    # A draw stops at a round in which nobody moves; running on would repeat that round, so
    # the answer is the full fixed run's.
    s = load_scenario("ukraine-2026")
    params = to_stability(s, model)
    assert params == {"rounds": ROUND_CAP, "until_stable": 0.0}
    settled = detente.forecast(s, model, **params)
    fixed = detente.forecast(s, model, rounds=ROUND_CAP)
    assert settled.outcomes == pytest.approx(fixed.outcomes, abs=1e-9)


def test_compare_runs_dynamic_models_to_stability_and_reports_the_cap() -> None:
    c = detente.compare("ukraine-2026", ["eum", "smp"])
    eum = c.convergence["eum"]
    assert (eum.rounds_run, eum.cap) == (ROUND_CAP, ROUND_CAP)
    assert eum.words("NATO").startswith(f"did not settle by round {ROUND_CAP} (the cap): ")
    assert eum.words("CRIM") == "settled by round 1"
    assert c.forecasts["smp"].params_dict()["until_stable"] is None  # KTAB's own stop rule


def test_a_scenario_that_sets_its_rounds_keeps_them() -> None:
    s = load_scenario("ukraine-2026")
    s = s.model_copy(update={"model_parameters": {"eum": {"rounds": 4}}})
    assert to_stability(s, "eum") == {}
    assert detente.compare(s, ["eum"]).convergence["eum"].cap == 4
