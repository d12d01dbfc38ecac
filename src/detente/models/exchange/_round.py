"""One round of the exchange model: candidates, sequential realization, end-of-round reset.

All draws advance together: each step every draw selects its best remaining candidate
(``exchange.md`` §4.6), realizes it if valid, and the affected candidates are recomputed as one
gathered batch. The loop is over selection steps, never over draws or candidates; the
bookkeeping and its named steps live in :mod:`._state`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._numba import kernel_array
from ._candidates import generate, issue_outcome
from ._keys import RoundKey
from ._params import ExchangeParams
from ._state import LOGGED, RoundState

__all__ = ["RoundKey", "RoundResult", "run_round"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]

_MASK = (1 << 64) - 1


@dataclass(frozen=True)
class RoundResult:
    """What one round produced for every draw.

    ``votes`` ``float[B, N, D]`` are the end-of-round voting positions, ``preferences`` the reset
    positions for the next round; ``events`` the realized exchanges (column → 1-D array, in
    realization order per draw); counts are ``int[B]``; ``initial_gains`` ``float[B, C]`` the
    candidates' gains as generated (NaN for padding), in generation order.
    """

    votes: Float
    preferences: Float
    events: dict[str, NDArray[np.generic]]
    candidates: Int
    realized: Int
    ties: Int
    initial_gains: Float


def run_round(
    positions: Float,
    salience: Float,
    weight: Float,
    mask: NDArray[np.bool_],
    params: ExchangeParams,
    key: RoundKey,
) -> RoundResult:
    """Run one round from round-start (preference) positions ``float[B, N, D]`` (0–100).

    ``weight`` is capability × salience ``[B, N, D]`` (0 where absent). Returns the voting
    positions, the reset positions and the realized exchanges (``exchange.md`` §4).
    """
    b = positions.shape[0]
    x0 = np.where(mask[None], positions, 0.0)
    if params.engine == "kernel":
        return _run_kernel(positions, x0, salience, weight, mask, params, key)
    c = generate(positions, salience, weight, weight.sum(axis=1), mask)
    st = RoundState(c, x0, weight, params, key)
    every_draw, every_index = np.nonzero(c.present)
    st.evaluate(every_draw, every_index, 0)
    initial_gains = np.where(c.present, st.gain, np.nan)
    alive = c.present.copy()
    rows = np.arange(b)
    ties = np.zeros(b, dtype=np.int64)
    realized = np.zeros(b, dtype=np.int64)
    log: dict[str, list[NDArray[np.generic]]] = {k: [] for k in ("draw", "step", *LOGGED)}
    step = 0
    while alive.any():
        if 2 * int(alive.sum(axis=1).max()) < alive.shape[1]:
            alive = st.compact(alive)
        active = alive.any(axis=1)
        pick, n_tied = _select(st.gain, alive, params, key, step)
        ties += active & (n_tied >= 2)
        alive[rows[active], pick[active]] = False
        real = active & st.valid[rows, pick]
        step += 1
        if not real.any():
            continue
        rd, rk = rows[real], pick[real]
        realized += real
        made = st.realize(rd, rk, n_tied[rd] >= 2)
        for name, value in {"draw": rd, "step": np.full(rd.size, step), **made}.items():
            log[name].append(value)
        # Invalid candidates leave the list now and never return (§4.6 step 3): in the draws
        # that realized, so a draw's run does not depend on the other draws of its batch.
        alive[real] &= st.valid[real]
        rd2, rk2 = np.nonzero(st.propagate(rd, rk, alive & real[:, None], x0))
        if rd2.size:
            st.evaluate(rd2, rk2, step)
            alive[rd2, rk2] = st.valid[rd2, rk2]
    return RoundResult(
        votes=np.where(mask[None], st.votes, np.nan),
        preferences=_reset(x0, st.votes, salience, mask, params),
        events={
            k: (np.concatenate(v) if v else np.zeros(0, dtype=np.float64)) for k, v in log.items()
        },
        candidates=c.present.sum(axis=1).astype(np.int64),
        realized=realized,
        ties=ties,
        initial_gains=initial_gains,
    )


def _run_kernel(
    positions: Float,
    x0: Float,
    salience: Float,
    weight: Float,
    mask: NDArray[np.bool_],
    params: ExchangeParams,
    key: RoundKey,
) -> RoundResult:
    """The round in the compiled kernel (``._kernel``): candidates and selection steps."""
    # Imported here: only runs of this engine should pay for loading numba.
    from ._kernel import EVENT_FIELDS, count_candidates, run_steps_kernel

    total = weight.sum(axis=1)
    outcome = issue_outcome(positions, weight, total)
    positions = kernel_array(positions)
    counts = count_candidates(positions, outcome, mask)
    fs = np.array(
        [
            params.gain_min,
            params.move_min,
            params.move_max,
            params.rex_p,
            params.rex_side_threshold,
            params.rex_win_threshold,
        ]
    )
    flags = np.array(
        [
            params.bookkeeping == "decide",
            params.rex_p > 0,
            params.rex_redraw == "on_recompute",
            params.tie_break == "seeded_random",
        ]
    )
    # The key is read only by the random settings (REX, seeded ties), as in the reference.
    keyed = bool(flags[1] or flags[3])
    seeds = np.array([int(s) & _MASK for s in key.seeds] if keyed else [0, 0], dtype=np.uint64)
    draw_index = key.draw_index if keyed else np.zeros(positions.shape[0], dtype=np.int64)
    votes, first_gain, realized, ties, draw, ev_i, ev_f, ev_b = run_steps_kernel(
        counts,
        positions,
        kernel_array(x0),
        kernel_array(salience),
        kernel_array(weight),
        kernel_array(total),
        kernel_array(outcome),
        kernel_array(mask, np.bool_),
        fs,
        flags,
        float(params.tie_tolerance),
        seeds,
        kernel_array(draw_index, np.int64),
        int(key.round) if keyed else 0,
    )
    events: dict[str, NDArray[np.generic]] = {"draw": draw}
    for names, table in zip(EVENT_FIELDS, (ev_i, ev_f, ev_b), strict=True):
        for j, name in enumerate(names):
            events[name] = table[:, j]
    return RoundResult(
        votes=np.where(mask[None], votes, np.nan),
        preferences=_reset(x0, votes, salience, mask, params),
        events=events,
        candidates=counts,
        realized=realized,
        ties=ties,
        initial_gains=first_gain,
    )


def _pick(tied: Bool, u: Float | None) -> Int:
    """Index of the chosen candidate among the tied ones: the first, or the one a uniform picks."""
    if u is not None:
        k = tied.sum(axis=1)
        nth = np.floor(u * k).astype(np.int64)
        tied = tied & (np.cumsum(tied, axis=1) == (nth + 1)[:, None])
    first: Int = np.argmax(tied, axis=1).astype(np.int64)
    return first


def _select(
    gain: Float, alive: Bool, params: ExchangeParams, key: RoundKey, step: int
) -> tuple[Int, Int]:
    """Each draw's chosen candidate among the live ones with the best gain (within
    ``tie_tolerance``), and how many were tied (§4.6 steps 1–2)."""
    best = np.where(alive, gain, -np.inf).max(axis=1)
    tied = alive & (gain >= best[:, None] - params.tie_tolerance)
    u = key.tie(step) if params.tie_break == "seeded_random" else None
    return _pick(tied, u), tied.sum(axis=1)


def _reset(
    x0: Float, votes: Float, salience: Float, mask: NDArray[np.bool_], params: ExchangeParams
) -> Float:
    """End-of-round positions (§4.7): x' = x + (φ + σ(1 − s))(y − x)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = params.fixed_weight + params.salience_weight * (1.0 - salience)
    out: Float = np.where(mask[None], x0 + share * (votes - x0), np.nan)
    return out
