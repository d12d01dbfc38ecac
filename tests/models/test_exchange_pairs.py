"""Two-actor exchanges (``exchange.md`` §10.1–10.2), REX, and properties of the exchange model."""

from __future__ import annotations

import numpy as np
import pytest
from pytest import approx

from detente.errors import ModelError
from detente.models import get
from detente.models.exchange import ExchangeParams, exchange
from detente.models.exchange._candidates import generate
from detente.models.exchange._common import Reference
from detente.models.exchange._gain import History, evaluate, take
from detente.models.exchange._rex import max_gains
from detente.scenario import ScenarioArrays, load_scenario


def china_usa() -> ScenarioArrays:
    # exchange.md §10.1: power 1; "fin vol" and "fin who".
    return ScenarioArrays.build(
        [[100, 0], [0, 80]],
        salience=[[0.5, 0.8], [0.7, 0.5]],
        actor_ids=["China", "USA"],
        issue_ids=["vol", "who"],
    )


def two_actor_rex_case() -> ScenarioArrays:
    # exchange.md §10.2 with saliences divided by 100.
    return ScenarioArrays.build(
        [[0, 0], [100, 100]], salience=[[0.1, 0.9], [0.6, 0.5]], actor_ids=["A1", "A2"]
    )


def _evaluate(arrays: ScenarioArrays, params: ExchangeParams, draws: np.ndarray | None = None):  # type: ignore[no-untyped-def]
    """The single candidate of a two-actor case, evaluated as generated."""
    weight = arrays.capability * arrays.salience
    total = weight.sum(axis=1)
    c = generate(arrays.positions, arrays.salience, weight, total, arrays.mask)
    assert c.present.sum() == 1
    sub = take(c, np.array([0]), np.array([0]))
    zeros = np.zeros(1)
    none = np.zeros(1, dtype=np.int64)
    hist = History(zeros, none, none, none, none)
    refs = [
        Reference(
            arrays.positions[0, :, issue].T.reshape(1, -1),
            weight[0, :, issue].reshape(1, -1),
            actor,
        )
        for issue, actor in ((sub.q, sub.actor_i), (sub.p, sub.actor_j))
    ]
    return sub, evaluate(sub, sub.start_i, sub.start_j, refs[0], refs[1], hist, hist, params, draws)


def test_china_usa_equal_gain_exchange() -> None:
    # §10.1: I = USA (demands vol, supplies who); USA who 80 → 0, China vol 100 → 20, G = 7.948718.
    arrays = china_usa()
    sub, r = _evaluate(arrays, ExchangeParams())
    assert (int(sub.actor_i[0]), int(sub.actor_j[0])) == (1, 0)
    assert r.shift_p[0] == approx(33.333333, abs=1e-6)
    assert r.shift_q[0] == approx(30.769231, abs=1e-6)
    assert (r.vote_i[0], r.vote_j[0]) == approx((0.0, 20.0), abs=1e-9)
    assert r.gain[0] == approx(7.948718, abs=1e-6)
    assert r.gain_i[0] == approx(r.gain_j[0], rel=1e-9)
    forecast = exchange(arrays, ExchangeParams(rounds=1))
    assert forecast.events is not None and forecast.events["gain"] == approx([7.948718], abs=1e-6)


def test_china_usa_maximum_gains_and_rex_split() -> None:
    # §10.1: EU_max USA 16.145833, China 13.626374; REX p = 0.9, USA randomized and winning,
    # z = 1: g' = 15.326122, China moves fully (vol 100 → 0), USA who 80 → 8.029167, China 1.311538.
    arrays = china_usa()
    sub, _ = _evaluate(arrays, ExchangeParams())
    full_p = np.abs(sub.target_j - sub.start_j) * sub.w_jp / sub.w_p
    full_q = np.abs(sub.target_i - sub.start_i) * sub.w_iq / sub.w_q
    eu_i, eu_j = max_gains(sub, full_p, full_q)
    assert (eu_i[0], eu_j[0]) == approx((16.145833, 13.626374), abs=1e-6)
    draws = np.array([[0.1, 0.1, 1.0]])  # u < 0.5: I (USA) randomized; v < 0.5: it wins
    _, r = _evaluate(arrays, ExchangeParams(rex_p=0.9), draws)
    assert r.gain_i[0] == approx(15.326122, abs=1e-6)
    assert r.gain_j[0] == approx(1.311538, abs=1e-6)
    assert (r.vote_i[0], r.vote_j[0]) == approx((8.029167, 0.0), abs=1e-6)
    assert r.gain[0] == approx(7.948718, abs=1e-6)  # ranking still uses the equal gain


