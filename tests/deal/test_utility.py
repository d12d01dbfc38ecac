"""Utilities over packages and walk-away utilities (issue 8, item 1 and 2)."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente import ModelError, Scenario
from detente.deal import utility, walk_away_utility, weights
from detente.scenario import ScenarioArrays


def _two_actors() -> ScenarioArrays:
    return ScenarioArrays.build(
        [[20.0, 80.0], [60.0, 10.0]],
        salience=[[0.6, 0.2], [0.5, 0.5]],
        veto=[True, False],
        status_quo=[40.0, 40.0],
    )


def test_linear_utility_is_minus_normalised_salience_weighted_distance() -> None:
    a = _two_actors()
    # Actor 0: weights 0.75, 0.25; package (50, 50): -(0.75*0.30 + 0.25*0.30) = -0.30.
    # Actor 1: weights 0.5, 0.5: -(0.5*0.10 + 0.5*0.40) = -0.25.
    u = utility(a, [50.0, 50.0])
    assert u.shape == (1, 1, 2)
    assert u[0, 0] == approx([-0.30, -0.25], abs=1e-12)
    assert weights(a)[0].sum(-1) == approx([1.0, 1.0])


def test_quadratic_utility_squares_the_distance() -> None:
    u = utility(_two_actors(), [50.0, 50.0], form="quadratic")
    # -(0.75*0.09 + 0.25*0.09) = -0.09; -(0.5*0.01 + 0.5*0.16) = -0.085.
    assert u[0, 0] == approx([-0.09, -0.085], abs=1e-12)


def test_utility_is_zero_at_the_ideal_and_minus_one_at_the_far_corner() -> None:
    a = ScenarioArrays.build([[0.0, 0.0]], salience=[[0.3, 0.9]])
    assert utility(a, [[0.0, 0.0], [100.0, 100.0]])[0, :, 0] == approx([0.0, -1.0])


def test_packages_may_differ_per_draw() -> None:
    a = ScenarioArrays.build(np.array([[[0.0]], [[100.0]]]))
    u = utility(a, np.array([[[50.0], [0.0]], [[50.0], [0.0]]]))
    assert u[:, :, 0].tolist() == [[-0.5, 0.0], [-0.5, -1.0]]


def test_walk_away_from_positions_then_status_quo_then_explicit_value() -> None:
    a = ScenarioArrays.build(
        [[20.0, 80.0], [60.0, 10.0]],
        salience=[[0.5, 0.5], [0.5, 0.5]],
        veto=[True, True],
        status_quo=[40.0, 40.0],
        walk_away=np.array([[30.0, np.nan], [np.nan, np.nan]]),
    )
    wa = walk_away_utility(a)
    # Actor 0: walk-away (30, status quo 40): -(0.5*0.1 + 0.5*0.4) = -0.25.
    assert wa[0, 0] == approx(-0.25)
    # Actor 1 at the status quo (40, 40): -(0.5*0.2 + 0.5*0.3) = -0.25.
    assert wa[0, 1] == approx(-0.25)
    assert walk_away_utility(a, values={"a1": -0.6})[0, 1] == approx(-0.6)


def test_walk_away_missing_for_a_veto_player_is_named() -> None:
    a = ScenarioArrays.build([[20.0], [60.0]], veto=[True, False], actor_ids=["kyiv", "paris"])
    with pytest.raises(
        ModelError,
        match="actor 'kyiv' has no walk-away position on issue 'i0' and the issue has no status "
        "quo",
    ):
        walk_away_utility(a)
    # A non-veto actor without one just has none (NaN); an explicit value fills the gap.
    wa = walk_away_utility(a, values={"kyiv": -0.2})
    assert wa[0, 0] == -0.2 and np.isnan(wa[0, 1])


def test_walk_away_value_for_unknown_actor_suggests_a_name(mini: Scenario) -> None:
    with pytest.raises(ModelError, match="unknown actor 'rusia'; did you mean 'russia'"):
        walk_away_utility(mini.to_arrays(), values={"rusia": -0.3})


def test_unknown_utility_form_and_wrong_package_length_are_refused() -> None:
    a = _two_actors()
    with pytest.raises(ModelError, match="unknown utility form 'cubic'"):
        utility(a, [50.0, 50.0], form="cubic")  # type: ignore[arg-type]
    with pytest.raises(
        ModelError, match=r"a package needs one value per issue \(2: i0, i1\); got 3"
    ):
        utility(a, [50.0, 50.0, 50.0])
