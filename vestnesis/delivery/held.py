"""Outbox messages held in memory only while deliveries of them are on their way.

A digest is one message shared by thousands of deliveries, so it is read once and kept while
any of them is claimed; a confirmation mail is one message for one delivery. Holding a message
per claimed delivery and letting it go when the last one is settled keeps the sender's memory
proportional to the work in hand, never to how long the process has been running.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable

from storage import OutboxMessage


class HeldMessages:
    """Messages by id, each kept while at least one claimed delivery of it is unsettled."""

    def __init__(self, load: Callable[[int], Awaitable[OutboxMessage | None]]) -> None:
        self._load = load
        self._claims: Counter[int] = Counter()
        self._messages: dict[int, OutboxMessage] = {}

    def claim(self, message_id: int) -> None:
        """A delivery of this message was taken on: keep the message until it is settled."""
        self._claims[message_id] += 1

    def settle(self, message_id: int) -> None:
        """A claimed delivery is done with (sent, failed or put back): let go when last."""
        left = self._claims[message_id] - 1
        if left > 0:
            self._claims[message_id] = left
            return
        del self._claims[message_id]
        self._messages.pop(message_id, None)

    async def get(self, message_id: int) -> OutboxMessage | None:
        """The message (read once while held); None when it no longer exists."""
        message = self._messages.get(message_id)
        if message is None:
            message = await self._load(message_id)
            if message is not None and self._claims[message_id] > 0:
                self._messages[message_id] = message
        return message

    def clear(self) -> None:
        """Let go of everything (a drain ended: nothing is in flight any more)."""
        self._claims.clear()
        self._messages.clear()

    def __len__(self) -> int:
        """How many messages are in memory now."""
        return len(self._messages)
