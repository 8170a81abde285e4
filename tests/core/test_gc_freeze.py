"""Long-running processes freeze their start-up heap (core/gc_freeze.py)."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django_q.signals import post_spawn

from core import c_heap
from core.gc_freeze import THRESHOLDS, thresholds

ROOT = Path(__file__).resolve().parents[2]


def test_daphne_application_module_freezes_the_startup_heap():
    # A fresh interpreter, as daphne starts: importing the ASGI application loads everything and freezes it.
    code = (
        "import gc, config.asgi, core.c_heap as h; print(h._trim_after_full_collection in gc.callbacks, "
        "gc.get_threshold()[2], gc.get_freeze_count(), len(gc.get_objects()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("HELMDESK_GC_THRESHOLDS", None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    trims, *counts = out.stdout.split()[-4:]
    full_every, frozen, still_tracked = (int(x) for x in counts)
    assert trims == "True"  # and hands freed heap pages back after full collections (core/c_heap.py)
    assert frozen > 50_000  # Django, the URL configuration and the models, at least
    assert still_tracked < frozen / 10  # a full collection now walks a small fraction of the heap
    assert full_every == THRESHOLDS[2] > 10  # and full collections are rarer than CPython's default


def test_a_spawned_worker_freezes_its_heap():
    gc.unfreeze()
    before = gc.get_threshold()
    try:
        assert gc.get_freeze_count() == 0
        post_spawn.send(sender="django_q", proc_name="Process-1:1")
        assert gc.get_freeze_count() > 50_000
        assert gc.get_threshold() == THRESHOLDS
        assert c_heap._trim_after_full_collection in gc.callbacks  # freed heap pages go back too
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
        if c_heap._trim_after_full_collection in gc.callbacks:
            gc.callbacks.remove(c_heap._trim_after_full_collection)


def test_thresholds_come_from_the_environment_when_well_formed(monkeypatch):
    monkeypatch.setenv("HELMDESK_GC_THRESHOLDS", "2000,10,50")
    assert thresholds() == (2000, 10, 50)
    monkeypatch.setenv("HELMDESK_GC_THRESHOLDS", " 2000, 10, 50 ")
    assert thresholds() == (2000, 10, 50)
    monkeypatch.setenv("HELMDESK_GC_THRESHOLDS", "")
    assert thresholds() == THRESHOLDS
    for bad in ("700,10", "700,10,0", "a,b,c", "700,10,-1"):
        monkeypatch.setenv("HELMDESK_GC_THRESHOLDS", bad)
        with pytest.raises(ValueError, match="HELMDESK_GC_THRESHOLDS.*three positive integers"):
            thresholds()
