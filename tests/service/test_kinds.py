"""Run kinds: dynamic forecasts run in chunks give the whole run's answer, and the round-by-round
figure draws what a dynamic model records."""

from __future__ import annotations

import pandas as pd
import pytest

from detente._forecast import forecast_with_modes
from detente._intervals import forecast_json
from detente.api._kinds import Cancelled, run_forecast
from detente.report import trajectory_figure
from detente.scenario import load_scenario
from detente.uncertainty import _runner


@pytest.mark.parametrize("model", ["eum", "exchange", "smp"])
def test_a_dynamic_forecast_run_past_one_chunk_is_the_whole_run(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # These crashed past one chunk (string event columns, uneven round counts); now the run is
    # chunked by the one runner and gives the forecast of the whole batch.
    monkeypatch.setattr(_runner, "default_chunk_size", lambda n_actors, n_issues: 3)
    scenario = load_scenario("ukraine-2026")
    params = {"draws": 7, "rounds": 2}
    seen: list[float] = []
    out = run_forecast(scenario, model, params, 5, seen.append)
    whole, modes = forecast_with_modes(scenario, model, draws=7, seed=5, rounds=2, chunk_size=7)
    # The CLI's --json: the bounded summary, intervals too.
    assert out.result == forecast_json(whole, scenario, modes=modes)
    assert seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize("model", ["eum", "exchange", "smp"])
def test_a_cancel_stops_a_long_dynamic_run_within_a_round(model: str) -> None:
    # The service's progress callback raises Cancelled; the runner calls it before every round.
    calls: list[float] = []

    def cancelled_after_two(fraction: float) -> None:
        calls.append(fraction)
        if len(calls) == 2:
            raise Cancelled

    with pytest.raises(Cancelled):
        run_forecast(load_scenario("ukraine-2026"), model, {"rounds": 1000}, 0, cancelled_after_two)
    assert calls == [0.0, 0.0]


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


@pytest.mark.parametrize(
    ("kind", "function"),
    [
        ("deal", "check_deal"),
        ("guarantees", "assess_guarantees"),
        ("backtest", "backtest"),
        ("brief", "brief"),
    ],
)
def test_every_parameter_a_kind_accepts_is_one_its_function_takes(kind: str, function: str) -> None:
    # A parameter the server lets through but the function does not take fails the run with
    # an internal error (deal's guarantee_draws and payoff_scale did, after the deal redesign).
    import inspect

    import detente
    from detente.api._kinds import _kind_params

    own, _ = _kind_params(kind, 1000)
    taken = set(inspect.signature(getattr(detente, function)).parameters)
    assert set(own) <= taken, set(own) - taken
