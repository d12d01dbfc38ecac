"""Compile the numba kernels once, side by side, so that no later run waits for them.

The dynamic models and the deal's LPs run compiled kernels (numba, ``cache=True``). The first
process that needs a kernel compiles it, 5 to 60 s of CPU each, about 90 s for all of them one
after another; later processes load the cached machine code in well under a second. The compiler
is single-threaded, so compiling the kernels in parallel processes (one per core) cuts that first
wait by the number of cores. ``make setup`` runs :func:`warm_up` after installing; a user who
installed with pip can run ``detente warmup`` once.

Each kernel is compiled by the real code path on a small built-in case (two draws, so that the
batched path is the one compiled), not by a list of signatures that could drift from the code.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing import get_context
from typing import Any

from .errors import ModelError

__all__ = ["KERNELS", "warm_up"]


def _model(name: str, scenario: str, **params: Any) -> None:
    """One run of a registered model on two draws of a built-in scenario."""
    from . import models
    from .scenario import load_scenario

    spec = models.get(name)
    spec(load_scenario(scenario).to_arrays(draws=2, seed=0), spec.make_params(**params))


def _deal() -> None:
    from .deal import zone_of_agreement
    from .scenario import load_scenario

    zone_of_agreement(load_scenario("ukraine-2026").to_arrays(draws=2, seed=0))


def _threads() -> None:
    from .models._threads import side_by_side

    side_by_side()


# Kernel groups in the order of their compile times (longest first, so the pool ends together).
KERNELS: dict[str, Callable[[], None]] = {
    "exchange": partial(_model, "exchange", "ukraine-2026", rounds=2),
    "nash": partial(_model, "nash", "ukraine-2026"),
    "deal LPs": _deal,
    "smp": partial(_model, "smp", "ktab-soe-pol-comp"),
    "eum": partial(_model, "eum", "emission-standards-1994"),
    "threads": _threads,  # compare's check that two models may run at once
}


def _timed(name: str) -> float:
    start = time.perf_counter()
    KERNELS[name]()
    return time.perf_counter() - start


def warm_up(workers: int | None = None) -> dict[str, float]:
    """Compile (or load) every kernel group in ``workers`` processes (default: one per core);
    returns the seconds each group took, in ``KERNELS``' order.

    A group whose kernels are already cached takes about a second (loading them); running this
    again changes nothing. ``workers=1`` compiles them one after another in a single process.
    """
    if workers is not None and workers < 1:
        raise ModelError(f"workers must be at least 1; got {workers}")
    count = min(workers or os.cpu_count() or 1, len(KERNELS))
    # spawn: a fresh interpreter per worker, whatever the parent has imported or started.
    with ProcessPoolExecutor(max_workers=count, mp_context=get_context("spawn")) as pool:
        futures = {name: pool.submit(_timed, name) for name in KERNELS}
        return {name: future.result() for name, future in futures.items()}
