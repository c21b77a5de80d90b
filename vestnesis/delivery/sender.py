"""Keeping one channel's outbox moving inside the service: a drain when woken, and one every
`idle` in case something was queued by another process (the command line)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from vestnesis.common.health import Health
from vestnesis.delivery.channel import DrainReport
from vestnesis.delivery.outbox import Outbox

log = logging.getLogger("vestnesis.delivery")


class Sender:
    """Runs the outbox loop of one channel until stopped; `wake()` makes it look now.

    `before` runs at the start of every round (e.g. releasing announcements whose time has
    come), `after` with the report of every drain that had work (telling the board, logging).
    A round that fails (the database locked past all patience, the disk full…) is logged and
    marks `name` failing in `health`; the rows stay queued ('sending' ones are recovered) and
    the next round comes. `wake`, when given, is the event that queuing sets."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        name: str,
        idle: timedelta,
        health: Health | None = None,
        before: Callable[[], Awaitable[object]] | None = None,
        after: Callable[[DrainReport], Awaitable[None]] | None = None,
        wake: asyncio.Event | None = None,
    ) -> None:
        self.outbox = outbox
        self._name = name
        self._idle = idle
        self._health = health
        self._before = before
        self._after = after
        # Given when whoever queues work holds the event before the sender exists.
        self._wake = wake or asyncio.Event()

    def wake(self) -> None:
        """Something was queued: send it soon."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until `stop` is set; the drain in progress finishes its deliveries in flight."""
        while not stop.is_set():
            try:
                await self.round(stop)
                if self._health is not None:
                    self._health.ok(self._name)
            except Exception as error:
                reason = f"{type(error).__name__}: {error}"
                log.exception(
                    f"{self._name} failed; trying again", extra={"fields": {"reason": reason}}
                )
                if self._health is not None:
                    self._health.failing(self._name, reason)
            self._wake.clear()
            waits = [asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())]
            await asyncio.wait(
                waits, timeout=self._idle.total_seconds(), return_when=asyncio.FIRST_COMPLETED
            )
            for task in waits:
                task.cancel()

    async def round(self, stop: asyncio.Event | None = None) -> DrainReport | None:
        """One round: `before`, then a drain if anything is waiting, then `after`; the drain's
        report, or None when nothing was waiting."""
        if self._before is not None:
            await self._before()
        if not await self.outbox.pending():
            return None
        report = await self.outbox.drain(stop=stop)
        if self._after is not None:
            await self._after(report)
        return report
