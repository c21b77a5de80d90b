"""Draining the email outbox: parallel workers, rate limits, retries, bounces and pausing."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import structlog
from aiolimiter import AsyncLimiter

from mailer.addresses import ascii_address
from mailer.held import HeldMessages
from mailer.smtp import Result, SmtpConnection, SmtpSettings
from storage import Database, Delivery, OutboxMessage

log = structlog.stdlib.get_logger("vestnesis.mail")
CHANNEL = "email"


class Connection(Protocol):
    """What a sending worker talks to: `SmtpConnection`, or `FolderConnection` for trials."""

    async def send(self, sender: str, recipient: str, message: bytes) -> Result: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class DeliveryPolicy:
    """Limits and patience of the sender."""

    parallel: int = 4
    per_second: float | None = None
    per_hour: float | None = None
    max_attempts: int = 5
    retry_base: timedelta = timedelta(minutes=5)
    soft_bounce_limit: int = 2
    pause_after_errors: int = 50
    pause_for: timedelta = timedelta(minutes=15)


@dataclass
class DrainReport:
    """What one drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    bounced: int = 0
    paused: str | None = None
    busy: bool = False  # another process is sending; it will send these too
    disabled: list[str] = field(default_factory=list)


# (message, delivery, the recipient's address as written on the wire) → bytes to send.
Personalise = Callable[[OutboxMessage, Delivery, str], Awaitable[bytes | None]]


