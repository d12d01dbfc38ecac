"""One candidate's exchange: equal-gain moves, validity and the outcome-overshoot cut.

Pure elementwise functions over candidate arrays of any shape (``exchange.md`` §4.3–4.5). The
round module gathers the candidates to (re)compute and calls :func:`evaluate` once per step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._candidates import Candidates
from ._common import Reference, div, outcome_at, toward
from ._params import ExchangeParams
from ._rex import randomize

__all__ = ["History", "Reference", "Result", "evaluate", "take"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]


def take(c: Candidates, draw: Int, index: Int) -> Candidates:
    """The candidates at (``draw``, ``index``) as 1-D arrays."""
    fields = {name: getattr(c, name)[draw, index] for name in c.__dataclass_fields__}
    return Candidates(**fields)


@dataclass(frozen=True)
class History:
    """A side's move history before its newest entry: signed sum and counts (``decide`` rule).

    Under the ``clean`` rule only ``sign`` is used: the sign of the moves this actor has already
    realized on this supply issue in this round (0 when none).
    """

    total: Float
    count: Int
    positive: Int
    negative: Int
    sign: Int


@dataclass(frozen=True)
class Result:
    """A computed exchange: signed vote moves, new voting positions, gains and validity."""

    move_i: Float
    move_j: Float
    vote_i: Float
    vote_j: Float
    shift_p: Float
    shift_q: Float
    gain: Float
    gain_i: Float
    gain_j: Float
    valid: Bool
    cut: Bool
    infeasible: Bool


def _side_ok(start: Float, move: Float, history: History, params: ExchangeParams) -> Bool:
    """Validity of one side's newest move (§4.4)."""
    size = np.abs(move)
    end = start + move
    ok = (size > params.move_min) & (size <= params.move_max) & (end >= 0.0) & (end <= 100.0)
    if params.bookkeeping == "decide":
        n = history.count + 1
        positive = history.positive + (move > 0)
        negative = history.negative + (move < 0)
        ok &= (history.total + move <= params.move_max) & ((positive == n) | (negative == n))
    else:
        ok &= (history.sign == 0) | (np.sign(move).astype(np.int64) == history.sign)
    return ok


def evaluate(
    c: Candidates,
    start_i: Float,
    start_j: Float,
    ref_i: Reference,
    ref_j: Reference,
    hist_i: History,
    hist_j: History,
    params: ExchangeParams,
    draws: Float | None = None,
) -> Result:
    """Equal-gain exchange of each candidate from the current supply positions (§4.3–4.5).

    ``start_i``/``start_j`` are the sides' current supply positions (ξ); ``ref_*`` the overshoot
    reference on each side's supply issue; ``hist_*`` the move histories. With ``params.rex_p >
    0``, ``draws`` (``[..., 3]`` uniforms u, v, z) randomize the split of the gains (§6); the
    returned ``gain`` is still the equal gain, used for ranking.
    """
    full_i = np.abs(c.target_i - start_i)
    full_j = np.abs(c.target_j - start_j)
    sum_p = c.s_ip + c.s_jp
    sum_q = c.s_iq + c.s_jq
    degenerate = (c.w_iq <= 0) | (c.w_jp <= 0) | (sum_p <= 0) | (sum_q <= 0)
    # Step 1: J moves fully; step 2: if I would pass its target, I moves fully instead.
    shift_p = div(full_j * c.w_jp, c.w_p)
    shift_q = div(shift_p * sum_p, sum_q)
    size_i = div(shift_q * c.w_q, c.w_iq)
    step2 = size_i > full_i
    shift_q = np.where(step2, div(full_i * c.w_iq, c.w_q), shift_q)
    shift_p = np.where(step2, div(shift_q * sum_q, sum_p), shift_p)
    size_i = np.where(step2, full_i, size_i)
    size_j = np.where(step2, div(shift_p * c.w_p, c.w_jp), full_j)
    move_i = toward(size_i, start_i, c.target_i)
    move_j = toward(size_j, start_j, c.target_j)
    gain = np.abs(shift_p * c.s_ip - shift_q * c.s_iq)
    valid = (
        ~degenerate
        & (gain >= params.gain_min)
        & _side_ok(start_i, move_i, hist_i, params)
        & _side_ok(start_j, move_j, hist_j, params)
    )
    # Overshoot check (§4.5), I first; J's check sees I's result.
    cut_any = np.zeros_like(valid)
    for side in ("i", "j"):
        if side == "i":
            ref, total, start, move, target = ref_i, c.w_q, start_i, move_i, c.target_i
        else:
            ref, total, start, move, target = ref_j, c.w_p, start_j, move_j, c.target_j
        n0 = outcome_at(ref, total, start)
        n1 = outcome_at(ref, total, start + move)
        cut = valid & ((target - n0) * (target - n1) < 0)
        if not cut.any():
            continue
        cut_any |= cut
        own = np.abs(target - n0)
        if side == "i":
            new_q = own
            new_p = div(own * sum_q, sum_p)
        else:
            new_p = own
            new_q = div(own * sum_p, sum_q)
        shift_p = np.where(cut, new_p, shift_p)
        shift_q = np.where(cut, new_q, shift_q)
        move_i = np.where(cut, toward(div(shift_q * c.w_q, c.w_iq), start_i, c.target_i), move_i)
        move_j = np.where(cut, toward(div(shift_p * c.w_p, c.w_jp), start_j, c.target_j), move_j)
        gain = np.where(cut, np.abs(shift_p * c.s_ip - shift_q * c.s_iq), gain)
    gain_i = shift_p * c.s_ip - shift_q * c.s_iq
    gain_j = shift_q * c.s_jq - shift_p * c.s_jp
    infeasible = np.zeros_like(valid)
    if params.rex_p > 0 and draws is not None:
        rex = randomize(c, start_i, start_j, ref_i, ref_j, gain, draws, params)
        shift_p = np.where(valid, rex.shift_p, shift_p)
        shift_q = np.where(valid, rex.shift_q, shift_q)
        move_i = np.where(valid, rex.move_i, move_i)
        move_j = np.where(valid, rex.move_j, move_j)
        gain_i = np.where(valid, rex.gain_i, gain_i)
        gain_j = np.where(valid, rex.gain_j, gain_j)
        cut_any |= valid & rex.cut
        infeasible = valid & rex.infeasible
    valid &= _side_ok(start_i, move_i, hist_i, params) & _side_ok(start_j, move_j, hist_j, params)
    return Result(
        move_i=move_i,
        move_j=move_j,
        vote_i=start_i + move_i,
        vote_j=start_j + move_j,
        shift_p=shift_p,
        shift_q=shift_q,
        gain=np.where(degenerate, 0.0, gain),
        gain_i=gain_i,
        gain_j=gain_j,
        valid=valid,
        cut=cut_any,
        infeasible=infeasible,
    )
