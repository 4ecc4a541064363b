"""Handing freed heap back to the system after a big load."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc


def give_back_memory() -> None:
    """Return the heap freed after a (re)load to the system: glibc keeps it otherwise
    (~100 MB after reading every chunk at 50,000 chunks, more after building MiniLM's
    graph in memory). A no-op where there is no glibc."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
