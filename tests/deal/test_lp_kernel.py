"""The deal's LPs by the compiled simplex (``engine="kernel"``) against HiGHS (issue 14).

Both solve the same LPs exactly (up to round-off), so optimal values agree to 1e-9 on the
0–100 scale (1e-11 in utility units, where the scale is 0–1), and infeasibility agrees exactly.
Where the optimal package is not unique (the closest package, the maximin package) the two may
return different packages: there the objective and the package's feasibility are tested.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba_threads import numba_threads

from detente import ModelError, load_scenario
from detente.deal import walk_away_utility, zone_of_agreement
from detente.deal._lp import _solve_kernel, loss_pieces, solve_blocks, zone_extent
from detente.deal._utility import veto_index, weights
from detente.scenario import ScenarioArrays

X_TOL = 1e-9  # on the 0–100 scale
U_TOL = 1e-11  # utilities (0–1 scale): the same tolerance


def _utility(x: np.ndarray, pos: np.ndarray, w: np.ndarray, form: str) -> np.ndarray:
    """``float[K, V]``: each veto player's utility of package ``x[K, D]`` under the LP's loss."""
    slopes, intercepts = loss_pieces(form)  # type: ignore[arg-type]
    dist = (x[:, None, :] - np.nan_to_num(pos)) / 100.0
    loss = (slopes * dist[..., None] + intercepts).max(-1)
    out: np.ndarray = -(w * loss).sum(-1)
    return out


def _zone_inputs(draws: int, seed: int, shift: float) -> tuple[ScenarioArrays, np.ndarray]:
    """ukraine-2026 draws and walk-aways raised by ``shift`` (some zones then close)."""
    arrays = load_scenario("ukraine-2026").to_arrays(draws=draws, seed=seed)
    return arrays, walk_away_utility(arrays) + shift


def _veto_lp(arrays: ScenarioArrays, wa: np.ndarray) -> tuple[np.ndarray, ...]:
    """The veto players' positions, weights and floors: the LPs' inputs."""
    veto = veto_index(arrays)
    return arrays.positions[:, veto], weights(arrays)[:, veto], wa[:, veto]


@pytest.mark.parametrize(
    ("form", "shift"), [("linear", 0.0), ("linear", 0.12), ("quadratic", 0.05)]
)
def test_zone_of_ukraine_2026_agrees_with_highs(form: str, shift: float) -> None:
    arrays, wa = _zone_inputs(40, 5, shift)
    kernel = zone_of_agreement(arrays, walk_away=wa, form=form, engine="kernel")  # type: ignore[arg-type]
    highs = zone_of_agreement(arrays, walk_away=wa, form=form, engine="highs")  # type: ignore[arg-type]
    if shift > 0.1:
        assert 0 < kernel.exists.sum() < arrays.draws, "the shift should close some zones"
    np.testing.assert_array_equal(kernel.exists, highs.exists)
    np.testing.assert_allclose(kernel.surplus, highs.surplus, rtol=0, atol=U_TOL)
    np.testing.assert_allclose(kernel.low, highs.low, rtol=0, atol=X_TOL)
    np.testing.assert_allclose(kernel.high, highs.high, rtol=0, atol=X_TOL)
    np.testing.assert_array_equal(kernel.blockers, highs.blockers)
    np.testing.assert_allclose(kernel.shortfall, highs.shortfall, rtol=0, atol=U_TOL)
    # The maximin package of a closed zone need not be unique: the kernel's must achieve it.
    closed = ~kernel.exists
    pos, w, floor = _veto_lp(arrays, wa)
    u = _utility(kernel.center, pos, w, form)
    assert ((u - floor).min(-1)[closed] >= kernel.surplus[closed] - U_TOL).all()
    np.testing.assert_array_equal(kernel.center[~closed], highs.center[~closed])


def test_zone_is_byte_identical_with_one_and_two_threads() -> None:
    assert numba.config.NUMBA_NUM_THREADS >= 2, "the thread-count test needs 2 numba threads"
    arrays, wa = _zone_inputs(60, 2, 0.12)
    with numba_threads(1):
        one = zone_of_agreement(arrays, walk_away=wa)
    with numba_threads(2):
        two = zone_of_agreement(arrays, walk_away=wa)
    for name in ("surplus", "low", "high", "center", "shortfall"):
        assert getattr(one, name).tobytes() == getattr(two, name).tobytes(), name


# Random LPs: positions on a 2.5 grid, so that players share positions and the quadratic
# loss's kinks (2.5 + 5 k away from a position) coincide across players: degenerate ties.
_grid = st.integers(0, 40).map(lambda k: 2.5 * k)


@st.composite
def _blocks(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """One LP's data (K = 1): positions, weights, floors, a target package, the form.

    Floors are each player's utility at a random package ``x0`` less a margin: a margin of 0
    makes ``x0`` a tight point (with a zero floor, the player's own ideal: a single feasible
    point), a negative one may empty the zone.
    """
    v = draw(st.integers(1, 4))
    d = draw(st.integers(1, 4))
    form = draw(st.sampled_from(["linear", "quadratic"]))
    pos = np.array(draw(st.lists(_grid, min_size=v * d, max_size=v * d))).reshape(1, v, d)
    raw = draw(st.lists(st.sampled_from([0.0, 0.0, 0.5, 1.0, 2.0]), min_size=v * d, max_size=v * d))
    w = np.array(raw).reshape(1, v, d)
    w[0, :, 0] += 0.25  # everyone cares about something
    w /= w.sum(-1, keepdims=True)
    pos = np.where(w > 0, pos, np.nan)
    x0 = np.array(draw(st.lists(_grid, min_size=d, max_size=d)))[None]
    margins = draw(
        st.lists(st.sampled_from([-0.3, -0.05, 0.0, 0.0, 0.02, 0.2]), min_size=v, max_size=v)
    )
    floor = _utility(x0, pos, w, form) - np.array(margins)[None]
    if draw(st.booleans()):
        floor[0, 0] = 0.0  # player 0 accepts only its own ideal
    target = np.array(draw(st.lists(_grid, min_size=d, max_size=d)))[None]
    return pos, w, floor, target, form


def _solve(engine: str, *args: np.ndarray, **kw: object) -> object:
    """The solution, or "infeasible" when the engine reports no package meets the floors."""
    try:
        return solve_blocks(*args, engine=engine, **kw)  # type: ignore[arg-type]
    except ModelError as err:
        assert "infeasible" in str(err)
        return "infeasible"


@settings(max_examples=150, deadline=None)
@given(_blocks())
def test_random_lps_agree_with_highs(case: tuple[np.ndarray, ...]) -> None:
    pos, w, floor, target, form = case
    v = pos.shape[1]
    # Maximin: the best smallest surplus is unique; the package must achieve it.
    best = {
        e: solve_blocks(pos, w, floor, form=form, direction=np.ones((1, v)), engine=e)
        for e in ("kernel", "highs")
    }  # type: ignore[arg-type]
    surplus = best["kernel"].z[0]
    assert surplus == pytest.approx(best["highs"].z[0], abs=U_TOL)
    u = _utility(best["kernel"].x, pos, w, form)[0]
    assert (u - floor[0]).min() >= surplus - U_TOL
    assert ((best["kernel"].x >= 0) & (best["kernel"].x <= 100)).all()
    # Closest package: the L1 distance is unique (the package may not be); infeasibility agrees.
    kernel = _solve("kernel", pos, w, floor, form=form, target=target)
    highs = _solve("highs", pos, w, floor, form=form, target=target)
    assert (kernel == "infeasible") == (highs == "infeasible")
    assert (kernel == "infeasible") == (surplus < -1e-7)
    if kernel != "infeasible":
        x_k, x_h = kernel.x, highs.x  # type: ignore[attr-defined]
        assert np.abs(x_k - target).sum() == pytest.approx(np.abs(x_h - target).sum(), abs=X_TOL)
        assert (_utility(x_k, pos, w, form) >= floor - U_TOL).all()
        # Extent: min and max of every issue over the same set.
        low_k, high_k = zone_extent(pos, w, floor, form=form, engine="kernel")  # type: ignore[arg-type]
        low_h, high_h = zone_extent(pos, w, floor, form=form, engine="highs")  # type: ignore[arg-type]
        np.testing.assert_allclose(low_k, low_h, rtol=0, atol=X_TOL)
        np.testing.assert_allclose(high_k, high_h, rtol=0, atol=X_TOL)
        assert (low_k <= high_k + X_TOL).all()


def test_a_zone_of_one_package_has_no_width() -> None:
    # Veto players at 20 and 60 who each accept nothing farther than 20 away: only 40 remains.
    pos = np.array([[[20.0], [60.0]]])
    w = np.ones((1, 2, 1))
    floor = np.array([[-0.2, -0.2]])
    for engine in ("kernel", "highs"):
        low, high = zone_extent(pos, w, floor, engine=engine)  # type: ignore[arg-type]
        assert (low[0, 0], high[0, 0]) == (pytest.approx(40.0, abs=X_TOL),) * 2


def test_an_empty_zone_is_infeasible_for_both_engines() -> None:
    pos = np.array([[[20.0], [60.0]]])
    w = np.ones((1, 2, 1))
    floor = np.array([[-0.1, -0.1]])  # 20 apart, each within 10: no package
    for engine in ("kernel", "highs"):
        with pytest.raises(ModelError, match=r"the deal optimisation failed: .*infeasible"):
            zone_extent(pos, w, floor, engine=engine)  # type: ignore[arg-type]


def test_blocks_do_not_depend_on_the_others_in_the_call() -> None:
    arrays, wa = _zone_inputs(9, 4, 0.1)
    pos, w, floor = _veto_lp(arrays, wa)
    whole = zone_extent(pos, w, floor - 0.3)
    for k in range(arrays.draws):
        one = zone_extent(pos[k : k + 1], w[k : k + 1], floor[k : k + 1] - 0.3)
        assert one[0].tobytes() == whole[0][k : k + 1].tobytes()
        assert one[1].tobytes() == whole[1][k : k + 1].tobytes()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("nan floor", "missing, infinite or negative value in floor .* on block 1"),
        ("infinite floor", "missing, infinite or negative value in floor .* on block 1"),
        ("position", "positions \\(where the weight is positive\\) on block 1"),
        ("weight", "negative value in weights on block 1"),
    ],
)
def test_bad_input_is_refused_by_name(change: str, message: str) -> None:
    pos = np.full((2, 2, 1), 50.0)
    w = np.ones((2, 2, 1))
    floor = np.full((2, 2), -0.5)
    if change == "nan floor":
        floor[1, 0] = np.nan
    elif change == "infinite floor":
        floor[1, 0] = -np.inf
    elif change == "position":
        pos[1, 1, 0] = np.nan
    else:
        w[1, 0, 0] = -1.0
    for engine in ("kernel", "highs"):
        with pytest.raises(ModelError, match=message):
            solve_blocks(pos, w, floor, direction=np.ones((2, 2)), engine=engine)  # type: ignore[arg-type]


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ModelError, match="unknown LP engine 'glpk'; expected 'kernel' or 'highs'"):
        solve_blocks(np.zeros((1, 1, 1)), np.ones((1, 1, 1)), np.zeros((1, 1)), engine="glpk")  # type: ignore[arg-type]


def test_an_unbounded_lp_is_refused_by_both_engines() -> None:
    # No direction: nothing limits z.
    pos, w = np.full((1, 2, 1), 50.0), np.ones((1, 2, 1))
    for engine in ("kernel", "highs"):
        with pytest.raises(
            ModelError, match=r"(?i)the deal optimisation failed: the problem is unbounded"
        ):
            solve_blocks(pos, w, np.full((1, 2), -0.5), direction=np.zeros((1, 2)), engine=engine)  # type: ignore[arg-type]


def test_a_block_the_simplex_gives_up_on_is_solved_by_highs() -> None:
    """With no step budget every block stalls; the answers are then HiGHS's, not an error."""
    arrays, wa = _zone_inputs(6, 3, 0.0)
    pos, w, floor = _veto_lp(arrays, wa)
    d = pos.shape[2]
    extents = np.broadcast_to(np.concatenate([np.eye(d), -np.eye(d)]), (6, 2 * d, d))
    x, _ = _solve_kernel(pos, w, floor, "linear", None, extents, None, steps_per_column=0)
    low, high = zone_extent(pos, w, floor, engine="highs")
    ext = x.reshape(6, 2, d, d)
    np.testing.assert_allclose(ext[:, 0, np.arange(d), np.arange(d)], low, rtol=0, atol=X_TOL)
    np.testing.assert_allclose(ext[:, 1, np.arange(d), np.arange(d)], high, rtol=0, atol=X_TOL)
    # The maximin LP (z, a direction per veto player) falls back with its z.
    direction = np.ones(floor.shape)
    none = np.zeros((6, 1, d))
    _, z = _solve_kernel(pos, w, floor, "linear", direction, none, None, steps_per_column=0)
    reference = solve_blocks(pos, w, floor, direction=direction, engine="highs")
    np.testing.assert_allclose(z[:, 0], reference.z, rtol=0, atol=U_TOL)
