"""The command line: exit codes, JSON contract, readable errors (run in-process)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app

runner = CliRunner()
BAD = Path(__file__).parent / "assets" / "bad"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_forecast_json_contract_median() -> None:
    code, out, err = invoke("forecast", "emission-standards-1994", "--model", "median", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"scenario", "model", "params", "draws", "outcomes", "rounds", "intervals"}
    assert data["outcomes"] == {"lag": 7.0}
    assert data["rounds"] == [] and data["draws"] == 1


def test_forecast_json_of_many_draws_is_a_summary_of_bounded_size() -> None:
    args = ("forecast", "ukraine-2026", "-m", "eum", "--rounds", "3", "--json")
    code, out, err = invoke(*args, "--draws", "40")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["draws"] == 40 and "outcome_draws" not in summary
    terr = summary["quantiles"]["TERR"]
    assert terr["0.05"] <= terr["0.5"] <= terr["0.95"]
    assert terr["0.5"] == pytest.approx(summary["outcomes"]["TERR"])
    assert sum(summary["histogram"]["TERR"]["counts"]) == 40
    # The events are those of the one draw at the modes: the 1-draw forecast's, whatever --draws.
    code, one, _ = invoke(*args)
    assert code == 0 and summary["events"] == json.loads(one)["events"]
    code, big, _ = invoke(*args, "--draws", "400")
    assert code == 0 and len(big) < 1.2 * len(out)
    # --all-draws asks for every draw's outcomes and events.
    code, full, _ = invoke(*args, "--draws", "40", "--all-draws")
    every = json.loads(full)
    assert len(every["outcome_draws"]["TERR"]) == 40
    assert {e["draw"] for e in every["events"]} == set(range(40))


def test_forecast_json_carries_calibrated_and_inputs_only_intervals() -> None:
    code, out, err = invoke("forecast", "emission-standards-1994", "--json")
    assert code == 0, err
    iv = json.loads(out)["intervals"]
    assert iv["calibrated"]["kind"] == "calibrated"
    assert iv["inputs_only"]["kind"] == "inputs only"
    low, high = iv["calibrated"]["levels"]["0.8"]["lag"]
    # The compromise model's DEU error is far wider than one point draw (no input spread).
    assert 0.0 <= low < 7.39 < high <= 12.0 and high - low > 5
    assert iv["inputs_only"]["levels"]["0.8"]["lag"] == pytest.approx([7.389956, 7.389956])


def test_forecast_json_compromise_value() -> None:
    code, out, _ = invoke("forecast", "emission-standards-1994", "--model", "compromise", "--json")
    assert code == 0
    assert json.loads(out)["outcomes"]["lag"] == pytest.approx(7.389956, abs=1e-6)


def test_forecast_with_draws_is_reproducible() -> None:
    args = ("forecast", "emission-standards-1994", "--draws", "200", "--seed", "1", "--json")
    assert invoke(*args)[1] == invoke(*args)[1]


def test_forecast_table_names_the_issue() -> None:
    code, out, _ = invoke("forecast", "emission-standards-1994")
    assert code == 0
    assert "Delay before" in out  # the issue's name (the table may wrap it)
    assert "7.39 years" in out
    assert "standards in 7 years" in out  # the nearest worded anchor


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()))
def test_validate_bad_file_exits_2_with_a_short_message_and_no_traceback(name: str) -> None:
    code, out, err = invoke("validate", str(BAD / name))
    assert code == 2
    assert err.startswith("ScenarioError: ")
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) <= 8


def test_validate_good_file() -> None:
    code, out, _ = invoke("validate", str(Path(__file__).parent / "assets" / "good.yaml"))
    assert code == 0
    assert out.startswith("ok: two-issue-test — 3 actors, 2 issues, 1 sources")


def test_unknown_model_exits_2() -> None:
    code, _, err = invoke("forecast", "emission-standards-1994", "--model", "medain")
    assert code == 2
    assert "did you mean 'median'" in err


def test_rounds_for_a_static_model_is_refused() -> None:
    code, _, err = invoke("forecast", "emission-standards-1994", "--rounds", "3")
    assert code == 2
    assert "model 'compromise' is static" in err


def test_rounds_past_the_maximum_exit_2_naming_the_limit() -> None:
    code, _, err = invoke(
        "forecast", "emission-standards-1994", "-m", "eum", "--rounds", "2147483648"
    )
    assert code == 2
    assert "model 'eum': 'rounds' must be at most 1,000; got 2,147,483,648" in err
    assert "Traceback" not in err


def test_param_option_passes_model_parameters() -> None:
    code, out, err = invoke(
        "forecast", "emission-standards-1994", "-m", "median", "-p", "tie=upper", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["params"]["tie"] == "upper"


def test_models_lists_parameters_with_defaults() -> None:
    code, out, _ = invoke("models")
    assert code == 0
    assert "median (static)" in out
    assert "tie = 'lower'" in out


def test_scenarios_lists_builtins() -> None:
    code, out, _ = invoke("scenarios")
    assert code == 0
    assert "emission-standards-1994" in out


def test_compare_json_shape() -> None:
    code, out, _ = invoke(
        "compare", "emission-standards-1994", "--models", "compromise,median", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["scenario"] == "emission-standards-1994"
    median = data["models"]["median"]
    assert median["label"] == "median"
    assert median["params"] == {"weights": "capability_salience", "tie": "lower"}
    assert median["outcomes"] == {"lag": 7.0}
    assert median["intervals"]["kind"] == "calibrated"
    assert median["convergence"] is None  # a static model
    assert set(data["ensemble"]["weights"]) == {"compromise", "median"}
    assert data["why"]["lag"].startswith("lag: ")


def test_compare_shows_ensemble_weights_intervals_and_convergence() -> None:
    # Issue 16's acceptance: the ensemble with weights, calibrated intervals and a convergence
    # flag per dynamic model (run to stability, eum still cycles on NATO at the 100-round cap).
    code, out, err = invoke("compare", "ukraine-2026")
    assert code == 0, err
    assert "ensemble" in out and "calibrated" in out
    assert "Ensemble weights (∝ 1/MSE² on the DEU backtest" in out
    assert "nash[all]" in out
    assert "settled" in out and "no 4/7" in out and "no 1/7" in out
    flat = " ".join(out.split())
    # Each unsettled issue with the range its median crossed over the last 10 rounds.
    late = r"\((\d+)–(\d+) over its last 10 rounds\)"
    eum = re.search(
        rf"eum did not settle by round 100 \(the cap\) on TERR {late}, GUAR {late}, "
        rf"ARMY {late}, NATO {late}",
        flat,
    )
    assert eum is not None
    bounds = [int(g) for g in eum.groups()]
    assert all(lo < hi for lo, hi in zip(bounds[::2], bounds[1::2], strict=True))
    # exchange is judged on its voting outcome, the number shown (CRIM wanders 87–88).
    assert re.search(rf"exchange did not settle by round 100 \(the cap\) on CRIM {late}", flat)
    assert "Why they disagree" in out


def test_forecast_json_lists_at_most_the_first_thousand_events_of_a_long_run() -> None:
    # eum on ukraine-2026 runs to stability (100 rounds) and logs thousands of events.
    code, out, err = invoke("forecast", "ukraine-2026", "-m", "eum", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["events_total"] > 1000 and len(data["events"]) == 1000
    assert data["events"][0]["round"] <= data["events"][-1]["round"]
    code, full, _ = invoke("forecast", "ukraine-2026", "-m", "eum", "--json", "--all-draws")
    assert code == 0 and len(json.loads(full)["events"]) == data["events_total"]
