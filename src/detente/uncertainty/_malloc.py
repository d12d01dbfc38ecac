"""Worker processes keep the chunks' arrays on the C heap: :func:`keep_arrays_on_heap`.

Dask's nanny starts every worker with ``MALLOC_TRIM_THRESHOLD_=65536`` (its
``distributed.nanny.pre-spawn-environ``) so that freed memory goes back to the system. In glibc,
setting any malloc threshold switches off the *dynamic* mmap threshold, which would otherwise
rise to the size of the arrays a program frees. It stays at 128 KiB instead, so every array
above that size is a fresh ``mmap`` whose pages fault in, zeroed, on first touch, and an
``munmap`` when freed. The dynamic models allocate a few dozen such arrays per round (the
gathered rows, the moves, the means and medians), and on a worker a chunk ran about 20 % slower
than the same chunk in this process (docs/performance.md, Monte Carlo scaling).

The fix raises the mmap threshold to glibc's own ceiling for the dynamic threshold (32 MiB on
64-bit), which is what glibc would have reached by itself. Dask's trim threshold stays, so
freed memory still goes back to the system. Nothing changes when the user chose an mmap
threshold (``MALLOC_MMAP_THRESHOLD_``), when no threshold was set (the dynamic one works), or
off glibc. Results never depend on it: it is where memory comes from, not what is computed.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys

__all__ = ["MMAP_THRESHOLD", "keep_arrays_on_heap"]

# glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit: the dynamic threshold's ceiling.
MMAP_THRESHOLD = 32 * 2**20
# From glibc's <malloc.h>.
_M_MMAP_THRESHOLD = -3

_done = False


def keep_arrays_on_heap() -> bool:
    """Raise glibc's mmap threshold in this process if a trim threshold pinned it (once).

    Returns whether the threshold was changed (now or by an earlier call).
    """
    global _done
    if _done:
        return True
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(None)
    _done = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return _done
