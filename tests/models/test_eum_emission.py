"""The expected-utility model on the emission-standards case, `replication` set (spec §9.2–§9.6).

Every expected number is quoted from ``specs/eum.md``; values marked [re-run] must match within
1e-4, values marked [spec] within 1e-6.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from eum_cases import BE, DE, FR, GR, IE, IT, LU, NL, emission
from pytest import approx

from detente.models.eum import EumParams, eum
from detente.models.eum._probability import (
    Voters,
    global_denominator,
    vote_margins,
    vote_margins_direct,
)
from detente.models.eum._round import play_round

# Emission case in the file's own units (years): the model is scale-equivariant (§2.1).
X = np.array([[4, 7, 4, 4, 10, 10, 10, 7, 4, 7]], dtype=float)
C = np.array([[0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]])
S = np.array([[80, 40, 20, 80, 60, 60, 90, 10, 100, 70]]) / 100.0
W = C * S
VALID = np.ones((1, 10), dtype=bool)
SPAN = np.array([6.0])
REPLICATION = EumParams().resolve()


@pytest.fixture(scope="module")
def run():  # type: ignore[no-untyped-def]
    return eum(emission(), EumParams())


@pytest.fixture(scope="module")
def round_one():  # type: ignore[no-untyped-def]
    return play_round(X, W, S, VALID, SPAN, REPLICATION)


def test_round_zero_mean_and_median(run) -> None:  # type: ignore[no-untyped-def]
    # §9.2 [re-run]: mean 7.389956, median 7.0.
    assert run.rounds.mean[0, 0, 0] == approx(7.389956, abs=1e-6)
    assert run.rounds.median[0, 0, 0] == approx(7.0, abs=1e-12)


def test_round_one_pass_one_probabilities_and_utilities(round_one) -> None:  # type: ignore[no-untyped-def]
    # §9.3 pass 1 [spec]: global denominator 28.233000; P(NL over BE) 0.00439202,
    # P(BE over NL) 0.00759749; EU(BE → FR)(1) = -0.192753, EU(FR → BE)(1) = 0.204760.
    voters = Voters.build(X, VALID, SPAN)
    assert global_denominator(voters, W, None)[0] == approx(28.233, abs=1e-6)
    p1 = round_one.p_first[0]
    assert p1[NL, BE] == approx(0.00439202, abs=1e-8)
    assert p1[BE, NL] == approx(0.00759749, abs=1e-8)
    assert round_one.eu_first[0, BE, FR] == approx(-0.192753, abs=1e-6)
    assert round_one.eu_first[0, FR, BE] == approx(0.204760, abs=1e-6)


def test_round_one_security_levels_and_risk_exponents(round_one) -> None:  # type: ignore[no-untyped-def]
    # §9.3: S_i [spec, 1e-6] and r_i [re-run, 1e-4] in the order NL … GR.
    security = [-5.249283, 1.428336, 5.437679, -5.249283, -2.093933, -2.093933, -8.640899,
                5.607084, -8.811603, -2.750413]  # fmt: skip
    exponents = [1.405653, 0.754196, 0.508864, 1.405653, 1.046524, 1.046524, 1.964898, 0.5,
                 2.0, 1.112125]  # fmt: skip
    assert round_one.security[0] == approx(security, abs=1e-6)
    assert round_one.risk_exponent[0] == approx(exponents, abs=1e-6)


def test_round_one_pass_two_probabilities(round_one) -> None:  # type: ignore[no-untyped-def]
    # §9.3 pass 2 [spec]: denominator 28.333460, P(NL over BE) 0.00314775, P(BE over NL) 0.00898491.
    voters = Voters.build(X, VALID, SPAN)
    assert global_denominator(voters, W, round_one.risk_exponent)[0] == approx(28.333460, abs=1e-6)
    assert round_one.p_second[0, NL, BE] == approx(0.00314775, abs=1e-8)
    assert round_one.p_second[0, BE, NL] == approx(0.00898491, abs=1e-8)


def test_fast_vote_margins_equal_the_literal_sum(round_one) -> None:  # type: ignore[no-untyped-def]
    # The O(N^2 log N) numerator must equal the O(N^3) definition of §3.4(b).
    voters = Voters.build(X, VALID, SPAN)
    powered = voters.dist ** round_one.risk_exponent[:, :, None]
    fast = vote_margins(voters, W, powered)
    assert fast == approx(vote_margins_direct(W, powered), abs=1e-15)


def test_view_from_belgium_in_round_one(round_one) -> None:  # type: ignore[no-untyped-def]
    # §9.4 [re-run], 4 decimals: a = EU(BE → j)(r_BE), b = EU(j → BE)(r_BE), j = NL, LU, DE, FR,
    # IT, UK, IE, DK, GR.
    others = [NL, LU, DE, FR, IT, 6, IE, 8, GR]
    a = [-0.4725, 0.6060, -0.4725, -0.1148, -0.1148, -0.6550, 0, -0.8320, 0]
    b = [0.2423, 0.2423, 0.2423, 0.2433, 0.2433, 0.2433, 0, 0.2423, 0]
    assert round_one.a[0, BE, others] == approx(a, abs=1e-4)
    assert round_one.b[0, BE, others] == approx(b, abs=1e-4)


def test_view_from_belgium_with_the_other_sides_exponent() -> None:
    # §9.4 [re-run]: with other_eu_risk = other the b row is +0.1027, +0.2455, +0.1027, +0.1937,
    # +0.1937, -0.0383, 0, -0.0475, 0.
    conv = dataclasses.replace(REPLICATION, other_eu_risk="other")
    result = play_round(X, W, S, VALID, SPAN, conv)
    b = [0.1027, 0.2455, 0.1027, 0.1937, 0.1937, -0.0383, 0, -0.0475, 0]
    assert result.b[0, BE, [NL, LU, DE, FR, IT, 6, IE, 8, GR]] == approx(b, abs=1e-4)


def test_belgium_compromises_with_france_in_round_one(round_one) -> None:  # type: ignore[no-untyped-def]
    # §9.4: compromise with FR and IT (same key; FR first by input order) → 8.415932.
    moves = round_one.moves
    assert moves.partner[0, BE] == FR
    assert moves.position[0, BE] == approx(8.415932, abs=1e-6)
    assert moves.position[0, IE] == 4.0 and moves.position[0, GR] == 7.0


# §9.5 [re-run]: (round, mover, class, partner, a, b, new position).
MOVES = [
    (1, "Belgium", "compromise", "France", -0.114831, 0.243297, 8.415932),
    (1, "Luxembourg", "confrontation", "Belgium", 0.245509, 0.542246, 7.0),
    (1, "Ireland", "confrontation", "Luxembourg", 0.538238, 0.682478, 4.0),
    (2, "Belgium", "compromise", "France", -0.083723, 0.110988, 9.610859),
    (2, "Luxembourg", "confrontation", "Belgium", 0.095879, 0.252798, 8.415932),
    (2, "Ireland", "confrontation", "Luxembourg", 0.536475, 0.683274, 7.0),
    (3, "Belgium", "compromise", "France", -0.021364, 0.023677, 9.961980),
    (3, "Luxembourg", "confrontation", "Belgium", 0.075242, 0.197392, 9.610859),
    (3, "Ireland", "confrontation", "Luxembourg", 0.222097, 0.289144, 8.415932),
    (4, "Belgium", "compromise", "Netherlands", -0.715334, 0.826337, 4.800881),
    (4, "Luxembourg", "confrontation", "Belgium", 0.019067, 0.054760, 9.961980),
    (4, "Ireland", "confrontation", "Luxembourg", 0.184349, 0.240801, 9.610859),
    (5, "Belgium", "compromise", "France", -0.078929, 0.567301, 5.524238),
    (5, "Luxembourg", "confrontation", "Belgium", 0.644282, 1.229631, 4.800881),
    (5, "Ireland", "confrontation", "Luxembourg", 0.050919, 0.067457, 9.961980),
    (6, "Belgium", "compromise", "France", -0.171478, 0.394029, 7.472046),
    (6, "Luxembourg", "confrontation", "Belgium", 0.043936, 0.122943, 5.524238),
    (6, "Ireland", "confrontation", "Belgium", 0.477289, 1.158381, 5.524238),
    (7, "Belgium", "compromise", "France", -0.104593, 0.195487, 8.824594),
    (7, "Luxembourg", "confrontation", "Belgium", 0.138278, 0.341054, 7.472046),
    (7, "Ireland", "confrontation", "Belgium", 0.132729, 0.411389, 7.472046),
    (8, "Belgium", "compromise", "France", -0.056369, 0.078268, 9.671130),
    (8, "Luxembourg", "confrontation", "Belgium", 0.087201, 0.225177, 8.824594),
    (8, "Ireland", "confrontation", "Belgium", 0.083216, 0.275146, 8.824594),
    (9, "Belgium", "compromise", "Netherlands", -0.697425, 0.715705, 4.144849),
    (9, "Luxembourg", "confrontation", "Belgium", 0.050083, 0.135979, 9.671130),
    (9, "Ireland", "confrontation", "Belgium", 0.047421, 0.167183, 9.671130),
    (10, "Belgium", "compromise", "France", -0.018528, 0.739552, 4.291541),
    (10, "Luxembourg", "confrontation", "Belgium", 0.760038, 1.409339, 4.144849),
    (10, "Ireland", "confrontation", "Belgium", 0.796832, 1.723699, 4.144849),
]


def test_ten_rounds_of_moves(run) -> None:  # type: ignore[no-untyped-def]
    # §9.5 [re-run]: only Belgium, Luxembourg and Ireland ever move; every move within 1e-4.
    ev = run.events
    moved = np.isin(ev["offer"], ["confrontation", "compromise", "capitulation"])
    got = list(
        zip(
            ev["round"][moved].tolist(),
            ev["actor"][moved].tolist(),
            ev["offer"][moved].tolist(),
            ev["counterpart"][moved].tolist(),
            strict=True,
        )
    )
    assert got == [m[:4] for m in MOVES]
    numbers = np.column_stack(
        [ev["eu_actor"][moved], ev["eu_counterpart"][moved], ev["position_to"][moved]]
    )
    assert numbers == approx(np.array([m[4:] for m in MOVES]), abs=1e-4)


# §9.5 [re-run]: BE, LU, IE, mean, median after rounds 0–10.
TRAJECTORY = [
    (7, 4, 7, 7.389956, 7.0),
    (8.415932, 7, 4, 7.461314, 8.415932),
    (9.610859, 8.415932, 7, 7.552501, 9.610859),
    (9.961980, 9.610859, 8.415932, 7.590145, 9.961980),
    (4.800881, 9.961980, 9.610859, 7.358131, 9.961980),
    (5.524238, 4.800881, 9.961980, 7.349174, 9.961980),
    (7.472046, 5.524238, 5.524238, 7.414878, 7.472046),
    (8.824594, 7.472046, 7.472046, 7.510457, 8.824594),
    (9.671130, 8.824594, 8.824594, 7.572447, 9.671130),
    (4.144849, 9.671130, 9.671130, 7.324989, 9.671130),
    (4.291541, 4.144849, 4.144849, 7.242131, 7.0),
]


def test_positions_means_and_medians_of_every_round(run) -> None:  # type: ignore[no-untyped-def]
    # §9.5 [re-run] within 1e-4; NL, DE, FR, IT, UK, DK, GR never move (4, 4, 10, 10, 10, 4, 7).
    positions = run.rounds.positions[0, :, :, 0]
    expected = np.array(TRAJECTORY)
    assert positions[:, [BE, LU, IE]] == approx(expected[:, :3], abs=1e-4)
    assert positions[:, [NL, DE, FR, IT, 6, 8, GR]] == approx(
        np.tile([4, 4, 10, 10, 10, 4, 7], (11, 1)), abs=1e-12
    )
    assert run.rounds.mean[0, :, 0] == approx(expected[:, 3], abs=1e-4)
    assert run.rounds.median[0, :, 0] == approx(expected[:, 4], abs=1e-4)
    assert run.outcomes["lag"] == approx(7.0, abs=1e-4)
    assert run.rounds.stop_rule == "fixed rounds: 10"


def test_scholz_table_two_within_a_tenth_except_the_round_two_median(run) -> None:  # type: ignore[no-untyped-def]
    # §9.6 [published], Scholz et al. Table 2, rounds 1–8, tolerance 0.1. The round-2 median is
    # the known, unexplained deviation (published 9.9, replication 9.611; spec §10.1): it is
    # checked to be that deviation rather than skipped.
    published_median = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
    published_mean = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
    median = run.rounds.median[0, 1:9, 0]
    mean = run.rounds.mean[0, 1:9, 0]
    assert mean == approx(published_mean, abs=0.1)
    others = [0, 2, 3, 4, 5, 6, 7]
    assert median[others] == approx([published_median[k] for k in others], abs=0.1)
    assert median[1] - published_median[1] == approx(-0.289, abs=1e-3)


def test_least_move_compromise_picks_france_in_round_four(run) -> None:  # type: ignore[no-untyped-def]
    # §9.5 round 4 [spec]: at x_BE = 9.961980 the NL/DE compromise has key 6.766353 (→ 4.800881),
    # FR/IT key 9.981088 (→ 9.999607); min_weighted_position picks NL, least_move picks FR.
    x3 = run.rounds.positions[0, 3, :, 0][None]
    for choice, partner, position in (
        ("min_weighted_position", NL, 4.800881),
        ("least_move", FR, 9.999607),
    ):
        conv = dataclasses.replace(REPLICATION, compromise_choice=choice)
        moves = play_round(x3, W, S, VALID, SPAN, conv).moves
        assert moves.partner[0, BE] == partner
        assert moves.position[0, BE] == approx(position, abs=1e-6)


def test_outcome_is_on_the_issue_scale_and_records_the_conventions(run) -> None:  # type: ignore[no-untyped-def]
    assert run.extras["conventions"]["p_denominator"] == "global"
    assert run.extras["risk_exponent"].shape == (1, 10, 10, 1)
    assert set(np.unique(run.events["offer"])) <= {
        "confrontation",
        "compromise",
        "capitulation",
        "stalemate",
    }
    # A stalemate row: Greece keeps 7 against France (both sides expect to lose).
    greece = (run.events["actor"] == "Greece") & (run.events["round"] == 1)
    assert run.events["offer"][greece].tolist() == ["stalemate"]
    assert run.events["eu_actor"][greece][0] < 0 and run.events["eu_counterpart"][greece][0] < 0


@pytest.mark.parametrize("n", [5, 40])
def test_midpoint_counts_are_the_voters_strictly_left_of_each_midpoint(n: int) -> None:
    # Both ways of counting (direct for few actors, sorted for many) against the definition,
    # with shared positions and voters exactly at a midpoint.
    from detente.models.eum._probability import midpoint_counts

    rng = np.random.default_rng(n)
    x = rng.integers(0, 8, (3, n)).astype(float)
    expected = [
        [[sum(v < (row[i] + row[j]) / 2 for v in row) for j in range(n)] for i in range(n)]
        for row in x.tolist()
    ]
    assert midpoint_counts(x).tolist() == expected
