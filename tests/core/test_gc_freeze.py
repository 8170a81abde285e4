"""Long-running processes freeze their start-up heap (core/gc_freeze.py)."""

import gc
import os
import subprocess
import sys
from pathlib import Path

from django_q.signals import post_spawn

ROOT = Path(__file__).resolve().parents[2]


def test_daphne_application_module_freezes_the_startup_heap():
    # A fresh interpreter, as daphne starts: importing the ASGI application loads everything and freezes it.
    code = "import gc, config.asgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    frozen, still_tracked = (int(x) for x in out.stdout.split()[-2:])
    assert frozen > 50_000  # Django, the URL configuration and the models, at least
    assert still_tracked < frozen / 10  # a full collection now walks a small fraction of the heap


def test_a_spawned_worker_freezes_its_heap():
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        post_spawn.send(sender="django_q", proc_name="Process-1:1")
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()
