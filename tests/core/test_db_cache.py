"""The database cache makes its entry class once per table (core/db_cache.py)."""

import pytest
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.management import call_command
from django.test import override_settings

from core.db_cache import DatabaseCache
from tests.gc_garbage import cyclic_garbage

DB_CACHE = {"default": {"BACKEND": "core.db_cache.DatabaseCache", "LOCATION": "helmdesk_cache"}}


def test_cache_objects_share_one_entry_class_per_table():
    first, second = DatabaseCache("helmdesk_cache", {}), DatabaseCache("helmdesk_cache", {})
    assert first.cache_model_class is second.cache_model_class
    assert DatabaseCache("other", {}).cache_model_class is not first.cache_model_class


def test_it_sets_up_what_djangos_constructor_sets_up():
    """The constructor replaces BaseDatabaseCache.__init__: a Django upgrade that adds to it shows here."""
    ours, djangos = DatabaseCache("helmdesk_cache", {}), DjangoDatabaseCache("helmdesk_cache", {})
    assert vars(ours).keys() == vars(djangos).keys()


def test_a_new_cache_object_leaves_no_class_for_the_collector():
    DatabaseCache("helmdesk_cache", {})
    with cyclic_garbage() as garbage:
        DatabaseCache("helmdesk_cache", {})
    assert [o for o in garbage if isinstance(o, type)] == []
    with cyclic_garbage() as garbage:
        DjangoDatabaseCache("helmdesk_cache", {})  # Django's own: a class per object
    assert [o for o in garbage if isinstance(o, type)]


@pytest.mark.django_db
def test_it_stores_and_reads_entries():
    with override_settings(CACHES=DB_CACHE):
        call_command("createcachetable", verbosity=0)
        from django.core.cache import caches

        cache = caches["default"]
        assert isinstance(cache, DatabaseCache)
        cache.set("greeting", {"hello": "world"}, 60)
        assert cache.get("greeting") == {"hello": "world"}
        assert cache.add("counter", 1)
        assert cache.incr("counter") == 2
        cache.delete("greeting")
        assert cache.get("greeting") is None
