"""Rate limits for the visitor socket: fixed windows counted in the cache (shared by every daphne
process when REDIS_URL is set). Limits are "count/seconds" strings from the environment."""

from __future__ import annotations

import os
import time

from django.core.cache import cache


def _limit(name: str, default: str) -> tuple[int, int]:
    count, _, seconds = os.environ.get(name, default).partition("/")
    return int(count), int(seconds or 60)


def visitor_message_limit() -> tuple[int, int]:
    return _limit("HELMDESK_CHAT_VISITOR_RATE", "20/10")


def ip_message_limit() -> tuple[int, int]:
    return _limit("HELMDESK_CHAT_IP_RATE", "300/60")


def ip_connect_limit() -> tuple[int, int]:
    return _limit("HELMDESK_CHAT_IP_CONNECT_RATE", "120/60")


async def rate_allowed(key: str, limit: tuple[int, int]) -> bool:
    """Count one event for `key`; False once the window's count passes the limit."""
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
