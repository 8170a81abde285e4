"""The in-memory channel layer (one process, no REDIS_URL), with its expiry sweep throttled.

Channels' `InMemoryChannelLayer` walks every channel and every group membership on each `receive`
and each `group_send`, to drop messages older than `expiry` and memberships older than
`group_expiry`. With N open sockets that is O(N) work per chat message, several times over (the
conversation's nudge, each socket's next receive, the desk's 3-4 ticket groups): at 1,000 visitors
it was the largest cost of the event loop that is not the database. The sweep drops the same things,
at most `sweep_every_s` later (a second, against expiries of a minute and a day).
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    def __init__(self, sweep_every_s: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.sweep_every_s = sweep_every_s
        self._swept_at = float("-inf")

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._swept_at < self.sweep_every_s:
            return
        self._swept_at = now
        super()._clean_expired()
