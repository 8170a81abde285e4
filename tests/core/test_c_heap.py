"""daphne's C heap: capped malloc arenas, trimmed after full collections (core/c_heap.py)."""

import ctypes
import gc

import pytest

from core import c_heap

HAS_GLIBC_MALLOC = hasattr(ctypes.CDLL(None), "mallopt") and hasattr(ctypes.CDLL(None), "malloc_trim")
glibc_only = pytest.mark.skipif(not HAS_GLIBC_MALLOC, reason="a C library without mallopt/malloc_trim")


def test_default_and_override(monkeypatch):
    monkeypatch.delenv("HELMDESK_MALLOC_ARENA_MAX", raising=False)
    assert c_heap.arena_max() == c_heap.DEFAULT_ARENAS == 2
    monkeypatch.setenv("HELMDESK_MALLOC_ARENA_MAX", "4")
    assert c_heap.arena_max() == 4


def test_a_malformed_value_says_what_is_expected(monkeypatch):
    monkeypatch.setenv("HELMDESK_MALLOC_ARENA_MAX", "two")
    with pytest.raises(ValueError, match="expected a whole number"):
        c_heap.arena_max()


@glibc_only
def test_the_cap_is_set_unless_glibc_was_told_already_or_it_is_off(monkeypatch):
    monkeypatch.delenv("HELMDESK_MALLOC_ARENA_MAX", raising=False)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert c_heap.limit_arenas() == 2
    monkeypatch.setenv("MALLOC_ARENA_MAX", "1")  # glibc read it at start-up: left to it
    assert c_heap.limit_arenas() is None
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    monkeypatch.setenv("HELMDESK_MALLOC_ARENA_MAX", "0")
    assert c_heap.limit_arenas() is None


@glibc_only
def test_the_heap_is_trimmed_after_a_full_collection_only(monkeypatch):
    monkeypatch.setitem(c_heap._state, "last_trim", float("-inf"))
    try:
        assert c_heap.trim_after_full_collections()
        assert c_heap.trim_after_full_collections()  # registered once
        assert gc.callbacks.count(c_heap._trim_after_full_collection) == 1
        before = c_heap.trims()
        gc.collect(1)
        assert c_heap.trims() == before  # a younger collection: nothing to give back
        gc.collect()
        assert c_heap.trims() == before + 1
        gc.collect()
        assert c_heap.trims() == before + 1  # not again within TRIM_INTERVAL_S
    finally:
        gc.callbacks.remove(c_heap._trim_after_full_collection)
