"""Offer classification and selection: which move each actor makes in a round (spec §4).

Each actor decides only its own move, from its own view ``(a_ij, b_ij)``: it loses a
confrontation (``b > a > 0``) → moves to ``x_j``; compromises (``a < 0 < b``, ``b > |a|``) → moves
``|a/b|`` of the way to ``x_j``; capitulates (``a < 0 < b``, ``b < |a|``) → moves to ``x_j``.
Classes rank confrontation > compromise > capitulation; within a class the key of §4.2 and the
tie rule pick one partner (keys equal within 1e-9 tie). An actor with no move but a dyad where
both sides expect a loss (``a < 0``, ``b < 0``) records a stalemate with the nearest such
partner; it does not move. The class inequalities are strict and compared exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._params import Conventions

__all__ = ["KEY_ATOL", "NONE", "OFFER_NAMES", "STALEMATE", "Moves", "choose_moves"]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]

#: Offer class codes used in :class:`Moves`; codes 3 (stalemate) and 4 (no offer) do not move.
OFFER_NAMES = ("confrontation", "compromise", "capitulation", "stalemate", "none")
STALEMATE = 3
NONE = 4
# Keys (positions and distances on the 0–100 scale, utilities) this close count as equal, so that
# a tie in the file's units (NL and FR both 3 years from Greece) survives the mapping to 0–100.
KEY_ATOL = 1e-9


@dataclass(frozen=True)
class Moves:
    """Each actor's decision in one round, ``[M, N]`` arrays.

    ``offer`` is the class code (index into :data:`OFFER_NAMES`); ``partner`` the chosen
    counterpart (-1 when no offer); ``a``, ``b`` the actor's view of that dyad (NaN when no
    offer); ``position`` the new positions (unchanged for actors that stay).
    """

    offer: NDArray[np.int8]
    partner: NDArray[np.intp]
    a: Float
    b: Float
    position: Float


def choose_moves(x: Float, a: Float, b: Float, partner_ok: Bool, conv: Conventions) -> Moves:
    """Classify every dyad from the mover's view and apply the chosen moves simultaneously.

    ``x`` is ``float[M, N]``; ``a[i, j] = EU(i → j)`` and ``b[i, j] = EU(j → i)`` in ``i``'s view
    (``float[M, N, N]``); ``partner_ok`` marks dyads that may produce an offer (both actors on
    the issue, different positions).
    """
    xi, xj = x[:, :, None], x[:, None, :]
    negative_a = a < 0
    yields = negative_a & (b > 0)
    margin = a + b  # b > |a| ⇔ a + b > 0 when a < 0
    compromise = yields & (margin > 0)
    offer = np.where(negative_a & (b < 0), STALEMATE, NONE).astype(np.int8)
    if conv.capitulation == "figure6":
        offer[yields & (margin < 0)] = 2
    offer[compromise] = 1
    offer[(a > 0) & (b > a)] = 0
    offer[~partner_ok] = NONE

    distance = np.abs(xj - xi)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conv.compromise_choice == "min_weighted_position":
            # Not the resulting position: the replication's key (spec §4.2, "a mistake").
            weighted = (b * xj - a * xi) / (b - a)  # (|a| x_i + |b| x_j) / (|a| + |b|)
            key = np.where(compromise, weighted, distance)
        else:
            key = np.where(compromise, distance * (-a / b), distance)

    # Lexicographic choice per mover: class, then key, then (paper) larger b, then lowest index.
    best_class = offer.min(axis=2)
    eligible = offer == best_class[:, :, None]
    eligible &= _is_min(np.where(eligible, key, np.inf))
    if conv.offer_tie_break == "enforceability_then_input_order":
        eligible &= _is_min(np.where(eligible, -b, np.inf))
    partner = np.argmax(eligible, axis=2)
    moving = best_class < STALEMATE
    listed = best_class != NONE
    pick = partner[:, :, None]
    a_pick = np.take_along_axis(a, pick, axis=2)[:, :, 0]
    b_pick = np.take_along_axis(b, pick, axis=2)[:, :, 0]
    x_pick = np.take_along_axis(x, partner, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Compromise moves |a/b| of the way (eq. 36); the other classes take x_j exactly (so
        # that the two actors then share one position, with no dyad between them).
        partial = x + (x_pick - x) * (-a_pick / b_pick)
    new = np.where(best_class == 1, partial, x_pick)
    return Moves(
        offer=best_class,
        partner=np.where(listed, partner, -1),
        a=np.where(listed, a_pick, np.nan),
        b=np.where(listed, b_pick, np.nan),
        position=np.where(moving, new, x),
    )


def _is_min(values: Float) -> Bool:
    """Where each row of ``values`` (last axis) attains its minimum (within ``KEY_ATOL``)."""
    at_min: Bool = values <= values.min(axis=2, keepdims=True) + KEY_ATOL
    return at_min
