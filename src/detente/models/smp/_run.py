"""The SMP run loop: turns until KTAB's stopping rule fires (``specs/smp.md`` §5), batched.

The batch is processed in chunks of draws so that the ``[B, N, N, N]`` temporaries of the
challenge tensor stay within a fixed memory budget; within a chunk, draws that have stopped are
dropped from the computation (their state is frozen and carried to the end), so one slow draw
does not keep the whole batch busy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from .._contract import OnRound
from .._random import uniforms as keyed_uniforms
from ._params import MIN_DELTA_RATIO, MIN_SIG_DELTA, MIN_TURNS, SmpParams
from ._report import StateReport, report_state
from ._turn import Actors, Assessment, Turn, assess_state, take_turn
from ._workspace import Workspace

__all__ = ["History", "run_smp"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
G = TypeVar("G", bound=np.generic)

# Elements of one [chunk, N, N, N] array (~8 MB; a run holds four plus a few smaller ones).
# Measured on 100 draws of the 34-actor case: 1e6 was ~12 % faster than 4e6, 2.5e5 no faster.
_CHUNK_ELEMENTS = 1_000_000
# The kernel keeps no N³ arrays, only a few [chunk, N, N] ones (distances, utilities, the
# challenge tables): the same budget over N² lets a chunk hold enough draws for every thread.
_KERNEL_CHUNK_ELEMENTS = 1_000_000

# Stream number of the Stochastic transitions' uniforms (part of their key, models/_random.py).
STREAM_TRANSITION = 1


@dataclass
class History:
    """Everything a run produced, padded to the longest draw (finished draws repeat their final
    state). ``position``/``ideal`` ``[B, T+1, N, D]`` on [0, 1] (``ideal`` None unless the run
    keeps everything, ``keep="full"``); ``risk`` ``[B, T+1, N]``;
    ``distinct``/``group``/``actor_probability`` ``[B, T+1, N]`` (§4.12); ``steps`` ``int[B]``;
    ``rule`` ``int[B]`` (0 = KTAB's movement rule, 1 = turn limit, 2 = ``until_stable``);
    ``events`` column lists."""

    position: Float
    ideal: Float | None
    risk: Float
    distinct: Float
    group: Int
    actor_probability: Float
    steps: Int
    rule: Int
    events: dict[str, list[NDArray[np.generic]]] = field(default_factory=dict)


def run_smp(
    x0: Float,
    actors: Actors,
    params: SmpParams,
    draw_index: Int,
    run_seed: int = 0,
    on_round: OnRound | None = None,
    logged: Int | None = None,
) -> History:
    """Run the SMP on every draw of ``x0[B, N, D]`` (positions on [0, 1]).

    ``draw_index`` ``int[B]`` (the rows' absolute draw numbers) and the seeds key the
    Stochastic transitions' uniforms; ``on_round(t)`` is called before every turn. ``logged``
    names the rows whose bargains the events record (None: every row).
    """
    b, n, _ = x0.shape
    if params.engine == "kernel":
        size = max(1, _KERNEL_CHUNK_ELEMENTS // (n**2))
    else:
        size = max(1, _CHUNK_ELEMENTS // (n**3))
    parts = [
        _run_chunk(
            x0[s : s + size],
            actors.take(np.arange(s, min(b, s + size))),
            params,
            s,
            (run_seed, params.seed, draw_index[s : s + size]),
            on_round,
            logged,
        )
        for s in range(0, b, size)
    ]
    longest = max(p.position.shape[1] for p in parts)

    def joined(chunks: list[NDArray[G]]) -> NDArray[G]:
        """The chunks end to end, each padded to the longest (one chunk as it is: no copy)."""
        if len(chunks) == 1:
            return chunks[0]
        return np.concatenate(
            [
                np.concatenate([a, np.repeat(a[:, -1:], longest - a.shape[1], axis=1)], axis=1)
                for a in chunks
            ]
        )

    events: dict[str, list[NDArray[np.generic]]] = {}
    for p in parts:
        for key, values in p.events.items():
            events.setdefault(key, []).extend(values)
    ideals = [p.ideal for p in parts if p.ideal is not None]
    return History(
        position=joined([p.position for p in parts]),
        ideal=joined(ideals) if ideals else None,
        risk=joined([p.risk for p in parts]),
        distinct=joined([p.distinct for p in parts]),
        group=joined([p.group for p in parts]),
        actor_probability=joined([p.actor_probability for p in parts]),
        steps=np.concatenate([p.steps for p in parts]),
        rule=np.concatenate([p.rule for p in parts]),
        events=events,
    )


def _run_chunk(
    x0: Float,
    actors: Actors,
    params: SmpParams,
    offset: int,
    key: tuple[int, int, Int],
    on_round: OnRound | None,
    logged: Int | None,
) -> History:
    b, n, _ = x0.shape
    engine = _kernel_engine() if params.engine == "kernel" else _numpy_engine(b, n, params)
    x, ideal = x0.copy(), x0.copy()
    # A summary run keeps neither the ideals of every turn nor the bargains of every draw:
    # [B, T+1, N, D] is 57 MB for 1,000 ukraine-2026 draws, and the events 150,000 rows.
    full = params.keep == "full"
    positions, ideals = [x.copy()], [ideal.copy()]
    risks: list[Float] = []
    distinct: list[Float] = []
    groups: list[Int] = []
    actor_probability: list[Float] = []
    first_move = np.zeros(b)
    steps = np.zeros(b, dtype=np.int64)
    rule = np.zeros(b, dtype=np.int64)
    running = np.ones(b, dtype=bool)
    last_move = np.zeros(b)
    last_max = np.zeros(b)
    t = 0
    records: list[tuple[Int, int, Turn]] = []
    everyone = np.arange(b)
    while True:
        if on_round is not None:
            on_round(t)
        idx = np.flatnonzero(running)
        whole = idx.size == b  # the common case (and B = 1): no gathering needed
        sub = actors if whole else actors.take(idx)
        x_run = x if whole else x[idx]
        ideal_run = ideal if whole else ideal[idx]
        state, report = engine.assess(x_run, ideal_run, sub, params)
        risks.append(_carry(risks, idx, state.r, whole))
        distinct.append(_carry(distinct, idx, report.distinct, whole))
        groups.append(_carry(groups, idx, report.group, whole))
        actor_probability.append(_carry(actor_probability, idx, report.actor_probability, whole))
        if t >= 1:
            # §5: stop at the turn limit, or once movement falls below 2 % of the first turn's.
            ratio = last_move[idx] / (first_move[idx] + MIN_SIG_DELTA)
            by_ratio = (t >= MIN_TURNS) & (ratio < MIN_DELTA_RATIO)
            by_limit = np.full(idx.size, t >= params.rounds)
            by_stable = np.zeros(idx.size, dtype=bool)
            if params.until_stable is not None:
                by_stable = 100.0 * last_max[idx] <= params.until_stable
            stop = by_ratio | by_limit | by_stable
            rule[idx] = np.where(by_ratio, 0, np.where(by_stable, 2, 1))
            steps[idx[stop]] = t
            running[idx[stop]] = False
            if stop.all():
                break
            if stop.any():
                keep = ~stop
                idx = idx[keep]
                whole = False
                sub = actors.take(idx)
                x_run, ideal_run = x[idx], ideal[idx]
                state = Assessment(state.d[keep], state.r[keep], state.own[keep])
        uniforms = None
        if params.state_transitions == "Stochastic":
            # One number per actor per turn, keyed by the draw's index so no batch changes it.
            run_seed, seed, draw_index = key
            uniforms = keyed_uniforms(
                run_seed, seed, STREAM_TRANSITION, draw_index[idx], t, shape=(n,)
            )
        turn = engine.turn(x_run, ideal_run, state, sub, params, uniforms)
        move = turn.position - x_run
        delta = np.sqrt((move * move).sum(axis=-1)).sum(axis=-1)
        last_move[idx] = delta
        last_max[idx] = np.abs(move).max(axis=(1, 2))
        if t == 0:
            first_move[idx] = delta
        records.append((everyone[idx] + offset, t + 1, turn))
        if whole:
            x, ideal = turn.position, turn.ideal
        else:
            x, ideal = x.copy(), ideal.copy()
            x[idx] = turn.position
            ideal[idx] = turn.ideal
        positions.append(x)
        if full:
            ideals.append(ideal)
        t += 1
    return History(
        position=np.stack(positions, axis=1),
        ideal=np.stack(ideals, axis=1) if full else None,
        risk=np.stack(risks, axis=1),
        distinct=np.stack(distinct, axis=1),
        group=np.stack(groups, axis=1),
        actor_probability=np.stack(actor_probability, axis=1),
        steps=steps,
        rule=rule,
        events=_events(records, logged),
    )


class _Engine(NamedTuple):
    """How a state is assessed and a turn taken: the compiled kernel or the numpy reference."""

    assess: Callable[[Float, Float, Actors, SmpParams], tuple[Assessment, StateReport]]
    turn: Callable[[Float, Float, Assessment, Actors, SmpParams, Float | None], Turn]


def _kernel_engine() -> _Engine:
    # Imported here: numba and the compiled dispatchers take about a second to load, which only
    # runs of this engine should pay (not every `import detente`).
    from ._kernel import assess_state_kernel, take_turn_kernel

    return _Engine(assess_state_kernel, take_turn_kernel)


def _numpy_engine(b: int, n: int, params: SmpParams) -> _Engine:
    views = 2 if params.bargain_model == "InitRcvrInterp" else 1
    work = Workspace.for_run(draws=b, actors=n, views=views)

    def assess(
        x: Float, ideal: Float, actors: Actors, params: SmpParams
    ) -> tuple[Assessment, StateReport]:
        state = assess_state(x, ideal, actors, params, work)
        return state, report_state(x, state.own, actors.capability, params, work)

    def turn(
        x: Float,
        ideal: Float,
        state: Assessment,
        actors: Actors,
        params: SmpParams,
        uniforms: Float | None,
    ) -> Turn:
        return take_turn(x, ideal, state, actors, params, uniforms, work)

    return _Engine(assess, turn)


def _carry(
    history: list[NDArray[G]], idx: NDArray[np.intp], values: NDArray[G], whole: bool
) -> NDArray[G]:
    """This state's values for the running draws; stopped draws keep their last values."""
    if whole:
        return values
    out = history[-1].copy()
    out[idx] = values
    return out


def _events(
    records: list[tuple[Int, int, Turn]], logged: Int | None
) -> dict[str, list[NDArray[np.generic]]]:
    """One row per bargain of the ``logged`` rows (None: all): who challenged whom, with what
    odds, and who adopted it.

    Built once at the end from every turn's arrays stacked row-wise (one row per draw and turn).
    """
    if not records:
        return {}
    picks: list[slice | NDArray[np.bool_]] = [
        slice(None) if logged is None else np.isin(r[0], logged) for r in records
    ]
    draws = np.concatenate([r[0][p] for r, p in zip(records, picks, strict=True)])
    rounds = np.concatenate(
        [np.full(r[0][p].size, r[1], dtype=np.int64) for r, p in zip(records, picks, strict=True)]
    )
    turns = [r[2] for r in records]

    def stacked(part: Callable[[Turn], NDArray[G]]) -> NDArray[G]:
        return np.concatenate([part(t)[p] for t, p in zip(turns, picks, strict=True)])

    valid = stacked(lambda t: t.bargains.valid)
    initiator = stacked(lambda t: t.bargains.initiator)
    receiver = stacked(lambda t: t.bargains.receiver)
    chosen = stacked(lambda t: t.resolution.chosen)
    gain_by_actor = stacked(lambda t: t.challenges.gain)
    rows = np.arange(valid.shape[0])[:, None]
    k = np.arange(valid.shape[1])[None, :]
    where = np.nonzero(valid)
    columns: dict[str, NDArray[np.generic]] = {
        "draw": np.broadcast_to(draws[:, None], valid.shape)[where],
        "round": np.broadcast_to(rounds[:, None], valid.shape)[where],
        "initiator": initiator[where],
        "receiver": receiver[where],
        "view": np.broadcast_to(turns[0].bargains.view[None, :], valid.shape)[where],
        "win_probability": stacked(lambda t: t.bargains.probability)[where],
        "gain": gain_by_actor[rows, initiator][where],
        "initiator_moved": (chosen[rows, initiator] == k)[where],
        "receiver_moved": (chosen[rows, np.where(valid, receiver, 0)] == k)[where],
        "y_initiator": stacked(lambda t: t.bargains.y_initiator)[where],
        "y_receiver": stacked(lambda t: t.bargains.y_receiver)[where],
    }
    return {key: [value] for key, value in columns.items()}
