"""What a block of code leaves for the cyclic garbage collector (objects only a collection frees)."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def cyclic_garbage():
    """Yields a list that, after the block, holds every object the block left in reference cycles
    (collected with gc.DEBUG_SAVEALL, so they can be inspected), with the collector off meanwhile."""
    found: list = []
    gc.collect()
    gc.disable()
    try:
        yield found
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def instances(objects: list, *types: type) -> list[str]:
    """The type names of those objects that are instances of the given types (by their real type:
    isinstance() would evaluate lazy objects)."""
    return sorted(type(o).__name__ for o in objects if issubclass(type(o), types))
