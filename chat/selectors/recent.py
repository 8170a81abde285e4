"""Recent reads kept in this process for the chat sockets' hot paths (see `RecentReads`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


class RecentReads:
    """Values read from the database, by key, reused for `fresh_s` seconds. Whoever owns an instance
    connects `forget` to the signals of the rows behind the values: a change made in this process
    forgets them all at once, a change made by another process is seen within `fresh_s`. A value
    being read while such a change happened is not kept, and inside a transaction the database is
    always read and nothing is kept (what a transaction reads may still be rolled back, and no signal
    tells of that). The values are shared: read them, never change them."""

    MAX_ENTRIES = 1000

    def __init__(self, fresh_s: float) -> None:
        self.fresh_s = fresh_s
        self.entries: dict[Hashable, tuple[float, object]] = {}
        self.changes = 0

    def get(self, key: Hashable, read: Callable[[], T]) -> T:
        if connection.in_atomic_block:
            return read()
        read_at = time.monotonic()
        entry = self.entries.get(key)
        if entry is not None and read_at - entry[0] < self.fresh_s:
            return entry[1]  # type: ignore[return-value]
        changes = self.changes
        value = read()
        if changes == self.changes:  # nothing changed while the value was being read
            if len(self.entries) >= self.MAX_ENTRIES:
                self.entries.clear()
            self.entries[key] = (read_at, value)
        return value

    def forget(self, **_kwargs) -> None:
        self.changes += 1
        self.entries.clear()
