"""The public surface: one front door, complete and sorted."""

from __future__ import annotations

import importlib
import subprocess
import sys
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
    # dir(): most names load on first use, so they are not all in vars() yet.
    public = {n for n in dir(detente) if not n.startswith("_") and n != "annotations"}
    modules = {n for n in public if isinstance(getattr(detente, n), types.ModuleType)}
    assert public - modules == set(names) - {"__version__"}


@pytest.mark.parametrize("package", [detente, *SUBPACKAGES], ids=lambda p: p.__name__)
def test_all_names_only_what_the_package_defines(package: types.ModuleType) -> None:
    missing = [n for n in package.__all__ if not hasattr(package, n)]
    assert missing == [], f"{package.__name__}.__all__ names what it does not define"


def test_import_detente_loads_only_the_core() -> None:
    """`import detente` stays light: the deal (SciPy's optimizers), the brief, the Monte Carlo
    machinery and numba load when first used, so every command starts faster."""
    heavy = ["detente.deal", "detente._brief", "detente.uncertainty", "numba", "scipy.optimize"]
    code = f"import sys, detente; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    # ... and every public name still resolves, as do the subpackages.
    assert callable(detente.check_deal) and callable(detente.simulate)
    assert detente.deal.zone_of_agreement is not None and callable(detente.backtest)


def test_the_chunked_runner_is_public() -> None:
    # ARCHITECTURE: one function runs a model over draws in chunks; notebooks use it too.
    assert detente.run_draws is detente.uncertainty.run_draws


def test_forecast_loads_by_name_path_or_object() -> None:
    scenario = detente.load_scenario("emission-standards-1994")
    assert (
        detente.forecast(scenario).outcomes == detente.forecast("emission-standards-1994").outcomes
    )
