"""``check_deal`` on the ukraine test case, and the coupling to the guarantee module (item 6)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pytest import approx

import detente
from detente import ModelError, Scenario
from detente.deal import check_deal, utility, walk_away_utility

PACKAGES = ("none", "paris-2026", "paris-2026-us-backstop")


@pytest.fixture(scope="module")
def reports(mini: Scenario) -> dict[str | None, detente.DealReport]:
    out: dict[str | None, detente.DealReport] = {p: check_deal(mini, package=p) for p in PACKAGES}
    out[None] = check_deal(mini)
    return out


def test_reference_point_walk_aways_leave_a_zone_with_the_nash_package_inside(
    reports: dict[str | None, detente.DealReport], mini: Scenario
) -> None:
    r = reports[None]
    assert r.zone_exists and r.p_deal == 1.0 and r.reason() == ""
    arrays = mini.to_arrays()
    veto = [0, 1, 2]  # ukraine, russia, united_states come first in the file
    wa = walk_away_utility(arrays)[0, veto]
    u = utility(arrays, arrays.to_internal_scale(r.nash)[0])[0, 0, veto]
    assert (u >= wa - 1e-6).all()
    # Brief §(e): Ukraine, Russia and the United States are the veto players.
    assert r.zone.veto_players == ("ukraine", "russia", "united_states")


def test_stronger_guarantees_lower_russias_walk_away_and_widen_the_zone(
    reports: dict[str | None, detente.DealReport],
) -> None:
    walk = [float(reports[p].zone.walk_away[0, 1]) for p in PACKAGES]
    surplus = [float(reports[p].zone.surplus[0]) for p in PACKAGES]
    # Russia's walk-away = u(reference point) + E[c_W - c_SQ - sum theta' K]: worse and worse.
    assert walk[0] > walk[1] > walk[2]
    assert surplus[0] < surplus[1] < surplus[2]
    # Without guarantees renewed war pays Russia 0.40 over the reference point: no deal.
    assert walk[0] == approx(float(reports[None].zone.walk_away[0, 1]) + 0.40, abs=0.01)
    assert not reports["none"].zone_exists and reports["paris-2026"].zone_exists
    p_deter = [reports[p].guarantee.p_deterrence for p in PACKAGES]  # type: ignore[union-attr]
    assert p_deter[0] < p_deter[1] < p_deter[2]


def test_worse_renewed_war_lowers_russias_share_in_the_nash_package(
    reports: dict[str | None, detente.DealReport], mini: Scenario
) -> None:
    arrays = mini.to_arrays()
    shares = []
    for p in (None, "paris-2026", "paris-2026-us-backstop"):
        nash = arrays.to_internal_scale(reports[p].nash)[0]
        shares.append(utility(arrays, nash)[0, 0, [0, 1]])
    # Russia's utility in the Nash package falls as its walk-away falls; Ukraine's rises.
    assert shares[0][1] > shares[1][1] > shares[2][1]
    assert shares[0][0] < shares[1][0] < shares[2][0]


def test_no_deal_is_a_result_with_a_reason(reports: dict[str | None, detente.DealReport]) -> None:
    r = reports["none"]
    assert r.p_deal == 0.0
    reason = r.reason()
    assert reason.startswith("no package satisfies every veto player: ")
    assert "russia blocks in 100% of draws" in reason
    blockers = {b["actor"]: b for b in r.blockers()}
    assert blockers["russia"]["shortfall"] < 0
    data = r.to_json()
    assert data["zone_exists"] is False and data["nash"] is None
    assert all(v is None for v in data["closest_to_forecast"].values())


def test_json_reports_zone_binding_veto_player_per_issue_and_ranked_trades(
    reports: dict[str | None, detente.DealReport],
) -> None:
    data = reports["paris-2026"].to_json()
    json.dumps(data, allow_nan=False)  # plain JSON, no NaN
    assert data["zone_exists"] is True and data["p_deal"] == 1.0
    assert data["guarantee_package"] == "paris-2026"
    assert [row["issue"] for row in data["issues"]] == list(reports[None].issue_ids)
    vetoes = {"ukraine", "russia", "united_states", None}
    for row in data["issues"]:
        assert row["binds_low"] in vetoes and row["binds_high"] in vetoes
        assert row["around_low"] <= row["center"] <= row["around_high"]
        assert row["low"] <= row["around_low"] and row["around_high"] <= row["high"]
    gains = [t["joint_gain"] for t in data["trades"]]
    assert gains == sorted(gains, reverse=True) and data["trades"][0]["rank"] == 1
    assert set(data["closest_to_forecast"]) >= {"compromise", "median"}
    assert data["frontier"]["points"] and "ukraine|russia" in data["frontier"]["projections"]


def test_closest_package_to_each_forecast_is_acceptable(
    reports: dict[str | None, detente.DealReport], mini: Scenario
) -> None:
    r = reports["paris-2026"]
    arrays = mini.to_arrays()
    wa = r.zone.walk_away[0]
    for values in r.closest.values():
        u = utility(arrays, arrays.to_internal_scale(values[0]))[0, 0, [0, 1, 2]]
        assert (u >= wa - 1e-6).all()


def test_probability_of_a_deal_over_draws_is_reproducible(mini: Scenario) -> None:
    one = check_deal(mini, draws=6, seed=7, package="paris-2026", guarantee_draws=5000)
    two = check_deal(mini, draws=6, seed=7, package="paris-2026", guarantee_draws=5000)
    assert one.p_deal == two.p_deal
    assert np.array_equal(one.zone.surplus, two.zone.surplus)
    assert one.zone.exists.shape == (6,)


def test_bad_arguments_are_refused(mini: Scenario) -> None:
    with pytest.raises(ModelError, match="unknown guarantee package 'paris'; did you mean"):
        check_deal(mini, package="paris")
    with pytest.raises(ModelError, match="draws must be at least 1; got 0"):
        check_deal(mini, draws=0)
    with pytest.raises(ModelError, match="payoff_scale must be > 0; got -1"):
        check_deal(mini, payoff_scale=-1)
