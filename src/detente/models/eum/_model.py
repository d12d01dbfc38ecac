"""The expected-utility model's round loop, stop rule, events table and ``Forecast``.

Issues are folded into the batch axis (row ``m = draw × D + issue``), so one call of
:func:`~._round.play_round` handles every draw and issue of a round at once. Only the loop over
rounds is in Python. A row in which nobody moved stays put for ever (the model is
deterministic), so it is dropped from later rounds and its last state is repeated.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...errors import ModelError
from ...scenario._arrays import ScenarioArrays
from .._contract import Forecast, OnRound, make_forecast
from .._weighted import weighted_mean, weighted_median
from ._offers import OFFER_NAMES, Moves
from ._params import CONSTANTS, Conventions, EumParams
from ._round import play_round

__all__ = ["eum"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]
Int = NDArray[np.int64]

# Dyad elements per block of rows in one call of play_round (see _play_in_blocks).
_BLOCK_ELEMENTS = 65_536


@dataclass(frozen=True)
class _Run:
    """Folded results (``M = B × D`` rows) of the round loop."""

    mean: Float  # [M, R+1]
    median: Float  # [M, R+1]
    positions: Float | None  # [M, R+1, N]
    security: Float | None  # [M, R, N]
    risk_exponent: Float | None  # [M, R, N]
    stable_round: Int  # [M]
    stop_rule: str
    events: dict[str, NDArray[Any]]  # folded rows; mapped to draws/issues by the caller


def _fold(values: Float) -> Float:
    """``[B, N, D]`` → ``[B × D, N]`` (issue folded into the batch axis)."""
    b, n, d = values.shape
    return np.ascontiguousarray(np.swapaxes(values, 1, 2).reshape(b * d, n))


def _check_inputs(arrays: ScenarioArrays, x: Float, c: Float, s: Float, valid: Bool) -> None:
    """Refuse inputs the model cannot use, naming the actor and issue (spec §2)."""
    d = arrays.n_issues
    checks = (
        (valid & ~np.isfinite(x), "position", "a finite number"),
        (valid & ~(np.isfinite(c) & (c >= 0)), "capability", "a finite number >= 0"),
        (valid & ~((s >= 0) & (s <= 1)), "salience", "a value in [0, 1] (0–100 in files)"),
    )
    for bad, what, expected in checks:
        if bad.any():
            m, i = (int(v[0]) for v in np.nonzero(bad))
            value = {"position": x, "capability": c, "salience": s}[what][m, i]
            raise ModelError(
                f"model 'eum': actor '{arrays.actor_ids[i]}' on issue "
                f"'{arrays.issue_ids[m % d]}' (draw {m // d}) has {what} {value}; expected "
                f"{expected}"
            )
    no_votes = ~((np.where(valid, c * s, 0.0) > 0).any(axis=1))
    if no_votes.any():
        m = int(np.flatnonzero(no_votes)[0])
        raise ModelError(
            f"model 'eum': on issue '{arrays.issue_ids[m % d]}' (draw {m // d}) no actor has a "
            "position with positive capability × salience; the model needs at least one vote"
        )


def _span(x: Float, valid: Bool) -> Float:
    """Position range ``L`` over the actors on the issue, ``float[M]`` (0 for a lone actor)."""
    hi = np.where(valid, x, -np.inf).max(axis=1)
    lo = np.where(valid, x, np.inf).min(axis=1)
    return np.asarray(hi - lo, dtype=np.float64)


def _loop(
    x0: Float,
    w: Float,
    s: Float,
    valid: Bool,
    conv: Conventions,
    params: EumParams,
    record: Bool,
    on_round: OnRound | None,
) -> _Run:
    """Run the rounds on folded rows; ``record`` marks the rows whose events are kept."""
    m, n = x0.shape
    rounds, tol = params.rounds, params.until_stable
    full = params.keep == "full"
    x = np.where(valid, x0, 0.0)  # actors off the issue: a finite filler with zero weight
    span0 = _span(x0, valid)
    median_of = functools.partial(weighted_median, tie=conv.median_tie)
    means = [weighted_mean(x0, w)]
    medians = [median_of(x0, w)]
    kept = [np.where(valid, x, np.nan)] if full else []
    security = np.zeros((m, n))
    risk = np.ones((m, n))
    kept_security: list[Float] = []
    kept_risk: list[Float] = []
    # The last decision of every row (settled rows repeat it): offer, partner, a, b.
    offer = np.full((m, n), len(OFFER_NAMES) - 1, dtype=np.int8)
    partner = np.full((m, n), -1, dtype=np.intp)
    view_a = np.full((m, n), np.nan)
    view_b = np.full((m, n), np.nan)
    events: list[dict[str, NDArray[Any]]] = []
    active = np.arange(m)
    stable = np.full(m, -1, dtype=np.int64)
    stop_rule = f"fixed rounds: {rounds}"
    play = _play_in_blocks
    if params.engine == "kernel":
        # Imported here: numba and the kernel's dispatchers take about a second of CPU to load,
        # which only runs of this model should pay (not every `import detente`).
        from ._kernel import play_round_kernel as play
    for t in range(1, rounds + 1):
        if on_round is not None:
            on_round(t)
        xa = x[active]
        span = span0[active] if conv.range_source == "initial_positions" else None
        if span is None:
            span = _span(xa, valid[active])
        moves, round_security, round_risk = play(
            xa, w[active], s[active], valid[active], span, conv
        )
        new = moves.position
        moved = np.where(valid[active], np.abs(new - xa), 0.0).max(axis=1)
        x_before = x.copy() if record.any() else x
        x[active] = new
        offer[active] = moves.offer
        partner[active] = moves.partner
        view_a[active] = moves.a
        view_b[active] = moves.b
        security[active] = round_security
        risk[active] = round_risk
        means.append(_refresh(means[-1], weighted_mean, x, w, active))
        medians.append(_refresh(medians[-1], median_of, x, w, active))
        if full:
            kept.append(np.where(valid, x, np.nan))
            kept_security.append(np.where(valid, security, np.nan))
            kept_risk.append(np.where(valid, risk, np.nan))
        if record.any():
            # Fixed rounds: a settled row replays its round (same offers), so it has events.
            # until_stable: a row stops when it settles, however long its batch runs on.
            played = record if tol is None else record & np.isin(np.arange(m), active)
            events.append(_round_events(t, played, x_before, x, offer, partner, view_a, view_b))
        # Stability per row: its largest move this round is within the tolerance.
        calm = np.ones(m, dtype=bool)
        calm[active] = moved <= (tol or 0.0)
        newly = calm & (stable < 0)
        stable[newly] = t - 1
        # A settled row stops: nothing moved, or (until_stable) nothing moved more than the
        # tolerance, so a row's run never depends on the other rows of its batch.
        still = moved > (tol or 0.0)
        active = active[still]
        if tol is not None and calm.all():
            stop_rule = f"stable after round {t - 1} (tol {tol:g})"
            break
        if tol is not None and t == rounds:
            stop_rule = f"maximum rounds reached ({rounds}, tol {tol:g})"
    n_run = len(means) - 1
    stable = np.where(stable < 0, n_run, stable)
    stacked_events = {
        k: np.concatenate([e[k] for e in events]) if events else _empty_events()[k]
        for k in _empty_events()
    }
    return _Run(
        mean=np.stack(means, axis=1),
        median=np.stack(medians, axis=1),
        positions=np.stack(kept, axis=1) if full else None,
        security=np.stack(kept_security, axis=1) if full else None,
        risk_exponent=np.stack(kept_risk, axis=1) if full else None,
        stable_round=stable,
        stop_rule=stop_rule,
        events=stacked_events,
    )


def _refresh(
    last: Float,
    statistic: Callable[[Float, Float], Float],
    x: Float,
    w: Float,
    played: NDArray[np.intp],
) -> Float:
    """This round's weighted mean or median per row: the last round's where the row sat out.

    A row that did not play kept its positions, so its statistic is the one before; run until
    stable, most rows settle early, and recomputing them all for every later round took most of
    the per-round bookkeeping. Rows are independent, so the numbers are those of a full pass.
    """
    if played.size == x.shape[0]:
        return statistic(x, w)
    out = last.copy()
    out[played] = statistic(x[played], w[played])
    return out


def _play_in_blocks(
    x: Float, w: Float, s: Float, valid: Bool, span: Float, conv: Conventions
) -> tuple[Moves, Float, Float]:
    """:func:`play_round` over blocks of rows: the moves, security levels and risk exponents.

    Rows are independent, so blocking changes no number. It bounds the ``[rows, N, N]``
    temporaries of a round (and drops each block's dyad diagnostics), so memory grows with
    ``B × N`` rather than ``B × N²``: 100,000 draws fit easily.
    """
    m, n = x.shape
    rows = max(1, _BLOCK_ELEMENTS // (n * n))
    offer = np.empty((m, n), dtype=np.int8)
    partner = np.empty((m, n), dtype=np.intp)
    view_a, view_b, position, security, risk = (np.empty((m, n)) for _ in range(5))
    for k in range(0, m, rows):
        part = slice(k, k + rows)
        result = play_round(x[part], w[part], s[part], valid[part], span[part], conv)
        offer[part] = result.moves.offer
        partner[part] = result.moves.partner
        view_a[part] = result.moves.a
        view_b[part] = result.moves.b
        position[part] = result.moves.position
        security[part] = result.security
        risk[part] = result.risk_exponent
    return Moves(offer, partner, view_a, view_b, position), security, risk


def _empty_events() -> dict[str, NDArray[Any]]:
    ints = np.zeros(0, dtype=np.int64)
    floats = np.zeros(0)
    return {
        "row": ints,
        "round": ints,
        "actor": ints,
        "counterpart": ints,
        "offer": ints,
        "eu_actor": floats,
        "eu_counterpart": floats,
        "position_from": floats,
        "position_to": floats,
    }


def _round_events(
    t: int,
    record: Bool,
    x_before: Float,
    x_after: Float,
    offer: NDArray[np.int8],
    partner: NDArray[np.intp],
    view_a: Float,
    view_b: Float,
) -> dict[str, NDArray[Any]]:
    """One round's rows: every actor of a recorded row that moved or stalemated."""
    rows, actors = np.nonzero(record[:, None] & (partner >= 0))
    return {
        "row": rows.astype(np.int64),
        "round": np.full(rows.size, t, dtype=np.int64),
        "actor": actors.astype(np.int64),
        "counterpart": partner[rows, actors].astype(np.int64),
        "offer": offer[rows, actors].astype(np.int64),
        "eu_actor": view_a[rows, actors],
        "eu_counterpart": view_b[rows, actors],
        "position_from": x_before[rows, actors],
        "position_to": x_after[rows, actors],
    }


def _unfold(values: Float, b: int, d: int) -> Float:
    """``[B × D, R, ...]`` → ``[B, R, ..., D]``."""
    shaped = values.reshape(b, d, *values.shape[1:])
    return np.moveaxis(shaped, 1, -1)


def _events_table(arrays: ScenarioArrays, raw: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """Folded event rows → the public columns, positions on each issue's own scale."""
    d = arrays.n_issues
    # Draw by draw (rounds in order within a draw): the order a chunked run's events also have.
    order = np.argsort(raw["row"] // d, kind="stable")
    raw = {k: np.asarray(v)[order] for k, v in raw.items()}
    rows = raw["row"]
    issue = rows % d
    lo, hi = arrays.scale_min[issue], arrays.scale_max[issue]
    actor_ids = np.array(arrays.actor_ids, dtype=object)
    return {
        "draw": rows // d,
        "round": raw["round"],
        "issue": np.array(arrays.issue_ids, dtype=object)[issue],
        "actor": actor_ids[raw["actor"]],
        "counterpart": actor_ids[raw["counterpart"]],
        "offer": np.array(OFFER_NAMES, dtype=object)[raw["offer"]],
        "eu_actor": raw["eu_actor"],
        "eu_counterpart": raw["eu_counterpart"],
        "position_from": lo + raw["position_from"] * (hi - lo) / 100.0,
        "position_to": lo + raw["position_to"] * (hi - lo) / 100.0,
    }


def eum(arrays: ScenarioArrays, params: EumParams, *, on_round: OnRound | None = None) -> Forecast:
    """Bueno de Mesquita's expected-utility (challenge) model, round by round (``specs/eum.md``).

    Returns the median (or mean, ``forecast_statistic``) after the last round as ``outcome``
    (``float[B, D]``), per-round means and medians, every actor's position per round when
    ``keep="full"``, and an events table (draw, round, issue, actor, counterpart, offer,
    eu_actor, eu_counterpart, position_from, position_to): every draw when ``keep="full"``, only
    draw 0 when ``keep="summary"``. ``extras`` holds the resolved ``conventions`` and, with
    ``keep="full"``, ``security`` and ``risk_exponent`` (``float[B, R, N, D]``).

    >>> from detente import load_scenario
    >>> f = eum(load_scenario("emission-standards-1994").to_arrays(), EumParams())
    >>> f.rounds.median[0, 1:4, 0].round(6).tolist()
    [8.415932, 9.610859, 9.96198]
    """
    conv = params.resolve()
    b, _, d = arrays.positions.shape
    valid = np.broadcast_to(arrays.mask.T[None], (b, d, arrays.n_actors)).reshape(b * d, -1)
    x0 = _fold(arrays.positions)
    c = _fold(arrays.capability)
    s = _fold(arrays.salience)
    _check_inputs(arrays, x0, c, s, valid)
    w = np.where(valid, c * s, 0.0)
    # Summary runs keep the events of the run's draw 0 only, found by its absolute index so that
    # whichever chunk holds it records them (its first row, if rows repeat it).
    zero = np.flatnonzero(arrays.draw_index == 0)[:1]
    first = np.repeat(np.isin(np.arange(b), zero), d)
    record = np.ones(b * d, dtype=bool) if params.keep == "full" else first
    run = _loop(x0, w, np.where(valid, s, 0.0), valid, conv, params, record, on_round)
    mean = _unfold(run.mean, b, d)
    median = _unfold(run.median, b, d)
    per_round = median if conv.forecast_statistic == "median" else mean
    outcome = per_round[:, -1, :]
    extras: dict[str, Any] = {"conventions": dataclasses.asdict(conv), "constants": dict(CONSTANTS)}
    if run.security is not None and run.risk_exponent is not None:
        extras["security"] = _unfold(run.security, b, d)
        extras["risk_exponent"] = _unfold(run.risk_exponent, b, d)
    stable = run.stable_round.reshape(b, d).max(axis=1)
    return make_forecast(
        arrays,
        "eum",
        params,
        outcome,
        rounds_mean=mean,
        rounds_median=median,
        rounds_outcome=per_round,
        rounds_positions=None if run.positions is None else _unfold(run.positions, b, d),
        stable_round=stable,
        stop_rule=run.stop_rule,
        events=_events_table(arrays, run.events),
        extras=extras,
    )
