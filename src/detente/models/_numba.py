"""Process settings that every numba kernel of the models needs, set in one place.

GNU OpenMP (numba's threading layer where libgomp is present) keeps idle worker threads
spinning after each parallel region by default. The models run numpy and Python between kernel
calls, so those spinning threads take the cores that work needs: an eum point forecast measured
255 ms instead of 9 ms. Passive waiting must be chosen before the OpenMP runtime starts (the
first parallel kernel call), so every kernel module imports this module at import time; an
explicit setting by the user wins.

Every kernel compiles with ``error_model="numpy"``: a float division by zero gives inf or nan
as it does in the numpy reference the kernel is tested against, instead of raising
ZeroDivisionError inside a parallel region (which reaches the caller as a SystemError). A red
line or pin that leaves a Nash box no room did exactly that.

Every kernel's arguments go through :func:`kernel_array`, so that each kernel is compiled once.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

__all__ = ["kernel_array"]

os.environ.setdefault("OMP_WAIT_POLICY", "passive")


def kernel_array(values: Any, dtype: DTypeLike = np.float64) -> NDArray[Any]:
    """``values`` as a kernel's argument: C-contiguous, writable, of ``dtype`` (copied if not).

    numba compiles one machine-code specialization per argument type, and a read-only array (a
    broadcast view, a frozen input) is a type of its own: the deal's calls compiled the Nash
    and LP kernels a second time on first use (about 20 s) for a read-only argument.
    """
    return np.require(values, dtype=dtype, requirements=["C", "W"])
