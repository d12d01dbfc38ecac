"""Levers: ranked single changes, closed form = re-run, own moves costed apart."""

from __future__ import annotations

import pytest
from pytest import approx

from detente import ModelError, levers
from detente.scenario import Scenario
from detente.uncertainty import _levers

# Modal TERR weights (capability × salience) and positions of the test scenario:
# ukraine 57 @30, russia 80.75 @85, usa 60 @62, france 16.5 @38, germany 19.25 @42,
# poland 9 @33, china 5 @55; Σw = 247.5, Σwx = 14301.25, compromise 57.7828.
SUM_W, SUM_WX = 247.5, 14301.25


def test_levers_for_ukraine_on_territory_rank_by_effect(mini: Scenario) -> None:
    result = levers(mini, "ukraine", "TERR", "low", draws=0)
    assert result.method == "closed form"
    assert result.base == approx(SUM_WX / SUM_W, abs=1e-12)
    ranked = [(lv.input.label, lv.to) for lv in result.levers]
    # Position moves to the low end shift the mean by w_i (mode - low) / Σw:
    # russia 80.75*10, usa 60*7, ukraine 57*5, germany 19.25*12, ... (all / 247.5).
    assert ranked[:3] == [
        ("russia.position[TERR]", 75.0),
        ("usa.position[TERR]", 55.0),
        ("ukraine.position[TERR]", 25.0),
    ]
    effects = {lv.input.label: lv.effect for lv in result.levers}
    assert effects["russia.position[TERR]"] == approx(80.75 * 10 / SUM_W, abs=1e-12)
    assert effects["ukraine.position[TERR]"] == approx(57 * 5 / SUM_W, abs=1e-12)
    # Russia caring less (salience 95 → 85) takes weight off its far position:
    # (Σwx - 85·0.10·85) / (Σw - 8.5) = 13578.75 / 239.
    assert effects["russia.salience[TERR]"] == approx(SUM_WX / SUM_W - 13578.75 / 239, abs=1e-12)
    # The US caring less (60 → 50) likewise: (Σwx - 100·0.10·62) / (Σw - 10).
    assert effects["usa.salience[TERR]"] == approx(SUM_WX / SUM_W - 13681.25 / 237.5, abs=1e-12)
    assert all(
        a.effect >= b.effect > 0 for a, b in zip(result.levers, result.levers[1:], strict=False)
    )


def test_only_ukraines_own_moves_carry_an_own_cost(mini: Scenario) -> None:
    result = levers(mini, "ukraine", "TERR", "low", draws=0)
    own = [lv for lv in result.levers if lv.own]
    assert [lv.input.label for lv in own] == ["ukraine.position[TERR]"]
    assert own[0].own_cost == 5.0  # from 30 to 25 on the issue scale
    assert all(lv.own_cost is None for lv in result.levers if not lv.own)
    assert own[0].to_dict()["own_cost_unit"] == "issue-scale points"


def test_closed_form_equals_rerunning_the_model(
    mini: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = levers(mini, "russia", "TERR", "high", model="mean", draws=0)
    monkeypatch.setattr(_levers, "_LINEAR", {})  # force the re-run path
    rerun = levers(mini, "russia", "TERR", "high", model="mean", draws=0)
    assert rerun.method == "simulated" and exact.method == "closed form"
    assert [lv.input for lv in exact.levers] == [lv.input for lv in rerun.levers]
    for a, b in zip(exact.levers, rerun.levers, strict=True):
        assert a.forecast == approx(b.forecast, abs=1e-9)
    # mean weighs by capability only: saliences are no lever there.
    assert all(lv.input.field == "position" for lv in exact.levers)


def test_probability_bands_show_the_lever_shifting_the_draws(mini: Scenario) -> None:
    result = levers(mini, "ukraine", "TERR", "low", draws=2000, seed=4)
    assert result.prob_base is not None and 0 < result.prob_base < 1
    top = result.levers[0]
    assert top.prob_toward is not None and top.prob_toward > result.prob_base
    assert top.interval_80 is not None and top.interval_80[0] < top.forecast < top.interval_80[1]
    data = result.to_json()
    assert data["levers"][0]["input"] == "russia.position[TERR]"
    assert data["levers"][0]["prob_toward"] == top.prob_toward


def test_dynamic_and_other_models_are_simulated(mini: Scenario) -> None:
    result = levers(mini, "ukraine", "NATO", "low", model="median", draws=0)
    assert result.method == "simulated"
    assert all(lv.effect > 0 for lv in result.levers)


def test_a_scenario_of_points_has_no_levers() -> None:
    result = levers("emission-standards-1994", "Germany", "lag", "low", draws=0)
    assert result.levers == ()


def test_unknown_names_are_refused_with_suggestions(mini: Scenario) -> None:
    with pytest.raises(ModelError, match="no actor 'ukrain'; did you mean 'ukraine'"):
        levers(mini, "ukrain", "TERR", "low")
    with pytest.raises(ModelError, match=r"no issue 'terr'.*its issues are: TERR, NATO"):
        levers(mini, "ukraine", "terr", "low")
    with pytest.raises(ModelError, match="toward must be 'low' or 'high'; got 'down'"):
        levers(mini, "ukraine", "TERR", "down")  # type: ignore[arg-type]
