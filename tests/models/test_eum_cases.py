"""The expected-utility model beyond the emission `replication` run: the `paper` set (§9.7), the
Sultan case (§9.8), Q = 0.5 (§9.9), the stop rules, the guards of §6 and input errors."""

from __future__ import annotations

import numpy as np
import pytest
from eum_cases import BE, NL, emission, sultan
from pytest import approx

from detente.errors import ModelError
from detente.models import get
from detente.models.eum import EumParams, eum
from detente.scenario import ScenarioArrays


def test_paper_set_round_one_security_exponents_and_probability() -> None:
    # §9.7 [spec]: pass-1 security levels, risk exponents and P(NL over BE) = 0.366322.
    f = eum(emission(), EumParams(conventions="paper", rounds=1))
    security = [3.164942, 3.763368, 7.541236, 3.164942, 3.690006, 3.690006, 0.035009, 6.190842,
                1.706178, 1.335894]  # fmt: skip
    exponents = [1.117181, 1.004407, 0.5, 1.117181, 1.017582, 1.017582, 2.0, 0.648264,
                 1.453712, 1.556875]  # fmt: skip
    assert f.extras["security"][0, 0, :, 0] == approx(security, abs=1e-6)
    assert f.extras["risk_exponent"][0, 0, :, 0] == approx(exponents, abs=1e-6)
    from detente.models.eum._round import play_round

    x = np.array([[4, 7, 4, 4, 10, 10, 10, 7, 4, 7]], dtype=float)
    c = np.array([[0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]])
    s = np.array([[80, 40, 20, 80, 60, 60, 90, 10, 100, 70]]) / 100.0
    conv = EumParams(conventions="paper").resolve()
    result = play_round(x, c * s, s, np.ones((1, 10), bool), np.array([6.0]), conv)
    assert result.p_first[0, NL, BE] == approx(0.366322, abs=1e-6)
    assert result.p_first[0, NL, BE] + result.p_first[0, BE, NL] == approx(1.0, abs=1e-12)


def test_paper_set_collapses_onto_seven_within_four_rounds() -> None:
    # §9.7 [spec]: positions, mean and median per round; from round 4 all at 7 (the zero-range
    # guard sets r = 1 and nobody moves).
    f = eum(emission(), EumParams(conventions="paper"))
    positions = f.rounds.positions[0, :, :, 0]
    assert positions[1] == approx([7, 10, 7, 7, 10, 10, 4, 10, 10, 10], abs=1e-12)
    assert positions[2] == approx([7, 7, 10, 7, 7, 7, 7, 7, 4, 7], abs=1e-12)
    assert positions[3] == approx([7, 7, 7, 7, 7, 7, 7, 4, 7, 7], abs=1e-12)
    assert positions[4:] == approx(np.full((7, 10), 7.0), abs=1e-12)
    assert f.rounds.mean[0, 1:5, 0] == approx([7.846381, 6.805022, 6.977843, 7.0], abs=1e-6)
    assert f.rounds.median[0, 1:, 0] == approx(np.full(10, 7.0), abs=1e-12)
    assert f.rounds.stable_round[0] == 4
    # Round 2 includes a capitulation: Denmark to the UK's pre-round position 4.
    ev = f.events
    dk = (ev["round"] == 2) & (ev["actor"] == "Denmark")
    assert ev["offer"][dk].tolist() == ["capitulation"]
    assert ev["counterpart"][dk].tolist() == ["UK"]
    assert np.isfinite(f.rounds.mean).all()


def test_sultan_without_capitulation_nobody_moves() -> None:
    # §9.8 [re-run]: capitulation disabled → nobody moves in 5 rounds; median 13.9, mean 13.619912.
    f = eum(sultan(), EumParams(rounds=5, capitulation="disabled"))
    assert f.rounds.median[0, :, 0] == approx(np.full(6, 13.9), abs=1e-9)
    assert f.rounds.mean[0, :, 0] == approx(np.full(6, 13.619912), abs=1e-6)
    assert f.rounds.stable_round[0] == 0


