"""Baseline models (compromise, median) over many draws."""

from __future__ import annotations

import detente
from detente import models

from ._timing import best_of, markdown_table


def run() -> str:
    rows = []
    scenario = detente.load_scenario("emission-standards-1994")
    for draws in (1, 10_000, 100_000):
        arrays = scenario.to_arrays(draws=draws, seed=1)
        for name in ("compromise", "median"):
            spec = models.get(name)
            seconds = best_of(lambda spec=spec, arrays=arrays: spec(arrays))
            rows.append([name, f"{draws:,}", f"{seconds * 1e3:.2f} ms"])
    table = markdown_table(["model", "draws", "time"], rows)
    return "## Baseline models (emission case, 10 actors × 1 issue)\n\n" + table
