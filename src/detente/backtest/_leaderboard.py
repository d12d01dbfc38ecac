"""The backtest leaderboard: every model's scores and its paired interval against compromise.

>>> board = backtest(models=["compromise", "mean"], resamples=200)
>>> board.n_issues, round(board.entry("compromise").scores.mae, 2)
(248, 25.46)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import models
from ..errors import ModelError
from ._bootstrap import PairedBootstrap, Unit, paired_bootstrap
from ._conformal import Calibration, conformal_cv
from ._deu import DeuData, load_deu
from ._run import ModelChoice, parse_models, run_model
from ._scores import Scores, breakdown, score
from ._search import fold_of_proposal

__all__ = ["BASELINE", "Entry", "Leaderboard", "backtest"]

Float = NDArray[np.float64]
BASELINE = "compromise"
CALIBRATION_FOLDS = 10


@dataclass(frozen=True)
class Entry:
    """One leaderboard line: a model (or a dynamic model's final-round statistic).

    ``forecasts`` and ``errors`` are ``float[D]`` over the data's issues (NaN = unscored);
    ``vs_baseline`` is the paired bootstrap of this entry's MAE minus compromise's on the
    issues both scored; ``refused`` maps issue → the model's reason for not forecasting it;
    ``calibration`` is the out-of-sample record of its calibrated intervals (None when too few
    issues are scored to calibrate).
    """

    name: str
    forecasts: Float
    errors: Float
    scores: Scores
    by_wave: dict[str, Scores]
    by_procedure: dict[str, Scores]
    by_voting_rule: dict[str, Scores]
    vs_baseline: PairedBootstrap
    refused: dict[str, str] = field(default_factory=dict)
    calibration: Calibration | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON record (``mae`` … ``ci_vs_compromise`` first, as the CLI promises)."""
        s = self.scores.to_dict()
        ci = [self.vs_baseline.low, self.vs_baseline.high]
        return {
            "mae": s["mae"],
            "rmse": s["rmse"],
            "median_ae": s["median_ae"],
            "within_10": s["within_10"],
            "mae_diff_vs_compromise": _clean(self.vs_baseline.delta),
            "ci_vs_compromise": [_clean(x) for x in ci],
            "n": s["n"],
            "n_proposals": s["n_proposals"],
            "n_paired": self.vs_baseline.n,
            "by_wave": {k: v.to_dict() for k, v in self.by_wave.items()},
            "by_procedure": {k: v.to_dict() for k, v in self.by_procedure.items()},
            "by_voting_rule": {k: v.to_dict() for k, v in self.by_voting_rule.items()},
            "n_refused": len(self.refused),
            "calibration": None if self.calibration is None else self.calibration.to_dict(),
        }


def _clean(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


@dataclass(frozen=True)
class Leaderboard:
    """Every backtested entry on one data file, sorted by MAE (unscored entries last)."""

    data: DeuData
    entries: tuple[Entry, ...]
    resamples: int
    unit: Unit
    seed: int

    @property
    def n_issues(self) -> int:
        """Issues with an outcome in the file (each entry states its own ``n``)."""
        return self.data.n_scored_issues

    @property
    def n_proposals(self) -> int:
        ok = np.isfinite(self.data.outcome)
        return len({p for p, k in zip(self.data.proposals, ok, strict=True) if k})

    def entry(self, name: str) -> Entry:
        for e in self.entries:
            if e.name == name:
                return e
        raise ModelError(
            f"no entry '{name}' in the leaderboard; entries: "
            f"{', '.join(e.name for e in self.entries)}"
        )

    def to_frame(self) -> Any:
        """Tidy per-issue table: one row per entry and issue (forecast, outcome, error, labels).

        >>> board = backtest(models="compromise", resamples=10)
        >>> row = board.to_frame().iloc[0]
        >>> row["model"], row["issue"], round(float(row["forecast"]), 6), float(row["outcome"])
        ('compromise', 'd00032i1', 52.90566, 100.0)
        """
        import pandas as pd

        d = self.data
        frames = [
            pd.DataFrame(
                {
                    "model": e.name,
                    "issue": d.issues,
                    "proposal": d.proposals,
                    "wave": d.waves,
                    "procedure": d.procedures,
                    "voting_rule": d.voting_rules,
                    "forecast": e.forecasts,
                    "outcome": d.outcome,
                    "error": e.errors,
                }
            )
            for e in self.entries
        ]
        return pd.concat(frames, ignore_index=True)

    def to_json(self) -> dict[str, Any]:
        """``{"n_issues", "models": {name: {mae, rmse, median_ae, within_10, ...}}, ...}``."""
        return {
            "n_issues": self.n_issues,
            "n_proposals": self.n_proposals,
            "data": self.data.source,
            "skipped_rows": self.data.skipped_rows,
            "bootstrap": {"resamples": self.resamples, "unit": self.unit, "seed": self.seed},
            "models": {e.name: e.to_dict() for e in self.entries},
        }


def _entry(
    name: str,
    forecasts: Float,
    data: DeuData,
    base_errors: Float,
    refused: dict[str, str],
    unit: Unit,
    resamples: int,
    seed: int,
    fold: NDArray[np.intp],
) -> Entry:
    errors = np.abs(forecasts - data.outcome)
    props = list(data.proposals)
    return Entry(
        name=name,
        forecasts=forecasts,
        errors=errors,
        scores=score(errors, props),
        by_wave=breakdown(errors, data.waves, props),
        by_procedure=breakdown(errors, data.procedures, props),
        by_voting_rule=breakdown(errors, data.voting_rules, props),
        vs_baseline=paired_bootstrap(
            errors, base_errors, props, unit=unit, resamples=resamples, seed=seed
        ),
        refused=refused,
        calibration=conformal_cv(forecasts, data.outcome, fold),
    )


def backtest(
    data: DeuData | str | Path | None = None,
    models: Sequence[str | ModelChoice] | str | None = None,
    *,
    unit: Unit = "proposal",
    resamples: int = 10_000,
    seed: int = 0,
) -> Leaderboard:
    """Backtest models on a DEU-layout file and rank them by MAE.

    ``data`` is a :class:`DeuData`, a path, or None for the shipped development set.
    ``models`` defaults to every registered model (dynamic models give ``name:median`` and
    ``name:mean`` entries); a string is read as the CLI's ``--models`` list. Compromise is
    always included: each entry's interval is its paired bootstrap (``unit``, ``resamples``,
    ``seed``) against compromise on the issues both scored (``baselines.md`` §6.4). Each
    entry's calibrated intervals are checked by 10-fold cross-validation grouped by proposal
    (folds seeded by ``seed``; :mod:`detente.backtest._conformal`).
    """
    deu = data if isinstance(data, DeuData) else load_deu(data)
    choices = _choices(models)
    if not any(c.name == BASELINE and not c.params for c in choices):
        choices.insert(0, ModelChoice(BASELINE, {}))
    runs = [run_model(deu, c) for c in choices]
    base = next(
        r for r, c in zip(runs, choices, strict=True) if c.name == BASELINE and not c.params
    )
    base_errors = np.abs(base.forecasts[BASELINE] - deu.outcome)
    # Fewer proposals than folds (a small --data file): one proposal per fold.
    n_groups = len(set(deu.proposals))
    fold = (
        fold_of_proposal(deu.proposals, min(CALIBRATION_FOLDS, n_groups), seed)
        if n_groups >= 2
        else np.zeros(deu.n_issues, dtype=np.intp)
    )
    entries = [
        _entry(label, values, deu, base_errors, run.refused, unit, resamples, seed, fold)
        for run in runs
        for label, values in run.forecasts.items()
    ]
    entries.sort(key=lambda e: (e.scores.n == 0, e.scores.mae if e.scores.n else 0.0))
    return Leaderboard(deu, tuple(entries), resamples, unit, seed)


def _choices(requested: Sequence[str | ModelChoice] | str | None) -> list[ModelChoice]:
    if requested is None:
        return [ModelChoice(name, {}) for name in models.names()]
    if isinstance(requested, str):
        return parse_models(requested)
    out: list[ModelChoice] = []
    for item in requested:
        out.extend(parse_models(item) if isinstance(item, str) else [item])
    return out
