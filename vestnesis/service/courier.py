"""Keeps the email outbox moving inside the service: runs the outbox loop (`vestnesis.delivery`)
for the email channel on a timer and when woken; and the weekly send."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import structlog

from vestnesis.app import App
from vestnesis.common.health import Health
from vestnesis.delivery import DrainReport, Sender
from vestnesis.digest.edition import Edition
from vestnesis.digest.weekly import (
    Decision,
    DigestSettings,
    decide,
    due_send_time,
    record_empty,
)
from vestnesis.mailing.email_list import digest_record, enqueue_email_digest
from vestnesis.telegram.outbox import enqueue_telegram_digest
from vestnesis.wiring import digest_parts, email_delivery, mailing_parts, telegram_parts

log = structlog.stdlib.get_logger("vestnesis.courier")
IDLE_CHECK = timedelta(seconds=30)


class Courier:
    """The email channel's `Sender`; `wake()` makes it look now instead of at the next tick."""

    def __init__(self, app: App, health: Health | None = None) -> None:
        self._app = app
        self._health = health or Health(app.clock.now)
        self._sender: Sender | None = None  # built when it runs: mail must be configured
        self.notify: Callable[[str], Awaitable[None]] | None = None  # the board chat, if any

    def wake(self) -> None:
        """Something was enqueued: send it soon."""
        if self._sender is not None:  # else its first round, still to come, looks anyway
            self._sender.wake()

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until `stop` is set; the drain in progress finishes first."""
        self._sender = Sender(
            email_delivery(self._app),
            name="email sender",
            idle=IDLE_CHECK,
            health=self._health,
            after=self._reported,
        )
        await self._sender.run(stop)

    async def _reported(self, report: DrainReport) -> None:
        if report.paused and report.paused != "paused" and self.notify is not None:
            _ = self._app.catalogs.get(self._app.config.association.default_language).gettext
            await self.notify(_("Email sending paused: %(reason)s") % {"reason": report.paused})
        if report.sent or report.failed or report.paused:
            log.info(
                "email sent",
                sent=report.sent,
                retry=report.retried,
                failed=report.failed,
                paused=report.paused or "",
            )


def previous_send_time(app: App, now: datetime) -> datetime:
    """The most recent weekly send time at or before `now`, in the association's zone."""
    return due_send_time(DigestSettings.from_config(app.config), now)


async def send_weekly_digest(
    app: App, courier: Courier | None, send_time: datetime, telegram: Any = None
) -> Decision:
    """Decide the period ending at `send_time` once: queue its digest for the mailing list
    and Telegram and wake the senders, or store that it had nothing new. Returns the
    decision it acted on."""
    decision = await decide(digest_parts(app), send_time)
    details: dict[str, Any] = {
        "period_end": send_time.isoformat(),
        "decision": decision.action,
        "reason": decision.reason,
    }
    if decision.action == "nothing":
        await record_empty(digest_parts(app), decision)
        log.info("nothing new this week: no digest", **details)
        return decision
    if decision.action == "wait":
        log.info("digest held for the board", **details)
        return decision
    if decision.action == "done":
        log.info("this week's digest went out before", **details)
        return decision
    now = app.clock.now()
    record = await digest_record(mailing_parts(app), decision.prepared, now)
    # Composed once, handed to every channel.
    edition = await Edition.of(digest_parts(app), decision.prepared, record)
    if courier is not None:
        details["email"] = sum(
            (await enqueue_email_digest(mailing_parts(app), edition, now)).values()
        )
        courier.wake()
    if telegram is not None:
        counts = await enqueue_telegram_digest(telegram_parts(app), edition)
        details["telegram"] = sum(counts.values())
        telegram.wake()
    await app.database.digests.mark_sent(record.id, now)
    log.info("weekly digest queued", **details)
    return decision


async def catch_up(
    app: App,
    courier: Courier | None,
    telegram: Any = None,
    poll: Callable[[], Awaitable[None]] | None = None,
) -> Decision | None:
    """After downtime: decide the last scheduled period if it was never decided and is no
    older than `digest.catch_up`, polling the sources first (`poll`) so that news published
    while the service was down goes out in it. None when there was nothing to catch up (an
    installation that never decided a week before missed nothing)."""
    now = app.clock.now()
    due = due_send_time(DigestSettings.from_config(app.config), now)
    if now - due > app.config.digest.catch_up:
        return None
    before = await decide(digest_parts(app), due)
    if before.action in ("done", "wait") or before.reason == "decided-empty":
        return None
    if not await app.database.digests.decided_before(due):
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
    return await send_weekly_digest(app, courier, due, telegram)
