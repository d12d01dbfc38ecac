"""The cross-validated search: folds by proposal, tuning on training folds only, the nested
selection, and the candidate models' formulas."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente import ModelError
from detente.backtest import Candidate, DeuData, search, shipped_deu_path
from detente.backtest._candidates import (
    ANCHORED,
    BLEND,
    POWER_MEAN,
    AnchoredParams,
    BlendParams,
    PowerMeanParams,
)
from detente.backtest._search import _cross_validate, fold_of_proposal
from detente.scenario import ScenarioArrays


def test_folds_keep_proposals_together_and_are_seeded(dev: DeuData) -> None:
    fold = fold_of_proposal(dev.proposals, 10, seed=0)
    props = np.asarray(dev.proposals)
    for p in set(dev.proposals):
        assert len(set(fold[props == p])) == 1
    assert set(fold.tolist()) == set(range(10))
    assert np.array_equal(fold, fold_of_proposal(dev.proposals, 10, seed=0))
    assert not np.array_equal(fold, fold_of_proposal(dev.proposals, 10, seed=1))
    with pytest.raises(ModelError, match="folds must be between 2 and 99"):
        fold_of_proposal(dev.proposals, 1, seed=0)


def test_cross_validation_scores_each_fold_with_the_others_choice() -> None:
    # Grid point 0 is best on fold 0's issues, point 1 everywhere else; so fold 0 is scored
    # with point 1 (chosen on fold 1) and fold 1 with point 0 (chosen on fold 0).
    errors = np.array([[1.0, 1.0, 9.0, 9.0], [5.0, 5.0, 2.0, 2.0]])
    fold = np.array([0, 0, 1, 1])
    held_out, chosen = _cross_validate(errors, fold, 2)
    assert chosen == [1, 0]
    assert held_out.tolist() == [5.0, 5.0, 9.0, 9.0]


def test_search_reports_cv_and_the_nested_search() -> None:
    result = search(
        shipped_deu_path(),
        [
            Candidate("blend", "blend", {"share": (0.0, 1.0)}),
            Candidate("weights", "power_mean", {"capability_power": (0.0, 1.0)}),
        ],
        folds=5,
        resamples=500,
        include_registered=False,
    )
    assert (result.n_issues, result.n_proposals) == (248, 96)
    assert result.compromise_mae == approx(25.46, abs=0.005)  # baselines.md §6.6
    blend = next(c for c in result.candidates if c.name == "blend")
    # share=1 is compromise (25.46) and share=0 the c·s weighted median (30.87, §6.6): every
    # fold picks compromise, so the CV errors are compromise's and the difference is 0.
    assert blend.fold_choices == {"share=1.0": 5}
    assert blend.cv_mae == approx(25.46, abs=0.005)
    assert blend.vs_compromise.delta == approx(0.0, abs=1e-12)
    assert blend.in_sample_mae == approx(25.46, abs=0.005)
    assert result.overall.n_points == 4 and result.overall.n == 248
    assert not result.overall.meets_target
    assert set(result.to_json()["candidates"]) == {"blend", "weights"}


def test_empty_grid_is_refused() -> None:
    with pytest.raises(ModelError, match="candidate 'x': the grid of 'share' is empty"):
        Candidate("x", "blend", {"share": ()}).points()


def test_procedure_rules_grid_reloads_the_data(dev: DeuData) -> None:
    result = search(
        None,
        [
            Candidate(
                "ep",
                "compromise",
                rules={"parliament_by_procedure": ((), (("CNS", 0.0),))},
            )
        ],
        folds=4,
        resamples=200,
        include_registered=False,
    )
    ep = result.candidates[0]
    assert ep.n_points == 2
    assert set(ep.fold_choices) <= {
        "parliament_by_procedure=()",
        "parliament_by_procedure=(('CNS', 0.0),)",
    }


ARRAYS = ScenarioArrays.build(
    [[0.0], [100.0], [60.0]],
    salience=[[1.0], [0.5], [0.5]],
    capability=[[1.0], [2.0], [4.0]],
    status_quo=[20.0],
)


def test_anchored_formula() -> None:
    # compromise m = (0·1 + 100·1 + 60·2) / (1 + 1 + 2) = 55; q = 20.
    assert ANCHORED(ARRAYS, AnchoredParams()).outcomes["i0"] == approx(55.0)
    assert ANCHORED(ARRAYS, AnchoredParams(anchor=-1.0)).outcomes["i0"] == approx(20.0)
    pulled = ANCHORED(ARRAYS, AnchoredParams(anchor=0.2, center_pull=0.5)).outcomes["i0"]
    assert pulled == approx(0.5 * (55 + 0.2 * 35) + 25)


def test_power_mean_and_blend_formulas() -> None:
    equal = POWER_MEAN(ARRAYS, PowerMeanParams(capability_power=0, salience_power=0))
    assert equal.outcomes["i0"] == approx(160 / 3)
    assert POWER_MEAN(ARRAYS, PowerMeanParams()).outcomes["i0"] == approx(55.0)
    # c·s weights (1, 1, 2): the weighted median is 60; blend 0.25·55 + 0.75·60.
    assert BLEND(ARRAYS, BlendParams(share=0.25)).outcomes["i0"] == approx(58.75)


def test_candidate_without_weight_names_the_issue() -> None:
    a = ScenarioArrays.build([[10.0], [20.0]], salience=[[0.0], [0.0]])
    with pytest.raises(ModelError, match="model 'blend': issue i0 has no actor"):
        BLEND(a, BlendParams())
