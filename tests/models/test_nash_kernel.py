"""The compiled Nash solver (``engine="kernel"``) against the dense numpy reference (issue 14).

Both run the same barrier steps; only the rounding of the linear solve differs, so the points
agree to the solver's stated accuracy (1e-6 on the 0–100 scale, the tolerance the spec vectors
are pinned to), and degeneracy agrees exactly. The kernel's results must not depend on the
number of threads or on how the draws are split.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba_threads import numba_threads

from detente import load_scenario
from detente.models._nash_barrier import Pairs, solve_pairs
from detente.models.nash import NashParams, nash
from detente.scenario import ScenarioArrays

TOL = 1e-6


def _both(arrays: ScenarioArrays, **values: str) -> tuple[object, object]:
    kernel = nash(arrays, NashParams(engine="kernel", **values))  # type: ignore[arg-type]
    reference = nash(arrays, NashParams(engine="numpy", **values))  # type: ignore[arg-type]
    return kernel, reference


def _agree(kernel, reference) -> None:  # type: ignore[no-untyped-def]
    np.testing.assert_array_equal(kernel.extras["degenerate"], reference.extras["degenerate"])
    np.testing.assert_allclose(kernel.outcome, reference.outcome, rtol=0, atol=TOL)
    np.testing.assert_allclose(kernel.extras["gains"], reference.extras["gains"], atol=TOL)


def _m_vector(c: list[float]) -> ScenarioArrays:
    # baselines.md §4.4 M1–M3: the package vectors.
    return ScenarioArrays.build(
        [[100, 0], [0, 100], [70, 70]],
        salience=[[0.8, 0.2], [0.3, 0.7], [0.5, 0.5]],
        capability=np.array(c)[:, None],
        status_quo=[50, 50],
    )


@pytest.mark.parametrize("c", [[1, 1, 1], [3, 1, 1], [1, 1, 5]])
def test_kernel_equals_the_reference_on_the_spec_package_vectors(c: list[float]) -> None:
    _agree(*_both(_m_vector(c)))


def test_kernel_equals_the_reference_on_ukraine_2026() -> None:
    arrays = load_scenario("ukraine-2026").to_arrays(draws=8, seed=5)
    kernel, reference = _both(arrays)
    assert not kernel.extras["degenerate"].all()  # the case exercises phase II
    _agree(kernel, reference)
    _agree(*_both(arrays, players="veto"))


@st.composite
def packages(draw: st.DrawFn) -> ScenarioArrays:
    seed = draw(st.integers(0, 2**32 - 1))
    players = draw(st.integers(2, 6))
    issues = draw(st.integers(2, 4))
    draws = draw(st.integers(1, 4))
    rng = np.random.default_rng(seed)
    salience = rng.uniform(0, 1, size=(draws, players, issues))
    # Some pairs without a stake: players that care about only some issues.
    salience[rng.uniform(size=salience.shape) < 0.2] = 0.0
    return ScenarioArrays.build(
        rng.uniform(0, 100, size=(draws, players, issues)),
        salience=salience,
        capability=rng.uniform(0.5, 2.0, size=(draws, players, 1)),
        status_quo=rng.uniform(0, 100, size=(draws, issues)),
    )


@settings(max_examples=60, deadline=None)
@given(packages())
def test_kernel_equals_the_reference_on_random_packages(arrays: ScenarioArrays) -> None:
    _agree(*_both(arrays))


def test_kernel_equals_the_reference_with_quadratic_pieces_and_two_pairs_per_issue() -> None:
    # The deal's use: tangents of a parabola as loss pieces, and a player with a second pair on
    # an issue (its breach path); red lines as the box.
    rng = np.random.default_rng(7)
    b = 6
    slopes = np.linspace(-2.0, 2.0, 9) / 100.0
    intercepts = -((slopes * 100.0) ** 2) / 4.0 / 100.0
    pairs = Pairs(
        player=np.array([0, 0, 1, 1, 2, 2, 0]),
        issue=np.array([0, 1, 0, 1, 0, 1, 1]),
        position=rng.uniform(0, 100, size=(b, 7)),
        weight=rng.uniform(0.1, 1.0, size=(b, 7)),
        slopes=slopes,
        intercepts=intercepts,
    )
    lower, upper = np.full((b, 2), 10.0), np.full((b, 2), 90.0)
    u0 = pairs.utility(np.full((b, 2), 50.0), 3) - rng.uniform(0.0, 0.3, size=(b, 3))
    c = rng.uniform(0.5, 2.0, size=(b, 3))
    fallback = (lower + upper) / 2.0
    kernel = solve_pairs(pairs, c, u0, fallback, lower, upper, engine="kernel")
    reference = solve_pairs(pairs, c, u0, fallback, lower, upper, engine="numpy")
    np.testing.assert_array_equal(kernel.degenerate, reference.degenerate)
    assert not kernel.degenerate.all()
    np.testing.assert_allclose(kernel.point, reference.point, atol=TOL)


def test_a_box_with_no_room_on_an_issue_is_a_result_as_in_the_reference() -> None:
    # A red line meeting another (or a pin) leaves an issue no room: lower == upper. The slack
    # there is zero; the kernel divided by it and raised inside its parallel loop (SystemError)
    # where the reference gets inf and carries on.
    rng = np.random.default_rng(3)
    b = 6
    pairs = Pairs(
        player=np.array([0, 0, 1, 1]),
        issue=np.array([0, 1, 0, 1]),
        position=rng.uniform(0, 100, size=(b, 4)),
        weight=rng.uniform(0.1, 1.0, size=(b, 4)),
        slopes=np.array([-1.0, 1.0]) / 100.0,
        intercepts=np.zeros(2),
    )
    lower, upper = np.full((b, 2), 10.0), np.full((b, 2), 90.0)
    lower[::2, 1] = upper[::2, 1] = 72.0
    u0 = pairs.utility(np.full((b, 2), 50.0), 2) - 0.5
    c = np.ones((b, 2))
    fallback = (lower + upper) / 2.0
    kernel = solve_pairs(pairs, c, u0, fallback, lower, upper, engine="kernel")
    reference = solve_pairs(pairs, c, u0, fallback, lower, upper, engine="numpy")
    np.testing.assert_array_equal(kernel.degenerate, reference.degenerate)
    np.testing.assert_allclose(kernel.point, reference.point, atol=TOL)


def test_results_are_byte_identical_with_one_and_two_threads() -> None:
    assert numba.config.NUMBA_NUM_THREADS >= 2, "the thread-count test needs 2 numba threads"
    arrays = load_scenario("ukraine-2026").to_arrays(draws=60, seed=2)
    with numba_threads(1):
        one = nash(arrays, NashParams())
    with numba_threads(2):
        two = nash(arrays, NashParams())
    assert one.outcome.tobytes() == two.outcome.tobytes()
    assert one.extras["gains"].tobytes() == two.extras["gains"].tobytes()


@pytest.mark.parametrize("size", [1, 7])
def test_results_are_byte_identical_across_chunkings_of_the_draws(size: int) -> None:
    arrays = load_scenario("ukraine-2026").to_arrays(draws=21, seed=3)
    whole = nash(arrays, NashParams())
    parts = [nash(arrays.take(slice(k, k + size)), NashParams()) for k in range(0, 21, size)]
    joined = np.concatenate([p.outcome for p in parts])
    assert joined.tobytes() == whole.outcome.tobytes()
