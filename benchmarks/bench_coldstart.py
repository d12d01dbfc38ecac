"""Cold start: what the first run after an install waits for (compiling the numba kernels)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

from ._timing import markdown_table

# (label, command): each run in a fresh process, as a user starts it.
COMMANDS = [
    ("`detente forecast ukraine-2026 --model eum`",
     [sys.executable, "-m", "detente", "forecast", "ukraine-2026", "--model", "eum"]),
    ("`make demo`'s job (`python -m detente.demo`)", [sys.executable, "-m", "detente.demo"]),
    ("`detente warmup` (every kernel, one process per core)",
     [sys.executable, "-m", "detente", "warmup"]),
]  # fmt: skip


def timed(argv: list[str], cache: str) -> tuple[float, float]:
    """Wall and CPU seconds (the child's, all threads) of one run, numba's cache in ``cache``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run() -> str:
    rows = []
    for label, argv in COMMANDS:
        with tempfile.TemporaryDirectory(prefix="numba-cold-") as cache:
            cold = timed(argv, cache)  # an empty cache: every kernel it needs is compiled
            warm = timed(argv, cache)
        rows.append(
            [label, f"{cold[0]:.1f} s / {cold[1]:.1f} s", f"{warm[0]:.1f} s / {warm[1]:.1f} s"]
        )
    with tempfile.TemporaryDirectory(prefix="numba-cold-") as cache:
        setup = timed(COMMANDS[2][1], cache)
        demo = timed(COMMANDS[1][1], cache)
    rows.append([
        "`make demo` on a fresh machine: `detente warmup` (in `make setup`), then the demo",
        f"{setup[0] + demo[0]:.1f} s / {setup[1] + demo[1]:.1f} s",
        "—",
    ])  # fmt: skip
    table = markdown_table(["command", "cold: wall / CPU", "warm: wall / CPU"], rows)
    return (
        "## Cold start (numba's compiled code)\n\n"
        "The dynamic models and the deal's LPs run numba kernels compiled on first use and "
        "cached (`cache=True`). Cold: a fresh process with an empty cache "
        "(`NUMBA_CACHE_DIR` pointed at a new directory), so every kernel the command needs is "
        "compiled first; warm: the same command again, loading the cache. CPU is the child "
        "process's, all threads. The compiler is single-threaded, so `detente warmup` compiles "
        "the kernel groups in parallel processes, and `make setup` runs it: the last row is "
        "what `make demo` waits for on a fresh machine after the packages are installed.\n\n"
        + table
    )
