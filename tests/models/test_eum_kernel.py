"""The compiled kernel (``engine="kernel"``) against the numpy reference (``engine="numpy"``).

The reference is the definition (issue 14): on every spec test vector and on random cases both
engines must agree to 1e-9 in outcomes, trajectories, security levels, risk exponents and events,
and the kernel's results must not depend on the number of threads or on how the draws are split.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numba
import numpy as np
import pytest
from eum_cases import BE, FR, emission, sultan
from hypothesis import given, settings
from hypothesis import strategies as st
from numba_threads import numba_threads

from detente import load_scenario
from detente.models import Forecast
from detente.models.eum import EumParams, eum
from detente.models.eum._kernel import play_round_kernel
from detente.models.eum._round import play_round
from detente.scenario import ScenarioArrays

ATOL = 1e-9


def _engines(arrays: ScenarioArrays, **values: Any) -> tuple[Forecast, Forecast]:
    return (
        eum(arrays, EumParams(engine="kernel", **values)),
        eum(arrays, EumParams(engine="numpy", **values)),
    )


def _numbers(f: Forecast) -> dict[str, np.ndarray]:
    """Every numeric result of a run, by name."""
    assert f.rounds is not None
    out = {"outcome": f.outcome, "mean": f.rounds.mean, "median": f.rounds.median}
    if f.rounds.positions is not None:
        out["positions"] = f.rounds.positions
    for key in ("security", "risk_exponent"):
        if key in f.extras:
            out[key] = f.extras[key]
    for key in ("eu_actor", "eu_counterpart", "position_from", "position_to"):
        out[f"events.{key}"] = np.asarray(f.events[key], dtype=float)
    return out


def assert_same_run(kernel: Forecast, reference: Forecast, atol: float = ATOL) -> None:
    """Same stop rule, rounds, events (who, with whom, which offer) and numbers within ``atol``."""
    assert kernel.rounds is not None and reference.rounds is not None
    assert kernel.rounds.stop_rule == reference.rounds.stop_rule
    np.testing.assert_array_equal(kernel.rounds.stable_round, reference.rounds.stable_round)
    for key in ("draw", "round", "issue", "actor", "counterpart", "offer"):
        np.testing.assert_array_equal(kernel.events[key], reference.events[key], err_msg=key)
    ours, theirs = _numbers(kernel), _numbers(reference)
    assert ours.keys() == theirs.keys()
    for key, value in ours.items():
        np.testing.assert_allclose(value, theirs[key], rtol=0, atol=atol, err_msg=key)
    assert kernel.extras["conventions"] == reference.extras["conventions"]


def _sultan_cases() -> Iterator[tuple[str, ScenarioArrays, dict[str, Any]]]:
    yield (
        "sultan, capitulation disabled (§9.8)",
        sultan(),
        {"rounds": 5, "capitulation": "disabled"},
    )
    yield "sultan, figure 6 (§9.8)", sultan(), {"rounds": 5}
    for scale in ((0.0, 100.0), (12.0, 15.0)):
        yield f"sultan {scale}, until_stable", sultan(scale), {"rounds": 5, "until_stable": 2.0}


SPEC_CASES: list[tuple[str, ScenarioArrays, dict[str, Any]]] = [
    ("emission, replication (§9.2–9.6)", emission(), {}),
    ("emission, paper (§9.7)", emission(), {"conventions": "paper"}),
    ("emission, Q = 0.5 (§9.9)", emission(), {"status_quo_prob": 0.5}),
    (
        "emission, least_move, 5 rounds",
        emission(),
        {"compromise_choice": "least_move", "rounds": 5},
    ),
    ("emission, other's exponent (§9.4)", emission(), {"other_eu_risk": "other"}),
    ("emission, printed salience (§3.5)", emission(), {"challenge_salience": "printed"}),
    ("emission, current range (§7 row 1)", emission(), {"range_source": "current_positions"}),
    ("emission, mean forecast", emission(), {"forecast_statistic": "mean"}),
    ("emission, until_stable", emission(), {"until_stable": 0.01}),
    ("emission, paper with Q = 0.5", emission(), {"conventions": "paper", "status_quo_prob": 0.5}),
    *_sultan_cases(),
    (
        "all at one position (§6)",
        ScenarioArrays.build([50, 50, 50], salience=[0.5, 0.6, 0.7], capability=[1, 2, 3]),
        {},
    ),
    ("one actor", ScenarioArrays.build([30.0], salience=[0.5]), {}),
    (
        "an actor without a position",
        ScenarioArrays.build(
            np.array([[4, 40.0], [7, 70], [10, 100], [5, np.nan]]),
            salience=[0.8, 0.4, 0.6, 0.5],
            mask=np.array([[1, 1], [1, 1], [1, 1], [1, 0]], dtype=bool),
        ),
        {},
    ),
    ("ukraine-2026, 30 draws", load_scenario("ukraine-2026").to_arrays(draws=30, seed=4), {}),
    (
        "ukraine-2026, 30 draws, paper, Q = 0.5, summary",
        load_scenario("ukraine-2026").to_arrays(draws=30, seed=5),
        {"conventions": "paper", "status_quo_prob": 0.5, "keep": "summary"},
    ),
]


@pytest.mark.parametrize(
    ("arrays", "values"), [c[1:] for c in SPEC_CASES], ids=[c[0] for c in SPEC_CASES]
)
def test_kernel_equals_the_reference_on_the_spec_vectors(
    arrays: ScenarioArrays, values: dict[str, Any]
) -> None:
    assert_same_run(*_engines(arrays, **values))


def test_the_kernel_reproduces_the_published_trajectory() -> None:
    # A guard against both engines drifting together: §9.5 medians [re-run], kernel only.
    f = eum(emission(), EumParams(engine="kernel"))
    medians = [7.0, 8.415932, 9.610859, 9.961980, 9.961980, 9.961980, 7.472046, 8.824594,
               9.671130, 9.671130, 7.0]  # fmt: skip
    np.testing.assert_allclose(f.rounds.median[0, :, 0], medians, atol=1e-6)


def test_least_move_reaches_a_pair_on_the_compromise_boundary_in_round_six() -> None:
    # With `least_move` the emission run takes Belgium to within 5e-8 years of France; in round 6
    # Belgium's view of France is a ≈ -b ≈ 3e-9, so a + b (whose sign decides compromise or not,
    # §4.1) is below the rounding error of EU's terms of order 1 (about 1e-16): the last bits of
    # exp and log decide the class. The engines agree up to that round and both see the tie.
    from detente.models.eum._model import _play_in_blocks

    arrays = emission()
    kernel, reference = _engines(arrays, compromise_choice="least_move")
    np.testing.assert_allclose(kernel.rounds.positions[0, :6], reference.rounds.positions[0, :6],
                               rtol=0, atol=ATOL)  # fmt: skip
    lo, hi = arrays.scale_min[0], arrays.scale_max[0]
    x5 = (reference.rounds.positions[0, 5, :, 0][None] - lo) / (hi - lo) * 100  # 0–100 scale
    w, s = (arrays.capability * arrays.salience)[:, :, 0], arrays.salience[:, :, 0]
    valid, span = np.ones((1, 10), bool), np.array([(10 - 4) / (hi - lo) * 100])
    conv = EumParams(compromise_choice="least_move").resolve()
    for play in (play_round_kernel, _play_in_blocks):
        moves, _, _ = play(x5, w, s, valid, span, conv)
        assert moves.offer[0, BE] == 1  # a compromise either way, with France or the Netherlands
    result = play_round(x5, w, s, valid, span, conv)
    a, b = result.a[0, BE, FR], result.b[0, BE, FR]
    assert 0 < -a < 1e-8 and 0 < b < 1e-8
    assert abs(a + b) < 1e-15


@st.composite
def random_cases(draw: st.DrawFn) -> tuple[ScenarioArrays, dict[str, Any]]:
    """A few draws of a random case and a random convention set.

    Positions are either continuous or on a coarse grid (shared positions: ties in keys, actors
    joining each other, zero distances); some actors may lack a position on an issue.
    """
    b, n, d = draw(st.integers(1, 3)), draw(st.integers(2, 9)), draw(st.integers(1, 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        positions = rng.integers(0, 5, (b, n, d)) * 25.0
    else:
        positions = rng.uniform(0, 100, (b, n, d))
    mask = np.ones((n, d), dtype=bool)
    if n > 2 and draw(st.booleans()):
        mask[rng.integers(0, n), rng.integers(0, d)] = False
    salience = rng.choice([0.0, 0.3, 1.0, *rng.uniform(0, 1, 4)], (b, n, d))
    # At least one vote per issue (otherwise the input is refused, spec §6).
    first = mask.argmax(axis=0)
    salience[:, first, np.arange(d)] = np.maximum(salience[:, first, np.arange(d)], 0.2)
    arrays = ScenarioArrays.build(
        np.where(mask, positions, np.nan),
        salience=salience,
        capability=rng.uniform(0.01, 1.0, (b, n, d)),
        mask=mask,
    )
    values = {
        "conventions": draw(st.sampled_from(["replication", "paper"])),
        "p_denominator": draw(st.sampled_from([None, "global", "dyad"])),
        "p_distance": draw(st.sampled_from([None, "voter_powered", "linear"])),
        "other_eu_risk": draw(st.sampled_from([None, "evaluator", "other"])),
        "challenge_salience": draw(st.sampled_from([None, "target", "printed"])),
        "status_quo_prob": draw(st.sampled_from([None, 0.5, 0.0, 0.8])),
        "capitulation": draw(st.sampled_from([None, "figure6", "disabled"])),
        "compromise_choice": draw(st.sampled_from([None, "min_weighted_position", "least_move"])),
        "offer_tie_break": draw(
            st.sampled_from([None, "input_order", "enforceability_then_input_order"])
        ),
        "median_tie": draw(st.sampled_from([None, "midpoint", "upper"])),
        "range_source": draw(st.sampled_from([None, "current_positions"])),
        "rounds": draw(st.integers(1, 6)),
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
        np.asarray(f.events[k]).astype(str).tobytes() for k in ("actor", "counterpart", "offer")
    ]


def test_results_are_byte_identical_with_one_and_two_threads() -> None:
    # 300 draws × 7 issues = 2,100 rows: many blocks of rows, shared between the threads.
    assert numba.config.NUMBA_NUM_THREADS >= 2, "the thread-count test needs 2 numba threads"
    arrays = load_scenario("ukraine-2026").to_arrays(draws=300, seed=2)
    with numba_threads(1):
        one = eum(arrays, EumParams())
    with numba_threads(2):
        two = eum(arrays, EumParams())
    assert _bytes(one) == _bytes(two)


@pytest.mark.parametrize("size", [1, 7, 40])
def test_results_are_byte_identical_across_chunkings_of_the_draws(size: int) -> None:
    arrays = load_scenario("ukraine-2026").to_arrays(draws=80, seed=3)
    whole = eum(arrays, EumParams())
    parts = [eum(arrays.take(slice(k, k + size)), EumParams()) for k in range(0, 80, size)]
    for key in ("outcome", "mean", "median", "positions", "security", "risk_exponent"):
        joined = np.concatenate([_numbers(p)[key] for p in parts])
        assert joined.tobytes() == _numbers(whole)[key].tobytes(), key
