"""The public surface: one front door, complete and sorted."""

from __future__ import annotations

import importlib
import types

import pytest

import detente

SUBPACKAGES = [
    importlib.import_module(f"detente.{name}")
    for name in ("backtest", "deal", "guarantees", "models", "scenario", "uncertainty")
]


def test_all_is_sorted_unique_and_complete() -> None:
    names = list(detente.__all__)
    assert names == sorted(names)
    assert len(names) == len(set(names))
    public = {n for n in vars(detente) if not n.startswith("_") and n != "annotations"}
    modules = {n for n in public if isinstance(getattr(detente, n), types.ModuleType)}
    assert public - modules == set(names) - {"__version__"}


@pytest.mark.parametrize("package", [detente, *SUBPACKAGES], ids=lambda p: p.__name__)
def test_all_names_only_what_the_package_defines(package: types.ModuleType) -> None:
    missing = [n for n in package.__all__ if not hasattr(package, n)]
    assert missing == [], f"{package.__name__}.__all__ names what it does not define"


def test_the_chunked_runner_is_public() -> None:
    # ARCHITECTURE: one function runs a model over draws in chunks; notebooks use it too.
    assert detente.run_draws is detente.uncertainty.run_draws


def test_forecast_loads_by_name_path_or_object() -> None:
    scenario = detente.load_scenario("emission-standards-1994")
    assert (
        detente.forecast(scenario).outcomes == detente.forecast("emission-standards-1994").outcomes
    )
