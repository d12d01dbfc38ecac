"""Chunks' forecasts merge into the whole run's: draw order, uneven round counts, events."""

from __future__ import annotations

import numpy as np

from detente.models import Forecast, make_forecast
from detente.scenario import ScenarioArrays
from detente.uncertainty import merge_forecasts


def _halving(arrays: ScenarioArrays) -> Forecast:
    """A made-up dynamic model: draw b moves halfway to 50 for b % 3 + 1 rounds, then stops; a
    batch runs as long as its longest draw and repeats a stopped draw's last state, as the
    registered models do. One event per draw and round it moved."""
    start = arrays.positions.mean(axis=1)  # [B, D]
    stops = arrays.draw_index % 3 + 1
    longest = int(stops.max())
    states = [start]
    for r in range(1, longest + 1):
        moving = (r <= stops)[:, None]
        states.append(np.where(moving, (states[-1] + 50) / 2, states[-1]))
    mean = np.stack(states, axis=1)  # [B, R+1, D]
    draws, rounds = np.nonzero(np.arange(1, longest + 1)[None, :] <= stops[:, None])
    return make_forecast(
        arrays,
        "halving",
        None,
        mean[:, -1],
        rounds_mean=mean,
        rounds_median=mean,
        stable_round=stops,
        events={"draw": draws, "round": rounds + 1, "label": np.array(["moved"] * draws.size)},
        extras={"path": mean, "name": "halving"},
    )


def test_uneven_chunks_merge_into_the_whole_batch() -> None:
    rng = np.random.default_rng(0)
    arrays = ScenarioArrays.build(rng.uniform(0, 100, size=(9, 3, 2)))
    whole = _halving(arrays)
    starts = [0, 1, 4, 6]
    ends = [*starts[1:], 9]
    parts = [_halving(arrays.take(slice(s, e))) for s, e in zip(starts, ends, strict=True)]
    # Chunk 0 holds draw 0 only, which stops after one round: the chunks' lengths differ.
    assert {p.rounds.n_rounds for p in parts if p.rounds is not None} == {1, 3}
    merged = merge_forecasts(parts, starts)
    assert merged.outcome.tobytes() == whole.outcome.tobytes()
    assert merged.rounds is not None and whole.rounds is not None
    assert merged.rounds.mean.tobytes() == whole.rounds.mean.tobytes()
    assert merged.rounds.stable_round.tolist() == whole.rounds.stable_round.tolist()
    assert merged.extras["path"].tobytes() == whole.extras["path"].tobytes()
    assert merged.extras["name"] == "halving"
    # Event draw numbers go from chunk-relative to run-relative; text columns are joined as is.
    assert merged.events is not None and whole.events is not None
    for column in ("draw", "round", "label"):
        assert merged.events[column].tolist() == whole.events[column].tolist()
