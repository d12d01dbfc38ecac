"""Accuracy scores of forecasts against observed outcomes, overall and by group.

Conventions: ``specs/baselines.md`` §6.1–6.3 (absolute error on the issue's 0–100 scale; MAE is
the headline; every score states its number of issues ``n``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Scores", "breakdown", "score"]

Float = NDArray[np.float64]

# An issue is "close" when the forecast lands within this many points of the outcome.
WITHIN = 10.0


@dataclass(frozen=True)
class Scores:
    """Accuracy of one model on ``n`` issues from ``n_proposals`` proposals.

    ``mae``/``rmse``/``median_ae`` are in scale points; ``within_10`` is the share (0–1) of
    issues whose absolute error is at most 10 points. All NaN when ``n`` is 0.
    """

    n: int
    n_proposals: int
    mae: float
    rmse: float
    median_ae: float
    within_10: float

    def to_dict(self) -> dict[str, float | int | None]:
        def clean(x: float) -> float | None:
            return None if np.isnan(x) else x

        return {
            "n": self.n,
            "n_proposals": self.n_proposals,
            "mae": clean(self.mae),
            "rmse": clean(self.rmse),
            "median_ae": clean(self.median_ae),
            "within_10": clean(self.within_10),
        }


def score(errors: Float, proposals: Sequence[str] | None = None) -> Scores:
    """Scores from absolute errors ``float[D]``; NaN entries are issues not scored.

    >>> s = score(np.array([0.0, 5.0, 20.0, np.nan]), ["a", "a", "b", "c"])
    >>> s.n, s.n_proposals, round(s.mae, 4), round(s.rmse, 4), s.median_ae, round(s.within_10, 4)
    (3, 2, 8.3333, 11.9024, 5.0, 0.6667)
    """
    e = np.asarray(errors, dtype=np.float64)
    ok = np.isfinite(e)
    n = int(ok.sum())
    n_proposals = len({p for p, k in zip(proposals, ok, strict=True) if k}) if proposals else n
    if n == 0:
        nan = float("nan")
        return Scores(0, 0, nan, nan, nan, nan)
    v = np.abs(e[ok])
    return Scores(
        n=n,
        n_proposals=n_proposals,
        mae=float(v.mean()),
        rmse=float(np.sqrt((v**2).mean())),
        median_ae=float(np.median(v)),
        within_10=float((v <= WITHIN).mean()),
    )


def breakdown(
    errors: Float, groups: Sequence[str], proposals: Sequence[str] | None = None
) -> dict[str, Scores]:
    """Scores per group label (e.g. wave, procedure, voting rule), in order of first appearance.

    >>> {k: v.mae for k, v in breakdown(np.array([1.0, 3.0, 10.0]), ["COD", "COD", "CNS"]).items()}
    {'COD': 2.0, 'CNS': 10.0}
    """
    labels = np.asarray(groups, dtype=object)
    e = np.asarray(errors, dtype=np.float64)
    out: dict[str, Scores] = {}
    for label in dict.fromkeys(groups):
        keep = labels == label
        props = [p for p, k in zip(proposals, keep, strict=True) if k] if proposals else None
        out[label] = score(e[keep], props)
    return out
