"""Scenario → batch-first arrays: shapes, scales, masks, seeded draws."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from detente import ModelError, load_scenario
from detente.scenario import ScenarioArrays, triangular_ppf, uncertain_inputs

GOOD = Path(__file__).parents[1] / "assets" / "good.yaml"


def test_point_run_uses_modes_on_internal_scale() -> None:
    a = load_scenario(GOOD).to_arrays()
    assert a.positions.shape == (1, 3, 2)
    # years: scale 1–5, position 2 → 25 on 0–100; land 0–100 unchanged.
    assert a.positions[0, 0].tolist() == [30.0, 25.0]
    assert a.salience[0, 0].tolist() == [0.9, 0.5]
    assert a.to_issue_scale(a.positions)[0, 0].tolist() == [30.0, 2.0]


def test_missing_pair_is_masked_with_zero_weight() -> None:
    a = load_scenario(GOOD).to_arrays()
    assert a.mask.tolist() == [[True, True], [True, True], [True, False]]
    assert np.isnan(a.positions[0, 2, 1])
    assert a.salience[0, 2, 1] == 0.0 and a.capability[0, 2, 1] == 0.0


def test_capability_per_issue_overrides_actor_capability() -> None:
    a = load_scenario(GOOD).to_arrays()
    assert a.capability[0, 1].tolist() == [80.0, 20.0]


def test_status_quo_walk_away_and_veto() -> None:
    a = load_scenario(GOOD).to_arrays()
    assert a.status_quo[0, 0] == 40.0 and np.isnan(a.status_quo[0, 1])
    assert a.walk_away[0, 0, 0] == 40.0 and np.isnan(a.walk_away[0, 1, 0])
    assert a.veto.tolist() == [True, True, False]


def test_same_seed_gives_identical_draws_and_other_seed_differs() -> None:
    s = load_scenario(GOOD)
    one, two = s.to_arrays(draws=500, seed=3), s.to_arrays(draws=500, seed=3)
    assert np.array_equal(one.positions, two.positions, equal_nan=True)
    other = s.to_arrays(draws=500, seed=4)
    assert not np.array_equal(one.positions, other.positions, equal_nan=True)


def test_draws_stay_within_ranges_and_follow_the_triangle() -> None:
    a = load_scenario(GOOD).to_arrays(draws=20_000, seed=1)
    land = a.positions[:, 0, 0]
    assert land.min() >= 20 and land.max() <= 50
    # Triangular(20, 30, 50) has mean (20 + 30 + 50) / 3 = 33.33.
    assert land.mean() == pytest.approx(100 / 3, abs=0.2)
    capability = a.capability[:, 2, 0]
    assert capability.mean() == pytest.approx(30.0, abs=0.2)
    assert np.all(a.positions[:, 1, 0] == 85.0)  # point values do not vary


def test_uncertain_inputs_are_listed_in_sampling_order() -> None:
    labels = [ref.label for ref in uncertain_inputs(load_scenario(GOOD))]
    assert labels == ["a.position[land]", "a.salience[years]", "c.capability"]


def test_triangular_ppf_endpoints_and_degenerate() -> None:
    u = np.array([0.0, 1.0, 0.5])
    assert triangular_ppf(u, np.full(3, 0.0), np.full(3, 0.0), np.full(3, 10.0))[:2].tolist() == [
        0.0,
        10.0,
    ]
    assert (
        triangular_ppf(u, np.full(3, 5.0), np.full(3, 5.0), np.full(3, 5.0)).tolist() == [5.0] * 3
    )


def test_zero_draws_is_refused() -> None:
    with pytest.raises(ModelError, match="draws must be at least 1; got 0"):
        load_scenario(GOOD).to_arrays(draws=0)


def test_build_from_plain_numbers() -> None:
    a = ScenarioArrays.build([[4, 10]], capability=[1.0], scale_min=[0, 0], scale_max=[10, 20])
    assert a.positions[0, 0].tolist() == [40.0, 50.0]
    assert a.take(slice(0, 1)).draws == 1


def test_arrays_refuse_deal_inputs_for_another_number_of_draws() -> None:
    arrays = load_scenario("ukraine-2026").to_arrays()
    with pytest.raises(ModelError, match=r"deal inputs must have one row per draw \(3\); got 1"):
        dataclasses.replace(
            arrays,
            positions=np.repeat(arrays.positions, 3, axis=0),
            draw_index=np.arange(3),
        )