class EmailDelivery:
    """Sends due email deliveries until none are left, the sender pauses, or it is told to stop."""

    def __init__(
        self,
        database: Database,
        settings: SmtpSettings,
        envelope_sender: str,
        personalise: Personalise,
        now: Callable[[], datetime],
        policy: DeliveryPolicy,
        lock_path: Path,
        connect: Callable[[], Connection] | None = None,
    ) -> None:
        self._lock_path = lock_path
        # How a worker reaches the relay: SMTP, or a stand-in such as a folder of files.
        self._connect: Callable[[], Connection] = connect or (lambda: SmtpConnection(settings))
        self._db = database
        self._settings = settings
        self._sender = envelope_sender
        self._personalise = personalise
        self._now = now
        self._policy = policy
        self.held = HeldMessages(database.outbox.message)  # only what claimed rows need
        self._errors = 0  # connection-level errors in a row, mirrored in storage
        limiters = []
        if policy.per_second:
            limiters.append(AsyncLimiter(policy.per_second, 1))
        if policy.per_hour:
            limiters.append(AsyncLimiter(policy.per_hour, 3600))
        self._limiters = limiters

    async def paused_until(self) -> datetime | None:
        """When a pause ends, if the sender is paused now."""
        _, until, _ = await self._db.outbox.errors(CHANNEL)
        if until is None:
            return None
        moment = datetime.fromisoformat(until)
        return moment if moment > self._now() else None

    async def drain(
        self,
        on_progress: Callable[[DrainReport], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> DrainReport:
        """Send everything due now; rows left 'sending' by a crash are sent again first."""
        report = DrainReport()
        if await self.paused_until() is not None:
            report.paused = "paused"
            return report
        with _exclusive(self._lock_path) as mine:
            if not mine:
                report.busy = True
                return report
            return await self._drain(report, on_progress, stop)

    async def _drain(
        self,
        report: DrainReport,
        on_progress: Callable[[DrainReport], None] | None,
        stop: asyncio.Event | None,
    ) -> DrainReport:
        # Holding the lock, no other process is sending: rows left 'sending' are a crash's.
        await self._db.outbox.recover(CHANNEL)
        self._errors, _, _ = await self._db.outbox.errors(CHANNEL)
        queue: asyncio.Queue[Delivery | None] = asyncio.Queue(maxsize=self._policy.parallel * 4)
        halt = asyncio.Event()
        workers = [
            asyncio.create_task(self._worker(queue, report, halt, on_progress))
            for _ in range(self._policy.parallel)
        ]
        try:
            while not halt.is_set() and not (stop and stop.is_set()):
                batch = await self._db.outbox.claim(CHANNEL, self._now(), self._policy.parallel * 8)
                if not batch:
                    # Work in flight may put retries back as due: only an idle queue ends it.
                    await queue.join()
                    batch = await self._db.outbox.claim(
                        CHANNEL, self._now(), self._policy.parallel * 8
                    )
                    if not batch:
                        break
                for delivery in batch:
                    self.held.claim(delivery.message_id)
                for delivery in batch:
                    if halt.is_set() or (stop and stop.is_set()):
                        self.held.settle(delivery.message_id)
                        await self._db.outbox.retry(delivery.id, "not attempted", self._now())
                        continue
                    await queue.put(delivery)
        finally:
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
            self.held.clear()
        return report

    async def _worker(
        self,
        queue: asyncio.Queue[Delivery | None],
        report: DrainReport,
        halt: asyncio.Event,
        on_progress: Callable[[DrainReport], None] | None,
    ) -> None:
        connection = self._connect()
        try:
            while (delivery := await queue.get()) is not None:
                try:
                    if halt.is_set():
                        await self._db.outbox.retry(delivery.id, "sender paused", self._now())
                        continue
                    await self._deliver_isolated(connection, delivery, report, halt)
                    if on_progress is not None:
                        on_progress(report)
                finally:
                    self.held.settle(delivery.message_id)
                    queue.task_done()
        finally:
            await connection.close()

    async def _deliver_isolated(
        self,
        connection: SmtpConnection,
        delivery: Delivery,
        report: DrainReport,
        halt: asyncio.Event,
    ) -> None:
        """One delivery; whatever goes wrong with it is recorded on it, and the drain goes on."""
        try:
            await self._deliver(connection, delivery, report, halt)
        except (asyncio.CancelledError, sqlite3.Error):
            # The database, not this delivery, is in trouble: the drain stops and the row,
            # left 'sending', is recovered by the next one.
            raise
        except Exception as error:
            reason = f"internal error: {type(error).__name__}: {error}"
            log.exception(
                "delivery failed unexpectedly",
                delivery=delivery.id,
                reason=reason,
            )
            await self._db.outbox.failed(delivery.id, reason[:500])
            report.failed += 1

    async def _deliver(
        self,
        connection: Connection,
        delivery: Delivery,
        report: DrainReport,
        halt: asyncio.Event,
    ) -> None:
        message = await self.held.get(delivery.message_id)
        address = await self._wire_address(connection, delivery.recipient)
        if address is None:
            reason = (
                "the address has non-ASCII letters before the @ and the relay does not "
                "offer SMTPUTF8"
            )
            await self._db.outbox.failed(delivery.id, reason)
            report.failed += 1
            return
        try:
            payload = await self._personalise(message, delivery, address) if message else None
        except ValueError as error:
            # One member's unusable row is that delivery's failure, never the sender's.
            await self._db.outbox.failed(delivery.id, f"message not built: {error}")
            report.failed += 1
            return
        if payload is None:
            await self._db.outbox.failed(delivery.id, "address disabled")
            report.failed += 1
            return
        for limiter in self._limiters:
            await limiter.acquire()
        result = await connection.send(self._sender, address, payload)
        await self._settle(delivery, result, report, halt)

    async def _wire_address(self, connection: SmtpConnection, address: str) -> str | None:
        """The address as sent: as written when ASCII or when the relay offers SMTPUTF8, else
        with its domain in IDNA; None when neither can carry it."""
        if address.isascii():
            return address
        if await connection.offers_smtputf8():
            return address
        return ascii_address(address)

    async def _settle(
        self, delivery: Delivery, result: Result, report: DrainReport, halt: asyncio.Event
    ) -> None:
        outbox = self._db.outbox
        if result.outcome == "sent":
            await outbox.sent(delivery.id, self._now())
            report.sent += 1
            if self._errors:
                self._errors = 0
                await outbox.set_errors(CHANNEL, 0, None, None)
            return
        if result.connection_problem:
            # The relay failed, not the recipient: retry without end; the error streak
            # pauses the whole sender long before this could loop for real.
            self._errors += 1
            await self._streak(result.detail, halt, report)
            delay = timedelta(0) if self._errors == 1 else self._policy.retry_base
            await outbox.retry(delivery.id, result.detail, self._now() + delay)
            report.retried += 1
            return
        if result.outcome == "retry" and delivery.attempts < self._policy.max_attempts:
            delay = self._policy.retry_base * 2 ** (delivery.attempts - 1)
            await outbox.retry(delivery.id, result.detail, self._now() + delay)
            report.retried += 1
            return
        await outbox.failed(delivery.id, result.detail)
        report.failed += 1
        if delivery.subscriber_id is None or result.outcome == "rejected":
            return
        hard = result.outcome == "hard_bounce"
        report.bounced += 1
        disabled = await self._db.subscribers.bounced(
            delivery.subscriber_id,
            result.detail,
            hard=hard,
            soft_limit=self._policy.soft_bounce_limit,
        )
        if disabled:
            report.disabled.append(delivery.recipient)
            details = {"recipient": delivery.recipient, "reason": result.detail}
            log.warning("address disabled after bouncing", **details)

    async def _streak(self, reason: str, halt: asyncio.Event, report: DrainReport) -> None:
        errors = self._errors
        paused_until = None
        if errors >= self._policy.pause_after_errors:
            paused_until = self._now() + self._policy.pause_for
            halt.set()
            report.paused = f"{errors} errors in a row; last: {reason}"
            details = {"errors": errors, "until": paused_until.isoformat(), "reason": reason}
            log.error("email sending paused", **details)
        await self._db.outbox.set_errors(CHANNEL, errors, paused_until, reason)


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[bool]:
    """An OS lock on `path`, held for the block; the kernel drops it if the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
