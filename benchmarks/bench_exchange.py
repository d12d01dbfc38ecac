"""The exchange model on the decide sample case and on a seeded synthetic 30 × 10 case."""

from __future__ import annotations

import numpy as np

import detente
from detente import models
from detente.scenario import ScenarioArrays

from ._timing import best_of, markdown_table


def synthetic(
    n_actors: int = 30, n_issues: int = 10, draws: int = 1, seed: int = 7
) -> ScenarioArrays:
    """A seeded random case: positions on a 0–100 grid of quarters, saliences and capabilities
    uniform, every actor on every issue."""
    rng = np.random.default_rng(seed)
    shape = (draws, n_actors, n_issues)
    return ScenarioArrays.build(
        rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], size=shape),
        salience=rng.uniform(0.1, 1.0, size=shape),
        capability=np.broadcast_to(rng.uniform(0.2, 1.0, size=(draws, n_actors, 1)), shape),
    )


def _perturbed(arrays: ScenarioArrays, draws: int) -> ScenarioArrays:
    """The case with positions jittered per draw (seeded), so that draws differ."""
    rng = np.random.default_rng(3)
    shape = (draws, *arrays.positions.shape[1:])
    positions = np.clip(arrays.positions + rng.normal(0.0, 5.0, size=shape), 0.0, 100.0)
    return ScenarioArrays.build(
        positions,
        salience=np.broadcast_to(arrays.salience, shape),
        capability=np.broadcast_to(arrays.capability, shape),
    )


def run() -> str:
    spec = models.get("exchange")
    rows = []
    sample = detente.load_scenario("decide-sample").to_arrays()
    cases = [
        ("decide sample (10 × 6)", sample, 1),
        ("decide sample (10 × 6)", sample, 10),
        ("synthetic 30 × 10", synthetic(), 1),
        ("synthetic 30 × 10", synthetic(), 10),
    ]
    cases.append(("decide sample, 100 perturbed draws", _perturbed(sample, 100), 10))
    for label, arrays, rounds in cases:
        params = spec.make_params(rounds=rounds)
        forecast = spec(arrays, params)
        candidates = int(forecast.extras["candidates"][:, 0].mean())
        realized = int(forecast.extras["realized"].sum(axis=1).mean())
        seconds = best_of(lambda a=arrays, p=params: spec(a, p), repeat=2, min_time=0.0)
        rows.append(
            [label, str(rounds), f"{candidates:,}", f"{realized:,}", f"{seconds * 1e3:.0f} ms"]
        )
    table = markdown_table(
        ["case", "rounds", "candidates in round 1", "exchanges realized (per draw)", "time"],
        rows,
    )
    return (
        "## Exchange model\n\n"
        "`bookkeeping=decide`; one draw unless stated. Candidates and gains are computed for "
        "all actor and issue pairs at once; exchanges are realized one selection step at a "
        "time, all draws together.\n\n" + table
    )
