"""Django's Redis cache, with one client (so one connection pool) per process, not one per request.

Django keeps a cache object per async context, so under ASGI every request that touches the cache
builds a new ``RedisCache``, whose client builds a new connection pool on first use: a new TCP
connection to Redis per request, never reused and closed only when the collector frees the pool.
Here the client is shared by every cache object of the process with the same servers and options
(redis-py's pool is thread-safe and resets itself in a forked child).
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.utils.functional import cached_property

_clients: dict[tuple, object] = {}
_lock = threading.Lock()


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
            return client
