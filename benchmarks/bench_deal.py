"""Deal checks and guarantee Monte Carlo: the ukraine test case (10 actors × 7 issues) and the
flagship ukraine-2026 (issue 13's target: the full deal question for one package, 1,000 draws,
under 10 s on 2 cores)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import detente
from detente.deal import zone_of_agreement
from detente.deal._question import build_question
from detente.deal._viability import viability

from ._timing import best_of, markdown_table

CASE = Path(__file__).parent.parent / "tests" / "data" / "deal" / "ukraine-mini.yaml"
FLAGSHIP = "ukraine-2026"
# Issue 14's measurement of the deal before issue 13 (one LP zone per draw, every model's
# forecast per draw): about 2.2 s per 100 draws of ukraine-2026 on this machine.
BEFORE_1000 = "≈ 22 s (before issue 13: LP zone per draw)"


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call (the deal runs are too slow to repeat)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _one_package(draws: int, package: str) -> None:
    """The full deal question for one package: accept (red lines, conditions, the Nash package
    under the pinned guarantee) and keep (the deterrence model), over ``draws`` draws."""
    scenario = detente.load_scenario(FLAGSHIP)
    arrays = scenario.to_arrays(draws=draws, seed=1)
    question = build_question(scenario, arrays, form="linear", seed=1, explicit={})
    viability(question, question.packages[package])


def flagship() -> str:
    rows = []
    detente.check_deal(FLAGSHIP, draws=10, seed=1)  # warm-up: imports, compiled kernels
    for package in ("paris-2026", "paris-2026-us-backstop"):
        wall, cpu = _timed(lambda package=package: _one_package(1_000, package))
        rows.append(
            [f"deal question, one package ({package})", "1,000", f"{wall:.2f} s", f"{cpu:.2f} s"]
        )
    rows[0].append(BEFORE_1000)
    rows[1].append("")
    wall, cpu = _timed(lambda: detente.check_deal(FLAGSHIP, draws=1_000, seed=1))
    rows.append(
        [
            "check_deal: every package, proposals, structural variants, what it takes",
            "1,000",
            f"{wall:.2f} s",
            f"{cpu:.2f} s",
            "",
        ]
    )
    table = markdown_table(["task", "draws", "wall", "CPU", "before"], rows)
    return (
        "## Deal viability (ukraine-2026, 10 actors × 7 issues, four guarantee packages)\n\n"
        "One run each (wall clock and process CPU), after a warm-up run. Target (issue 13): "
        "the full deal question for one package, 1,000 draws, under 10 s.\n\n" + table
    )


def engine_rows() -> list[list[str]]:
    """Issue 14's zone row: the LPs by HiGHS (before, ``engine="highs"``) and by the compiled
    simplex (after, ``engine="kernel"``, the default), ukraine-2026 at 1, 100 and 1,000 draws."""
    scenario = detente.load_scenario(FLAGSHIP)
    zone_of_agreement(scenario.to_arrays(draws=2, seed=1))  # warm-up: the compiled-code cache
    rows = []
    for draws in (1, 100, 1_000):
        arrays = scenario.to_arrays(draws=draws, seed=1)
        for engine in ("highs", "kernel"):
            wall, cpu = _timed(lambda a=arrays, e=engine: zone_of_agreement(a, engine=e))
            verdict = "" if draws < 1_000 else ("meets" if wall <= 3.0 else "misses")
            rows.append([f"{draws:,}", engine, f"{wall:.3f} s", f"{cpu:.3f} s", verdict])
    return rows


def engines() -> str:
    table = markdown_table(["draws", "engine", "wall", "CPU", "≤ 3 s at 1,000"], engine_rows())
    return (
        "## The zone's LPs (ukraine-2026, 3 veto players × 7 issues)\n\n"
        "`zone_of_agreement` (maximin, 14 extent LPs and the blockers per draw, and the Nash "
        'package): before, `engine="highs"` (the LPs stacked 64 blocks per HiGHS call); after, '
        '`engine="kernel"` (the default: one row per veto player, a compiled simplex, parallel '
        "over draws). One run each (wall clock and process CPU), after a warm-up call. "
        "Target (issue 14): 1,000 draws ≤ 3 s on 2 cores.\n\n" + table
    )


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
    return (
        "## Deal and guarantees (ukraine test case, 10 actors × 7 issues)\n\n"
        + table
        + "\n\n"
        + engines()
        + "\n\n"
        + flagship()
    )
