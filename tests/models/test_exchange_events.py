"""The exchange events table, named on first read (``exchange/_events.py``, issue 14)."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
from pytest import approx

from detente import load_scenario
from detente.models.exchange import ExchangeParams, exchange
from detente.models.exchange._events import EVENT_COLUMNS, EventTable


def _log(draw: list[int], step: list[int], actor_i: list[int], supplied_i: list[int]) -> Any:
    """A round's log as a round writes it; the columns this test does not read are fillers."""
    n = len(draw)
    return {
        "draw": np.array(draw),
        "step": np.array(step),
        "actor_i": np.array(actor_i),
        "actor_j": np.zeros(n, dtype=np.int64),
        "issue_supplied_i": np.array(supplied_i),
        "issue_supplied_j": np.zeros(n, dtype=np.int64),
        "from_i": np.full(n, 50.0),
        "to_i": np.arange(n, dtype=np.float64) * 10.0,
        "from_j": np.zeros(n),
        "to_j": np.zeros(n),
        "gain": np.arange(n, dtype=np.float64),
        "gain_i": np.zeros(n),
        "gain_j": np.zeros(n),
        "overshoot_cut": np.zeros(n, dtype=bool),
        "tied": np.zeros(n, dtype=bool),
        "rex_infeasible": np.zeros(n, dtype=bool),
    }


def _table() -> EventTable:
    # Round 1 logged step by step over both draws (as the numpy engine does), round 2 draw
    # by draw (as the kernel does).
    rounds = [
        (1, _log([1, 0, 1], [1, 2, 2], [0, 1, 1], [0, 1, 0])),
        (2, _log([0, 1], [1, 1], [1, 0], [1, 1])),
    ]
    return EventTable(rounds, ("a", "b"), ("p", "q"), np.array([0.0, -1.0]), np.array([100.0, 1.0]))


def test_the_table_is_named_and_ordered_by_draw_round_and_realization() -> None:
    table = _table()
    assert table["draw"].tolist() == [0, 0, 1, 1, 1]
    assert table["round"].tolist() == [1, 2, 1, 1, 2]
    assert table["order"].tolist() == [1, 1, 1, 2, 1]
    assert table["actor_i"].tolist() == ["b", "b", "a", "b", "a"]
    assert table["issue_supplied_i"].tolist() == ["q", "q", "p", "p", "q"]
    # Issue q runs from -1 to 1: 50 on the 0–100 scale is 0 there, 10 is -0.8.
    assert table["from_i"].tolist() == approx([0.0, 0.0, 50.0, 50.0, 0.0])
    assert table["to_i"].tolist() == approx([-0.8, -1.0, 0.0, 20.0, -0.8])
    assert table["gain"].tolist() == [1.0, 0.0, 0.0, 2.0, 1.0]


def test_columns_are_known_before_the_table_is_built() -> None:
    table = _table()
    assert tuple(table) == EVENT_COLUMNS and len(table) == len(EVENT_COLUMNS) and table
    assert "not built yet" in repr(table)
    assert table["draw"].size == 5
    assert "not built yet" not in repr(table)


def test_a_run_without_rounds_has_the_columns_and_no_rows() -> None:
    table = EventTable([], ("a",), ("p",), np.zeros(1), np.ones(1))
    assert all(table[k].size == 0 for k in EVENT_COLUMNS)


def test_a_runs_events_agree_with_its_counts_and_survive_pickling() -> None:
    arrays = load_scenario("ukraine-2026").to_arrays(draws=5, seed=3)
    f = exchange(arrays, ExchangeParams(rounds=4))
    assert f.events is not None
    copy = pickle.loads(pickle.dumps(f.events))
    realized = np.asarray(f.extras["realized"])
    draw, rnd = np.asarray(f.events["draw"]), np.asarray(f.events["round"])
    per = np.zeros_like(realized)
    np.add.at(per, (draw, rnd - 1), 1)
    assert per.tolist() == realized.tolist() and realized.sum() > 0
    for key in EVENT_COLUMNS:
        assert np.array_equal(copy[key], f.events[key]), key


def test_a_summary_run_logs_the_exchanges_of_the_runs_draw_0_only() -> None:
    arrays = load_scenario("ukraine-2026").to_arrays(draws=4, seed=3)
    full = exchange(arrays, ExchangeParams(rounds=3))
    summary = exchange(arrays, ExchangeParams(rounds=3, keep="summary"))
    assert full.events is not None and summary.events is not None
    rows = np.asarray(full.events["draw"]) == 0
    assert 0 < rows.sum() < rows.size
    for key in EVENT_COLUMNS:
        assert np.array_equal(summary.events[key], np.asarray(full.events[key])[rows]), key
    assert summary.outcome.tobytes() == full.outcome.tobytes()
    # A chunk without the run's draw 0 logs nothing.
    later = exchange(arrays.take(slice(1, 4)), ExchangeParams(rounds=3, keep="summary"))
    assert later.events is not None and len(later.events["gain"]) == 0
