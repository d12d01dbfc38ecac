"""Running a compiled kernel with a given number of numba threads (the kernels' tests check that
results do not depend on it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numba


@contextmanager
def numba_threads(count: int) -> Iterator[None]:
    """Run the block with ``count`` numba threads, then restore the previous count."""
    before = numba.get_num_threads()
    numba.set_num_threads(count)
    try:
        yield
    finally:
        numba.set_num_threads(before)
