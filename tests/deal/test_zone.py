"""The zone of possible agreement among veto players (issue 8, item 3)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pytest import approx

from detente import ModelError, Scenario
from detente.deal import utility, walk_away_utility, zone_of_agreement
from detente.scenario import ScenarioArrays


def test_one_issue_zone_runs_from_the_status_quo_to_the_mirror_point() -> None:
    # Veto players at 20 and 60, status quo 90: player 1 accepts 30..90, player 0 anything
    # up to 90, so the zone is [30, 90]; player 1 binds below, player 0 above the centre.
    a = ScenarioArrays.build([[20.0], [60.0]], veto=[True, True], status_quo=[90.0])
    z = zone_of_agreement(a)
    assert bool(z.exists[0]) and z.p_exists == 1.0
    assert z.low[0, 0] == approx(30.0, abs=1e-3)
    assert z.high[0, 0] == approx(90.0, abs=1e-3)
    assert z.surplus[0] == approx(0.3, abs=1e-6)  # best smallest gain, at x = 60
    assert z.center[0, 0] == approx(60.0, abs=0.05)  # Nash package
    assert (z.binds_low[0, 0], z.binds_high[0, 0]) == (1, 0)


def test_demanding_walk_away_empties_the_zone_and_names_the_blocker() -> None:
    # Three veto players on one issue at 0, 50, 100; player 2 demands to stay within 10 of 100,
    # player 0 within 40 of 0: no package suits both; without player 2's veto one would.
    a = ScenarioArrays.build([[0.0], [50.0], [100.0]], veto=[True, True, True])
    wa = np.array([[-0.4, -0.5, -0.1]])
    z = zone_of_agreement(a, walk_away=wa)
    assert not z.exists[0]
    # Maximin: equal shortfall of players 0 and 2 at x = 75: u0 = -0.75 (-0.35), u2 = -0.25 (-0.15)
    # -> surplus solves -x/100 + 0.4 = -(100 - x)/100 + 0.1, x = 65, surplus -0.25.
    assert z.surplus[0] == approx(-0.25, abs=1e-6)
    assert z.blockers[0].tolist() == [True, False, True]
    # Without player 2 the others accept [0, 40]; there player 2 gets at best -0.6, 0.5 short.
    assert z.shortfall[0, 2] == approx(-0.5, abs=1e-6)
    assert z.shortfall[0, 0] == approx(-0.5, abs=1e-6)


def test_scenario_without_veto_players_is_refused_by_name() -> None:
    a = ScenarioArrays.build([[20.0], [60.0]], status_quo=[50.0])
    with pytest.raises(ModelError, match="has no veto players: mark the actors who can block"):
        zone_of_agreement(a)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_maximin_surplus_matches_a_brute_force_grid(seed: int) -> None:
    # The LP's best smallest surplus is at least the grid's and at most a grid step's worth above.
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 100, (3, 2))
    a = ScenarioArrays.build(pos, salience=rng.uniform(0.1, 1, (3, 2)), veto=[True] * 3)
    wa = rng.uniform(-0.5, -0.1, (1, 3))
    z = zone_of_agreement(a, walk_away=wa)
    grid = np.array(list(itertools.product(np.linspace(0, 100, 201), repeat=2)))
    u = utility(a, grid)[0]
    best = (u - wa[0]).min(-1).max()
    assert best - 1e-9 <= z.surplus[0] <= best + 0.005
    assert bool(z.exists[0]) == (z.surplus[0] >= -1e-6)


def test_extent_contains_every_acceptable_grid_package() -> None:
    rng = np.random.default_rng(4)
    a = ScenarioArrays.build(rng.uniform(0, 100, (2, 2)), veto=[True, True])
    wa = np.array([[-0.3, -0.3]])
    z = zone_of_agreement(a, walk_away=wa)
    grid = np.array(list(itertools.product(np.linspace(0, 100, 101), repeat=2)))
    ok = (utility(a, grid)[0] >= wa[0]).all(-1)
    assert ok.any()
    inside = grid[ok]
    assert (inside >= z.low[0] - 1e-3).all() and (inside <= z.high[0] + 1e-3).all()
    # ... and the extent is attained, up to the grid: the zone's tips are thin, so the nearest
    # grid package may sit up to a step or two inside them.
    assert inside.min(0) == approx(z.low[0], abs=2.0)
    assert inside.max(0) == approx(z.high[0], abs=2.0)


def test_zone_over_draws_equals_zone_draw_by_draw(mini: Scenario) -> None:
    # Batch-first: solving all draws at once gives each draw's own answer (chunk invariance).
    arrays = mini.to_arrays(draws=6, seed=3)
    together = zone_of_agreement(arrays)
    for b in (0, 5):
        alone = zone_of_agreement(arrays.take(slice(b, b + 1)))
        assert alone.surplus[0] == approx(together.surplus[b], abs=1e-7)
        assert alone.low[0] == approx(together.low[b], abs=1e-3)
        assert alone.high[0] == approx(together.high[b], abs=1e-3)


def test_quadratic_zone_is_solved_within_its_tangent_tolerance() -> None:
    a = ScenarioArrays.build([[20.0], [60.0]], veto=[True, True], status_quo=[90.0])
    z = zone_of_agreement(a, form="quadratic")
    # Player 1 accepts (x-60)^2 <= 30^2 -> [30, 90]; player 0 (x-20)^2 <= 70^2 -> up to 90.
    assert z.low[0, 0] == approx(30.0, abs=0.1)
    assert z.high[0, 0] == approx(90.0, abs=0.1)
    wa = walk_away_utility(a, form="quadratic")
    assert wa[0] == approx([-0.49, -0.09])
