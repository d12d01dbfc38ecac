"""Seeded paired bootstrap of the MAE difference between two models (``baselines.md`` §6.4).

Issues of one legislative proposal share actors and bargaining, so their errors are correlated:
the default resampling unit is the proposal (a cluster bootstrap).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError

__all__ = ["PairedBootstrap", "Unit", "paired_bootstrap"]

Float = NDArray[np.float64]
Unit = Literal["proposal", "issue"]


@dataclass(frozen=True)
class PairedBootstrap:
    """``delta`` = mean of ``e_A - e_B`` over the ``n`` paired issues (negative = A better) and
    its 95% percentile interval ``[low, high]`` from ``resamples`` draws of the ``unit``."""

    delta: float
    low: float
    high: float
    n: int
    n_proposals: int
    resamples: int
    unit: Unit
    seed: int

    @property
    def a_better(self) -> bool:
        """A beats B: the whole interval lies below zero."""
        return self.high < 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "delta": self.delta,
            "ci": [self.low, self.high],
            "n": self.n,
            "n_proposals": self.n_proposals,
            "resamples": self.resamples,
            "unit": self.unit,
            "seed": self.seed,
        }


def paired_bootstrap(
    errors_a: Float,
    errors_b: Float,
    proposals: Sequence[str],
    *,
    unit: Unit = "proposal",
    resamples: int = 10_000,
    seed: int = 0,
    level: float = 0.95,
) -> PairedBootstrap:
    """Paired bootstrap of ``mean(|e_A|) - mean(|e_B|)`` on the issues both models scored.

    ``errors_*`` are ``float[D]`` absolute errors (NaN = not scored); ``proposals[k]`` is issue
    k's proposal. With ``unit="proposal"`` each resample draws P proposals with replacement and
    divides the summed differences of their issues by their number of issues; with ``"issue"``
    it draws n issues. The interval is the percentile interval (linear interpolation).

    >>> a = np.array([1.0, 2.0, 3.0, 4.0]); b = a + 1.0
    >>> r = paired_bootstrap(a, b, ["p", "p", "q", "q"], resamples=200)
    >>> r.delta, r.low, r.high, r.n, r.n_proposals
    (-1.0, -1.0, -1.0, 4, 2)
    """
    if resamples < 1:
        raise ModelError(f"resamples must be at least 1; got {resamples}")
    if unit not in ("proposal", "issue"):
        raise ModelError(f"bootstrap unit must be 'proposal' or 'issue'; got '{unit}'")
    a = np.asarray(errors_a, dtype=np.float64)
    b = np.asarray(errors_b, dtype=np.float64)
    if a.shape != b.shape or a.shape != (len(proposals),):
        raise ModelError(
            f"errors and proposals must have one entry per issue; got {a.shape}, {b.shape} and "
            f"{len(proposals)} proposals"
        )
    paired = np.isfinite(a) & np.isfinite(b)
    delta = np.abs(a[paired]) - np.abs(b[paired])
    n = int(delta.size)
    labels = np.asarray(proposals, dtype=object)[paired]
    _, cluster = np.unique(labels.astype(str), return_inverse=True)
    p = int(cluster.max()) + 1 if n else 0
    if n == 0:
        nan = float("nan")
        return PairedBootstrap(nan, nan, nan, 0, 0, resamples, unit, seed)
    rng = np.random.default_rng(seed)
    if unit == "issue":
        draws = rng.integers(0, n, size=(resamples, n))
        stats = delta[draws].mean(axis=1)
    else:
        sums = np.bincount(cluster, weights=delta, minlength=p)
        counts = np.bincount(cluster, minlength=p).astype(np.float64)
        draws = rng.integers(0, p, size=(resamples, p))
        stats = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(stats, [tail, 100.0 - tail])
    return PairedBootstrap(
        float(delta.mean()), float(low), float(high), n, p, resamples, unit, seed
    )
