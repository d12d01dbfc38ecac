"""KTAB's spatial model of politics reproduces KTAB's runs (``specs/smp.md`` §8.2–8.6).

Positions under S1P1/S2P2 are multiples of 0.01 and must match exactly (abs 1e-9 on 0–100);
unrounded ones (S2PMax, PWCompInterp) to the tables' 2 decimals (abs 5e-3); step counts exactly;
KTAB's 4-decimal probabilities within 5e-5 and [spec] values within 1e-6 (§8.1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pytest import approx
from smp_variants import DUMMY_VARIANTS, FIELDS, POL_COMP_VARIANTS, UNROUNDED

from detente import forecast, load_scenario
from detente.models import get

DATA = Path(__file__).parents[1] / "data" / "smp"
SMP = get("smp")

# §8.2 positions by state [KTAB]: POSITIONS[actor][dim] = values at t = 0..10.
POSITIONS = [
    [
        [75.79, 79.54, 80.56, 80.59, 78.54, 78.54, 78.55, 78.55, 78.56, 78.56, 78.56],
        [6.37, 44.71, 34.24, 35.04, 30.53, 30.53, 31.17, 31.16, 31.54, 31.76, 31.76],
        [70.45, 72.05, 75.95, 76.06, 74.02, 74.02, 74.03, 74.03, 74.04, 74.05, 74.05],
    ],
    [
        [82.72, 78.93, 76.04, 78.31, 79.05, 79.05, 79.14, 78.55, 79.88, 78.56, 78.56],
        [73.50, 56.33, 27.49, 30.51, 30.57, 30.57, 30.94, 31.17, 34.37, 31.76, 31.76],
        [64.00, 72.52, 72.02, 73.78, 74.21, 74.21, 74.32, 74.03, 75.17, 74.05, 74.05],
    ],
    [
        [82.45] * 11,
        [90.89] * 11,
        [0.07] * 11,
    ],
    [
        [62.52, 65.82, 66.71, 66.71, 66.71, 66.71, 67.12, 67.12, 67.12, 67.12, 67.12],
        [50.82, 50.76, 50.21, 50.21, 50.21, 50.21, 50.12, 50.12, 50.12, 50.12, 50.12],
        [62.33, 63.02, 63.52, 63.52, 63.52, 63.52, 63.73, 63.73, 63.73, 63.73, 63.73],
    ],
    [
        [82.34, 79.54, 81.46, 78.31, 78.54, 78.54, 78.56, 80.48, 78.56, 78.60, 78.60],
        [45.77, 44.72, 35.82, 30.51, 30.53, 30.53, 30.60, 34.61, 31.55, 31.65, 31.65],
        [73.31, 72.05, 79.11, 73.78, 74.02, 74.02, 74.05, 75.92, 74.04, 74.11, 74.11],
    ],
    [
        [84.48, 84.39, 80.56, 80.69, 80.59, 80.52, 80.52, 80.48, 79.88, 79.88, 79.88],
        [33.70, 34.05, 34.24, 34.28, 34.66, 34.62, 34.62, 34.61, 34.37, 34.37, 34.37],
        [88.11, 86.34, 75.95, 76.28, 76.06, 75.95, 75.95, 75.92, 75.17, 75.17, 75.16],
    ],
    [
        [70.96, 75.61, 76.04, 77.42, 77.42, 80.52, 78.55, 78.55, 78.66, 78.66, 78.60],
        [33.46, 24.79, 27.49, 28.70, 28.70, 34.62, 31.17, 31.17, 31.27, 31.27, 31.65],
        [90.36, 71.95, 72.02, 72.97, 72.97, 75.95, 74.03, 74.03, 74.08, 74.08, 74.11],
    ],
]

# §8.2 per-actor reported probability by state [KTAB], rows = actors, columns t = 0..10.
ACTOR_PROBABILITY = [
    [0.0047, 0.6059, 0.3618, 0.2234, 0.2420, 0.4040, 0.4031, 0.3546, 0.4593, 0.3962, 0.3340],
    [0.0302, 0.0509, 0.3087, 0.3684, 0.2457, 0.1811, 0.1290, 0.3546, 0.2960, 0.3962, 0.3340],
    [0.0054, 0.0096, 0.0256, 0.0158, 0.0096, 0.0339, 0.0072, 0.0571, 0.0194, 0.0074, 0.0183],
    [0.1492, 0.1406, 0.1887, 0.1674, 0.0823, 0.2564, 0.0533, 0.2768, 0.1131, 0.0507, 0.0957],
    [0.6001, 0.6059, 0.1152, 0.3684, 0.2420, 0.4040, 0.0446, 0.3115, 0.4593, 0.1730, 0.1512],
    [0.1447, 0.1217, 0.3618, 0.0649, 0.3687, 0.1246, 0.3628, 0.3115, 0.2960, 0.3530, 0.4009],
    [0.0656, 0.0713, 0.3087, 0.1602, 0.0517, 0.1246, 0.4031, 0.3546, 0.1123, 0.0198, 0.1512],
]


@pytest.fixture(scope="module")
def dummy():
    return SMP(load_scenario("ktab-dummy-3dim").to_arrays())


def test_dummy_runs_ten_steps_like_ktab(dummy) -> None:
    # §8.2: 10 steps, 11 states.
    assert dummy.rounds.n_rounds == 10
    assert dummy.rounds.stable_round.tolist() == [10]
    assert dummy.rounds.stop_rule.startswith("KTAB movement rule")


def test_dummy_positions_match_ktab_at_every_turn(dummy) -> None:
    # §8.2 "Positions by state [KTAB]": every coordinate of every actor at every turn, exactly.
    expected = np.array(POSITIONS).transpose(2, 0, 1)  # [t, actor, dim]
    assert dummy.rounds.positions[0] == approx(expected, abs=1e-9)


def test_dummy_per_actor_probabilities_match_ktab(dummy) -> None:
    # §8.2 "Per-actor reported probability by state [KTAB]" (4 decimals).
    got = dummy.extras["actor_probability"][0].T
    assert got == approx(np.array(ACTOR_PROBABILITY), abs=5e-5)


def test_dummy_distinct_positions_and_outcome(dummy) -> None:
    # §8.2 final state [spec]: representatives 0, 2, 3, 4, 5 with these probabilities.
    final = dummy.extras["distinct_probability"][0, -1]
    assert final == approx([0.333997, 0, 0.018268, 0.095654, 0.151212, 0.400869, 0], abs=1e-6)
    initial = dummy.extras["distinct_probability"][0, 0]
    assert initial == approx(
        [0.004736, 0.030217, 0.005404, 0.149213, 0.600133, 0.144671, 0.065627], abs=1e-6
    )
    # §4.13 Détente outcome: mean 78.0720 / 35.6260 / 72.1654; mode SActor-05's position.
    assert dummy.outcome[0] == approx([78.0720, 35.6260, 72.1654], abs=1e-4)
    assert dummy.extras["mode"][0] == approx([79.88, 34.37, 75.16], abs=1e-9)


def test_dummy_turn_zero_risk_attitudes(dummy) -> None:
    # §8.2 "Position PCE and risk attitudes" and turns 1 and 2 [spec].
    risk = dummy.extras["risk_attitude"][0]
    assert risk[0] == approx(
        [-0.500000, -0.459251, -0.499462, -0.274054, 1.000000, -0.231862, -0.430327], abs=1e-6
    )
    assert risk[1] == approx(
        [1.000000, -0.468750, -0.500000, -0.473738, 0.654838, -0.462155, -0.468950], abs=1e-6
    )
    assert risk[2] == approx(
        [1.000000, -0.387511, -0.500000, -0.478698, -0.460012, 1.000000, -0.387511], abs=1e-6
    )


def test_dummy_turn_zero_challenges_and_bargains(dummy) -> None:
    # §8.2 "Targets and bargains": initiator → receiver, P^I_IJ, gain, and who adopted what.
    events = dummy.events_frame()
    first = events[events["round"] == 1]
    assert first["initiator"].tolist() == [f"SActor-0{i}" for i in range(7)]
    assert first["receiver"].tolist() == [f"SActor-0{j}" for j in (6, 0, 6, 0, 0, 1, 1)]
    assert first["win_probability"].to_numpy() == approx(
        [0.764309, 0.796420, 0.833442, 0.805608, 0.583594, 0.851036, 0.396973], abs=1e-6
    )
    assert first["gain"].to_numpy() == approx(
        [0.094735, 0.280999, 0.471133, 0.283872, 0.011577, 0.298633, 0.028584], abs=1e-6
    )
    # Bargain 4→0 moves SActor-04 to 79.54/44.72/72.05 and SActor-00 to 79.54/44.71/72.05.
    row = first[first["initiator"] == "SActor-04"].iloc[0]
    assert [row[f"initiator_to_Pstn{k}"] for k in (1, 2, 3)] == approx([79.54, 44.72, 72.05])
    assert [row[f"receiver_to_Pstn{k}"] for k in (1, 2, 3)] == approx([79.54, 44.71, 72.05])
    # Chosen options: 0 takes 4→0, 1 takes 6→1, 2 keeps its position (queue prefers SQ), 3 takes
    # 3→0, 4 takes 4→0, 5 takes 5→1, 6 takes 0→6 (not its own challenge of 1).
    assert first["initiator_moved"].tolist() == [False, False, False, True, True, True, False]
    assert first["receiver_moved"].tolist() == [True, False, False, False, True, False, True]


def test_dummy_capability_scale_does_not_matter() -> None:
    # §8.7: multiplying every capability by 0.01, 10 or 1000 leaves the history bit-identical.
    scenario = load_scenario("ktab-dummy-3dim")
    arrays = scenario.to_arrays()
    base = SMP(arrays).rounds.positions
    for factor in (0.01, 10.0, 1000.0):
        scaled = type(arrays)(**{**arrays.__dict__, "capability": arrays.capability * factor})
        assert np.array_equal(SMP(scaled).rounds.positions, base)


@pytest.mark.parametrize(
    ("name", "steps", "expected", "outcome"),
    [
        (
            "ktab-soe-pol-comp",
            27,
            {
                "XJ": [43.18, 43.30],
                "LK": [43.23, 43.27],
                "XS": [38.59, 29.52],
                "MOF": [38.82, 30.72],
                "WY": [15.00, 60.00],
            },
            [39.7280, 32.7835],
        ),
        (
            "ktab-soe-competitive",
            35,
            {
                "XJ": [35.76],
                "LK": [37.50],
                "ZG": [38.60],
                "MEP": [34.90],
                "FC": [64.72],
                "SH": [34.78],
            },
            [35.0742],
        ),
    ],
)
def test_real_cases_final_positions_and_steps(name, steps, expected, outcome) -> None:
    # §8.3 (13×2, 27 steps) and §8.5 (34×1, 35 steps): final positions [KTAB], exactly.
    f = forecast(name, "smp")
    assert f.rounds.n_rounds == steps
    final = f.rounds.positions[0, -1]
    for actor, coords in expected.items():
        assert final[f.actor_ids.index(actor)] == approx(coords, abs=1e-9)
    # §4.13 Détente outcome (probability-weighted mean of distinct final positions).
    assert f.outcome[0] == approx(outcome, abs=1e-4)


def test_pol_comp_early_turns_and_final_probabilities() -> None:
    # §8.3: positions at t = 1..3 and final per-actor probabilities [spec].
    f = forecast("ktab-soe-pol-comp", "smp")
    pos = f.rounds.positions[0]
    ids = f.actor_ids
    assert pos[1, ids.index("XS")] == approx([42.94, 38.75], abs=1e-9)
    assert pos[2, ids.index("NEA")] == approx([39.66, 35.35], abs=1e-9)
    assert pos[3, ids.index("SHX")] == approx([31.43, 20.64], abs=1e-9)
    assert f.extras["actor_probability"][0, -1] == approx(
        [
            0.229884,
            0.229884,
            0.110356,
            0.110356,
            0.110356,
            0.220212,
            0.206318,
            0.206318,
            0.206318,
            0.233006,
            0.233006,
            0.233006,
            0.000223,
        ],
        abs=1e-6,
    )
    initial = [
        0.0618,
        0.0156,
        0.0117,
        0.4340,
        0.0028,
        0.0000,
        0.0020,
        0.0013,
        0.0117,
        0.2481,
        0.1533,
        0.0689,
        0.0005,
    ]
    assert f.extras["actor_probability"][0, 0] == approx(initial, abs=5e-5)


def test_soe_policy_from_shared_layout_matches_ktab() -> None:
    # §8.4 (26×1, 19 steps), read from the single-issue CSV: final positions [KTAB] and the
    # non-transitive per-actor figure of ZG (reported with SHX's probability, §7.10).
    f = forecast(DATA / "ktab_soe_policy.csv", "smp")
    assert f.rounds.n_rounds == 19
    final = f.rounds.positions[0, -1, :, 0]
    assert final[:6] == approx([38.73, 41.01, 38.64, 38.87, 38.72, 38.73], abs=1e-9)
    assert final[f.actor_ids.index("IOC")] == approx(36.95, abs=1e-9)
    prob = f.extras["actor_probability"][0, -1]
    assert prob[f.actor_ids.index("ZG")] == approx(0.330270, abs=1e-6)
    assert f.outcome[0, 0] == approx(38.5575, abs=1e-4)


def test_accommodation_from_ktab_xml() -> None:
    # §8.6 "Accommodation", second dummy row [KTAB]: 6 steps, actor 0's position and ideal, and
    # the sums of final positions and ideals.
    f = forecast(DATA / "ktab_dummy_3dim.xml", "smp")
    assert f.rounds.n_rounds == 6
    assert f.rounds.positions[0, -1, 0] == approx([79.50, 44.74, 72.04], abs=1e-9)
    assert f.extras["ideals"][0, -1, 0] == approx([79.4984, 44.8275, 72.0282], abs=5e-5)
    assert f.rounds.positions[0, -1].sum() == approx(1349.30, abs=1e-6)
    assert f.extras["ideals"][0, -1].sum() == approx(1336.6977, abs=5e-5)


def _pol_comp_pulls(diagonal: float) -> list[list[float]]:
    a = np.eye(13) * diagonal
    a[0, 1] = 0.2  # XJ's ideal toward LK's position
    a[5, 0] = 0.3  # XS's ideal toward XJ's position
    return a.tolist()


@pytest.mark.parametrize(
    ("case", "matrix", "steps", "actor0", "ideal0", "positions_sum", "ideals_sum"),
    [
        (
            "ktab-dummy-3dim",
            (np.eye(7) * 0.5).tolist(),
            7,
            [74.08, 44.69, 67.74],
            [74.3641, 44.4105, 67.9920],
            1298.45,
            1302.5259,
        ),
        (
            "ktab-soe-pol-comp",
            (np.eye(13) * 0.3).tolist(),
            20,
            [27.35, 29.18],
            [28.2440, 28.5461],
            980.02,
            979.3893,
        ),
        (
            "ktab-soe-pol-comp",
            _pol_comp_pulls(0.6),
            21,
            [37.85, 42.14],
            [39.3900, 47.4775],
            1125.39,
            1132.0836,
        ),
    ],
)
def test_accommodation_rows(case, matrix, steps, actor0, ideal0, positions_sum, ideals_sum) -> None:
    # §8.6 "Accommodation" [KTAB]: lagging ideals (a·I) and ideals pulled toward other actors.
    f = forecast(case, "smp", accommodation=matrix)
    assert f.rounds.n_rounds == steps
    assert f.rounds.positions[0, -1, 0] == approx(actor0, abs=1e-9)
    assert f.extras["ideals"][0, -1, 0] == approx(ideal0, abs=5e-5)
    assert f.rounds.positions[0, -1].sum() == approx(positions_sum, abs=1e-6)
    assert f.extras["ideals"][0, -1].sum() == approx(ideals_sum, abs=5e-5)


def test_soe_pol_comp_accommodation_with_markov_incentive() -> None:
    # §8.6 "Accommodation", last row: 0.6 I plus A[XJ, LK] = 0.2, A[XS, XJ] = 0.3.
    params = {"accommodation": _pol_comp_pulls(0.6), "pce_model": "MarkovIncentive"}
    f = forecast("ktab-soe-pol-comp", "smp", **params)
    assert f.rounds.n_rounds == 13
    assert f.rounds.positions[0, -1, 0] == approx([43.09, 42.75], abs=1e-9)
    assert f.extras["ideals"][0, -1, 0] == approx([43.5108, 48.1753], abs=5e-5)
    assert f.rounds.positions[0, -1].sum() == approx(1129.49, abs=1e-6)


@pytest.mark.parametrize(("option", "steps", "final", "label"), DUMMY_VARIANTS)
def test_dummy_option_variants(option, steps, final, label) -> None:
    # §8.6 `ktab_dummy_3dim.csv`: steps exactly, final positions to the table's precision.
    params = SMP.make_params(**{FIELDS[k]: v for k, v in option.items()})
    f = SMP(load_scenario("ktab-dummy-3dim").to_arrays(), params)
    assert f.rounds.n_rounds == steps
    tol = 5e-3 if option in UNROUNDED else 1e-9
    assert f.rounds.positions[0, -1] == approx(np.array(final), abs=tol)


# The pol-comp variants that run longest (PropCbc 88, Full 87, Cubic 52 steps) stay in: the whole
# table takes a few seconds.
@pytest.mark.parametrize(("option", "steps", "xj", "wy", "total"), POL_COMP_VARIANTS)
def test_pol_comp_option_variants(option, steps, xj, wy, total) -> None:
    # §8.6 `ktab_soe_pol_comp.csv`: steps, XJ and WY, and the sum of all final coordinates.
    params = SMP.make_params(**{FIELDS[k]: v for k, v in option.items()})
    f = SMP(load_scenario("ktab-soe-pol-comp").to_arrays(), params)
    assert f.rounds.n_rounds == steps
    final = f.rounds.positions[0, -1]
    tol = 5e-3 if option in UNROUNDED else 1e-9
    assert final[0] == approx(xj, abs=tol)
    assert final[-1] == approx(wy, abs=tol)
    assert final.sum() == approx(total, abs=5e-3 if tol > 1e-9 else 1e-6)


def test_per_turn_summaries_of_draws_that_stop_early_are_a_full_pass() -> None:
    """Draws of one batch stop at different turns; their summaries are computed up to their own
    last turn and repeated after it, which must equal the statistics of the padded record."""
    from detente.models._weighted import weighted_mean, weighted_median

    f = forecast("ukraine-2026", "smp", draws=30, seed=4, keep="full")
    steps = f.rounds.stable_round
    assert steps.min() < steps.max(), "the case should have draws that stop early"
    by_issue = np.swapaxes(f.rounds.positions, 2, 3)  # [B, T+1, D, N], issue scale
    arrays = load_scenario("ukraine-2026").to_arrays(draws=30, seed=4)
    cap = np.broadcast_to(arrays.capability.transpose(0, 2, 1)[:, None], by_issue.shape)
    np.testing.assert_array_equal(f.rounds.median, weighted_median(by_issue, cap))
    np.testing.assert_allclose(f.rounds.mean, weighted_mean(by_issue, cap), rtol=1e-12)


def test_keep_summary_logs_draw_zero_only_and_drops_the_ideals() -> None:
    """A summary run keeps the per-turn summaries of every draw but logs only the bargains of
    the run's draw 0 (as eum and exchange do), in whichever chunk holds it."""
    full = forecast("ukraine-2026", "smp", draws=6, seed=2, keep="full")
    summary = forecast("ukraine-2026", "smp", draws=6, seed=2, keep="summary", chunk_size=3)
    assert set(np.unique(full.events["draw"]).tolist()) == set(range(6))
    assert "ideals" in full.extras and "ideals" not in summary.extras
    assert summary.rounds.positions is None
    first = full.events["draw"] == 0
    assert first.sum() > 0 and summary.events["draw"].size == first.sum()
    for key, column in summary.events.items():
        np.testing.assert_array_equal(column, full.events[key][first], err_msg=key)
    np.testing.assert_array_equal(summary.rounds.median, full.rounds.median)
    np.testing.assert_array_equal(summary.outcome, full.outcome)