def test_sultan_with_capitulation_russia_cycles() -> None:
    # §9.8 [spec]: RUSSIA capitulates every round, alternating NAZER's 12.9 and IRAN's 14.2
    # (round 1 view a = -0.612691, b = 0.016805); medians 13.75 / 13.9, means 13.575766 / 13.619912.
    f = eum(sultan(), EumParams(rounds=5))
    russia = f.actor_ids.index("RUSSIA")
    assert f.rounds.positions[0, 1:, russia, 0] == approx([12.9, 14.2, 12.9, 14.2, 12.9], abs=1e-9)
    assert f.rounds.median[0, 1:, 0] == approx([13.75, 13.9, 13.75, 13.9, 13.75], abs=1e-9)
    assert f.rounds.mean[0, 1:, 0] == approx(
        [13.575766, 13.619912, 13.575766, 13.619912, 13.575766], abs=1e-6
    )
    ev = f.events
    first = (ev["round"] == 1) & (ev["actor"] == "RUSSIA")
    assert ev["offer"][first].tolist() == ["capitulation"]
    assert ev["counterpart"][first].tolist() == ["NAZER"]
    assert ev["eu_actor"][first][0] == approx(-0.612691, abs=1e-6)
    assert ev["eu_counterpart"][first][0] == approx(0.016805, abs=1e-6)
    moved = np.isin(ev["offer"], ["confrontation", "compromise", "capitulation"])
    assert set(ev["actor"][moved]) == {"RUSSIA"}
    assert f.rounds.stable_round[0] == 5  # a period-2 cycle never settles


def test_status_quo_probability_one_half() -> None:
    # §9.9 [spec], replication with Q = 0.5: round-1 exponents, moves, means and medians.
    f = eum(emission(), EumParams(status_quo_prob=0.5))
    exponents = [1.481093, 0.665748, 0.746118, 1.481093, 1.286951, 1.286951, 2.0, 0.5, 1.886019,
                 0.872676]  # fmt: skip
    assert f.extras["risk_exponent"][0, 0, :, 0] == approx(exponents, abs=1e-6)
    ev = f.events
    first = (ev["round"] == 1) & (ev["offer"] != "stalemate")
    rows = list(zip(ev["actor"][first], ev["offer"][first], ev["counterpart"][first], strict=True))
    assert rows == [
        ("Belgium", "confrontation", "Luxembourg"),
        ("Luxembourg", "confrontation", "Greece"),
        ("Ireland", "confrontation", "Luxembourg"),
        ("Greece", "capitulation", "Netherlands"),
    ]
    assert ev["position_to"][first] == approx([4, 7, 4, 4], abs=1e-12)
    assert ev["eu_actor"][first][[0, 3]] == approx([0.372900, -0.771353], abs=1e-6)
    assert ev["eu_counterpart"][first][[0, 3]] == approx([0.639403, 0.115994], abs=1e-6)
    means = [7.004431, 7.000230, 7.031019, 6.990710, 5.655510, 7.740515, 7.116227, 7.848841,
             7.624764, 7.216162]  # fmt: skip
    medians = [7, 7.031151, 10, 9.889119, 4, 10, 7.572763, 10, 9.937451, 9.937451]
    assert f.rounds.mean[0, 1:, 0] == approx(means, abs=1e-6)
    assert f.rounds.median[0, 1:, 0] == approx(medians, abs=1e-6)


def test_until_stable_stops_when_nothing_moves() -> None:
    f = eum(sultan(), EumParams(rounds=5, capitulation="disabled", until_stable=0.0))
    assert f.rounds.stop_rule == "stable after round 0 (tol 0)"
    assert f.rounds.n_rounds == 1
    assert f.rounds.median[0, :, 0] == approx([13.9, 13.9])


def test_until_stable_reports_the_maximum_when_the_run_keeps_moving() -> None:
    f = eum(emission(), EumParams(until_stable=0.01))
    assert f.rounds.stop_rule == "maximum rounds reached (10, tol 0.01)"
    assert f.rounds.median[0, -1, 0] == approx(7.0, abs=1e-4)


