"""Keeps the email outbox moving inside the service: runs the outbox loop (`vestnesis.delivery`)
for the email channel on a timer and when woken; and the weekly send.

They take the parts they use (`CourierParts`, `SendParts`), built from the app by the
composition root (`vestnesis.wiring`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog

from vestnesis.common.clock import Clock
from vestnesis.common.health import Health
from vestnesis.delivery import DrainReport, Outbox, Sender
from vestnesis.digest.edition import Edition
from vestnesis.digest.weekly import (
    Decision,
    DigestParts,
    DigestSettings,
    decide,
    due_send_time,
    record_empty,
)
from vestnesis.i18n import Catalogs
from vestnesis.mailing.email_list import MailingParts, digest_record, enqueue_email_digest
from vestnesis.telegram.outbox import TelegramParts, enqueue_telegram_digest

log = structlog.stdlib.get_logger("vestnesis.courier")
IDLE_CHECK = timedelta(seconds=30)


@dataclass(frozen=True)
class CourierParts:
    """What the email sender uses: `outbox()` builds the email channel's outbox loop (when
    the sender runs: mail must be configured); the catalogs and the board's language word
    the notice of a pause; a clock."""

    outbox: Callable[[], Outbox]
    catalogs: Catalogs
    board_language: str
    clock: Clock


class Courier:
    """The email channel's `Sender`; `wake()` makes it look now instead of at the next tick.
    `notify` tells the board chat (if any) that sending paused; `wake`, when given, is the
    event whoever queues mail sets (it may be made before the courier)."""

    def __init__(
        self,
        parts: CourierParts,
        health: Health | None = None,
        *,
        notify: Callable[[str], Awaitable[None]] | None = None,
        wake: asyncio.Event | None = None,
    ) -> None:
        self._parts = parts
        self._health = health or Health(parts.clock.now)
        self._notify = notify
        # Set before the sender runs, its first round (which looks anyway) finds it set.
        self._wake = wake or asyncio.Event()

    def wake(self) -> None:
        """Something was enqueued: send it soon."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until `stop` is set; the drain in progress finishes first."""
        sender = Sender(
            self._parts.outbox(),
            name="email sender",
            idle=IDLE_CHECK,
            health=self._health,
            after=self._reported,
            wake=self._wake,
        )
        await sender.run(stop)

    async def _reported(self, report: DrainReport) -> None:
        if report.paused and report.paused != "paused" and self._notify is not None:
            _ = self._parts.catalogs.get(self._parts.board_language).gettext
            await self._notify(_("Email sending paused: %(reason)s") % {"reason": report.paused})
        if report.sent or report.failed or report.paused:
            log.info(
                "email sent",
                sent=report.sent,
                retry=report.retried,
                failed=report.failed,
                paused=report.paused or "",
            )


class DecidedPeriods(Protocol):
    """The stored digests, as the weekly send records them (`storage.DigestStore`)."""

    async def decided_before(self, period_end: datetime) -> bool: ...

    async def mark_sent(self, digest_id: int, now: datetime) -> None: ...


@dataclass(frozen=True)
class SendParts:
    """What the weekly send uses: the digest's, the mailing list's and the Telegram
    outbox's parts, and the stored digests."""

    digest: DigestParts
    mailing: MailingParts
    telegram: TelegramParts
    digests: DecidedPeriods


def previous_send_time(settings: DigestSettings, now: datetime) -> datetime:
    """The most recent weekly send time at or before `now`, in the association's zone."""
    return due_send_time(settings, now)


async def send_weekly_digest(
    parts: SendParts, courier: Courier | None, send_time: datetime, telegram: Any = None
) -> Decision:
    """Decide the period ending at `send_time` once: queue its digest for the mailing list
    and Telegram and wake the senders, or store that it had nothing new. Returns the
    decision it acted on."""
    decision = await decide(parts.digest, send_time)
    details: dict[str, Any] = {
        "period_end": send_time.isoformat(),
        "decision": decision.action,
        "reason": decision.reason,
    }
    if decision.action == "nothing":
        await record_empty(parts.digest, decision)
        log.info("nothing new this week: no digest", **details)
        return decision
    if decision.action == "wait":
        log.info("digest held for the board", **details)
        return decision
    if decision.action == "done":
        log.info("this week's digest went out before", **details)
        return decision
    now = parts.digest.clock.now()
    record = await digest_record(parts.mailing, decision.prepared, now)
    # Composed once, handed to every channel.
    edition = await Edition.of(parts.digest, decision.prepared, record)
    if courier is not None:
        details["email"] = sum((await enqueue_email_digest(parts.mailing, edition, now)).values())
        courier.wake()
    if telegram is not None:
        counts = await enqueue_telegram_digest(parts.telegram, edition)
        details["telegram"] = sum(counts.values())
        telegram.wake()
    await parts.digests.mark_sent(record.id, now)
    log.info("weekly digest queued", **details)
    return decision


async def catch_up(
    parts: SendParts,
    courier: Courier | None,
    telegram: Any = None,
    poll: Callable[[], Awaitable[None]] | None = None,
) -> Decision | None:
    """After downtime: decide the last scheduled period if it was never decided and is no
    older than `digest.catch_up`, polling the sources first (`poll`) so that news published
    while the service was down goes out in it. None when there was nothing to catch up (an
    installation that never decided a week before missed nothing)."""
    settings = parts.digest.settings
    now = parts.digest.clock.now()
    due = due_send_time(settings, now)
    if now - due > settings.catch_up:
        return None
    before = await decide(parts.digest, due)
    if before.action in ("done", "wait") or before.reason == "decided-empty":
        return None
    if not await parts.digests.decided_before(due):
        # A first start mid-week missed nothing: members get the next weekly digest, not
        # last week's news the moment the service is first switched on.
        log.info(
            "first weekly period of this installation: left to the next send time",
            due=due.isoformat(),
        )
        return None
    log.info(
        "this week's digest was not decided at its time (the service was not running): "
        "polling, then deciding it",
        due=due.isoformat(),
    )
    if poll is not None:
        await poll()
    return await send_weekly_digest(parts, courier, due, telegram)
