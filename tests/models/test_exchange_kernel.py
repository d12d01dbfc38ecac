"""The compiled exchange kernel (``engine="kernel"``) against the numpy reference (``"numpy"``).

The reference is the definition (issue 14): on the spec test vectors and on random cases both
engines must agree to 1e-9 in outcomes, trajectories, counts and events (the same exchanges in
the same order), with the random settings (REX, seeded ties) drawing the same keyed numbers; and
the kernel's results must not depend on the number of threads or on how the draws are split.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba_threads import numba_threads

from detente import load_scenario
from detente.models import Forecast
from detente.models.exchange import ExchangeParams, exchange
from detente.scenario import ScenarioArrays

ATOL = 1e-9
# Event columns that name who and what: equal, not close.
EXACT = ("draw", "round", "order", "actor_i", "actor_j", "issue_supplied_i", "issue_supplied_j")
FLAGS = ("overshoot_cut", "tied", "rex_infeasible")


def _engines(arrays: ScenarioArrays, **values: Any) -> tuple[Forecast, Forecast]:
    return (
        exchange(arrays, ExchangeParams(engine="kernel", **values)),
        exchange(arrays, ExchangeParams(engine="numpy", **values)),
    )


def _numbers(f: Forecast) -> dict[str, np.ndarray]:
    """Every numeric result of a run, by name."""
    assert f.rounds is not None
    out = {"outcome": f.outcome, "mean": f.rounds.mean, "median": f.rounds.median}
    if f.rounds.positions is not None:
        out["positions"] = f.rounds.positions
    for key in ("voting_outcome", "candidates", "realized", "ties"):
        out[key] = np.asarray(f.extras[key], dtype=float)
    for key in ("from_i", "to_i", "from_j", "to_j", "gain", "gain_i", "gain_j"):
        out[f"events.{key}"] = np.asarray(f.events[key], dtype=float)
    return out


def assert_same_run(kernel: Forecast, reference: Forecast, atol: float = ATOL) -> None:
    """Same stop rule, rounds, exchanges (who, with whom, on what, flags) and numbers."""
    assert kernel.rounds is not None and reference.rounds is not None
    assert kernel.rounds.stop_rule == reference.rounds.stop_rule
    np.testing.assert_array_equal(kernel.rounds.stable_round, reference.rounds.stable_round)
    for key in EXACT + FLAGS:
        np.testing.assert_array_equal(kernel.events[key], reference.events[key], err_msg=key)
    ours, theirs = _numbers(kernel), _numbers(reference)
    assert ours.keys() == theirs.keys()
    for key, value in ours.items():
        np.testing.assert_allclose(value, theirs[key], rtol=0, atol=atol, err_msg=key)


def _grid_case(draws: int, n: int, d: int, seed: int) -> ScenarioArrays:
    """A seeded case on a coarse grid of positions (many ties, joined actors)."""
    rng = np.random.default_rng(seed)
    shape = (draws, n, d)
    return ScenarioArrays.build(
        rng.integers(0, 5, shape) * 25.0,
        salience=rng.choice([0.2, 0.5, 1.0], shape),
        capability=np.broadcast_to(rng.uniform(0.2, 1.0, (draws, n, 1)), shape),
    )


SAMPLE = load_scenario("decide-sample").to_arrays()
UKRAINE = load_scenario("ukraine-2026").to_arrays(draws=12, seed=4)
REX = {"rex_p": 0.6, "seed": 3}
SPEC_CASES: list[tuple[str, ScenarioArrays, dict[str, Any]]] = [
    ("sample, decide, 10 rounds (§10.3)", SAMPLE, {"rounds": 10}),
    ("sample, clean, 10 rounds (§10.4)", SAMPLE, {"rounds": 10, "bookkeeping": "clean"}),
    ("sample, REX once", SAMPLE, {"rounds": 5, **REX}),
    (
        "sample, REX on recompute, clean",
        SAMPLE,
        {"rounds": 5, "rex_redraw": "on_recompute", "bookkeeping": "clean", **REX},
    ),
    ("sample, full REX", SAMPLE, {"rounds": 3, "rex_p": 1.0, "rex_side_threshold": 0.2}),
    ("sample, move_max 10", SAMPLE, {"rounds": 5, "move_max": 10.0}),
    ("sample, until_stable", SAMPLE, {"rounds": 40, "until_stable": 0.5}),
    (
        "grid 8 × 4, seeded ties",
        _grid_case(3, 8, 4, 1),
        {"rounds": 6, "tie_break": "seeded_random"},
    ),
    (
        "grid 8 × 4, seeded ties, tolerance 0.05, REX on recompute",
        _grid_case(3, 8, 4, 2),
        {
            "rounds": 4,
            "tie_break": "seeded_random",
            "tie_tolerance": 0.05,
            "rex_redraw": "on_recompute",
            **REX,
        },
    ),
    ("ukraine-2026, 12 draws, until stable", UKRAINE, {"rounds": 30, "until_stable": 0.0}),
    ("ukraine-2026, 12 draws, summary", UKRAINE, {"rounds": 5, "keep": "summary"}),
]


@pytest.mark.parametrize(
    ("arrays", "values"), [c[1:] for c in SPEC_CASES], ids=[c[0] for c in SPEC_CASES]
)
def test_kernel_equals_the_reference_on_the_spec_vectors(
    arrays: ScenarioArrays, values: dict[str, Any]
) -> None:
    assert_same_run(*_engines(arrays, **values))


def test_the_kernel_realizes_the_spec_round_one() -> None:
    # A guard against both engines drifting together: §10.3, 39 exchanges in round 1.
    f = exchange(SAMPLE, ExchangeParams(rounds=1, engine="kernel"))
    assert len(f.events["gain"]) == 39
    assert f.outcomes["tolheffing-binnenstad"] == pytest.approx(67.177856, abs=1e-6)


@st.composite
def random_cases(draw: st.DrawFn) -> tuple[ScenarioArrays, dict[str, Any]]:
    """A few draws of a random case and random settings.

    Positions are continuous or on a coarse grid (ties in gains and at the outcome); saliences
    include 0 and 1 (degenerate candidates, equal ratios); an actor may lack a position.
    """
    b, n, d = draw(st.integers(1, 3)), draw(st.integers(3, 8)), draw(st.integers(2, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        positions = rng.integers(0, 5, (b, n, d)) * 25.0
    else:
        positions = rng.uniform(0, 100, (b, n, d))
    mask = np.ones((n, d), dtype=bool)
    if draw(st.booleans()):
        mask[rng.integers(0, n), rng.integers(0, d)] = False
    salience = rng.choice([0.0, 0.3, 1.0, *rng.uniform(0, 1, 4)], (b, n, d))
    # A positive weight on every issue (otherwise the input is refused).
    salience[:, 0, :] = np.maximum(salience[:, 0, :], 0.2)
    salience[:, 1, :] = np.maximum(salience[:, 1, :], 0.2)
    mask[:2] = True
    arrays = ScenarioArrays.build(
        np.where(mask, positions, np.nan),
        salience=salience,
        capability=rng.uniform(0.01, 1.0, (b, n, d)),
        mask=mask,
    )
    values = {
        "bookkeeping": draw(st.sampled_from(["decide", "clean"])),
        "tie_break": draw(st.sampled_from(["generation_order", "seeded_random"])),
        "tie_tolerance": draw(st.sampled_from([1e-12, 1e-3, 0.1])),
        "move_max": draw(st.sampled_from([100.0, 20.0])),
        "rex_p": draw(st.sampled_from([0.0, 0.0, 0.5, 1.0])),
        "rex_redraw": draw(st.sampled_from(["once", "on_recompute"])),
        "rex_side_threshold": draw(st.sampled_from([0.5, 0.0, 1.0])),
        "rex_win_threshold": draw(st.sampled_from([0.5, 0.9])),
        "seed": draw(st.integers(0, 5)),
        "rounds": draw(st.integers(1, 5)),
        "until_stable": draw(st.sampled_from([None, 0.0, 1.0])),
    }
    return arrays, values


@settings(max_examples=150, deadline=None)
@given(random_cases())
def test_kernel_equals_the_reference_on_random_cases(
    case: tuple[ScenarioArrays, dict[str, Any]],
) -> None:
    arrays, values = case
    assert_same_run(*_engines(arrays, **values))


def _bytes(f: Forecast) -> list[bytes]:
    return [v.tobytes() for v in _numbers(f).values()] + [
        np.asarray(f.events[k]).astype(str).tobytes() for k in EXACT + FLAGS
    ]


@pytest.mark.parametrize("values", [{}, {"tie_break": "seeded_random", **REX}])
def test_results_are_byte_identical_with_one_and_two_threads(values: dict[str, Any]) -> None:
    assert numba.config.NUMBA_NUM_THREADS >= 2, "the thread-count test needs 2 numba threads"
    arrays = load_scenario("ukraine-2026").to_arrays(draws=60, seed=2)
    params = ExchangeParams(rounds=5, **values)
    with numba_threads(1):
        one = exchange(arrays, params)
    with numba_threads(2):
        two = exchange(arrays, params)
    assert _bytes(one) == _bytes(two)


@pytest.mark.parametrize("engine", ["kernel", "numpy"])
def test_a_draws_run_does_not_depend_on_its_batch(engine: str) -> None:
    # Each draw alone gives the same exchanges and numbers as in the whole batch.
    arrays = _grid_case(6, 7, 3, 5)
    params = ExchangeParams(rounds=4, tie_break="seeded_random", engine=engine, **REX)
    whole = exchange(arrays, params)
    for k in range(6):
        alone = exchange(arrays.take(slice(k, k + 1)), params)
        rows = np.asarray(whole.events["draw"]) == k
        for key in ("gain", "from_i", "to_j", "tied"):
            own = np.asarray(alone.events[key])
            np.testing.assert_array_equal(own, np.asarray(whole.events[key])[rows], err_msg=key)
        assert alone.outcome.tobytes() == whole.outcome[k : k + 1].tobytes()
