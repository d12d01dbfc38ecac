"""Counter-based uniforms: the one source of randomness inside models.

A model never holds a generator. It asks for the uniforms of a *key*: the run's seeds, the
absolute draw index of each row, a stream number naming what the numbers are for, and counters
such as the round and the step. The key is hashed with SplitMix64's finaliser, so the answer for
a draw depends on the key alone: not on the batch the draw sits in, its position in that batch,
or how many numbers were asked for before. That is why cutting a run into chunks, or running the
chunks on other processes, cannot change a result (docs/uncertainty.md, "Randomness").

The hash is plain 64-bit integer arithmetic, so a compiled kernel can reproduce it bit for bit.

>>> u = uniforms(0, 7, np.array([0, 1, 2]), 1)
>>> u.shape, bool(((0 <= u) & (u < 1)).all())
((3,), True)
>>> bool(uniforms(0, 7, np.array([2]), 1)[0] == u[2])   # draw 2's number, whatever the batch
True
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["uniforms"]

_MASK = (1 << 64) - 1
# SplitMix64's increment (the golden ratio in 64 bits) and finaliser multipliers.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
# 53 random bits make every double in [0, 1) with step 2**-53, as numpy's generators do.
_TO_UNIT = 2.0**-53


def _mix(z: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64's finaliser: a bijection of uint64; every output bit depends on every input."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    out: NDArray[np.uint64] = z ^ (z >> np.uint64(31))
    return out


def _word(value: ArrayLike) -> NDArray[np.uint64]:
    """A key word as uint64 (negative or wide Python integers wrap modulo 2**64)."""
    if isinstance(value, int):
        return np.asarray(value & _MASK, dtype=np.uint64)
    return np.asarray(value).astype(np.int64).astype(np.uint64)


def uniforms(*key: ArrayLike, shape: tuple[int, ...] = ()) -> NDArray[np.float64]:
    """Uniforms on [0, 1) determined by ``key`` alone.

    Each key word is an integer or an integer array; arrays broadcast together (typically the
    ``int64[B]`` absolute draw indices and per-draw counters). ``shape`` adds trailing axes of
    independent numbers (their index is hashed as the last key word). The result has the
    broadcast shape of the key followed by ``shape``.

    >>> uniforms(1, 2, np.arange(2), shape=(3,)).shape
    (2, 3)
    """
    h = np.asarray(np.uint64(0))
    with np.errstate(over="ignore"):
        for value in key:
            h = _mix(h + _GOLDEN + _word(value))
        if shape:
            index = np.arange(int(np.prod(shape)), dtype=np.uint64).reshape(shape)
            h = _mix(h[(...,) + (None,) * len(shape)] + _GOLDEN + index)
    return (h >> np.uint64(11)).astype(np.float64) * _TO_UNIT
