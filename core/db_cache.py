"""Django's database cache, with one entry class per table instead of one per cache object.

Django keeps a cache object per async context, so under ASGI every request that touches the cache
builds a new ``DatabaseCache``, and Django's ``__init__`` declares a new ``CacheEntry`` class in it
(with its own ``Options``) each time: a class per request, which only the cyclic garbage collector
frees (a class refers to itself through its ``__mro__`` and attribute descriptors). Here the class
is made once per table.
"""

from __future__ import annotations

from functools import cache

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db.models.options import Options


@cache
def entry_class(table: str) -> type:
    """The stand-in model class Django's database cache routes its queries with, for one table."""
    return type("CacheEntry", (), {"_meta": Options(table), "__module__": __name__})


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        # BaseDatabaseCache.__init__ without its per-instance class.
        BaseCache.__init__(self, params)
        self._table = table
        self.cache_model_class = entry_class(table)
