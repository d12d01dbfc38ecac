"""Levers ("who to work on"): the single feasible changes that move one issue most one way.

A feasible change moves one uncertain input that bears on the issue — an actor's position or
salience on it, or its capability — to an end of its stated range (the end that helps more).
Each change is scored by how far it moves the point forecast toward the wanted direction
(``effect``, issue scale, positive = helps) and, over Monte Carlo draws with common random
numbers, by the share of draws that land at or beyond today's forecast in that direction.

For the linear models (``compromise`` and ``mean``) the point effect has an exact closed form:
the forecast is ``x* = Σ w x / Σ w``, and moving one actor's position from ``x_i`` to ``x_i'`` or
its weight from ``w_i`` to ``w_i'`` gives ``(W x* - w_i x_i + w_i' x_i') / (W - w_i + w_i')``.
Every other model is re-run on the changed scenarios (all candidates in one batch).

Changes the actor of interest makes itself are marked ``own`` and carry their cost: how far it
must move its own stated stance (in that input's units), reported apart from the benefit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .. import models
from .._inputs import as_scenario
from ..errors import ModelError, did_you_mean
from ..models.baselines import actor_weights
from ..scenario import InputRef, Scenario, to_arrays, uncertain_inputs
from ._batch import pinned_batch
from ._copula import sample_uniforms
from ._runner import run_outcomes
from ._simulate import run_params

__all__ = ["Lever", "Levers", "levers"]

Float = NDArray[np.float64]
Toward = Literal["low", "high"]

# Weights of the linear models, as their parameters name them.
_LINEAR: dict[str, Callable[[Any], str]] = {
    "compromise": lambda params: "capability_salience",
    "mean": lambda params: str(params.weights),
}
_UNITS = {"position": "issue-scale points", "salience": "salience points", "capability": "units"}
# Effects smaller than this (issue-scale units) are rounding noise, not levers.
_NOISE = 1e-9


@dataclass(frozen=True)
class Lever:
    """One feasible change and what it does to the issue's forecast.

    ``effect`` is the change of the point forecast, signed so that positive helps;
    ``prob_toward`` the share of Monte Carlo draws at or beyond the base forecast in the wanted
    direction after the change (None without draws); ``own_cost`` is set only for the actor's
    own moves.
    """

    input: InputRef
    to: float
    forecast: float
    effect: float
    own: bool
    own_cost: float | None
    prob_toward: float | None
    interval_80: tuple[float, float] | None

    def to_dict(self) -> dict[str, Any]:
        ref = self.input
        return {
            "input": ref.label,
            "field": ref.field,
            "actor": ref.actor,
            "from": ref.mode,
            "to": self.to,
            "range": [ref.low, ref.high],
            "forecast": self.forecast,
            "effect": self.effect,
            "own": self.own,
            "own_cost": self.own_cost,
            "own_cost_unit": _UNITS[ref.field] if self.own else None,
            "prob_toward": self.prob_toward,
            "interval_80": None if self.interval_80 is None else list(self.interval_80),
        }


@dataclass(frozen=True)
class Levers:
    """Ranked levers for moving ``issue`` toward ``toward`` on behalf of ``actor``."""

    scenario_id: str
    model: str
    params: Any
    actor: str
    issue: str
    toward: Toward
    method: str
    base: float
    prob_base: float | None
    draws: int
    seed: int
    levers: tuple[Lever, ...]

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([lever.to_dict() for lever in self.levers])

    def to_json(self) -> dict[str, Any]:
        from ..models import jsonable
        from ._sensitivity import _params_dict

        return {
            "scenario": self.scenario_id,
            "model": self.model,
            "params": jsonable(_params_dict(self.params)),
            "actor": self.actor,
            "issue": self.issue,
            "toward": self.toward,
            "method": self.method,
            "base": self.base,
            "prob_base": self.prob_base,
            "draws": self.draws,
            "seed": self.seed,
            "levers": [lever.to_dict() for lever in self.levers],
        }


def _check_names(scenario: Scenario, actor: str, issue: str, toward: str) -> None:
    if actor not in scenario.actor_ids:
        raise ModelError(
            f"scenario '{scenario.id}' has no actor '{actor}'"
            f"{did_you_mean(actor, scenario.actor_ids)}; its actors are: "
            f"{', '.join(scenario.actor_ids)}"
        )
    if issue not in scenario.issue_ids:
        raise ModelError(
            f"scenario '{scenario.id}' has no issue '{issue}'"
            f"{did_you_mean(issue, scenario.issue_ids)}; its issues are: "
            f"{', '.join(scenario.issue_ids)}"
        )
    if toward not in ("low", "high"):
        raise ModelError(f"toward must be 'low' or 'high'; got '{toward}'")


def _candidates(scenario: Scenario, issue: str) -> list[InputRef]:
    """Uncertain inputs that can move ``issue``: stances on it, and capabilities behind them."""
    out = []
    for ref in uncertain_inputs(scenario):
        if ref.actor is None or ref.field not in _UNITS:
            continue
        stance = scenario.actor(ref.actor).issues.get(issue)
        if stance is None:
            continue
        if ref.issue == issue:
            out.append(ref)
        elif ref.issue is None and stance.capability is None:
            # Actor-wide capability, not overridden on this issue.
            out.append(ref)
    return out


def _closed_form(
    scenario: Scenario, weights: str, issue: str, changes: list[tuple[InputRef, float]]
) -> Float:
    """Forecasts ``float[C]`` of a weighted-mean model after each single change (issue scale)."""
    if not changes:
        return np.empty(0)
    arrays = to_arrays(scenario)
    j = scenario.issue_ids.index(issue)
    actors = {a: i for i, a in enumerate(scenario.actor_ids)}
    x = arrays.to_issue_scale(arrays.positions[0], axis=-1)[:, j]
    c, s = arrays.capability[0, :, j], arrays.salience[0, :, j]
    w = actor_weights(arrays, weights)[0, :, j]  # type: ignore[arg-type]
    w = np.where(w > 0, w, 0.0)  # actors without weight take no part
    total = float(w.sum())
    base = float((w * np.nan_to_num(x)).sum() / total)
    # One entry per change: the actor it concerns, which field, and the new value.
    i = np.array([actors[str(ref.actor)] for ref, _ in changes], dtype=np.intp)
    field = np.array([ref.field for ref, _ in changes])
    value = np.array([v for _, v in changes], dtype=np.float64)
    xi = np.where(field == "position", value, x[i])
    si = np.where(field == "salience", value / 100.0, s[i])
    ci = np.where(field == "capability", value, c[i])
    wi = {"capability_salience": ci * si, "capability": ci, "salience": si}.get(
        weights, np.ones_like(value)
    )
    old = np.where(w[i] > 0, w[i] * x[i], 0.0)
    moved: Float = (base * total - old + wi * xi) / (total - w[i] + wi)
    return moved


def levers(
    scenario: Scenario | str | Path,
    actor: str,
    issue: str,
    toward: Toward,
    *,
    model: str = "compromise",
    draws: int = 1000,
    seed: int = 0,
    **params: Any,
) -> Levers:
    """Rank the single feasible changes that move ``issue`` toward ``toward``, biggest first.

    ``draws`` Monte Carlo draws (0 to skip) give each lever's ``prob_toward`` with common random
    numbers; the ranking is by the point effect. Only inputs stated as ranges can move, so a
    scenario of point values has no levers:

    >>> found = levers("emission-standards-1994", "Germany", "lag", "low", draws=0)
    >>> found.base, found.method, found.levers
    (7.389955686853766, 'closed form', ())
    """
    scenario = as_scenario(scenario)
    _check_names(scenario, actor, issue, toward)
    spec = models.get(model)
    chosen = run_params(scenario, model, **params)
    j = scenario.issue_ids.index(issue)
    sign = -1.0 if toward == "low" else 1.0
    refs = _candidates(scenario, issue)
    ends = [(ref, end) for ref in refs for end in (ref.low, ref.high)]
    base = float(spec.run(to_arrays(scenario), chosen).outcome[0, j])
    if model in _LINEAR:
        method = "closed form"
        moved = _closed_form(scenario, _LINEAR[model](chosen), issue, ends)
    else:
        method = "simulated"
        batch = pinned_batch(scenario, [{ref: end} for ref, end in ends]) if ends else None
        moved = np.empty(0) if batch is None else spec.run(batch, chosen).outcome[:, j]
    effect = sign * (moved - base)
    # The better end of each input's range; keep it only if it helps.
    best = [2 * k + int(effect[2 * k + 1] > effect[2 * k]) for k in range(len(refs))]
    chosen_ends = [n for n in best if effect[n] > _NOISE]
    chosen_ends.sort(key=lambda n: -effect[n])
    prob_base, probs, intervals = _bands(
        scenario, spec, chosen, j, base, sign, [ends[n] for n in chosen_ends], draws, seed
    )
    found = tuple(
        Lever(
            input=ends[n][0],
            to=ends[n][1],
            forecast=float(moved[n]),
            effect=float(effect[n]),
            own=ends[n][0].actor == actor,
            own_cost=abs(ends[n][1] - ends[n][0].mode) if ends[n][0].actor == actor else None,
            prob_toward=None if probs is None else probs[m],
            interval_80=None if intervals is None else intervals[m],
        )
        for m, n in enumerate(chosen_ends)
    )
    return Levers(
        scenario_id=scenario.id,
        model=model,
        params=chosen,
        actor=actor,
        issue=issue,
        toward=toward,
        method=method,
        base=base,
        prob_base=prob_base,
        draws=draws,
        seed=seed,
        levers=found,
    )


def _bands(
    scenario: Scenario,
    spec: models.ModelSpec,
    params: Any,
    j: int,
    base: float,
    sign: float,
    changes: list[tuple[InputRef, float]],
    draws: int,
    seed: int,
) -> tuple[float | None, list[float] | None, list[tuple[float, float]] | None]:
    """Share of draws at or beyond ``base`` toward the wanted side, before and after each change."""
    if draws < 2:
        return None, None, None
    uniforms = sample_uniforms(uncertain_inputs(scenario), draws, seed)
    variants: list[dict[InputRef, float]] = [{}, *({ref: v} for ref, v in changes)]
    # One chunked run per variant (not one batch of all): memory stays bounded by a chunk.
    x = np.stack(
        [
            run_outcomes(scenario, spec.name, params, uniforms, seed=seed, overrides=v).outcome[
                :, j
            ]
            for v in variants
        ]
    )
    toward = (sign * (x - base)) >= 0
    shares = toward.mean(axis=1)
    lo, hi = np.quantile(x, [0.1, 0.9], axis=1)
    intervals = [(float(a), float(b)) for a, b in zip(lo[1:], hi[1:], strict=True)]
    return float(shares[0]), [float(v) for v in shares[1:]], intervals
