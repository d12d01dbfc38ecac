"""Closest acceptable package, Nash bargaining package and Pareto frontier (issue 8, item 3)."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente import ModelError
from detente.deal import closest_acceptable, nash_bargaining, nash_exponents, pareto_frontier
from detente.scenario import ScenarioArrays


def _line() -> ScenarioArrays:
    return ScenarioArrays.build([[20.0], [60.0]], veto=[True, True], status_quo=[90.0])


def test_closest_acceptable_package_moves_a_forecast_into_the_zone() -> None:
    # The zone is [30, 90]: a forecast of 10 moves to 30, one of 50 stays.
    out = closest_acceptable(_line(), np.array([[[10.0], [50.0]]]))
    assert out[0, :, 0] == approx([30.0, 50.0], abs=1e-3)


def test_closest_acceptable_is_nan_where_no_deal_exists() -> None:
    a = ScenarioArrays.build([[0.0], [100.0]], veto=[True, True])
    out = closest_acceptable(a, np.array([[[50.0]]]), walk_away=np.array([[-0.1, -0.1]]))
    assert np.isnan(out).all()


def test_nash_package_with_equal_weights_sits_at_the_kink() -> None:
    # Gains (90 - x)/100 and (x - 30)/100 for x <= 60, both falling above 60: the product
    # peaks at x = 60 (the weaker player's position).
    a = _line()
    assert nash_exponents(a)[0] == approx([0.5, 0.5])
    assert nash_bargaining(a)[0, 0] == approx(60.0, abs=0.05)


def test_asymmetric_nash_package_follows_capability_exponents() -> None:
    # Walk-away -0.8 each at positions 0 and 100: maximise 0.75 log(0.8 - y) + 0.25 log(y - 0.2),
    # y = x/100, so 0.25 (0.8 - y) = 0.75 (y - 0.2): y = 0.35.
    a = ScenarioArrays.build([[0.0], [100.0]], capability=[[3.0], [1.0]], veto=[True, True])
    wa = np.array([[-0.8, -0.8]])
    assert nash_exponents(a)[0] == approx([0.75, 0.25])
    assert nash_bargaining(a, walk_away=wa)[0, 0] == approx(35.0, abs=0.05)
    # Quadratic utilities with equal weights: symmetric, x = 50.
    b = ScenarioArrays.build([[0.0], [100.0]], veto=[True, True])
    assert nash_bargaining(b, walk_away=wa, form="quadratic")[0, 0] == approx(50.0, abs=0.05)


def test_pareto_frontier_of_two_veto_players_on_one_issue() -> None:
    f = pareto_frontier(_line(), steps=4)
    assert f.packages[:, 0] == approx([60.0, 40.0, 20.0], abs=1e-6)
    assert f.utilities == approx(np.array([[-0.4, 0.0], [-0.2, -0.2], [0.0, -0.4]]), abs=1e-9)
    # Walk-aways -0.7 and -0.3: the point at 20 leaves player 1 below its walk-away.
    assert f.acceptable.tolist() == [True, True, False]
    assert f.projection("a0", "a1").shape == (3, 2)


def test_pareto_frontier_projections_are_efficient_in_their_plane() -> None:
    rng = np.random.default_rng(0)
    a = ScenarioArrays.build(
        rng.uniform(0, 100, (3, 3)),
        salience=rng.uniform(0.1, 1, (3, 3)),
        veto=[True] * 3,
        status_quo=[50.0, 50.0, 50.0],
    )
    f = pareto_frontier(a, steps=6)
    projections = f.projections()
    assert set(projections) == {"a0|a1", "a0|a2", "a1|a2", "a0|a1|a2"}
    for points in projections.values():
        # No point dominates another in the projection.
        ge = (points[None] >= points[:, None]).all(-1) & (points[None] > points[:, None]).any(-1)
        assert not ge.any()
    with pytest.raises(ModelError, match="'a5' is not a veto player"):
        f.projection("a0", "a5")
    with pytest.raises(ModelError, match="a projection needs 2 or 3 veto players; got 1"):
        f.projection("a0")
