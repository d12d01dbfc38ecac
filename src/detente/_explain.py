"""Why a model lands where it does: labels that say what a model was asked, whether a dynamic
model settled, each actor's pull on a weighted average, and why models disagree on an issue.

>>> import detente
>>> fc = detente.forecast("ukraine-2026", "eum")
>>> c = convergence(fc)
>>> c.words("NATO")
'did not settle by round 10 (the cap): 50–95 over its last 10 rounds'
>>> label(detente.forecast("ukraine-2026", "nash"))
'nash[all]'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .models import Forecast
from .models.baselines import actor_weights
from .scenario import Scenario

__all__ = [
    "Convergence",
    "contributions",
    "convergence",
    "disagreement",
    "events_in_words",
    "label",
    "nash_terms",
]

Float = NDArray[np.float64]
# A position change below this share of the issue's scale counts as no movement.
SETTLE_TOLERANCE = 0.005
# Rounds over which an unsettled model's range is reported (a cycle of eum spans a few).
LATE_ROUNDS = 10
# Rounds a value must hold (within the tolerance) before the cap to count as settled: one
# round is not enough, since exchange's voting outcome wanders around a level by a point or
# two and comes within the tolerance of its last value now and then (CRIM, ukraine-2026).
SETTLE_WINDOW = 5

# What each model family does, in a few words, for "why they disagree".
_HOW = {
    "compromise": "capability × salience weighted average",
    "mean": "weighted average",
    "median": "the pivotal actor, the weighted median",
    "status_quo": "no change from the status quo",
    "nash": "bargaining from the no-deal point",
    "exchange": "vote trades across issues",
    "eum": "challenges and concessions round by round",
    "smp": "pairwise bargains round by round",
}


def label(forecast: Forecast) -> str:
    """The model's name as shown: ``nash`` carries its players (``nash[all]``, ``nash[veto]``),
    since a Nash point among all actors and among veto players answer different questions."""
    players = forecast.params_dict().get("players") if forecast.model == "nash" else None
    return f"nash[{players}]" if players else forecast.model


@dataclass(frozen=True)
class Convergence:
    """Whether a dynamic model's per-round outcome settled, per issue.

    The series is the model's own outcome statistic (``Rounds.outcome``: eum's median, exchange's
    voting outcome, smp's probability-weighted mean), the median across draws, so a verdict is
    about the number shown. ``settled_round`` is ``int[D]``: the first round from which it stays
    within ``SETTLE_TOLERANCE`` of the scale of its final value; ``converged`` is ``bool[D]``:
    it held for the last :data:`SETTLE_WINDOW` rounds run (all of them in a shorter run), or the
    model's own stopping rule ended the run before the round cap. ``cap`` is the maximum rounds
    allowed and ``rounds_run`` the rounds run. ``late_low`` / ``late_high`` (``float[D]``) bound
    that series over the last :data:`LATE_ROUNDS` rounds: where a model did not settle, the value
    shown is one point of that range, and the range is what a reader should quote.
    """

    issue_ids: tuple[str, ...]
    settled_round: NDArray[np.int64]
    converged: NDArray[np.bool_]
    rounds_run: int
    cap: int
    stop_rule: str
    late_low: NDArray[np.float64]
    late_high: NDArray[np.float64]

    def late_range(self, issue: str) -> str:
        """Where the outcome moved over the last rounds, e.g. '52–95 over its last 10 rounds'."""
        j = self.issue_ids.index(issue)
        last = min(LATE_ROUNDS, self.rounds_run)
        return f"{self.late_low[j]:.0f}–{self.late_high[j]:.0f} over its last {last} rounds"

    def words(self, issue: str) -> str:
        j = self.issue_ids.index(issue)
        if self.converged[j]:
            return f"settled by round {int(self.settled_round[j])}"
        return f"did not settle by round {self.rounds_run} (the cap): {self.late_range(issue)}"

    @property
    def all_converged(self) -> bool:
        return bool(self.converged.all())

    def to_json(self) -> dict[str, Any]:
        return {
            "rounds_run": self.rounds_run,
            "cap": self.cap,
            "stop_rule": self.stop_rule,
            "issues": {
                issue: {
                    "converged": bool(self.converged[j]),
                    "settled_round": int(self.settled_round[j]),
                    "late_range": [float(self.late_low[j]), float(self.late_high[j])],
                }
                for j, issue in enumerate(self.issue_ids)
            },
        }


def convergence(forecast: Forecast, scenario: Scenario | None = None) -> Convergence | None:
    """The convergence record of a dynamic model's forecast; None for a static model.

    ``scenario`` gives the issues' scales (default: the 0–100 scale) for the tolerance.
    """
    rounds = forecast.rounds
    if rounds is None:
        return None
    series = np.median(rounds.outcome, axis=0)  # [R+1, D]
    span = np.ones(series.shape[1]) * 100.0
    if scenario is not None:
        scales = [scenario.issue(i).scale for i in forecast.issue_ids]
        span = np.array([abs(sc.max - sc.min) for sc in scales])
    moved = np.abs(series - series[-1]) > SETTLE_TOLERANCE * span  # [R+1, D]
    r_run = rounds.n_rounds
    # The round after the last one that differs from the final value (0 if none does).
    last_moved = r_run - np.argmax(moved[::-1], axis=0)
    settled = np.where(moved.any(axis=0), last_moved + 1, 0).astype(np.int64)
    cap = int(forecast.params_dict().get("rounds", r_run))
    stopped_early = r_run < cap
    converged = (settled <= r_run - min(SETTLE_WINDOW, r_run)) | stopped_early
    late = series[-min(LATE_ROUNDS, r_run) :]
    return Convergence(
        forecast.issue_ids,
        settled,
        np.asarray(converged),
        r_run,
        cap,
        rounds.stop_rule,
        late.min(axis=0),
        late.max(axis=0),
    )


def contributions(forecast: Forecast, scenario: Scenario) -> dict[str, dict[str, float]]:
    """Each actor's exact pull on a weighted-average forecast, per issue (issue scale).

    For ``compromise`` and ``mean`` the forecast is ``m = Σ wᵢ xᵢ / Σ wᵢ``, so
    ``m − c = Σ (wᵢ / Σ w) (xᵢ − c)`` for the scale's midpoint ``c``: actor i pulls the outcome
    by its normalised weight times its distance from the midpoint, and the pulls add up to the
    forecast's distance from the midpoint. Other models return ``{}``.
    """
    if forecast.model not in ("compromise", "mean"):
        return {}
    arrays = scenario.to_arrays()
    w = actor_weights(arrays, forecast.params_dict().get("weights", "capability_salience"))[0]
    share = w / np.where(w.sum(axis=0) > 0, w.sum(axis=0), 1.0)
    out: dict[str, dict[str, float]] = {}
    for j, issue_id in enumerate(arrays.issue_ids):
        scale = scenario.issue(issue_id).scale
        unit = (scale.max - scale.min) / 100.0
        pulls = share[:, j] * (np.nan_to_num(arrays.positions[0, :, j]) - 50.0) * unit
        out[issue_id] = {
            actor: float(pulls[i]) for i, actor in enumerate(arrays.actor_ids) if share[i, j] > 0
        }
    return out


def disagreement(
    issue: str,
    outcomes: Mapping[str, float],
    converged: Mapping[str, Convergence],
    *,
    digits: int = 0,
) -> str:
    """One sentence on why the models disagree on ``issue``: the spread, the two ends, and what
    each end's model does (``outcomes``: label → forecast; ``converged``: label → record)."""
    # The status quo is the no-deal baseline, not a view of where the talks land.
    outcomes = {k: v for k, v in outcomes.items() if k != "status_quo"}
    if len(outcomes) < 2:
        return ""
    lo_name = min(outcomes, key=lambda k: outcomes[k])
    hi_name = max(outcomes, key=lambda k: outcomes[k])
    spread = outcomes[hi_name] - outcomes[lo_name]

    def end(name: str) -> str:
        how = _HOW.get(name.split("[")[0], "its own rule")
        c = converged.get(name)
        if c is not None and not c.converged[c.issue_ids.index(issue)]:
            how += ", still moving at the cap"
        return f"{name} {outcomes[name]:.{digits}f} ({how})"

    if spread < 5:
        return f"{issue}: the models agree within {spread:.{digits}f} points."
    return f"{issue}: {spread:.{digits}f} points apart — {end(hi_name)} vs {end(lo_name)}."


