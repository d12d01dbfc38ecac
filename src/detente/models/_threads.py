"""Whether the models' compiled kernels may run in two threads at once: :func:`side_by_side`.

Their parallel kernels release the GIL (``nogil=True``), so two models can overlap, one's numpy
bookkeeping between rounds filling the cores the other's kernel leaves idle (``compare``).
Launching parallel kernels from two threads at once needs a thread-safe threading layer: GNU
OpenMP (``omp``, where libgomp is present) or TBB. numba's fallback, ``workqueue``, ends the
process on a concurrent launch, so there the models run one after another. The layer is chosen
at the first parallel launch, which this module makes on a two-element array.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from . import _numba  # noqa: F401  (OpenMP's wait policy, set before its runtime starts)

__all__ = ["side_by_side"]


@njit(cache=True, error_model="numpy", parallel=True, nogil=True)
def _launch(out: NDArray[np.float64]) -> None:
    for i in prange(out.shape[0]):
        out[i] = i


def side_by_side() -> bool:
    """True when two threads may launch the models' parallel kernels at the same time."""
    _launch(np.zeros(2))
    return numba.threading_layer() in ("omp", "tbb")  # type: ignore[attr-defined]
