"""What keys an exchange round's random numbers (``models/_random.py``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._random import uniforms

__all__ = ["RoundKey"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]

# Stream numbers of the model's random numbers (part of their key).
STREAM_REX, STREAM_TIE = 1, 2


@dataclass(frozen=True)
class RoundKey:
    """The seeds (run, model), each row's absolute draw index and the round.

    A candidate's REX uniforms are those of (draw, round, step, generation index) and a tie
    break's those of (draw, round, step), so they never depend on the other draws of the batch.
    """

    seeds: tuple[int, int]
    draw_index: Int
    round: int

    def rex(self, draw: Int, step: int, origin: Int) -> Float:
        """``float[k, 3]`` uniforms u, v, z of the candidates ``origin`` of rows ``draw``."""
        return uniforms(
            *self.seeds, STREAM_REX, self.draw_index[draw], self.round, step, origin, shape=(3,)
        )

    def tie(self, step: int) -> Float:
        """``float[B]``: one uniform per row for the tie break of selection step ``step``."""
        return uniforms(*self.seeds, STREAM_TIE, self.draw_index, self.round, step)
