"""Long-running processes move their startup heap out of the garbage collector's way.

A daphne process holds ~330,000 container objects once Django, the URL configuration, the models and
the PII analyser are loaded. CPython's full (generation 2) collection walks all of them: measured at
0.3-0.7 s on a 2-core machine, during which the event loop answers no socket. Those objects live as
long as the process, so ``gc.freeze()`` after start-up moves them to the permanent generation: later
collections only walk what was allocated since (garbage from before the freeze is collected first).
Called at the end of ``config/asgi.py`` (daphne) and in every django-q2 worker once it is spawned.

What is allocated later still adds up: each open chat socket keeps ~75 container objects (the
consumer, its tasks, futures and contexts, twisted's protocol and headers), so 1,000 sockets are
~140,000 objects and a full collection of them 40-110 ms with the loop stopped. With CPython's
thresholds (700, 10, 10) a full collection may start after every 100 young collections, and does
whenever the long-lived heap grew by a quarter since the last one: while sockets keep connecting,
every ~8 s (measured: two such pauses in the first 20 s of a 1,000-client ramp). ``THRESHOLDS``
lets the young generation hold 7,000 objects instead of 700, so all three generations are
collected ten times less often: a full collection about once a minute under that load. Measured on
the alternatives (bench/chat_load.py, bench/memory.py): (700, 10, 100) makes full collections as
rare but leaves the desk's cyclic garbage ~30 MiB longer in daphne; (7000, 10, 10) keeps daphne's
resident size where CPython's defaults keep it. ``HELMDESK_GC_THRESHOLDS`` overrides them.
"""

from __future__ import annotations

import gc
import os

# CPython's thresholds after the freeze: (young allocations, young collections per middle one, middle
# collections per full one). CPython's defaults are (700, 10, 10). HELMDESK_GC_THRESHOLDS="a,b,c".
THRESHOLDS = (7000, 10, 10)


def thresholds() -> tuple[int, int, int]:
    parts = os.environ.get("HELMDESK_GC_THRESHOLDS", "").split(",")
    if len(parts) == 3 and all(p.strip().isdigit() and int(p) > 0 for p in parts):
        return tuple(int(p) for p in parts)  # type: ignore[return-value]
    return THRESHOLDS


def freeze_startup_heap() -> int:
    """Collect what is garbage now, then exempt everything alive from later collections, and make
    collections of what comes later rarer. Returns the number of frozen objects."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds())
    return gc.get_freeze_count()


def _on_worker_spawn(sender, **kwargs) -> None:
    freeze_startup_heap()


def register() -> None:
    from django_q.signals import post_spawn

    post_spawn.connect(_on_worker_spawn, dispatch_uid="helmdesk-gc-freeze")
