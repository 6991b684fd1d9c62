"""Give freed memory back to the operating system between stages.

A run builds and drops millions of small objects (parsed cells, clause strings, per-row lists)
and large Arrow buffers. Freed, they stay in the allocators' pools: reading a large export left
more resident than the tables themselves hold (benchmarks/scale.py). Arrow is pointed at the
system allocator (its default, mimalloc, keeps freed pages) and glibc's ``malloc_trim`` hands
free heap pages back after each stage (cheap).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None  # glibc only


@lru_cache(maxsize=1)
def configure_process() -> None:
    """What a `themes` process sets once, at its entry point (the CLI calls this; a Python caller
    embedding large exports may too): passive OpenMP waiting, before torch loads (spinning
    idle threads halve throughput when another process is busy on the same cores), and pyarrow
    allocating through the system allocator (its own pools keep what the reader freed)."""
    import os

    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    use_system_allocator_for_arrow()


def use_system_allocator_for_arrow() -> None:
    try:
        import pyarrow as pa
    except ImportError:
        return
    pa.set_memory_pool(pa.system_memory_pool())


def release_free_memory() -> None:
    """Return free heap pages to the OS (a no-op where the C library has no malloc_trim)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
