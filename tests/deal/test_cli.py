"""``detente deal`` and ``detente guarantees`` run in-process on the test case."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app
from detente.cli._deal import show_case

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_deal_json_reports_zone_binding_and_trades(mini_path: Path) -> None:
    code, out = _run("deal", str(mini_path), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["zone_exists"] is True
    assert {"issue", "binds_low", "binds_high"} <= set(data["issues"][0])
    assert data["trades"] and data["trades"][0]["rank"] == 1


def test_a_closed_deal_explains_who_blocks(mini_path: Path) -> None:
    code, out = _run("deal", str(mini_path), "--walk-away", "russia=0", "--draws", "2")
    assert code == 0, out
    assert "NO deal on the headline package: P(accept) = 0.00" in out
    assert "russia blocks in 100% of draws (utility" in out
    assert "walking away means: ukraine: its walk-away positions, russia: the walk-away " in out


def test_a_one_draw_run_prints_no_probability(mini_path: Path) -> None:
    code, out = _run("deal", str(mini_path), "--walk-away", "russia=0")
    assert code == 0, out
    assert "P(" not in out and "%" not in out
    assert "paris-2026-us-backstop (headline): russia (utility on " in out


def test_zone_lines_name_the_package_they_start_from(mini_path: Path) -> None:
    # The walk-aways alone leave a zone on the test case: each line starts at the Nash package.
    code, out = _run("deal", str(mini_path))
    assert code == 0, out
    assert "per issue, the veto players' Nash package, how far the issue alone can move" in out
    assert "    TERR: nash 38.57; alone 0 (scale end) to 69.42 (ukraine); extent 0–100" in out
    # russia walking away at 0 closes it: the lines start at the package that comes closest.
    code, out = _run("deal", str(mini_path), "--walk-away", "russia=0")
    assert code == 0, out
    assert "the package that comes closest (no package meets every walk-away)" in out
    assert "    TERR: closest 85; alone 85 (russia) to 85 (ukraine); extent 85–85" in out


def test_deal_over_draws_reports_a_probability(mini_path: Path) -> None:
    code, out = _run(
        "deal", str(mini_path), "--package", "paris-2026", "--draws", "4", "--seed", "2", "--json"
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["draws"] == 4 and 0.0 <= data["p_deal"] <= 1.0
    assert data["p_deterrence"] > 0.5


def test_guarantees_json_for_one_package_has_top_level_p_deterrence(mini_path: Path) -> None:
    code, out = _run(
        "guarantees", str(mini_path), "--package", "paris-2026", "--draws", "5000", "--json"
    )
    assert code == 0, out
    data = json.loads(out)
    assert 0.0 < data["p_deterrence"] < 1.0
    assert data["package"]["id"] == "paris-2026"
    assert {"q_eff", "thresholds", "guarantors"} <= set(data)
    assert all("pivotal_effect" in g for g in data["guarantors"])


def test_explicit_walk_away_overrides_the_reference_point(mini_path: Path) -> None:
    code, out = _run("deal", str(mini_path), "--walk-away", "russia=-0.05", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["walk_away"]["russia"] == -0.05 and data["zone_exists"] is False
    code, out = _run("deal", str(mini_path), "--walk-away", "russia=low")
    assert code == 2 and "--walk-away expects ACTOR=NUMBER; got 'russia=low'" in out


def test_guarantees_json_for_every_package_maps_ids_to_p(mini_path: Path) -> None:
    code, out = _run("guarantees", str(mini_path), "--draws", "2000", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert list(data["p_deterrence"]) == ["none", "paris-2026", "paris-2026-us-backstop"]
    assert [p["package"]["id"] for p in data["packages"]] == list(data["p_deterrence"])


def test_guarantees_text_lists_every_package_and_the_caveats(mini_path: Path) -> None:
    code, out = _run("guarantees", str(mini_path), "--draws", "5000")
    assert code == 0, out
    assert "Guarantee package 'none'" in out and "Guarantee package 'paris-2026-us-backstop'" in out
    assert "pivotal effect" in out
    assert "Caveats (deterrence spec §7.4):" in out


def test_bad_input_gives_a_message_and_exit_2(mini_path: Path) -> None:
    code, out = _run("guarantees", str(mini_path), "--package", "pariss-2026")
    assert code == 2
    assert "unknown guarantee package 'pariss-2026'; did you mean 'paris-2026'?" in out
    code, out = _run("deal", str(mini_path), "--utility", "cubic")
    assert code == 2 and "unknown utility form 'cubic'" in out
    code, out = _run("deal", "emission-standards-1994")
    assert code == 2 and "has no veto players" in out


def test_demo_text_covers_guarantees_and_deals(mini_path: Path) -> None:
    text = show_case(str(mini_path), guarantee_draws=5000)
    assert "P(deterrence of russia holds)" in text
    assert "Deal check — ukraine-mini (1 draw, linear utility)" in text
    assert "paris-2026: every veto player accepts; if signed, deterrence holds" in text
    assert "trades every veto player prefers to the status quo, inside every red line" in text


def test_walk_aways_across_the_break_even_exit_0_with_a_result() -> None:
    # Issue 13: russia=-0.28476 was the break-even point of the built-in and raised
    # "ModelError: ... infeasible"; on either side and on it, the command gives a result.
    for value in ("-0.2847", "-0.28476", "-0.2848"):
        code, out = _run("deal", "ukraine-2026", "--walk-away", f"russia={value}", "--json")
        assert code == 0, out
        data = json.loads(out)
        assert data["zone_exists"] or data["reason"]
