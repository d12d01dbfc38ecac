"""The public surface: one front door, complete and sorted."""

from __future__ import annotations

import detente


def test_all_is_sorted_and_complete() -> None:
    public = {n for n in dir(detente) if not n.startswith("_") and n not in {"annotations"}}
    modules = {n for n in public if type(getattr(detente, n)).__name__ == "module"}
    assert sorted(detente.__all__, key=str.lower) == sorted(detente.__all__, key=str.lower)
    assert public - modules - set(detente.__all__) == set()


def test_forecast_loads_by_name_path_or_object() -> None:
    scenario = detente.load_scenario("emission-standards-1994")
    assert (
        detente.forecast(scenario).outcomes == detente.forecast("emission-standards-1994").outcomes
    )
