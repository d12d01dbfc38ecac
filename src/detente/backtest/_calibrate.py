"""Fit the shipped calibration: every registered model's error distribution on the DEU data,
the skill weights of the ensemble, and their out-of-sample records.

``detente backtest calibrate`` runs this once and writes ``src/detente/data/calibration.json``;
forecasts read that file (:mod:`detente._intervals`) and never rerun the backtest.

- **Per model**: the signed errors of the forecast each model reports (its ``outcome``: the
  final-round median for ``eum``, the voting outcome for ``exchange``, ...) at its default
  parameters, kept as :data:`~detente.backtest._conformal.ATOMS` quantiles, with the
  cross-validated coverage, width and interval score (:func:`conformal_cv`).
- **Ensemble**: a weighted mean of the models, weights ∝ 1 / MSE² (Bates and Granger's
  inverse-MSE weights, squared so the clearly worse models barely count), renormalised over the
  models that forecast an issue. Its record is out of sample twice over: in each fold the
  weights come from the training folds, and its atoms from training-fold ensemble errors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import models
from .._inputs import to_stability
from ..errors import ModelError
from ..models import jsonable
from ._conformal import conformal_cv, residual_atoms
from ._deu import DeuData, load_deu
from ._run import ModelChoice, run_model
from ._search import fold_of_proposal

__all__ = [
    "ENSEMBLE",
    "calibrate",
    "calibration_markdown",
    "ensemble_weights",
    "weighted_ensemble",
]

Float = NDArray[np.float64]
ENSEMBLE = "ensemble"
# Below this the out-of-sample check has too few issues per fold to mean anything.
MIN_ISSUES = 40
METHOD = (
    "split conformal on signed errors (outcome − forecast, 0–100 points), kept as 100 "
    "quantiles; predictive interval = quantiles of (Monte Carlo draws + error), clipped to the "
    "scale; ensemble weights ∝ 1/MSE²; out-of-sample records by 10-fold CV grouped by proposal"
)


def _outcome_forecasts(data: DeuData, name: str) -> Float:
    """The forecast a model reports (its ``outcome``), ``float[D]``, NaN where it refuses."""
    spec = dataclasses.replace(models.get(name), dynamic=False)
    # The parameters compare and forecast run the model with (eum, exchange: to stability).
    choice = ModelChoice(name, to_stability(None, name), spec=spec)
    return run_model(data, choice).forecasts[choice.label]


def ensemble_weights(mse: dict[str, float]) -> dict[str, float]:
    """Skill weights ∝ 1/MSE², summing to 1.

    >>> w = ensemble_weights({"a": 100.0, "b": 400.0})
    >>> round(w["a"], 4), round(w["b"], 4)
    (0.9412, 0.0588)
    """
    raw = {k: 1.0 / v**2 for k, v in mse.items() if np.isfinite(v) and v > 0}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def weighted_ensemble(forecasts: dict[str, Float], weights: dict[str, float]) -> Float:
    """The weighted mean of the models' forecasts (``float[..., D]`` each), renormalised over
    the models with a finite forecast; NaN where none has one."""
    names = [k for k in weights if k in forecasts]
    x = np.stack([forecasts[k] for k in names])
    w = np.array([weights[k] for k in names]).reshape((-1,) + (1,) * (x.ndim - 1))
    w = np.where(np.isfinite(x), w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.nansum(np.nan_to_num(x) * w, axis=0) / w.sum(axis=0))


def _mse(x: Float, y: Float) -> float:
    ok = np.isfinite(x) & np.isfinite(y)
    return float(np.mean((x[ok] - y[ok]) ** 2)) if ok.any() else float("nan")


def _record(x: Float, y: Float, fold: NDArray[np.intp]) -> dict[str, Any]:
    err = np.abs(x - y)
    ok = np.isfinite(err)
    cal = conformal_cv(x, y, fold)
    return {
        "n": int(ok.sum()),
        "mae": round(float(err[ok].mean()), 4),
        "rmse": round(float(np.sqrt(np.mean(err[ok] ** 2))), 4),
        "out_of_sample": None if cal is None else cal.to_dict(),
        "atoms": [round(float(a), 4) for a in residual_atoms(y - x)],
    }


def calibrate(
    data: DeuData | str | Path | None = None, *, folds: int = 10, seed: int = 0
) -> dict[str, Any]:
    """The calibration document (the JSON shipped as ``detente/data/calibration.json``)."""
    deu = data if isinstance(data, DeuData) else load_deu(data)
    if deu.n_scored_issues < MIN_ISSUES:
        raise ModelError(
            f"calibration needs at least {MIN_ISSUES} scored issues; got "
            f"{deu.n_scored_issues} in {deu.source}"
        )
    y = deu.outcome
    fold = fold_of_proposal(deu.proposals, folds, seed)
    forecasts = {name: _outcome_forecasts(deu, name) for name in models.names()}
    out_models = {name: _record(x, y, fold) for name, x in forecasts.items()}
    weights = ensemble_weights({name: _mse(x, y) for name, x in forecasts.items()})
    held_out = np.full(deu.n_issues, np.nan)
    for k in np.unique(fold):
        train = (fold != k) & np.isfinite(y)
        w = ensemble_weights({n: _mse(x[train], y[train]) for n, x in forecasts.items()})
        held_out[fold == k] = weighted_ensemble(forecasts, w)[fold == k]
    ensemble = _record(held_out, y, fold)
    ensemble["weights"] = {k: round(v, 4) for k, v in weights.items()}
    source = Path(deu.source)
    digest = hashlib.sha256(source.read_bytes()).hexdigest() if source.exists() else None
    from .. import __version__

    return {
        "provenance": {
            "data": source.name,
            "data_sha256": digest,
            "issues": deu.n_scored_issues,
            "proposals": len({p for p, out in zip(deu.proposals, y, strict=True) if out == out}),
            "date": dt.datetime.now(dt.UTC).date().isoformat(),
            "package_version": __version__,
            "folds": folds,
            "seed": seed,
            "method": METHOD,
            "command": "detente backtest calibrate",
            "model_params": {
                name: jsonable(
                    dataclasses.asdict(models.get(name).make_params(**to_stability(None, name)))
                )
                for name in models.names()
            },
        },
        "models": out_models,
        ENSEMBLE: ensemble,
    }


def calibration_markdown(doc: dict[str, Any]) -> str:
    """The generated section of docs/backtest.md: each model's out-of-sample record."""
    prov = doc["provenance"]
    lines = [
        f"Regenerate with `{prov['command']} --doc docs/backtest.md` ({prov['issues']} issues, "
        f"{prov['proposals']} proposals, `{prov['data']}`, {prov['folds']}-fold CV grouped by "
        f"proposal, seed {prov['seed']}; fitted {prov['date']}, package "
        f"{prov['package_version']}).",
        "",
        "| model | n | MAE | coverage 50% | 80% | 95% | width 50% | 80% | 95% "
        "| interval score 80% |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    weights = doc[ENSEMBLE]["weights"]
    records = [*doc["models"].items(), (f"**{ENSEMBLE}**", doc[ENSEMBLE])]
    for name, r in records:
        cal = r["out_of_sample"]
        if cal is None:
            continue
        cov, width = cal["coverage"], cal["width"]
        label = f"`{name}` ({weights[name]:.0%})" if name in weights else name
        lines.append(
            f"| {label} | {r['n']} | {r['mae']:.2f} | {cov['0.5']:.2f} | {cov['0.8']:.2f} | "
            f"{cov['0.95']:.2f} | {width['0.5']:.0f} | {width['0.8']:.0f} | {width['0.95']:.0f} | "
            f"{cal['interval_score']['0.8']:.1f} |"
        )
    return "\n".join(lines)
