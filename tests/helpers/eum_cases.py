"""Inputs shared by the eum tests: the emission case (spec §9.1) and the Sultan case (§9.8)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from detente import load_scenario
from detente.scenario import ScenarioArrays

DATA = Path(__file__).parent.parent / "data" / "eum"

EMISSION_ACTORS = ("NL", "BE", "LU", "DE", "FR", "IT", "UK", "IE", "DK", "GR")
NL, BE, LU, DE, FR, IT, UK, IE, DK, GR = range(10)


def emission() -> ScenarioArrays:
    """The built-in emission-standards case (issue scale 0–12 years)."""
    return load_scenario("emission-standards-1994").to_arrays()


def sultan(scale: tuple[float, float] = (12.0, 15.0)) -> ScenarioArrays:
    """The Sultan case from ``tests/data/eum/sultan_bdm1997.csv`` (salience already 0–1)."""
    with (DATA / "sultan_bdm1997.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    return ScenarioArrays.build(
        np.array([float(r["position"]) for r in rows]),
        salience=np.array([float(r["salience"]) for r in rows]),
        capability=np.array([float(r["capability"]) for r in rows]),
        actor_ids=[r["actor"] for r in rows],
        issue_ids=["succession"],
        scale_min=[scale[0]],
        scale_max=[scale[1]],
    )
