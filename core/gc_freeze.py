"""Long-running processes move their startup heap out of the garbage collector's way.

A daphne process holds ~330,000 container objects once Django, the URL configuration, the models and
the PII analyser are loaded. CPython's full (generation 2) collection walks all of them: measured at
0.3-0.7 s on a 2-core machine, during which the event loop answers no socket. Those objects live as
long as the process, so ``gc.freeze()`` after start-up moves them to the permanent generation: later
collections only walk what was allocated since (garbage from before the freeze is collected first).
Called at the end of ``config/asgi.py`` (daphne) and in every django-q2 worker once it is spawned.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect what is garbage now, then exempt everything alive from later collections.
    Returns the number of frozen objects."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def _on_worker_spawn(sender, **kwargs) -> None:
    freeze_startup_heap()


def register() -> None:
    from django_q.signals import post_spawn

    post_spawn.connect(_on_worker_spawn, dispatch_uid="helmdesk-gc-freeze")
