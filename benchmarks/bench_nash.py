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


# `python -m detente` with compare's models one at a time, as before they ran two at a time.
ONE_AT_A_TIME = (
    "import sys; import detente.models._threads as t; t.side_by_side = lambda: False; "
    "from detente.cli import main; sys.argv[0] = 'detente'; main()"
)


def command(*args: str, one_at_a_time: bool = False) -> float:
    """Wall-clock seconds of ``detente ARGS`` in a fresh process, as a user waits for it
    (imports and loading the compiled code from numba's cache included)."""
    start = time.perf_counter()
    launcher = ["-c", ONE_AT_A_TIME] if one_at_a_time else ["-m", "detente"]
    subprocess.run([sys.executable, *launcher, *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of_three(*args: str, one_at_a_time: bool = False) -> float:
    """The median of three fresh processes: a command of about 10 s varies by a few tenths."""
    return sorted(command(*args, one_at_a_time=one_at_a_time) for _ in range(3))[1]


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
    for one_at_a_time in (True, False):
        compare = median_of_three(
            "compare", "ukraine-2026", "--draws", str(DRAWS), one_at_a_time=one_at_a_time
        )
        how = "models one at a time (before)" if one_at_a_time else "two models at a time"
        rows.append(
            [
                f"`detente compare ukraine-2026 --draws {DRAWS}`, {how}",
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
        "a fresh process, as a user waits (imports and loading compiled code included); compare is "
        "the median of three. compare runs two models at a time where numba's threading layer "
        "is thread-safe (docs/cli.md): the kernels release the GIL, so one model's numpy "
        "bookkeeping between rounds fills the cores the other's kernel leaves idle; the numbers "
        "are the same.\n\n" + table
    )
