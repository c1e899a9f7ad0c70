"""Keep glibc from giving every thread its own malloc arena.

glibc creates up to 8 arenas per CPU; memory freed in one thread's arena is not reused by
another thread and rarely returned to the OS. With a thread per connection and per
collection, a few parallel scrapes of large files (or large requests) left the process at
several hundred MB after the work was done (issue 18). Two arenas cost nothing measurable
for an I/O-bound exporter and bound that growth; `MALLOC_ARENA_MAX` in the environment
still wins if an operator sets it.

`mallopt` is looked up in the running process (libc is loaded already), not through
`ctypes.util.find_library`, which imports subprocess and shutil and may run `ldconfig`.
"""

from __future__ import annotations

import os
import sys

M_ARENA_MAX = -8
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Apply `mallopt(M_ARENA_MAX, arenas)` on glibc; False where that does not exist."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False  # not glibc (e.g. musl): nothing to tune
    return bool(mallopt(M_ARENA_MAX, arenas))
