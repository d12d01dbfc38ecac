"""Properties of the expected-utility model that must hold for any input (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from detente.models.eum import EumParams, eum
from detente.scenario import ScenarioArrays

PARAMS = EumParams(rounds=4)


@st.composite
def issues(draw: st.DrawFn, max_draws: int = 1) -> tuple[NDArray[np.float64], ...]:
    """Positions, saliences and capabilities ``[B, N, 1]`` of a random one-issue case."""
    n = draw(st.integers(2, 6))
    b = draw(st.integers(1, max_draws))
    floats = st.floats(0.0, 100.0, allow_nan=False)
    pos = np.array(draw(st.lists(floats, min_size=n * b, max_size=n * b))).reshape(b, n, 1)
    sal = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=n * b, max_size=n * b)))
    cap = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=n * b, max_size=n * b)))
    return pos, sal.reshape(b, n, 1), cap.reshape(b, n, 1)


def _arrays(pos: NDArray[np.float64], sal: NDArray[np.float64], cap: NDArray[np.float64]):  # type: ignore[no-untyped-def]
    return ScenarioArrays.build(pos, salience=sal, capability=cap)


@settings(max_examples=40, deadline=None)
@given(issues(max_draws=3), st.sampled_from(["replication", "paper"]), st.sampled_from([1.0, 0.5]))
def test_positions_stay_inside_the_initial_range(case, conventions, q) -> None:  # type: ignore[no-untyped-def]
    pos, sal, cap = case
    f = eum(_arrays(pos, sal, cap), EumParams(rounds=4, conventions=conventions, status_quo_prob=q))
    traj = f.rounds.positions[:, :, :, 0]
    lo = pos.min(axis=1)[:, None, :]
    hi = pos.max(axis=1)[:, None, :]
    assert np.isfinite(traj).all() and np.isfinite(f.rounds.mean).all()
    assert (traj >= lo - 1e-9).all() and (traj <= hi + 1e-9).all()


@st.composite
def generic_issues(draw: st.DrawFn) -> tuple[NDArray[np.float64], ...]:
    """A one-issue case in general position: continuous random positions, saliences and
    capabilities, so no two offers tie. (With ties the replication set breaks them by input
    order, spec §4.2, and permuting the actors may then legitimately change who moves.)"""
    n = draw(st.integers(2, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    pos = rng.uniform(0.0, 100.0, (1, n, 1))
    return pos, rng.uniform(0.05, 1.0, (1, n, 1)), rng.uniform(0.01, 1.0, (1, n, 1))


@settings(max_examples=40, deadline=None)
@given(generic_issues(), st.randoms(use_true_random=False))
def test_permuting_the_actors_permutes_the_result(case, rnd) -> None:  # type: ignore[no-untyped-def]
    pos, sal, cap = case
    n = pos.shape[1]
    perm = np.array(rnd.sample(range(n), n))
    f = eum(_arrays(pos, sal, cap), PARAMS)
    g = eum(_arrays(pos[:, perm], sal[:, perm], cap[:, perm]), PARAMS)
    np.testing.assert_allclose(
        g.rounds.positions, f.rounds.positions[:, :, perm], rtol=0, atol=1e-9
    )
    np.testing.assert_allclose(g.rounds.median, f.rounds.median, rtol=0, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(issues(), st.integers(2, 5))
def test_identical_draws_give_identical_rows(case, b) -> None:  # type: ignore[no-untyped-def]
    pos, sal, cap = (np.repeat(v, b, axis=0) for v in case)
    f = eum(_arrays(pos, sal, cap), PARAMS)
    assert (f.rounds.positions == f.rounds.positions[:1]).all()
    assert (f.rounds.median == f.rounds.median[:1]).all()
    assert (f.outcome == f.outcome[:1]).all()


@settings(max_examples=30, deadline=None)
@given(issues(max_draws=4))
def test_a_batch_equals_its_draws_run_one_at_a_time(case) -> None:  # type: ignore[no-untyped-def]
    pos, sal, cap = case
    batch = eum(_arrays(pos, sal, cap), PARAMS)
    for k in range(pos.shape[0]):
        one = eum(_arrays(pos[k : k + 1], sal[k : k + 1], cap[k : k + 1]), PARAMS)
        np.testing.assert_array_equal(one.rounds.positions[0], batch.rounds.positions[k])
        np.testing.assert_array_equal(one.rounds.mean[0], batch.rounds.mean[k])
        assert one.rounds.stable_round[0] == batch.rounds.stable_round[k]
