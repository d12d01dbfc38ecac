"""Several models on one scenario, side by side, with the judgement across them: each model's
calibrated interval, a convergence record per dynamic model, the skill-weighted ensemble and a
sentence per issue on why the models disagree."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import models
from ._ensemble import Ensemble, ensemble
from ._explain import Convergence, convergence, disagreement, label
from ._forecast import forecast
from ._inputs import as_scenario, to_stability
from ._intervals import Intervals, calibration, intervals
from .errors import ModelError
from .models import Forecast
from .scenario import Scenario

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """Forecasts of several models for one scenario; ``skipped`` says why a model did not run.

    ``intervals`` holds each model's calibrated intervals, ``convergence`` each dynamic model's
    record, ``ensemble`` the skill-weighted ensemble (None when no model is calibrated) and
    ``why`` one sentence per issue on why the models disagree.
    """

    scenario_id: str
    forecasts: dict[str, Forecast]
    skipped: dict[str, str]
    intervals: dict[str, Intervals] = field(default_factory=dict)
    convergence: dict[str, Convergence] = field(default_factory=dict)
    ensemble: Ensemble | None = None
    why: dict[str, str] = field(default_factory=dict)

    def label(self, name: str) -> str:
        """The model as shown (``nash[all]`` rather than ``nash``)."""
        return label(self.forecasts[name])

    def to_json(self) -> dict[str, Any]:
        """Per model its parameters and median outcome per issue; over several draws also the
        quantiles and histogram per issue (:meth:`Forecast.to_json`'s), so the size does not
        grow with the draws."""
        return {
            "scenario": self.scenario_id,
            "draws": next(iter(self.forecasts.values())).draws if self.forecasts else 1,
            "models": {
                name: {
                    "label": self.label(name),
                    **_summary(fc),
                    "intervals": self.intervals[name].to_json() if name in self.intervals else None,
                    "convergence": (
                        self.convergence[name].to_json() if name in self.convergence else None
                    ),
                }
                for name, fc in self.forecasts.items()
            },
            "ensemble": None if self.ensemble is None else self.ensemble.to_json(),
            "why": self.why,
            "skipped": self.skipped,
        }

    def to_frame(self) -> Any:
        """Issues × models table of forecasts."""
        import pandas as pd

        return pd.DataFrame({name: fc.outcomes for name, fc in self.forecasts.items()})


# What a comparison shows of each model's forecast.
_SUMMARY = ("params", "outcomes", "quantiles", "histogram")


def _summary(fc: Forecast) -> dict[str, Any]:
    out = fc.to_json()
    return {key: out[key] for key in _SUMMARY if key in out}


def compare(
    scenario: Scenario | str | Path,
    model_names: list[str] | None = None,
    *,
    draws: int = 1,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    chunk_size: int | None = None,
    scheduler: str | None = None,
) -> Comparison:
    """Run several models (default: every registered one) on a scenario.

    A model that cannot run on this scenario (e.g. ``status_quo`` without a status quo) is
    listed in ``skipped`` with the reason when all models were asked for; a model asked for by
    name must run. ``progress`` is called with the share of draws done over all models as each
    chunk of draws finishes and before every round (a service's callback may raise there to stop
    the comparison). Over several draws the forecasts keep outcomes and per-round summaries
    only, so memory does not grow with the events of every draw; ``chunk_size`` and
    ``scheduler`` are :func:`forecast`'s.

    >>> c = compare("emission-standards-1994", ["compromise", "median"])
    >>> c.forecasts["median"].outcomes
    {'lag': 7.0}
    """
    s = as_scenario(scenario)
    chosen = model_names or models.names()
    for name in chosen:
        models.get(name)
    out: dict[str, Forecast] = {}
    skipped: dict[str, str] = {}
    lock = threading.Lock()
    done = dict.fromkeys(chosen, 0)
    stop = threading.Event()

    def count(name: str, n: int | None) -> None:
        """Add ``n`` draws done to ``name``'s share (None: all of them), then report the whole."""
        if stop.is_set():
            raise _Stopped  # another model failed or was cancelled: this one stops too
        with lock:  # the shares add up, and reach the caller in order, from either thread
            done[name] = draws if n is None else min(done[name] + n, draws)
            if progress is not None:
                progress(min(sum(done.values()) / (draws * len(chosen)), 1.0))

    def run(name: str) -> None:
        if stop.is_set():
            return
        try:
            out[name] = forecast(
                s,
                name,
                draws=draws,
                seed=seed,
                full=draws == 1,
                progress=functools.partial(count, name),
                chunk_size=chunk_size,
                scheduler=scheduler,
                **to_stability(s, name),
            )
        except ModelError as exc:
            if model_names:
                stop.set()
                raise
            skipped[name] = str(exc)
        except BaseException:
            stop.set()
            raise
        count(name, None)  # a skipped model counts as done

    _run_side_by_side(run, chosen, draws > 1 and scheduler is None, stop)
    out = {name: out[name] for name in chosen if name in out}
    skipped = {name: skipped[name] for name in chosen if name in skipped}
    calibrated = {n: intervals(fc, s) for n, fc in out.items() if n in _calibrated()}
    settled = {n: c for n, fc in out.items() if (c := convergence(fc, s)) is not None}
    by_label = {label(fc): n for n, fc in out.items()}
    why = {
        issue.id: disagreement(
            issue.id,
            {lab: out[n].outcomes[issue.id] for lab, n in by_label.items()},
            {lab: settled[n] for lab, n in by_label.items() if n in settled},
        )
        for issue in s.issues
    }
    return Comparison(s.id, out, skipped, calibrated, settled, ensemble(out, s), why)


class _Stopped(Exception):
    """A model stopped because another one failed or the run was cancelled."""


def _run_side_by_side(
    run: Callable[[str], None], chosen: list[str], overlap: bool, stop: threading.Event
) -> None:
    """``run(name)`` for every model, two at a time when ``overlap`` and the kernels allow it.

    The models are independent and each is deterministic, so running two at once changes no
    number; it lets one model's numpy bookkeeping between rounds use the cores the other's
    compiled kernel leaves idle (docs/performance.md: ``compare ukraine-2026 --draws 1000``,
    11.3 -> 10.2 s). The dynamic models go first, so the longest runs start together. The first
    error (or cancel) stops the other model at its next round (``run`` checks ``stop``) and is
    raised, as is an interrupt of the waiting caller; one model at a time otherwise.
    """
    threads = 1
    if overlap and len(chosen) > 1:
        import numba

        from .models._threads import side_by_side

        if side_by_side():
            threads = 2
            kernel_threads = numba.get_num_threads()  # per thread in numba: pass the caller's on
            inner = run

            def run(name: str) -> None:
                numba.set_num_threads(kernel_threads)
                inner(name)

            chosen = sorted(chosen, key=lambda name: not models.get(name).dynamic)
    if threads == 1:
        for name in chosen:
            run(name)
        return
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="compare")
    try:
        futures = [pool.submit(run, name) for name in chosen]
        wait(futures)
    except BaseException:  # Ctrl-C: the models stop within a round, not when they are done
        stop.set()
        raise
    finally:
        pool.shutdown()
    errors = [e for f in futures if (e := f.exception()) is not None]
    # The error that stopped the run, not a model's _Stopped that followed it.
    for error in sorted(errors, key=lambda e: isinstance(e, _Stopped)):
        raise error


def _calibrated() -> set[str]:
    return set(calibration()["models"])
