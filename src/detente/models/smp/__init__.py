"""KTAB's spatial model of politics (SMP), batched over draws (``specs/smp.md``).

Actors challenge each other, third parties join coalitions, every challenge becomes a bargain,
and each actor's queue of bargains is settled by a probabilistic Condorcet election; turns repeat
until movement dies down. Same answers as KAPSARC's KTAB, at ``O(B N³)`` per turn.

>>> from detente import load_scenario
>>> f = SMP(load_scenario("ktab-dummy-3dim").to_arrays())
>>> f.rounds.n_rounds, f.rounds.positions[0, -1, 0].round(2).tolist()
(10, [78.56, 31.76, 74.05])
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...scenario._arrays import ScenarioArrays
from .._contract import Forecast, ModelSpec, OnRound, make_forecast
from .._weighted import weighted_mean, weighted_median
from ._inputs import smp_inputs
from ._params import CONSTANTS, SmpParams
from ._run import History, run_smp

__all__ = ["SMP", "SmpParams", "smp"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]

_RULES = (
    "KTAB movement rule (under 2% of the first turn's movement)",
    "turn limit",
    "until_stable",
)
_VIEWS = np.array(["initiator", "receiver", "power-weighted"], dtype=object)


def smp(arrays: ScenarioArrays, params: SmpParams, *, on_round: OnRound | None = None) -> Forecast:
    """Run KTAB's spatial model of politics on every draw.

    Returns the contract's per-turn record: ``rounds.positions[B, T+1, N, D]`` (issue scale),
    ``rounds.mean``/``rounds.median`` = the capability-weighted mean and median of the actors'
    positions per turn and issue, ``rounds.stable_round[B]`` = the number of turns each draw ran
    (shorter draws repeat their final state), and ``stop_rule``. ``outcome[B, D]`` is Détente's
    summary (§4.13): the probability-weighted mean of the distinct final positions. ``events``
    has one row per challenge and bargain, of every draw when ``keep="full"`` and of the run's
    draw 0 only when ``keep="summary"``. ``extras``:

    - ``distinct_probability`` ``[B, T+1, N]``: PCE probability of each distinct position,
      stored at its representative actor (0 elsewhere; sums to 1 per state, §4.12);
    - ``group`` ``[B, T+1, N]``: the representative each actor's position joined;
    - ``actor_probability`` ``[B, T+1, N]``: KTAB's per-actor "winning probability" (§7.10);
    - ``risk_attitude`` ``[B, T+1, N]``: R of every actor in every state (§4.2);
    - ``ideals`` ``[B, T+1, N, D]`` (issue scale; with ``keep="full"``), ``mode`` ``[B, D]``
      (the most probable distinct final position), ``steps`` ``[B]``, ``constants`` (§6.2).
    """
    x0, actors = smp_inputs(arrays, params)
    # Summary runs log the bargains of the run's draw 0 only, found by its absolute index so that
    # whichever chunk holds it logs them (as eum and exchange do).
    logged = None if params.keep == "full" else np.flatnonzero(arrays.draw_index == 0)[:1]
    history = run_smp(x0, actors, params, arrays.draw_index, arrays.seed, on_round, logged)
    b = history.position.shape[0]
    rows = np.arange(b)
    final = history.position[:, -1]
    weights = history.distinct[:, -1]
    outcome = 100.0 * np.einsum("bn,bnd->bd", weights, final)
    # Every turn's summary, so that whether a run settled is judged on what it reports.
    per_turn = 100.0 * np.einsum("btn,btnd->btd", history.distinct, history.position)
    per_turn[:, -1] = outcome
    mode = 100.0 * final[rows, np.argmax(weights, axis=-1)]
    scaled = 100.0 * history.position
    by_issue = np.swapaxes(scaled, 2, 3)  # [B, T+1, D, N]
    cap = np.broadcast_to(actors.capability[:, None, None, :], by_issue.shape)
    fired = sorted(set(history.rule.tolist()))
    stop_rule = "; ".join(
        f"{_RULES[r]} ({int((history.rule == r).sum())} of {b} draws)" if b > 1 else _RULES[r]
        for r in fired
    )
    mean, median = _per_turn(by_issue, cap, history.steps)
    extras: dict[str, Any] = {
        "distinct_probability": history.distinct,
        "group": history.group,
        "actor_probability": history.actor_probability,
        "risk_attitude": history.risk,
    }
    if history.ideal is not None:
        extras["ideals"] = arrays.to_issue_scale(100.0 * history.ideal)
    extras.update(
        mode=arrays.to_issue_scale(mode),
        steps=history.steps,
        constants=dict(CONSTANTS),
        options=dataclasses.asdict(params),
    )
    return make_forecast(
        arrays,
        "smp",
        params,
        outcome,
        rounds_mean=mean,
        rounds_median=median,
        rounds_outcome=per_turn,
        rounds_positions=scaled if params.keep == "full" else None,
        stable_round=history.steps,
        stop_rule=stop_rule,
        events=_events(arrays, history),
        extras=extras,
    )


def _per_turn(by_issue: Float, cap: Float, steps: Int) -> tuple[Float, Float]:
    """The capability-weighted mean and median of every draw, turn and issue (``[B, T+1, D]``)
    from ``[B, T+1, D, N]``.

    A draw that stopped after ``s`` turns repeats its state ``s`` to the longest draw's end, so
    only its turns ``0..s`` are gathered (once, for both) and computed, and the last is
    repeated: the same numbers, without the padding (most of a batch's states when a few draws
    run long).
    """
    live = np.arange(by_issue.shape[1])[None, :] <= steps[:, None]  # [B, T+1]
    values, weights = by_issue[live], cap[live]
    rows = np.arange(by_issue.shape[0])
    out = []
    for statistic in (weighted_mean, weighted_median):
        full = np.empty(by_issue.shape[:3])
        full[live] = statistic(values, weights)
        last = full[rows, steps]  # [B, D]
        out.append(np.where(live[..., None], full, last[:, None, :]))
    return out[0], out[1]


def _events(arrays: ScenarioArrays, history: History) -> dict[str, NDArray[np.generic]]:
    """The events table: one row per bargain, positions on the issue scale."""
    ev = {k: np.concatenate(v) for k, v in history.events.items()}
    if not ev:
        return {}
    order = np.lexsort((ev["view"], ev["initiator"], ev["round"], ev["draw"]))
    ids = np.array(arrays.actor_ids, dtype=object)
    y_i = arrays.to_issue_scale(100.0 * ev["y_initiator"][order])
    y_j = arrays.to_issue_scale(100.0 * ev["y_receiver"][order])
    out: dict[str, NDArray[np.generic]] = {
        "draw": ev["draw"][order],
        "round": ev["round"][order],
        "initiator": ids[ev["initiator"][order]],
        "receiver": ids[ev["receiver"][order]],
        "view": _VIEWS[ev["view"][order]],
        "win_probability": ev["win_probability"][order],
        "gain": ev["gain"][order],
        "initiator_moved": ev["initiator_moved"][order],
        "receiver_moved": ev["receiver_moved"][order],
    }
    for k, issue in enumerate(arrays.issue_ids):
        out[f"initiator_to_{issue}"] = y_i[:, k]
        out[f"receiver_to_{issue}"] = y_j[:, k]
    return out


SMP = ModelSpec(
    "smp",
    smp,
    SmpParams,
    "KTAB's spatial model of politics: challenges, coalitions and bargains settled by "
    "probabilistic Condorcet votes",
    dynamic=True,
    couples_issues=True,
)
