"""The fair test of the candidates with published support (issue 16), fixed before running.

Three ideas from the literature on EU bargaining, each given its best chance and judged only
out of sample against compromise:

1. **Institution weights by procedure, with a presidency bonus**: the Commission and the
   Parliament weaker than the Council (institutions at 0.25, 0.5 or 1 × the largest member
   state), the Parliament silenced or halved under consultation, and the presidency's weight
   multiplied by 1, 1.5, 2 or 3 (the bonus is *derived from the DEU data*: chosen by CV).
2. **Snapping near-binary issues** to the likelier pole (threshold 0.8, 0.9 or 1 of the weight
   at a pole).
3. **Equal-weight averages** of compromise with the spatial model (``smp``) and with the
   exchange model (each model's reported forecast; no parameter, so no tuning).

Tuned candidates are scored by 10-fold CV grouped by proposal, and the three together by the
nested search (candidate and grid point chosen on training folds only). Each is compared with
compromise by the paired bootstrap by proposal; the minimum detectable effect (80% power, 5%
two-sided) is 2.8 × the bootstrap standard error of the difference, read off its interval.
Each candidate's held-out forecasts also get calibrated intervals (split conformal, the same
folds: :func:`~detente.backtest._conformal.conformal_cv`), so its coverage, width and interval
score stand beside its MAE.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import models
from ._bootstrap import PairedBootstrap, Unit, paired_bootstrap
from ._conformal import Calibration, conformal_cv
from ._deu import DeuData, load_deu
from ._run import ModelChoice, run_model
from ._search import Candidate, fold_of_proposal, search

__all__ = ["FAIR_CANDIDATES", "FairRow", "FairTest", "fair_markdown", "fair_test"]

Float = NDArray[np.float64]
FAIR_CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "institutions by procedure + presidency bonus",
        "compromise",
        rules={
            "institution_capability": (0.25, 0.5, 1.0),
            "parliament_by_procedure": ((), (("CNS", 0.0),), (("CNS", 0.5),)),
            "presidency_bonus": (1.0, 1.5, 2.0, 3.0),
        },
    ),
    Candidate("snap near-binary issues", "snapped", {"threshold": (0.8, 0.9, 1.0)}),
)
AVERAGED = ("smp", "exchange")
# z(0.975) + z(0.8): an effect this many standard errors away is found 80% of the time.
POWER_FACTOR = 1.96 + 0.84


@dataclass(frozen=True)
class FairRow:
    """One candidate's out-of-sample record against compromise."""

    name: str
    grid_points: int
    n: int
    mae: float
    vs_compromise: PairedBootstrap
    calibration: Calibration | None = None

    @property
    def mde(self) -> float:
        """Minimum detectable effect (MAE points) on these issues."""
        return POWER_FACTOR * (self.vs_compromise.high - self.vs_compromise.low) / (2 * 1.96)

    @property
    def verdict(self) -> str:
        b = self.vs_compromise
        if b.high < 0:
            return "better than compromise"
        if b.low > 0:
            return "worse than compromise"
        return "no detectable difference"

    def to_dict(self) -> dict[str, Any]:
        b = self.vs_compromise
        return {
            "grid_points": self.grid_points,
            "n": self.n,
            "cv_mae": self.mae,
            "mae_diff_vs_compromise": b.delta,
            "ci_vs_compromise": [b.low, b.high],
            "mde": self.mde,
            "verdict": self.verdict,
            "calibration": None if self.calibration is None else self.calibration.to_dict(),
        }


@dataclass(frozen=True)
class FairTest:
    rows: tuple[FairRow, ...]
    compromise_mae: float
    n_issues: int
    folds: int
    seed: int
    resamples: int

    def to_json(self) -> dict[str, Any]:
        return {
            "compromise_mae": self.compromise_mae,
            "n_issues": self.n_issues,
            "folds": self.folds,
            "seed": self.seed,
            "resamples": self.resamples,
            "candidates": {r.name: r.to_dict() for r in self.rows},
        }


def _outcome(data: DeuData, name: str) -> Float:
    spec = dataclasses.replace(models.get(name), dynamic=False)
    return run_model(data, ModelChoice(name, {}, spec=spec)).forecasts[name]


def fair_test(
    data: str | Path | None = None,
    *,
    folds: int = 10,
    seed: int = 0,
    resamples: int = 10_000,
    unit: Unit = "proposal",
) -> FairTest:
    """Run the pre-registered fair test (see the module docstring)."""
    found = search(
        data,
        FAIR_CANDIDATES,
        folds=folds,
        seed=seed,
        resamples=resamples,
        unit=unit,
        include_registered=False,
    )
    rows = [
        FairRow(r.name, r.n_points, r.n, r.cv_mae, r.vs_compromise, r.calibration)
        for r in (found.overall, *found.candidates)
    ]
    deu = load_deu(data)
    base = _outcome(deu, "compromise")
    base_err = np.abs(base - deu.outcome)
    # The search's folds: proposals of the scored issues, seeded alike.
    scored = np.isfinite(deu.outcome)
    fold = np.full(deu.n_issues, -1, dtype=np.intp)
    proposals = [p for p, ok in zip(deu.proposals, scored, strict=True) if ok]
    fold[scored] = fold_of_proposal(proposals, folds, seed)
    for other in AVERAGED:
        average = (base + _outcome(deu, other)) / 2
        err = np.abs(average - deu.outcome)
        ok = np.isfinite(err)
        boot = paired_bootstrap(
            err, base_err, list(deu.proposals), unit=unit, resamples=resamples, seed=seed
        )
        cal = conformal_cv(average, deu.outcome, fold)
        name = f"½ compromise + ½ {other}"
        rows.append(FairRow(name, 1, int(ok.sum()), float(err[ok].mean()), boot, cal))
    return FairTest(tuple(rows), found.compromise_mae, found.n_issues, folds, seed, resamples)


def fair_markdown(result: FairTest, command: str) -> str:
    """The generated section of docs/backtest.md."""
    lines = [
        f"Regenerate with `{command}` ({result.n_issues} issues, {result.folds}-fold CV grouped "
        f"by proposal, seed {result.seed}; paired bootstrap by proposal, {result.resamples:,} "
        f"resamples). Compromise MAE: {result.compromise_mae:.2f}.",
        "",
        "| candidate | grid points | n | CV MAE | − compromise | 95% CI | detectable "
        "effect | verdict | coverage 50% / 80% / 95% | width 80% | interval score 80% |",
        "|---|---:|---:|---:|---:|---|---:|---|---|---:|---:|",
    ]
    for r in result.rows:
        b = r.vs_compromise
        lines.append(
            f"| {r.name} | {r.grid_points} | {r.n} | {r.mae:.2f} | {b.delta:+.2f} | "
            f"[{b.low:+.2f}, {b.high:+.2f}] | ±{r.mde:.2f} | {r.verdict} | {_intervals(r)} |"
        )
    return "\n".join(lines)


def _intervals(row: FairRow) -> str:
    """The candidate's calibrated-interval cells (out of sample), or dashes when too few issues."""
    cal = row.calibration
    if cal is None:
        return "– | – | –"
    cover = " / ".join(f"{cal.coverage[lv]:.2f}" for lv in (0.5, 0.8, 0.95))
    return f"{cover} | {cal.width[0.8]:.0f} | {cal.score[0.8]:.1f}"