def test_until_stable_tolerance_is_on_the_engines_0_to_100_scale() -> None:
    # Russia's capitulations move it 1.3 units of the file's scale. On a 0–100 issue scale that
    # is 1.3 points; on a 12–15 scale it is 43.3 points of the issue's range. A tolerance of 2
    # therefore stops the first at once and lets the second run to the maximum.
    wide = eum(sultan(scale=(0.0, 100.0)), EumParams(rounds=5, until_stable=2.0))
    narrow = eum(sultan(scale=(12.0, 15.0)), EumParams(rounds=5, until_stable=2.0))
    assert wide.rounds.stop_rule == "stable after round 0 (tol 2)"
    assert narrow.rounds.stop_rule == "maximum rounds reached (5, tol 2)"
    # Same trajectory on both scales (scale equivariance, spec §2.1).
    assert wide.rounds.median[0, :2, 0] == approx(narrow.rounds.median[0, :2, 0], abs=1e-9)


def test_all_actors_at_one_position_is_a_quiet_round() -> None:
    # §6: L = 0 and max S = min S → r = 1; no offers, no NaN.
    arrays = ScenarioArrays.build([50, 50, 50], salience=[0.5, 0.6, 0.7], capability=[1, 2, 3])
    for conventions in ("replication", "paper"):
        f = eum(arrays, EumParams(conventions=conventions, status_quo_prob=0.5))
        assert f.rounds.median[0, :, 0] == approx(np.full(11, 50.0))
        assert f.rounds.mean[0, :, 0] == approx(np.full(11, 50.0))
        assert f.extras["risk_exponent"][0, :, :, 0] == approx(np.ones((10, 3)))
        assert f.events["round"].size == 0


def test_a_single_actor_keeps_its_position() -> None:
    f = eum(ScenarioArrays.build([30.0], salience=[0.5]), EumParams())
    assert f.outcome[0, 0] == 30.0
    assert np.isfinite(f.extras["security"]).all()


def test_an_actor_without_a_position_takes_no_part() -> None:
    # Actor a3 has no position on issue i1; it must not vote, move, or change others' results.
    pos = np.array([[4, 40.0], [7, 70], [10, 100], [5, np.nan]])
    mask = np.array([[1, 1], [1, 1], [1, 1], [1, 0]], dtype=bool)
    both = ScenarioArrays.build(pos, salience=[0.8, 0.4, 0.6, 0.5], mask=mask)
    alone = ScenarioArrays.build(pos[:3, 1], salience=[0.8, 0.4, 0.6])
    f_both = eum(both, EumParams())
    f_alone = eum(alone, EumParams())
    assert f_both.rounds.median[0, :, 1] == approx(f_alone.rounds.median[0, :, 0])
    assert np.isnan(f_both.rounds.positions[0, :, 3, 1]).all()
    assert not (f_both.events["actor"][f_both.events["issue"] == "i1"] == "a3").any()


def test_zero_probability_denominator_uses_the_guard_value() -> None:
    # §6: the only voter sits at the midpoint of actors 0 and 1, so no vote separates them:
    # `dyad` gives the guard 0.5; `global` has a positive denominator (voter 2 separates others).
    from detente.models.eum._probability import Voters, probabilities

    x = np.array([[0.0, 10.0, 5.0]])
    w = np.array([[0.0, 0.0, 1.0]])
    voters = Voters.build(x, np.ones((1, 3), bool), np.array([10.0]))
    dyad = probabilities(voters, w, None, denominator="dyad", zero_value=0.5)
    assert dyad[0, 0, 1] == 0.5 and dyad[0, 1, 0] == 0.5
    assert dyad[0, 2, 0] == 1.0  # the voter at 5 is nearer to itself than to 0
    glob = probabilities(voters, w, None, denominator="global", zero_value=0.0)
    assert glob[0, 0, 1] == 0.0 and np.isfinite(glob).all()
    silent = probabilities(voters, np.zeros((1, 3)), None, denominator="global", zero_value=0.0)
    assert (silent == 0.0).all()  # a zero global denominator gives the guard value 0


