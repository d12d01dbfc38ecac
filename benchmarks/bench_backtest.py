"""The DEU backtest: loading, one batched model run, the leaderboard, and the search."""

from __future__ import annotations

import time

from detente import models
from detente.backtest import ModelChoice, backtest, load_deu, run_model, search

from ._timing import best_of, markdown_table


def run() -> str:
    data = load_deu()
    rows = [
        ["load the development set (257 issues)", f"{best_of(load_deu) * 1e3:.1f} ms"],
        [
            "compromise on all 257 issues (one call)",
            f"{best_of(lambda: run_model(data, ModelChoice('compromise', {}))) * 1e3:.2f} ms",
        ],
        [
            "status_quo (77 issues refused, isolated one by one)",
            f"{best_of(lambda: run_model(data, ModelChoice('status_quo', {}))) * 1e3:.1f} ms",
        ],
    ]
    # The end-to-end runs take seconds: timed once, not best-of.
    start = time.perf_counter()
    backtest(data)
    rows.append(
        [
            f"leaderboard: {len(models.names())} registered models, 10,000 bootstrap resamples",
            f"{time.perf_counter() - start:.2f} s",
        ]
    )
    start = time.perf_counter()
    search()
    rows.append(
        ["search: all candidates, 10-fold grouped CV", f"{time.perf_counter() - start:.2f} s"]
    )
    table = markdown_table(["step", "time"], rows)
    return "## DEU backtest (development set: 257 issues × 30 actors)\n\n" + table
