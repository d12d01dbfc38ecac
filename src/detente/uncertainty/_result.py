"""The result of a Monte Carlo run: per-issue distributions of the forecast, and their summaries."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ModelError, did_you_mean

__all__ = ["Band", "IssueSummary", "Simulation"]

Float = NDArray[np.float64]

# Bins of the per-issue histogram, over the issue's whole scale.
HISTOGRAM_BINS = 20


@dataclass(frozen=True)
class Band:
    """A stretch of an issue's scale between two anchors, and the share of draws that land in it.

    Bands are closed on the left and open on the right, except the last, which includes the top
    of the scale.
    """

    low: float
    high: float
    share: float


@dataclass(frozen=True)
class IssueSummary:
    """How one issue's forecast is distributed over the draws (values on the issue's scale)."""

    issue: str
    median: float
    mean: float
    interval_80: tuple[float, float]
    interval_95: tuple[float, float]
    histogram_edges: tuple[float, ...]
    histogram_counts: tuple[int, ...]
    bands: tuple[Band, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "mean": self.mean,
            "interval_80": list(self.interval_80),
            "interval_95": list(self.interval_95),
            "histogram": {
                "edges": list(self.histogram_edges),
                "counts": list(self.histogram_counts),
            },
            "bands": [dataclasses.asdict(b) for b in self.bands],
        }


@dataclass(frozen=True)
class Simulation:
    """A model's forecasts over ``draws`` sampled scenarios, in draw order.

    ``outcome`` is ``float[B, D]`` on each issue's own scale; ``stable_round`` is ``int[B]`` (the
    first round after which nothing moved) for dynamic models, else None. ``band_edges`` holds,
    per issue, the scale's ends and its anchors in between: the bands of :meth:`bands`.
    """

    scenario_id: str
    model: str
    params: Any
    draws: int
    seed: int
    issue_ids: tuple[str, ...]
    scale_min: tuple[float, ...]
    scale_max: tuple[float, ...]
    band_edges: tuple[tuple[float, ...], ...]
    outcome: Float
    stable_round: NDArray[np.int64] | None = None
    n_rounds: int | None = None
    correlated: tuple[str, ...] = ()

    def _column(self, issue: str) -> tuple[int, Float]:
        try:
            j = self.issue_ids.index(issue)
        except ValueError:
            raise ModelError(
                f"scenario '{self.scenario_id}' has no issue '{issue}'"
                f"{did_you_mean(issue, self.issue_ids)}; its issues are: "
                f"{', '.join(self.issue_ids)}"
            ) from None
        return j, self.outcome[:, j]

    def median(self, issue: str) -> float:
        return float(np.median(self._column(issue)[1]))

    def mean(self, issue: str) -> float:
        return float(np.mean(self._column(issue)[1]))

    def interval(self, issue: str, level: float = 0.8) -> tuple[float, float]:
        """The central interval holding ``level`` of the draws (0.8 → 10th to 90th percentile)."""
        if not 0.0 < level < 1.0:
            raise ModelError(f"interval level must lie between 0 and 1; got {level}")
        tail = (1.0 - level) / 2.0
        lo, hi = np.quantile(self._column(issue)[1], [tail, 1.0 - tail])
        return float(lo), float(hi)

    def prob(self, issue: str, lo: float | None = None, hi: float | None = None) -> float:
        """Share of draws with ``lo <= forecast <= hi`` (an open end when None).

        >>> from detente import simulate
        >>> s = simulate("emission-standards-1994", "compromise", draws=10)
        >>> s.prob("lag", lo=7.0), s.prob("lag", hi=7.0)
        (1.0, 0.0)
        """
        x = self._column(issue)[1]
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        return float(inside.mean())

    def histogram(self, issue: str, bins: int = HISTOGRAM_BINS) -> tuple[Float, NDArray[np.int64]]:
        """Counts of draws in ``bins`` equal bins over the issue's scale: ``(edges, counts)``."""
        j, x = self._column(issue)
        counts, edges = np.histogram(x, bins=bins, range=(self.scale_min[j], self.scale_max[j]))
        return edges, counts.astype(np.int64)

    def bands(self, issue: str) -> tuple[Band, ...]:
        """Share of draws in each band between consecutive anchors of the issue's scale."""
        j, x = self._column(issue)
        edges = np.array(self.band_edges[j])
        # side="right" puts a value on an anchor into the band that starts there.
        which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, edges.size - 2)
        shares = np.bincount(which, minlength=edges.size - 1) / x.size
        return tuple(
            Band(float(edges[b]), float(edges[b + 1]), float(shares[b]))
            for b in range(edges.size - 1)
        )

    def summary(self, issue: str) -> IssueSummary:
        edges, counts = self.histogram(issue)
        return IssueSummary(
            issue=issue,
            median=self.median(issue),
            mean=self.mean(issue),
            interval_80=self.interval(issue, 0.8),
            interval_95=self.interval(issue, 0.95),
            histogram_edges=tuple(float(e) for e in edges),
            histogram_counts=tuple(int(c) for c in counts),
            bands=self.bands(issue),
        )

    def rounds_to_stable(self) -> dict[int, float] | None:
        """Share of draws per round after which nothing moved (dynamic models), else None."""
        if self.stable_round is None:
            return None
        rounds, counts = np.unique(self.stable_round, return_counts=True)
        return {int(r): float(c) / self.draws for r, c in zip(rounds, counts, strict=True)}

    def params_dict(self) -> dict[str, Any]:
        if dataclasses.is_dataclass(self.params) and not isinstance(self.params, type):
            return dataclasses.asdict(self.params)
        return {}

    def to_frame(self) -> Any:
        """Tidy table: one row per draw and issue (plus ``stable_round`` for dynamic models)."""
        import pandas as pd

        b, d = self.outcome.shape
        columns: dict[str, Any] = {
            "draw": np.repeat(np.arange(b), d),
            "issue": np.tile(np.array(self.issue_ids, dtype=object), b),
            "outcome": self.outcome.reshape(-1),
        }
        if self.stable_round is not None:
            columns["stable_round"] = np.repeat(self.stable_round, d)
        return pd.DataFrame(columns)

    def to_json(self) -> dict[str, Any]:
        """The ``detente simulate --json`` shape; the same seed gives the same JSON."""
        from ..models import jsonable

        data: dict[str, Any] = {
            "scenario": self.scenario_id,
            "model": self.model,
            "params": jsonable(self.params_dict()),
            "draws": self.draws,
            "seed": self.seed,
            "correlated": list(self.correlated),
            "issues": {issue: self.summary(issue).to_json() for issue in self.issue_ids},
        }
        shares = self.rounds_to_stable()
        if shares is not None and self.stable_round is not None:
            data["rounds_to_stable"] = {
                "rounds": self.n_rounds,
                "median": float(np.median(self.stable_round)),
                "mean": float(np.mean(self.stable_round)),
                "shares": {str(r): s for r, s in shares.items()},
            }
        return data
