"""Nash bargaining on ukraine-2026 and the commands that wait on it (issue 14, items 1–2)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import detente
from detente.models.nash import NashParams, nash

from ._timing import markdown_table

# The reference is timed on fewer draws: on 1,000 it takes minutes (issue 14 measured 244 s).
REFERENCE_DRAWS = 100
DRAWS = 1000


def wall_and_cpu(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call (after the caller's warm-up)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def command(*args: str) -> float:
    """Wall-clock seconds of ``detente ARGS`` in a fresh process, as a user waits for it
    (imports and loading the compiled code from numba's cache included)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "detente", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run() -> str:
    scenario = detente.load_scenario("ukraine-2026")
    arrays = scenario.to_arrays(draws=DRAWS, seed=1)
    small = scenario.to_arrays(draws=REFERENCE_DRAWS, seed=1)
    nash(small, NashParams())  # warm-up: compile or load the kernel
    rows = []
    for engine, batch in (("numpy", small), ("kernel", small), ("kernel", arrays)):
        wall, cpu = wall_and_cpu(lambda a=batch, e=engine: nash(a, NashParams(engine=e)))
        rows.append(
            [f"nash, {batch.draws:,} draws", engine, f"{wall:.2f} s", f"{cpu:.2f} s", "≤ 3 s"]
        )
    command("compare", "ukraine-2026", "--draws", "10")  # warm-up: numba's cache
    compare = command("compare", "ukraine-2026", "--draws", str(DRAWS))
    rows.append(
        [
            f"`detente compare ukraine-2026 --draws {DRAWS}`",
            "kernel",
            f"{compare:.1f} s",
            "—",
            "≤ 10 s",
        ]
    )
    deal = command("deal", "ukraine-2026", "--draws", str(DRAWS), "--package", "paris-2026")
    rows.append(
        [
            f"`detente deal ukraine-2026 --draws {DRAWS} --package paris-2026`",
            "kernel",
            f"{deal:.1f} s",
            "—",
            "≤ 10 s (issue 13; issue 14 times the zone, above)",
        ]
    )
    table = markdown_table(["work", "Nash engine", "wall", "CPU", "target"], rows)
    return (
        "## Nash bargaining and the commands that wait on it (ukraine-2026, 10 × 7)\n\n"
        'Before: `engine="numpy"`, the dense batched barrier solver (the reference; timed on '
        f"{REFERENCE_DRAWS} draws because 1,000 take minutes: issue 14 measured 244 s for "
        '`nash` and 259 s for `compare`); after: `engine="kernel"`, the default (numba, the '
        "sparse rows, parallel over draws). Model rows: one call after a warm-up. Command rows: "
        "a fresh process, as a user waits (imports and loading compiled code included).\n\n" + table
    )
