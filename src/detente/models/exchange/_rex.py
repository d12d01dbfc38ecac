"""Randomized exchange ratios (REX, ``exchange.md`` §6) with the spec's corrected formulas.

Instead of splitting the gains of an exchange equally, one side ``X`` (I or J, by a uniform
``u``) is pushed towards ("wins", by ``v``) or away from its largest attainable gain by a share
``rex_p · z`` of the way. Moves are signed once, towards the targets; an overshoot cut re-solves
the other side's shift so that X keeps its target gain (the defects of §9.3 are not copied).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._candidates import Candidates
from ._common import Reference, outcome_at
from ._params import ExchangeParams

__all__ = ["Randomized", "max_gains", "randomize"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]


@dataclass(frozen=True)
class Randomized:
    shift_p: Float
    shift_q: Float
    move_i: Float
    move_j: Float
    gain_i: Float
    gain_j: Float
    cut: Bool
    infeasible: Bool


def _div(a: Float, b: Float) -> Float:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(b != 0, a / np.where(b != 0, b, 1.0), np.inf)
    return np.where(np.isnan(out), 0.0, out)


def max_gains(c: Candidates, full_p: Float, full_q: Float) -> tuple[Float, Float]:
    """Each side's best gain on the exchange's Pareto frontier (§6 step 2): ``EU_max`` of I, J.

    ``full_p`` is J's full-move shift on ``p``, ``full_q`` I's on ``q``.
    """
    eu_i = np.minimum(full_p, full_q * _div(c.s_jq, c.s_jp)) * (
        c.s_ip - c.s_iq * np.nan_to_num(_div(c.s_jp, c.s_jq), posinf=0.0)
    )
    eu_j = np.minimum(full_q, full_p * _div(c.s_ip, c.s_iq)) * (
        c.s_jq - c.s_jp * np.nan_to_num(_div(c.s_iq, c.s_ip), posinf=0.0)
    )
    return eu_i, eu_j


def randomize(
    c: Candidates,
    start_i: Float,
    start_j: Float,
    ref_i: Reference,
    ref_j: Reference,
    gain: Float,
    draws: Float,
    params: ExchangeParams,
) -> Randomized:
    """Randomized shifts and moves for candidates whose equal gain is ``gain`` (§6 steps 2–8).

    ``draws`` is ``float[..., 3]``: the uniforms u (which side), v (win or lose), z (how far).
    """
    u, v, z = draws[..., 0], draws[..., 1], draws[..., 2]
    full_p = _div(np.abs(c.target_j - start_j) * c.w_jp, c.w_p)
    full_q = _div(np.abs(c.target_i - start_i) * c.w_iq, c.w_q)
    eu_i, eu_j = max_gains(c, full_p, full_q)
    x_is_i = u < params.rex_side_threshold
    eu_x = np.where(x_is_i, eu_i, eu_j)
    wins = v < params.rex_win_threshold
    target = np.where(wins, gain + params.rex_p * z * (eu_x - gain), gain - params.rex_p * z * gain)
    # X supplies a and demands b; Y the reverse. For X = I: a = q, b = p.
    full_a = np.where(x_is_i, full_q, full_p)
    full_b = np.where(x_is_i, full_p, full_q)
    s_xa = np.where(x_is_i, c.s_iq, c.s_jp)
    s_xb = np.where(x_is_i, c.s_ip, c.s_jq)
    s_ya = np.where(x_is_i, c.s_jq, c.s_ip)
    s_yb = np.where(x_is_i, c.s_jp, c.s_iq)
    raw = np.minimum(full_a, _div(full_b * s_xb - target, s_xa))
    infeasible = raw < 0
    shift_a = np.maximum(raw, 0.0)
    shift_b = _div(target + shift_a * s_xa, s_xb)

    def moves(a: Float, b: Float) -> tuple[Float, Float, Float, Float]:
        sp = np.where(x_is_i, b, a)
        sq = np.where(x_is_i, a, b)
        mi = np.where(start_i > c.target_i, -1.0, 1.0) * _div(sq * c.w_q, c.w_iq)
        mj = np.where(start_j > c.target_j, -1.0, 1.0) * _div(sp * c.w_p, c.w_jp)
        return sp, sq, mi, mj

    shift_p, shift_q, move_i, move_j = moves(shift_a, shift_b)
    cut_any = np.zeros(np.shape(gain), dtype=bool)
    for side in ("i", "j"):
        if side == "i":
            ref, total, start, move, goal = ref_i, c.w_q, start_i, move_i, c.target_i
        else:
            ref, total, start, move, goal = ref_j, c.w_p, start_j, move_j, c.target_j
        n0 = outcome_at(ref, total, start)
        n1 = outcome_at(ref, total, start + move)
        cut = (goal - n0) * (goal - n1) < 0
        if not cut.any():
            continue
        cut_any |= cut
        own = np.abs(goal - n0)
        # The cut side is X when (side is I) == (X is I); keep X's target gain either way.
        cut_is_x = x_is_i if side == "i" else ~x_is_i
        new_a = np.where(cut_is_x, own, np.maximum(0.0, _div(own * s_xb - target, s_xa)))
        new_b = np.where(cut_is_x, _div(target + own * s_xa, s_xb), own)
        shift_a = np.where(cut, new_a, shift_a)
        shift_b = np.where(cut, new_b, shift_b)
        shift_p, shift_q, move_i, move_j = moves(shift_a, shift_b)
    gain_x = shift_b * s_xb - shift_a * s_xa
    gain_y = shift_a * s_ya - shift_b * s_yb
    return Randomized(
        shift_p=shift_p,
        shift_q=shift_q,
        move_i=move_i,
        move_j=move_j,
        gain_i=np.where(x_is_i, gain_x, gain_y),
        gain_j=np.where(x_is_i, gain_y, gain_x),
        cut=cut_any,
        infeasible=infeasible,
    )