def test_mean_can_be_the_forecast_statistic() -> None:
    f = eum(emission(), EumParams(forecast_statistic="mean"))
    assert f.outcomes["lag"] == approx(7.242131, abs=1e-4)  # §9.5 mean after round 10


def test_keep_summary_drops_positions_and_keeps_draw_zero_events() -> None:
    three = emission().take(np.array([0, 0, 0]))
    one = eum(emission(), EumParams())
    summary = eum(three, EumParams(keep="summary"))
    assert summary.rounds.positions is None
    assert "security" not in summary.extras
    assert summary.events["draw"].tolist() == [0] * one.events["draw"].size
    full = eum(three, EumParams(keep="full"))
    assert full.rounds.positions is not None
    assert np.bincount(full.events["draw"]).tolist() == [one.events["draw"].size] * 3
    assert summary.rounds.median == approx(full.rounds.median)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"rounds": 0}, r"'rounds' must be at least 1; got 0"),
        ({"status_quo_prob": 1.5}, r"'status_quo_prob' \(Q\) must lie in \[0, 1\]; got 1.5"),
        ({"until_stable": -1.0}, r"'until_stable' must be a tolerance >= 0; got -1.0"),
        ({"conventions": "literal"}, r"'conventions' expects one of 'replication', 'paper'"),
        ({"compromise_choice": "nearest"}, r"'compromise_choice' expects one of"),
        ({"p_zero_denominator": 2.0}, r"'p_zero_denominator' must be a probability"),
        ({"risk": 1}, r"model 'eum' has no parameter 'risk'"),
    ],
)
def test_bad_parameters_are_refused_by_name(values: dict[str, object], message: str) -> None:
    with pytest.raises(ModelError, match=message):
        get("eum").make_params(**values)


def test_bad_salience_names_the_actor_and_issue() -> None:
    arrays = ScenarioArrays.build([10, 20, 30], salience=[0.5, 1.5, 0.5])
    with pytest.raises(
        ModelError,
        match=r"actor 'a1' on issue 'i0' \(draw 0\) has salience 1.5; expected a value in \[0, 1\]",
    ):
        eum(arrays, EumParams())


def test_an_issue_without_votes_is_refused() -> None:
    arrays = ScenarioArrays.build([10, 20], salience=[0.0, 0.0])
    with pytest.raises(ModelError, match=r"on issue 'i0' \(draw 0\) no actor has a position with"):
        eum(arrays, EumParams())


def test_current_range_equals_initial_range_on_the_emission_case() -> None:
    # §7 row 1: "identical on the emission case" (4 and 10 stay occupied, so L stays 6 years).
    initial = eum(emission(), EumParams())
    current = eum(emission(), EumParams(range_source="current_positions"))
    assert current.rounds.median == approx(initial.rounds.median, abs=1e-12)
    assert current.rounds.mean == approx(initial.rounds.mean, abs=1e-12)


def test_printed_challenge_salience_differs_only_when_saliences_differ() -> None:
    # §3.5: `printed` puts s_j (not the target's s_i) in EU(j → i); with equal saliences the two
    # readings coincide, with the emission saliences they do not.
    from detente.models.eum._round import play_round

    x = np.array([[4, 7, 4, 4, 10, 10, 10, 7, 4, 7]], dtype=float)
    c = np.array([[0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]])
    valid, span = np.ones((1, 10), bool), np.array([6.0])
    target = EumParams().resolve()
    printed = EumParams(challenge_salience="printed").resolve()
    published = np.array([[80, 40, 20, 80, 60, 60, 90, 10, 100, 70]]) / 100.0
    for s, same in ((np.full((1, 10), 0.6), True), (published, False)):
        b_target = play_round(x, c * s, s, valid, span, target).b
        b_printed = play_round(x, c * s, s, valid, span, printed).b
        assert np.allclose(b_target, b_printed, atol=1e-12) is same
