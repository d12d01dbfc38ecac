"""Nash bargaining against ``specs/baselines.md`` §4.4 (vectors S1–S5, M1–M3; tolerance 1e-6)."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente.errors import ModelError
from detente.models import get
from detente.models.nash import NashParams, nash
from detente.scenario import ScenarioArrays


def one_issue(x: list[float], c: list[float], q: float) -> ScenarioArrays:
    return ScenarioArrays.build(x, capability=c, status_quo=[q])


@pytest.mark.parametrize(
    ("case", "x", "c", "q", "expected", "degenerate"),
    [
        ("S1", [40, 60, 100], [1, 1, 1], 0, 160 / 3, False),
        ("S2", [40, 60, 100], [1, 1, 2], 0, 60.0, False),
        ("S3", [20, 80, 60], [1, 1, 1], 50, 50.0, True),
        ("S4", [30, 50, 70, 90], [3, 1, 2, 1], 10, 230 / 7, False),
        ("S5", [60, 40, 0], [1, 1, 1], 100, 46.666667, False),
    ],
)
def test_one_issue_vectors(
    case: str, x: list[float], c: list[float], q: float, expected: float, degenerate: bool
) -> None:
    # baselines.md §4.4 S1–S5: exact one-issue point (S2 sits on a kink; S3 is degenerate).
    f = nash(one_issue(x, c, q), NashParams())
    assert f.outcomes["i0"] == approx(expected, abs=1e-6), case
    assert bool(f.extras["degenerate"][0]) is degenerate


def test_one_issue_point_does_not_depend_on_salience() -> None:
    # §4.2: on one issue the salience factor is a constant in each log gain.
    a = ScenarioArrays.build([40, 60, 100], salience=[0.2, 0.9, 0.5], status_quo=[0])
    assert nash(a, NashParams()).outcomes["i0"] == approx(160 / 3, abs=1e-6)


def package(c: list[float]) -> ScenarioArrays:
    return ScenarioArrays.build(
        [[100, 0], [0, 100], [70, 70]],
        salience=[[0.8, 0.2], [0.3, 0.7], [0.5, 0.5]],
        capability=np.array(c)[:, None],
        status_quo=[50, 50],
        actor_ids=["A", "B", "C"],
    )


def test_m1_trading_moves_both_issues_while_each_alone_stays_at_the_status_quo() -> None:
    # §4.4 M1: joint point (74, 79.333333), equal gains 13.333333; issue by issue: degenerate.
    joint = nash(package([1, 1, 1]), NashParams())
    assert joint.outcome[0] == approx([74.0, 79.333333], abs=1e-6)
    assert joint.extras["gains"][0] == approx([13.333333] * 3, abs=1e-6)
    assert not joint.extras["degenerate"][0]
    alone = nash(package([1, 1, 1]), NashParams(package="per_issue"))
    assert alone.outcome[0] == approx([50.0, 50.0])
    assert alone.extras["degenerate"][0].all()


def test_m2_capability_weights_the_point() -> None:
    # §4.4 M2: c = (2, 1, 1) gives (82, 78) with gains (20, 10, 10).
    f = nash(package([2, 1, 1]), NashParams())
    assert f.outcome[0] == approx([82.0, 78.0], abs=1e-6)
    assert f.extras["gains"][0] == approx([20.0, 10.0, 10.0], abs=1e-6)


def test_m3_opposed_players_leave_the_status_quo() -> None:
    # §4.4 M3: A at (100, 100), B at (0, 0), status quo (50, 50): degenerate.
    a = ScenarioArrays.build([[100, 100], [0, 0]], salience=0.5, status_quo=[50, 50])
    f = nash(a, NashParams())
    assert f.outcome[0] == approx([50.0, 50.0])
    assert bool(f.extras["degenerate"][0])


def test_draws_are_solved_independently() -> None:
    # S1 and S3 as two draws of one batch.
    a = ScenarioArrays.build(
        np.array([[[40.0], [60.0], [100.0]], [[20.0], [80.0], [60.0]]]),
        status_quo=np.array([[0.0], [50.0]]),
    )
    f = nash(a, NashParams())
    assert f.outcome[:, 0] == approx([160 / 3, 50.0], abs=1e-6)
    assert list(f.extras["degenerate"]) == [False, True]


def test_veto_players_only() -> None:
    # Only the veto players (40 and 100) bargain: the S1 logic on two players gives 50.
    a = ScenarioArrays.build([40, 60, 100], status_quo=[0], veto=[True, False, True])
    f = nash(a, NashParams(players="veto"))
    assert f.outcomes["i0"] == approx(40.0, abs=1e-6)
    assert np.isnan(f.extras["gains"][0, 1])
    with pytest.raises(ModelError, match="marks no actor as a veto player"):
        nash(one_issue([40, 60, 100], [1, 1, 1], 0), NashParams(players="veto"))


def test_actors_without_stake_do_not_block_a_deal() -> None:
    # A zero-salience actor sitting at the status quo would force degeneracy if it counted.
    a = ScenarioArrays.build([40, 60, 100, 0], salience=[1, 1, 1, 0], status_quo=[0])
    assert nash(a, NashParams()).outcomes["i0"] == approx(160 / 3, abs=1e-6)


def test_a_missing_status_quo_is_named() -> None:
    a = ScenarioArrays.build([[40, 60], [60, 20]], issue_ids=["budget", "troops"])
    with pytest.raises(ModelError, match="issues 'budget', 'troops' have no status quo"):
        nash(a, NashParams())
    one = ScenarioArrays.build([[40, 60], [60, 20]], status_quo=[50, np.nan], issue_ids=["a", "b"])
    with pytest.raises(ModelError, match=r"^model 'nash': issue 'b' has no status quo; the Nash"):
        nash(one, NashParams())


def test_registered_with_documented_parameters() -> None:
    spec = get("nash")
    assert [p[0] for p in spec.parameters()] == ["package", "players", "engine"]
    with pytest.raises(ModelError, match="expects one of 'joint', 'per_issue'"):
        spec.make_params(package="together")


def _random_packages(seed: int, draws: int = 8) -> ScenarioArrays:
    rng = np.random.default_rng(seed)
    return ScenarioArrays.build(
        rng.uniform(0, 100, size=(draws, 5, 2)),
        salience=rng.uniform(0, 1, size=(draws, 5, 2)),
        capability=rng.uniform(0.5, 2.0, size=(draws, 5, 1)),
        status_quo=rng.uniform(0, 100, size=(draws, 2)),
    )


def test_package_point_beats_a_brute_force_grid_and_agrees_on_degeneracy() -> None:
    # baselines.md §4.4 was checked "by brute-force grid": here on random two-issue packages.
    arrays = _random_packages(1)
    f = nash(arrays, NashParams())
    grid = np.linspace(0, 100, 201)
    z = np.stack(np.meshgrid(grid, grid, indexing="ij"), axis=-1)[..., None, :]  # [G, G, 1, 2]
    for k in range(arrays.draws):
        x, s, c = arrays.positions[k], arrays.salience[k], arrays.capability[k, :, 0]
        q = arrays.status_quo[k]
        gains = (s * (np.abs(q - x) - np.abs(z - x))).sum(axis=-1)  # [G, G, P]
        feasible = (gains > 1e-9).all(axis=-1)
        assert bool(f.extras["degenerate"][k]) is (not feasible.any())
        if feasible.any():
            best = (c * np.log(np.where(feasible[..., None], gains, 1.0))).sum(axis=-1)
            found = (c * np.log(f.extras["gains"][k])).sum()
            assert found >= best[feasible].max() - 1e-9


def test_package_draws_solve_together_as_alone() -> None:
    arrays = _random_packages(2, draws=4)
    joint = nash(arrays, NashParams())
    for k in range(arrays.draws):
        alone = nash(arrays.take(slice(k, k + 1)), NashParams())
        assert alone.outcome[0] == approx(joint.outcome[k], abs=1e-6)
