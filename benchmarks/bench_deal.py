"""Deal checks and guarantee Monte Carlo on the ukraine test case (10 actors × 7 issues)."""

from __future__ import annotations

from pathlib import Path

import detente
from detente.deal import zone_of_agreement

from ._timing import best_of, markdown_table

CASE = Path(__file__).parent.parent / "tests" / "data" / "deal" / "ukraine-mini.yaml"


def run() -> str:
    scenario = detente.load_scenario(CASE)
    rows = []
    for draws in (1, 20, 100, 1000):
        arrays = scenario.to_arrays(draws=draws, seed=1)
        seconds = best_of(lambda arrays=arrays: zone_of_agreement(arrays), repeat=1, min_time=0)
        rows.append(["zone_of_agreement", f"{draws:,}", f"{seconds:.3f} s"])
    seconds = best_of(lambda: detente.check_deal(scenario, package="paris-2026"), repeat=1)
    rows.append(["check_deal --package paris-2026", "1", f"{seconds:.3f} s"])
    for draws in (10_000, 100_000):
        seconds = best_of(
            lambda draws=draws: detente.assess_guarantees(
                scenario, "paris-2026", draws=draws, sensitivity=False
            ),
            repeat=3,
        )
        rows.append(
            ["assess_guarantees paris-2026 (7 guarantors)", f"{draws:,}", f"{seconds:.3f} s"]
        )
    table = markdown_table(["task", "draws", "time"], rows)
    return "## Deal and guarantees (ukraine test case, 10 actors × 7 issues)\n\n" + table
