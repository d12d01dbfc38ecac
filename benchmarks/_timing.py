"""Small timing helpers shared by the benchmark modules."""

from __future__ import annotations

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