def test_two_actor_case_on_unit_saliences() -> None:
    # §10.2 (saliences / 100): Actor-1 moves 0 → 100 on issue-1, Actor-2 100 → 80 on issue-2,
    # G = 5.0; EU_max Actor-1 = 14.0, Actor-2 = 7.777778.
    arrays = two_actor_rex_case()
    sub, r = _evaluate(arrays, ExchangeParams())
    assert int(sub.actor_i[0]) == 1  # Actor-2 demands issue-1
    assert (r.vote_i[0], r.vote_j[0]) == approx((80.0, 100.0), abs=1e-9)
    assert r.gain[0] == approx(5.0, abs=1e-9)
    full_p = np.abs(sub.target_j - sub.start_j) * sub.w_jp / sub.w_p
    full_q = np.abs(sub.target_i - sub.start_i) * sub.w_iq / sub.w_q
    eu_i, eu_j = max_gains(sub, full_p, full_q)
    assert (eu_j[0], eu_i[0]) == approx((14.0, 7.777778), abs=1e-6)


def test_position_reset_weights() -> None:
    # §4.7: x' = x + (0.1 + 0.4 (1 − s)) (y − x); at s = 1 the weight is 0.1 (the decide unit test:
    # x = 0, y = 100 gives 10). Here a0 votes 0 → 10 at s = 1 (→ 1) and a1 votes 100 → 0 at
    # s = 0.1 (weight 0.46 → 54). With φ = σ = 0 preferences never move.
    arrays = ScenarioArrays.build([[0, 0], [100, 100]], salience=[[1.0, 1.0], [0.5, 0.1]])
    forecast = exchange(arrays, ExchangeParams(rounds=1))
    assert forecast.events is not None
    assert (forecast.events["to_j"][0], forecast.events["to_i"][0]) == approx((10.0, 0.0))
    assert forecast.rounds is not None and forecast.rounds.positions is not None
    after = forecast.rounds.positions[0, 1]
    assert (after[0, 0], after[1, 1]) == approx((1.0, 54.0), abs=1e-9)
    assert (after[0, 1], after[1, 0]) == (0.0, 100.0)
    frozen = exchange(arrays, ExchangeParams(rounds=3, fixed_weight=0.0, salience_weight=0.0))
    assert frozen.rounds is not None and frozen.rounds.positions is not None
    assert np.array_equal(frozen.rounds.positions[0, -1], frozen.rounds.positions[0, 0])


def _random_case(seed: int, n: int = 8, d: int = 4) -> ScenarioArrays:
    rng = np.random.default_rng(seed)
    return ScenarioArrays.build(
        rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], size=(n, d)),
        salience=rng.uniform(0.1, 1.0, size=(n, d)),
        capability=rng.uniform(0.2, 1.0, size=(n, d)),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_exchange_has_equal_gains_and_positions_stay_on_the_scale(seed: int) -> None:
    forecast = exchange(_random_case(seed), ExchangeParams(rounds=4))
    ev = forecast.events
    assert ev is not None and len(ev["gain"]) > 0
    assert ev["gain_i"] == approx(ev["gain_j"], rel=1e-9, abs=1e-12)
    assert (ev["gain"] > 0).all()
    assert forecast.rounds is not None and forecast.rounds.positions is not None
    positions = forecast.rounds.positions
    assert np.nanmin(positions) >= 0.0 and np.nanmax(positions) <= 100.0
    for side in ("i", "j"):
        assert (ev[f"to_{side}"] >= 0).all() and (ev[f"to_{side}"] <= 100).all()


def test_permuting_actors_permutes_nothing_but_the_order_of_ties() -> None:
    # With distinct gains (no ties) the outcome does not depend on the actor order.
    arrays = _random_case(7)
    base = exchange(arrays, ExchangeParams(rounds=3))
    assert base.extras["ties"].sum() == 0
    perm = np.random.default_rng(0).permutation(arrays.n_actors)
    shuffled = ScenarioArrays.build(
        arrays.positions[:, perm],
        salience=arrays.salience[:, perm],
        capability=arrays.capability[:, perm],
        actor_ids=[arrays.actor_ids[k] for k in perm],
    )
    again = exchange(shuffled, ExchangeParams(rounds=3))
    assert again.outcome == approx(base.outcome, abs=1e-9)
    assert sorted(again.events["gain"]) == approx(sorted(base.events["gain"]), abs=1e-12)


