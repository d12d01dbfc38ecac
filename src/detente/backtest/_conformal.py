"""Calibrated predictive intervals: split conformal on a model's signed errors, checked out of
sample by cross-validation grouped by proposal.

A model's error distribution is kept as ``ATOMS`` quantiles of its signed residuals
(outcome − forecast, 0–100 points), an equally weighted discrete distribution. A forecast's
predictive distribution is the forecast's Monte Carlo draws *plus* an independent error drawn
from those atoms (a convolution), clipped to the scale; its central ``level`` interval is read
off that sum. With one draw this is plain split conformal; with many, the inputs' spread widens
the interval further. The same :func:`predictive_interval` serves the backtest's out-of-sample
check and every forecast, so the coverage reported is the coverage of the shipped method.

>>> import numpy as np
>>> atoms = residual_atoms(np.linspace(-30.0, 30.0, 201))
>>> lo, hi = predictive_interval(np.array([[50.0]]), atoms, 0.8)
>>> round(float(lo[0]), 1), round(float(hi[0]), 1)
(26.0, 74.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError

__all__ = [
    "ATOMS",
    "LEVELS",
    "Calibration",
    "conformal_cv",
    "interval_score",
    "predictive_interval",
    "residual_atoms",
]

Float = NDArray[np.float64]
LEVELS: tuple[float, ...] = (0.5, 0.8, 0.95)
ATOMS = 100
# Monte Carlo draws beyond this are summarised by as many of their quantiles: the convolution
# then costs MAX_DRAWS × ATOMS values per issue whatever the number of draws.
MAX_DRAWS = 200


def _midpoints(k: int) -> Float:
    return (np.arange(k) + 0.5) / k


def residual_atoms(residuals: Float) -> Float:
    """The error distribution as ``float[ATOMS]`` quantiles of the finite signed residuals.

    Raises :class:`ModelError` when fewer than 20 residuals are finite: a calibration on so few
    issues would promise a coverage it cannot deliver.
    """
    r = np.asarray(residuals, dtype=np.float64)
    r = r[np.isfinite(r)]
    if r.size < 20:
        raise ModelError(f"calibration needs at least 20 scored issues; got {r.size}")
    return np.quantile(r, _midpoints(ATOMS))


def predictive_interval(
    draws: Float, atoms: Float, level: float, *, low: float = 0.0, high: float = 100.0
) -> tuple[Float, Float]:
    """The central ``level`` interval of draws + error, clipped to ``[low, high]``.

    ``draws`` is ``float[B, D]`` on the 0–100 scale (B = 1 for a point forecast), ``atoms``
    ``float[K]`` from :func:`residual_atoms`; returns ``(low, high)``, each ``float[D]``.
    """
    if not 0.0 < level < 1.0:
        raise ModelError(f"interval level must lie strictly between 0 and 1; got {level}")
    x = np.asarray(draws, dtype=np.float64)
    if x.shape[0] > MAX_DRAWS:
        x = np.quantile(x, _midpoints(MAX_DRAWS), axis=0)
    total = (x[:, None, :] + np.asarray(atoms)[None, :, None]).reshape(-1, x.shape[1])
    tail = (1.0 - level) / 2.0
    # Hazen positions ((k + 0.5)/n) match the atoms' own midpoints, so one draw reads the
    # error quantiles back exactly.
    lo, hi = np.quantile(total, [tail, 1.0 - tail], axis=0, method="hazen")
    return np.clip(lo, low, high), np.clip(hi, low, high)


def interval_score(lo: Float, hi: Float, outcome: Float, level: float) -> Float:
    """The interval score (Gneiting & Raftery 2007, §6.2) per issue: width plus 2/α times the
    miss; lower is better, and it is proper (honest intervals minimise it in expectation)."""
    alpha = 1.0 - level
    below = np.maximum(lo - outcome, 0.0)
    above = np.maximum(outcome - hi, 0.0)
    return (hi - lo) + 2.0 / alpha * (below + above)


@dataclass(frozen=True)
class Calibration:
    """Out-of-sample record of a model's calibrated intervals (grouped cross-validation).

    Per level (``LEVELS``): ``coverage`` (share of held-out outcomes inside), ``width`` (mean
    width, 0–100 points) and ``score`` (mean interval score); ``n`` issues, ``folds`` folds.
    """

    coverage: dict[float, float]
    width: dict[float, float]
    score: dict[float, float]
    n: int
    folds: int

    def to_dict(self) -> dict[str, Any]:
        def keyed(values: dict[float, float]) -> dict[str, float]:
            return {f"{level:g}": round(v, 4) for level, v in values.items()}

        return {
            "coverage": keyed(self.coverage),
            "width": keyed(self.width),
            "interval_score": keyed(self.score),
            "n": self.n,
            "folds": self.folds,
        }


def conformal_cv(
    forecasts: Float,
    outcome: Float,
    fold: NDArray[np.intp],
    *,
    levels: Sequence[float] = LEVELS,
) -> Calibration | None:
    """Coverage, width and interval score of the calibrated intervals, out of sample.

    ``forecasts``, ``outcome`` are ``float[D]`` (NaN = unscored), ``fold`` ``int[D]`` the fold
    of each issue (all issues of a proposal in one fold). Each fold's intervals use atoms fitted
    on the other folds only. None when too few issues are scored to calibrate.
    """
    ok = np.isfinite(forecasts) & np.isfinite(outcome)
    folds = np.unique(fold[ok])
    if ok.sum() < 40 or folds.size < 2:
        return None
    x, y, f = forecasts[ok], outcome[ok], fold[ok]
    lo = np.empty((len(levels), x.size))
    hi = np.empty_like(lo)
    for k in folds:
        test = f == k
        atoms = residual_atoms((y - x)[~test])
        for i, level in enumerate(levels):
            lo[i, test], hi[i, test] = predictive_interval(x[test][None, :], atoms, level)
    inside = (y >= lo) & (y <= hi)
    return Calibration(
        coverage={lv: float(inside[i].mean()) for i, lv in enumerate(levels)},
        width={lv: float((hi[i] - lo[i]).mean()) for i, lv in enumerate(levels)},
        score={
            lv: float(interval_score(lo[i], hi[i], y, lv).mean()) for i, lv in enumerate(levels)
        },
        n=int(x.size),
        folds=int(folds.size),
    )
