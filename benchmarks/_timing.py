"""Small timing helpers shared by the benchmark modules."""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], *, repeat: int = 5, min_time: float = 0.2) -> float:
    """Best wall-clock seconds of one call over ``repeat`` runs (more runs for fast calls)."""
    fn()  # warm-up: imports, caches
    best = float("inf")
    total = 0.0
    runs = 0
    while runs < repeat or (total < min_time and runs < 100):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        total += elapsed
        runs += 1
    return best


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def profile_table(fn: Callable[..., Any], *args: Any, top: int = 8) -> tuple[Any, str]:
    """``fn(*args)`` under cProfile on CPU time: its result and a table of the ``top``
    functions by own time (a compiled kernel is one row: its whole call)."""
    profiler = cProfile.Profile(time.process_time)
    result = profiler.runcall(fn, *args)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values())
    rows = []
    for (file, _, name), (_, calls, own, _, _) in sorted(stats.items(), key=lambda kv: -kv[1][2])[
        :top
    ]:
        where = name if file == "~" else f"{file.rsplit('/', 1)[-1]}:{name}"
        rows.append([where, str(calls), f"{own:.2f} s", f"{own / total:.0%}"])
    return result, markdown_table(["function", "calls", "own time", "share"], rows)
