"""Run kinds: chunked dynamic forecasts merge back into the whole (rounds, events, draw order),
and the round-by-round figure draws what a dynamic model records."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detente.api._kinds import _merge
from detente.models import Forecast, make_forecast
from detente.report import trajectory_figure
from detente.scenario import ScenarioArrays


def _toy_dynamic(arrays: ScenarioArrays) -> Forecast:
    """A made-up 2-round model: every draw moves halfway to 50 each round; one event per draw."""
    start = arrays.positions.mean(axis=1)  # [B, D]
    r1 = (start + 50) / 2
    r2 = (r1 + 50) / 2
    mean = np.stack([start, r1, r2], axis=1)  # [B, 3, D]
    b = mean.shape[0]
    events = {"draw": np.arange(b), "round": np.ones(b, dtype=np.int64), "moved": start[:, 0]}
    return make_forecast(
        arrays,
        "toy",
        None,
        r2,
        rounds_mean=mean,
        rounds_median=mean,
        rounds_positions=np.repeat(mean[:, :, None, :], arrays.n_actors, 2),
        events=events,
    )


def test_chunks_merge_back_into_the_whole_run() -> None:
    rng = np.random.default_rng(0)
    arrays = ScenarioArrays.build(rng.uniform(0, 100, size=(9, 3, 2)))
    whole = _toy_dynamic(arrays)
    parts = [_toy_dynamic(arrays.take(slice(s, s + 4))) for s in range(0, 9, 4)]
    merged = _merge(parts)
    np.testing.assert_array_equal(merged.outcome, whole.outcome)
    assert merged.rounds is not None and whole.rounds is not None
    np.testing.assert_array_equal(merged.rounds.mean, whole.rounds.mean)
    np.testing.assert_array_equal(merged.rounds.positions, whole.rounds.positions)
    # Event draw numbers are renumbered from chunk-local to run-wide.
    np.testing.assert_array_equal(merged.events["draw"], np.arange(9))
    np.testing.assert_array_equal(merged.events["moved"], whole.events["moved"])


def test_the_trajectory_figure_draws_mean_and_median_per_round() -> None:
    issues = pd.DataFrame(
        [{"issue": "lag", "name": "Delay", "unit": "years", "min": 0, "max": 12, "anchors": []}]
    )
    rounds = pd.DataFrame(
        {
            "draw": 0,
            "round": [0, 1, 2],
            "issue": "lag",
            "mean": [4.0, 6.0, 7.0],
            "median": [4.0, 7.0, 7.0],
        }
    )
    fig = trajectory_figure(rounds, issues)
    assert [t.name for t in fig.data] == ["mean", "median"]
    assert list(fig.data[0].x) == [4.0, 6.0, 7.0] and list(fig.data[1].y) == [0, 1, 2]
