"""``check_deal`` on the ukraine test case: viability per guarantee package and the zone."""

from __future__ import annotations

import json

import pytest
from pytest import approx

import detente
from detente import ModelError, Scenario
from detente.deal import check_deal, utility, walk_away_utility
from detente.deal._utility import TOL

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


def test_guarantees_no_longer_enter_russias_walk_away(
    reports: dict[str | None, detente.DealReport],
) -> None:
    # Spec §3: the challenger's walk-away is the war it is in, whatever the package; a package
    # reaches it only through the issues it pins and through the keep step.
    walk = [reports[p].zone.walk_away[0, 1] for p in PACKAGES]
    assert walk[0] == walk[1] == walk[2] == reports[None].zone.walk_away[0, 1]
    kept = [reports[None].row(p).p_kept for p in PACKAGES]
    assert kept[0] == 0.0 < kept[1] < kept[2]


def test_every_package_gets_a_viability_row(
    reports: dict[str | None, detente.DealReport],
) -> None:
    data = reports[None].to_json()
    assert [r["package"] for r in data["viability"]] == list(PACKAGES)
    for row in data["viability"]:
        assert row["p_viable"] == approx(row["p_accept"] * row["p_kept"])
        lo, hi = row["range"]
        assert lo <= row["p_viable"] <= hi and row["words"]
    # The headline is the most viable package unless one is asked for.
    assert data["headline_package"] == "paris-2026-us-backstop"
    assert reports["none"].to_json()["headline_package"] == "none"


def test_no_deal_is_a_result_with_a_reason(mini: Scenario) -> None:
    # Russia's walk-away at its own ideal: no package suits it, and without its veto the others
    # would agree.
    r = check_deal(mini, walk_away={"russia": 0.0})
    assert r.p_deal == 0.0 and not r.zone_exists
    reason = r.reason()
    assert reason.startswith("no package satisfies every veto player: ")
    assert "russia blocks (utility" in reason
    data = r.to_json()
    assert data["zone_exists"] is False
    assert data["viability"][0]["blockers"] == {"russia": 1.0}


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
        # Within the tolerance that lets a zone at its break-even point count as existing.
        assert (u >= wa - 2 * TOL).all()


def test_probability_of_a_deal_over_draws_is_reproducible(mini: Scenario) -> None:
    one = check_deal(mini, draws=6, seed=7, package="paris-2026")
    two = check_deal(mini, draws=6, seed=7, package="paris-2026")
    assert one.to_json() == two.to_json()
    assert one.row("paris-2026").accepted.shape == (6,)


def test_progress_moves_step_by_step_to_the_end(mini: Scenario) -> None:
    # A service shows it and stops a cancelled check at the next step.
    shares: list[float] = []
    report = check_deal(mini, draws=4, seed=7, progress=shares.append)
    # One step per package row, then what it takes, proposals, variants and the geometry.
    assert len(shares) == len(report.viability) + 4
    assert shares == sorted(shares) and 0 < shares[0] < 1 and shares[-1] == 1.0

    class Stop(Exception):
        pass

    def cancel(share: float) -> None:
        raise Stop

    with pytest.raises(Stop):
        check_deal(mini, draws=4, seed=7, progress=cancel)


def test_bad_arguments_are_refused(mini: Scenario) -> None:
    with pytest.raises(ModelError, match="unknown guarantee package 'paris'; did you mean"):
        check_deal(mini, package="paris")
    with pytest.raises(ModelError, match="draws must be at least 1; got 0"):
        check_deal(mini, draws=0)
