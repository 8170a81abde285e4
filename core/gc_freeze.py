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
makes that every 100 middle collections (about once a minute under that load). The cost: cyclic
garbage that reaches the old generation waits longer. Since a served request no longer leaves cyclic
garbage (core/asgi_handler.py, core/template_backend.py) that costs little: bench/memory.py, 10,000 desk
requests, daphne 300.7 MiB with these thresholds and 290.1 with CPython's, flat after the 1,000th
request with both (before that change: ~30 MiB apart, 325 against 296).
Measured and not taken: (7000, 10, 10) keeps the memory where it was and makes full collections as
rare, but each middle collection then walks the young sockets too (up to ~50 ms), and the chat's p99
was worse (147-247 ms against 102-132 ms in quiet runs). ``HELMDESK_GC_THRESHOLDS`` overrides them.
"""

from __future__ import annotations

import gc
import os

# CPython's thresholds after the freeze: (young allocations, young collections per middle one, middle
# collections per full one). CPython's defaults are (700, 10, 10). HELMDESK_GC_THRESHOLDS="a,b,c".
THRESHOLDS = (700, 10, 100)


def thresholds() -> tuple[int, int, int]:
    """THRESHOLDS, or HELMDESK_GC_THRESHOLDS when set; a malformed value stops the process with a
    message saying what is expected (rather than being ignored without a word)."""
    value = os.environ.get("HELMDESK_GC_THRESHOLDS", "").strip()
    if not value:
        return THRESHOLDS
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 3 or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise ValueError(
            f"HELMDESK_GC_THRESHOLDS={value!r}: expected three positive integers, e.g. 700,10,100"
        )
    young, middle, full = (int(part) for part in parts)
    return young, middle, full


def freeze_startup_heap() -> int:
    """Collect what is garbage now, then exempt everything alive from later collections, and make
    full collections of what comes later rarer. Returns the number of frozen objects."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds())
    return gc.get_freeze_count()


def _on_worker_spawn(sender, **kwargs) -> None:
    from core.c_heap import trim_after_full_collections

    freeze_startup_heap()
    trim_after_full_collections()  # as in daphne (config/asgi.py): freed heap pages go back


def register() -> None:
    from django_q.signals import post_spawn

    post_spawn.connect(_on_worker_spawn, dispatch_uid="helmdesk-gc-freeze")
