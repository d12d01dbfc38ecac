"""Scratch memory reused from turn to turn.

A turn builds a few ``[B, N, N, N]`` temporaries. Allocating them afresh every turn costs more
than the arithmetic: each large allocation is new virtual memory whose pages fault in on first
write (measured at 10–20× the cost of an in-place pass on the same array). A run therefore
allocates a handful of flat buffers once and the turn writes into views of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Workspace"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class Workspace:
    """``slots`` flat float64 buffers; :meth:`get` returns a contiguous view of a given shape.

    >>> ws = Workspace.for_run(draws=2, actors=3, views=1)
    >>> ws.get(0, (2, 3, 3, 3)).shape
    (2, 3, 3, 3)
    """

    slots: tuple[Float, ...]

    @classmethod
    def for_run(cls, *, draws: int, actors: int, views: int, count: int = 4) -> Workspace:
        """Buffers big enough for ``[B, N, N, N]`` and the queue coalitions
        ``[B, N, K + 1, K + 1]`` (K = N·views bargains)."""
        size = draws * actors * (actors * views + 1) ** 2
        return cls(tuple(np.empty(size) for _ in range(count)))

    def get(self, slot: int, shape: tuple[int, ...]) -> Float:
        """A view of ``shape`` into buffer ``slot`` (its contents are garbage until written)."""
        size = math.prod(shape)
        return self.slots[slot][:size].reshape(shape)