def events_in_words(forecast: Forecast, *, top: int = 3) -> list[str]:
    """The largest moves of a run (first draw) in words: ``eum`` challenges that moved an actor,
    ``exchange`` trades; [] for models that record no such events."""
    if not forecast.events:
        return []
    e = forecast.events_frame()
    e = e[e["draw"] == 0]
    if forecast.model == "eum":
        moves = e[e["position_to"] != e["position_from"]].copy()
        moves["size"] = (moves["position_to"] - moves["position_from"]).abs()
        rows = moves.sort_values("size", ascending=False, kind="stable").head(top)
        return [
            f"round {r.round}: {r.actor} moved on {r.issue} from {r.position_from:.0f} to "
            f"{r.position_to:.0f} after a {r.offer} with {r.counterpart}"
            for r in rows.itertuples()
        ]
    if forecast.model == "exchange":
        rows = e.sort_values("gain", ascending=False, kind="stable").head(top)
        return [
            f"round {r.round}: {r.actor_i} gave way on {r.issue_supplied_i} ({r.from_i:.0f} → "
            f"{r.to_i:.0f}) and {r.actor_j} on {r.issue_supplied_j} ({r.from_j:.0f} → "
            f"{r.to_j:.0f}), a trade worth {r.gain:.2f} to each"
            for r in rows.itertuples()
        ]
    return []


def nash_terms(forecast: Forecast, scenario: Scenario) -> str:
    """Who the Nash bargaining solution bargains among and from which disagreement point."""
    if forecast.model != "nash":
        return ""
    # The model marks non-players with a NaN gain (extras["gains"], float[B, N]).
    gains = np.asarray(forecast.extras["gains"])[0]
    names = {a.id: a.name for a in scenario.actors}
    chosen = [names[a] for a, g in zip(forecast.actor_ids, gains, strict=True) if np.isfinite(g)]
    sq = ", ".join(
        f"{i.id} {i.status_quo.mode:g}" for i in scenario.issues if i.status_quo is not None
    )
    return (
        f"{label(forecast)} bargains among {len(chosen)} actors ({', '.join(chosen)}) from the "
        f"disagreement point, the status quo ({sq})"
    )
