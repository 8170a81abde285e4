"""The Redis cache shares one connection pool per process (core/redis_cache.py)."""

import shutil
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from core.redis_cache import RedisCache

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")


@pytest.fixture
def redis_server(redis_url):
    probe = redis.Redis.from_url(redis_url)
    for _ in range(100):
        try:
            probe.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    try:
        yield redis_url, probe
    finally:
        probe.close()


def _connections_opened(probe, backend, url: str, requests: int) -> int:
    """Connections Redis accepted while `requests` cache objects (one per request under ASGI) were
    each used once, as Django's cache handler makes them."""
    before = probe.info("stats")["total_connections_received"]
    caches = []
    for index in range(requests):
        cache = backend(url, {})
        cache.set(f"key-{index}", index, 60)
        assert cache.get(f"key-{index}") == index
        caches.append(cache)  # kept alive: a freed pool would hide its connection
    return probe.info("stats")["total_connections_received"] - before


def test_cache_objects_of_a_process_reuse_one_connection(redis_server):
    url, probe = redis_server
    assert _connections_opened(probe, RedisCache, url, 20) <= 1
    assert RedisCache(url, {})._cache is RedisCache(url, {})._cache


def test_djangos_own_backend_opens_one_per_cache_object(redis_server):
    """What it is for: Django's backend opens a connection for every cache object."""
    url, probe = redis_server
    assert _connections_opened(probe, DjangoRedisCache, url, 20) == 20


def test_different_servers_get_their_own_client(redis_server):
    url, _ = redis_server
    other = url.replace("/0", "/1")
    assert RedisCache(url, {})._cache is not RedisCache(other, {})._cache
    cache = RedisCache(other, {})
    cache.set("k", "v", 60)
    assert cache.get("k") == "v"
