"""daphne's C heap (glibc malloc): at most two arenas, and freed pages handed back after full
garbage collections. Both are set up by config/asgi.py before any thread starts.

**Arenas** (``HELMDESK_MALLOC_ARENA_MAX``, default 2). Django runs every ASGI request's synchronous
code on a thread of its own (asgiref gives each request context a one-thread executor) and glibc hands
threads separate arenas, up to eight per core; memory freed in one arena is not reused by the
others, so each arena's high-water mark stays resident. ``MALLOC_ARENA_MAX`` in the environment
(read by glibc itself) takes precedence; ``0`` here keeps glibc's default.

**Trimming.** Once the cyclic collector has freed a full generation, the freed chunks sit inside the
heap, below chunks still in use, where glibc does not give them back by itself: measured with
bench/memory.py's desk mix, the number of Python blocks in use returned to its idle value while the
heap kept ~12-20 MB more than it used, and daphne's resident size crept up between the 1,000th and
the 10,000th request. ``malloc_trim(0)`` after a full collection (at most every ``TRIM_INTERVAL_S``)
releases those pages: ~5 MB in ~1.2 ms, next to a full collection's 10-100 ms.

A C library without ``mallopt``/``malloc_trim`` (musl) is left alone.
"""

from __future__ import annotations

import ctypes
import gc
import os
import time

M_ARENA_MAX = -8  # glibc's malloc.h
DEFAULT_ARENAS = 2
TRIM_INTERVAL_S = 10.0
_libc = ctypes.CDLL(None)
_state = {"last_trim": float("-inf"), "trims": 0}


def arena_max() -> int:
    """HELMDESK_MALLOC_ARENA_MAX, or DEFAULT_ARENAS; a malformed value stops the process with a message."""
    value = os.environ.get("HELMDESK_MALLOC_ARENA_MAX", "").strip()
    if not value:
        return DEFAULT_ARENAS
    if not value.isdigit():
        raise ValueError(
            f"HELMDESK_MALLOC_ARENA_MAX={value!r}: expected a whole number (0 keeps glibc's default)"
        )
    return int(value)


def limit_arenas() -> int | None:
    """Cap the arenas of this process; returns the cap set, or None when nothing was changed."""
    limit = arena_max()
    if limit == 0 or "MALLOC_ARENA_MAX" in os.environ:
        return None
    mallopt = getattr(_libc, "mallopt", None)
    if mallopt is None or mallopt(M_ARENA_MAX, limit) != 1:
        return None
    return limit


def _trim_after_full_collection(phase: str, info: dict) -> None:
    if phase != "stop" or info["generation"] != 2:
        return
    now = time.monotonic()
    if now - _state["last_trim"] < TRIM_INTERVAL_S:
        return
    _state["last_trim"] = now
    _state["trims"] += 1
    _libc.malloc_trim(0)


def trim_after_full_collections() -> bool:
    """Hand freed heap pages back to the system after full collections (once per process)."""
    if getattr(_libc, "malloc_trim", None) is None:
        return False
    if _trim_after_full_collection not in gc.callbacks:
        gc.callbacks.append(_trim_after_full_collection)
    return True


def trims() -> int:
    """How many times the heap was trimmed in this process."""
    return _state["trims"]
