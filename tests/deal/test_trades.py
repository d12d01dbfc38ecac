"""Package deals: cross-issue trades every veto player prefers (issue 8, item 4)."""

from __future__ import annotations

import numpy as np
import pytest

from detente import ModelError, Scenario
from detente.deal import package_deals
from detente.scenario import ScenarioArrays


def test_logroll_each_side_gives_its_low_salience_issue() -> None:
    a = ScenarioArrays.build(
        [[0.0, 100.0], [100.0, 0.0]],
        salience=[[0.8, 0.2], [0.2, 0.8]],
        veto=[True, True],
        status_quo=[50.0, 50.0],
        issue_ids=["x", "y"],
        actor_ids=["east", "west"],
    )
    trades = package_deals(a)
    assert len(trades) == 1
    t = trades[0]
    assert t.package == (0.0, 0.0)
    # east cares about x (to 0), west about y (to 0): each gains 0.8*0.5 - 0.2*0.5 = 0.3.
    assert t.gains == pytest.approx({"east": 0.3, "west": 0.3})
    assert [(m.issue, m.gives, m.gains) for m in t.moves] == [
        ("x", ("west",), ("east",)),
        ("y", ("east",), ("west",)),
    ]
    assert t.describe() == "x 50 → 0 (west gives); y 50 → 0 (east gives)"
    assert t.p_preferred == 1.0


def test_no_trade_when_the_status_quo_is_everyones_ideal() -> None:
    a = ScenarioArrays.build([[50.0, 50.0], [50.0, 50.0]], veto=[True, True], status_quo=[50, 50])
    assert package_deals(a) == []


def test_ukraine_trades_rank_by_joint_gain_and_show_who_gives(mini: Scenario) -> None:
    trades = package_deals(mini.to_arrays(), top=5)
    assert trades, "the summary matrix leaves room for trades away from the reference point"
    joint = [t.joint_gain for t in trades]
    assert joint == sorted(joint, reverse=True)
    for t in trades:
        assert all(g > 0 for g in t.gains.values())
        assert len(t.moves) >= 2
        givers = {a for m in t.moves for a in m.gives}
        assert len(givers) >= 2  # a trade, not a gift
    # The best trade: Russia gives on ZNPP, Ukraine on NATO (the brief's cross-issue logic).
    best = {m.issue: m for m in trades[0].moves}
    assert "russia" in best["ZNPP"].gives and "ukraine" in best["NATO"].gives


def test_trades_need_a_status_quo_on_every_issue() -> None:
    a = ScenarioArrays.build([[20.0, 10.0], [60.0, 90.0]], veto=[True, True], issue_ids=["p", "q"])
    with pytest.raises(ModelError, match="issue 'p' has no status quo: package deals are trades"):
        package_deals(a)


def test_a_trade_past_a_veto_players_red_line_is_not_offered() -> None:
    # Deal spec §2.2: a package outside any red line is rejected whatever its utility. The best
    # trade of this case takes x to 0 (see package_deals' docstring); a1's red line x >= 30 bars it.
    import dataclasses

    from detente.deal import package_deals
    from detente.scenario import ScenarioArrays
    from detente.scenario._deal_arrays import DealArrays

    a = ScenarioArrays.build(
        [[0.0, 100.0], [100.0, 0.0]],
        salience=[[0.8, 0.2], [0.2, 0.8]],
        veto=[True, True],
        status_quo=[50.0, 50.0],
        issue_ids=["x", "y"],
    )
    assert package_deals(a, top=1)[0].package == (0.0, 0.0)
    red_min = np.full((1, 2, 2), -np.inf)
    red_min[0, 1, 0] = 30.0
    deal = DealArrays(
        stated=False,
        no_deal=a.status_quo.copy(),
        horizon=np.zeros(1),
        discount=np.ones(1),
        yearly_cost=np.zeros((1, 2)),
        red_min=red_min,
        red_max=np.full((1, 2, 2), np.inf),
        proposal_ids=(),
        proposals=np.zeros((1, 0, 2)),
    )
    trades = package_deals(dataclasses.replace(a, deal=deal), top=10)
    # Here no other trade remains: x can only stay at 50 or go to a1's 100, which a0 will not give.
    assert trades == []
