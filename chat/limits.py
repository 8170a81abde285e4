"""Rate limits for the visitor socket and the widget's uploads: fixed windows. Limits are
"count/seconds" strings from the environment.

With REDIS_URL (several daphne processes) the counters live in the shared cache. Without it there is
one process (the in-memory channel layer cannot span more), so the counters live in that process's
memory: no database round trip per message (the database cache would cost a few queries on every
message, on Django's one thread for sync cache calls).
"""

from __future__ import annotations

import os
import threading
import time

from django.conf import settings
from django.core.cache import cache

_local: dict[str, tuple[int, int, int]] = {}  # key -> (window seconds, window number, count)
_local_lock = threading.Lock()
PRUNE_EVERY = 10_000
_ops = 0


def _limit(name: str, default: str) -> tuple[int, int]:
    count, _, seconds = os.environ.get(name, default).partition("/")
    return int(count), int(seconds or 60)


def visitor_message_limit() -> tuple[int, int]:
    return _limit("HELMDESK_CHAT_VISITOR_RATE", "20/10")


def ip_message_limit() -> tuple[int, int]:
    return _limit("HELMDESK_CHAT_IP_RATE", "300/60")


def ip_connect_limit() -> tuple[int, int]:
    return _limit("HELMDESK_CHAT_IP_CONNECT_RATE", "120/60")


def upload_limit() -> tuple[int, int]:
    return _limit("HELMDESK_CHAT_UPLOAD_RATE", "10/300")


def shared() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def _local_allowed(key: str, limit: tuple[int, int]) -> bool:
    global _ops
    count_max, window = limit
    now = time.time()
    number, slot = int(now // window), f"{key}:{window}"
    with _local_lock:
        _ops += 1
        if _ops % PRUNE_EVERY == 0:  # forget counters whose window has passed
            for stale in [k for k, (w, n, _c) in _local.items() if int(now // w) > n]:
                del _local[stale]
        _w, seen, count = _local.get(slot, (window, number, 0))
        count = count + 1 if seen == number else 1
        _local[slot] = (window, number, count)
    return count <= count_max


async def rate_allowed(key: str, limit: tuple[int, int]) -> bool:
    """Count one event for `key`; False once the window's count passes the limit."""
    if not shared():
        return _local_allowed(key, limit)
    count_max, window = limit
    bucket = f"chat-rl:{key}:{int(time.time() // window)}"
    if await cache.aadd(bucket, 1, timeout=window * 2):
        return count_max >= 1
    try:
        count = await cache.aincr(bucket)
    except ValueError:  # the bucket expired between add and incr
        await cache.aset(bucket, 1, timeout=window * 2)
        count = 1
    return count <= count_max


def rate_allowed_sync(key: str, limit: tuple[int, int]) -> bool:
    """`rate_allowed` for views (the same counters)."""
    if not shared():
        return _local_allowed(key, limit)
    count_max, window = limit
    bucket = f"chat-rl:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window * 2):
        return count_max >= 1
    try:
        count = cache.incr(bucket)
    except ValueError:
        cache.set(bucket, 1, timeout=window * 2)
        count = 1
    return count <= count_max
