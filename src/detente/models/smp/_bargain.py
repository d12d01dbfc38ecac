"""Bargains: interpolated compromise positions for each challenge (``specs/smp.md`` §4.6–4.7).

A bargain is identified by its initiator (and, under ``InitRcvrInterp``, by whose view of the
win probability it uses). Arrays are ``[B, N·V, D]`` with ``V`` views per initiator, ordered
initiator-major, which is also the canonical queue order of §4.8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._params import INTERPOLATION_FLOOR, ROUNDING, BargnModel, InterVecBrgn

__all__ = ["Bargains", "interpolate", "make_bargains", "round_position"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bool = NDArray[np.bool_]


def round_position(z: Float) -> Float:
    """KTAB's rounding of bargains: half up to 4 decimals on [0, 1] (§4.6).

    >>> float(round_position(np.array(0.12345)))
    0.1235
    """
    out: Float = np.floor(ROUNDING * z + 0.5) / ROUNDING
    return out


def interpolate(
    t_i: Float, t_j: Float, s_i: Float, s_j: Float, p_i: Float, rule: InterVecBrgn
) -> tuple[Float, Float]:
    """New positions ``(y_I, y_J)`` of initiator and receiver, issue by issue (§4.6).

    ``t_*`` current positions and ``s_*`` saliences ``float[..., D]``; ``p_i`` the probability
    that the initiator wins, ``float[..., 1]``.
    """
    p_j = 1.0 - p_i
    eps = INTERPOLATION_FLOOR
    if rule == "S2PMax":
        d_i = np.maximum(0.0, p_j - p_i)
        d_j = np.maximum(0.0, p_i - p_j)
        lam_i = d_i * s_j**2 / (d_i * s_j**2 + eps + (1.0 - d_i) * s_i**2)
        lam_j = d_j * s_i**2 / (d_j * s_i**2 + eps + (1.0 - d_j) * s_j**2)
        return t_i + lam_i * (t_j - t_i), t_j + lam_j * (t_i - t_j)
    n = 1.0 if rule == "S1P1" else 2.0
    w_i = np.power(s_i, n) * np.power(p_i, n)
    w_j = np.power(s_j, n) * np.power(p_j, n)
    total = w_i + eps + w_j
    y_i = round_position(((w_i + eps) * t_i + w_j * t_j) / total)
    y_j = round_position((w_i * t_i + (w_j + eps) * t_j) / total)
    return y_i, y_j


@dataclass(frozen=True)
class Bargains:
    """The turn's bargains, ``K = N·V`` of them (V = 1, or 2 under ``InitRcvrInterp``).

    ``initiator``/``receiver`` ``int[B, K]`` (receiver −1 where the initiator made no
    challenge), ``valid`` ``bool[B, K]``, ``y_initiator``/``y_receiver`` ``float[B, K, D]`` on
    [0, 1], ``probability`` ``float[B, K]`` (the initiator's win probability used), ``view``
    ``int[K]`` (0 = initiator's view, 1 = receiver's, 2 = power-weighted blend).
    """

    initiator: Int
    receiver: Int
    valid: Bool
    y_initiator: Float
    y_receiver: Float
    probability: Float
    view: Int


def make_bargains(
    position: Float,
    salience: Float,
    capability: Float,
    total_salience: Float,
    target: Int,
    p_initiator: Float,
    p_receiver: Float | None,
    rule: InterVecBrgn,
    model: BargnModel,
) -> Bargains:
    """Bargains from each actor's chosen challenge (§4.7).

    ``target[B, N]`` (−1 = none); ``p_initiator[B, N]`` = ``P^I_{IJ}``; ``p_receiver[B, N]`` =
    ``P^J_{IJ}`` (needed by ``InitRcvrInterp`` and ``PWCompInterp``).
    """
    b, n, _ = position.shape
    rows = np.arange(b)[:, None]
    valid = target >= 0
    recv = np.where(valid, target, 0)
    t_i, s_i = position, salience
    t_j, s_j = position[rows, recv], salience[rows, recv]

    def at(p: Float) -> tuple[Float, Float]:
        return interpolate(t_i, t_j, s_i, s_j, np.where(valid, p, 0.5)[:, :, None], rule)

    init = np.broadcast_to(np.arange(n), (b, n))
    if model == "InitOnlyInterp" or p_receiver is None:
        y_i, y_j = at(p_initiator)
        views = np.zeros(1, dtype=np.int64)
        prob = p_initiator[:, :, None]
    else:
        a_i, a_j = at(p_initiator)
        b_i, b_j = at(p_receiver)
        if model == "InitRcvrInterp":
            y_i = np.stack([a_i, b_i], axis=2).reshape(b, 2 * n, -1)
            y_j = np.stack([a_j, b_j], axis=2).reshape(b, 2 * n, -1)
            views = np.array([0, 1], dtype=np.int64)
            prob = np.stack([p_initiator, p_receiver], axis=2)
        else:  # PWCompInterp, with the receiver weighted by its own capability (§7.1)
            om_i = (capability * total_salience)[:, :, None]
            om_j = (capability * total_salience)[rows, recv][:, :, None]
            y_i = (om_i * a_i + om_j * b_i) / (om_i + om_j)
            y_j = (om_i * a_j + om_j * b_j) / (om_i + om_j)
            views = np.array([2], dtype=np.int64)
            prob = p_initiator[:, :, None]
    v = views.size
    return Bargains(
        initiator=np.repeat(init, v, axis=1).astype(np.int64),
        receiver=np.repeat(np.where(valid, target, -1), v, axis=1).astype(np.int64),
        valid=np.repeat(valid, v, axis=1),
        y_initiator=np.asarray(y_i).reshape(b, n * v, -1),
        y_receiver=np.asarray(y_j).reshape(b, n * v, -1),
        probability=prob.reshape(b, n * v),
        view=np.tile(views, n),
    )
