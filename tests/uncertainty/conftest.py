"""Fixtures for the uncertainty tests: a small uncertain scenario and a toy dynamic model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from detente import models
from detente.models import DynamicParams, ModelSpec, make_forecast, weighted_mean
from detente.scenario import Scenario, ScenarioArrays, load_scenario

DATA = Path(__file__).parent.parent / "data" / "uncertainty"
MINI = DATA / "ukraine-mini.yaml"


@pytest.fixture(scope="session")
def mini() -> Scenario:
    """Two issues (TERR, NATO), seven actors, triangular positions (tests/data/uncertainty)."""
    return load_scenario(MINI)


@dataclass(frozen=True)
class ConvergeParams(DynamicParams):
    """Toy dynamic model: each round every actor moves halfway to the weighted mean."""


def converge(arrays: ScenarioArrays, params: ConvergeParams) -> models.Forecast:
    """Halving the gap to the capability × salience mean keeps that mean fixed, and the largest
    move in round r is ``0.5**r * max|x0 - mean|``: a dynamic model whose answers are known."""
    w = np.swapaxes(arrays.capability * arrays.salience, 1, 2)
    x = arrays.positions
    mean = weighted_mean(np.swapaxes(x, 1, 2), w)
    means, stable = [mean], np.full(arrays.draws, params.rounds, dtype=np.int64)
    for r in range(1, params.rounds + 1):
        step = 0.5 * (mean[:, None, :] - x)
        x = x + step
        moved = np.nanmax(np.abs(step), axis=(1, 2))
        if params.until_stable is not None:
            newly = (moved <= params.until_stable) & (stable == params.rounds)
            stable = np.where(newly, r, stable)
        means.append(weighted_mean(np.swapaxes(x, 1, 2), w))
    rounds_mean = np.stack(means, axis=1)
    return make_forecast(
        arrays,
        "converge",
        params,
        means[-1],
        rounds_mean=rounds_mean,
        rounds_median=rounds_mean,
        stable_round=stable,
        stop_rule="until stable" if params.until_stable is not None else "fixed rounds",
    )


CONVERGE = ModelSpec("converge", converge, ConvergeParams, "toy dynamic model", dynamic=True)


@pytest.fixture
def converge_model(monkeypatch: pytest.MonkeyPatch) -> ModelSpec:
    """The toy dynamic model, registered for this test only (in this process only)."""
    monkeypatch.setitem(models._REGISTRY, "converge", CONVERGE)
    return CONVERGE
