"""Telegram's limits as separate buckets: per private chat, per group or channel, and overall.

A 429 holds back only the chat that got it; every other chat keeps its own pace.

Telegram counts a message when it arrives, somewhere between our request and its reply; under
load that delay varies by more than the spacing between two messages, so evenly spaced requests
can still arrive bunched. So each send is also counted from its request until a second after
its reply (`finished`): a message arrives in a one-second window only together with messages
counted at its own request, and a chat's next message waits its interval from the reply.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class FloodControl:
    """Waits for a chat's turn: about 1 message/s per private chat, 20/min per group or
    channel, 30/s in all (Telegram's Bots FAQ)."""

    def __init__(
        self,
        *,
        overall_per_second: float = 30,
        private_interval: float = 1.0,
        group_per_minute: float = 20,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # Evenly spaced, with a 5% margin: a bucket's bursts break a sliding one-second window.
        self._spacing = 1.0 / (overall_per_second * 0.95) if overall_per_second else 0.0
        self._overall_next = 0.0
        self._window = max(int(overall_per_second * 0.95), 1) if overall_per_second else 0
        self._open = 0  # sends between turn() and finished()
        self._replied: deque[float] = deque()  # when the replies of the last second came
        self._gate = asyncio.Lock()
        self._answered = asyncio.Event()
        self._private = private_interval
        self._group = 60 / group_per_minute if group_per_minute else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next: dict[int, float] = {}

    async def turn(self, chat_id: int) -> None:
        """Return when a message may go to this chat now; call `finished` when it is done."""
        while True:
            now = self._clock()
            ready = self._next.get(chat_id, 0.0)
            if ready <= now:
                # Negative ids are groups, supergroups and channels.
                self._next[chat_id] = now + (self._group if chat_id < 0 else self._private)
                break
            await self._sleep(ready - now)
        if self._spacing:
            # Reserve a slot first (no await in between), then wait for it.
            now = self._clock()
            slot = max(now, self._overall_next)
            self._overall_next = slot + self._spacing
            if slot > now:
                await self._sleep(slot - now)
        if not self._window:
            return
        # One sender waits for room at a time, the rest queue behind it in order: were they
        # all to wake whenever room might have come, each message would cost thirty wake-ups.
        async with self._gate:
            while True:
                now = self._clock()
                while self._replied and self._replied[0] <= now - 1.0:
                    self._replied.popleft()
                if self._open + len(self._replied) < self._window:
                    break
                if self._replied:  # room when the oldest reply is a second old
                    await self._sleep(self._replied[0] + 1.0 - now)
                else:  # all in flight: room when one replies
                    self._answered.clear()
                    await self._answered.wait()
            self._open += 1

    def finished(self, chat_id: int) -> None:
        """The send that `turn` allowed got its reply (or failed): it counts for one more
        second overall, and the chat's next message waits its interval from now."""
        now = self._clock()
        if self._window:
            self._open = max(self._open - 1, 0)
            self._replied.append(now)
            self._answered.set()
        interval = self._group if chat_id < 0 else self._private
        self._next[chat_id] = max(self._next.get(chat_id, 0.0), now + interval)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said retry_after for this chat: nothing goes there until then."""
        until = self._clock() + seconds + 0.1
        self._next[chat_id] = max(self._next.get(chat_id, 0.0), until)