def test_draws_run_together_as_they_run_alone() -> None:
    # A batch of two draws gives each draw's own result (candidates differ per draw).
    a, b = _random_case(11), _random_case(12)
    both = ScenarioArrays.build(
        np.concatenate([a.positions, b.positions]),
        salience=np.concatenate([a.salience, b.salience]),
        capability=np.concatenate([a.capability, b.capability]),
    )
    params = ExchangeParams(rounds=3)
    joint = exchange(both, params)
    assert joint.outcome[0] == approx(exchange(a, params).outcome[0], abs=1e-12)
    assert joint.outcome[1] == approx(exchange(b, params).outcome[0], abs=1e-12)
    single = exchange(b, params)
    in_batch = joint.events["draw"] == 1
    assert joint.events["gain"][in_batch] == approx(single.events["gain"], abs=1e-12)


def test_rex_and_random_ties_follow_the_seed() -> None:
    arrays = _random_case(5)
    rex = ExchangeParams(rounds=2, rex_p=0.5, seed=3)
    first, second = exchange(arrays, rex), exchange(arrays, rex)
    assert np.array_equal(first.outcome, second.outcome)
    other = exchange(arrays, ExchangeParams(rounds=2, rex_p=0.5, seed=4))
    assert not np.array_equal(first.outcome, other.outcome)
    plain = exchange(arrays, ExchangeParams(rounds=2))
    assert not np.array_equal(first.outcome, plain.outcome)
    ties = ExchangeParams(rounds=2, tie_break="seeded_random", seed=1)
    assert np.array_equal(exchange(arrays, ties).outcome, exchange(arrays, ties).outcome)


def test_rex_runs_with_either_redraw_rule_and_records_its_columns() -> None:
    from detente.models.exchange._events import EVENT_COLUMNS

    arrays = _random_case(9)
    for redraw in ("once", "on_recompute"):
        f = exchange(arrays, ExchangeParams(rounds=2, rex_p=0.7, rex_redraw=redraw, keep="summary"))
        assert f.events is not None and tuple(f.events) == EVENT_COLUMNS
        assert f.rounds is not None and f.rounds.positions is None
        assert not np.isnan(f.outcome).any()
    empty = exchange(arrays, ExchangeParams(rounds=0))
    assert empty.events is not None and tuple(empty.events) == EVENT_COLUMNS


def test_until_stable_stops_once_nothing_moves() -> None:
    # Equal salience ratios leave nothing to gain: round 1 changes nothing and the run stops.
    arrays = ScenarioArrays.build([[100, 0], [0, 80]], salience=0.5)
    f = exchange(arrays, ExchangeParams(rounds=10, until_stable=1e-9))
    assert f.rounds is not None
    assert f.rounds.n_rounds == 1 and f.rounds.stop_rule.startswith("until stable")
    assert list(f.rounds.stable_round) == [1]
    assert f.events is not None and len(f.events["gain"]) == 0
    # Without the stop rule all ten rounds are reported.
    assert exchange(arrays, ExchangeParams(rounds=10)).rounds.n_rounds == 10  # type: ignore[union-attr]


def test_an_issue_with_one_actor_is_refused() -> None:
    mask = np.array([[True, True], [True, False]])
    arrays = ScenarioArrays.build([[10, 20], [90, 0]], mask=mask, issue_ids=["a", "b"])
    with pytest.raises(ModelError, match="issue 'b' has 1 actor"):
        exchange(arrays, ExchangeParams())


def test_saliences_above_one_are_refused() -> None:
    # exchange.md §9.7: the reset weight 1 − s turns negative for saliences on 0–100.
    arrays = ScenarioArrays.build([[0, 0], [100, 100]], salience=[[10, 90], [60, 50]])
    with pytest.raises(ModelError, match="salience of 'a0' on 'i0' is 10; saliences must lie"):
        exchange(arrays, ExchangeParams())


def test_inputs_are_left_unchanged() -> None:
    arrays = _random_case(4)
    before = {k: getattr(arrays, k).copy() for k in ("positions", "salience", "capability")}
    params = ExchangeParams(rounds=2)
    exchange(arrays, params)
    for name, value in before.items():
        assert np.array_equal(getattr(arrays, name), value, equal_nan=True), name
    assert params == ExchangeParams(rounds=2)


def test_bad_parameters_are_refused_by_name() -> None:
    spec = get("exchange")
    with pytest.raises(ModelError, match="rex_p must lie in"):
        spec.make_params(rex_p=1.5)
    with pytest.raises(ModelError, match="fixed_weight \\+ salience_weight must not exceed 1"):
        spec.make_params(fixed_weight=0.7, salience_weight=0.5)
    with pytest.raises(ModelError, match="expects one of 'decide', 'clean'"):
        spec.make_params(bookkeeping="other")


def test_the_sample_case_runs_from_its_built_in_file() -> None:
    forecast = exchange(load_scenario("decide-sample").to_arrays(), ExchangeParams(rounds=0))
    assert forecast.outcomes["tol-hoogte"] == approx(2.270992, abs=1e-6)
