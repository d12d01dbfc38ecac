"""A scenario with a single veto player: the zone is bounded by that player alone."""

from __future__ import annotations

from pathlib import Path

import pytest

import detente

CASE = Path(__file__).parents[1] / "data" / "deal" / "one-veto.yaml"


def test_a_lone_veto_player_gets_a_result_not_an_unbounded_optimisation() -> None:
    report = detente.check_deal(CASE)
    assert report.zone_exists
    zone = {row["issue"]: row for row in report.binding()}
    # South (ideal 10 on land) bounds the zone alone; north and the broker cannot refuse.
    assert zone["land"]["binds_high"] == "south"
    assert zone["land"]["binds_low"] is None
    assert zone["land"]["high"] == pytest.approx(50.0, abs=1e-3)
