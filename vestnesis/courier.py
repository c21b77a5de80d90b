"""Keeps the email outbox moving inside the service: drains on a timer and when woken."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from mailer.delivery import EmailDelivery
from vestnesis.app import App
from vestnesis.health import Health
from vestnesis.logs import fields
from vestnesis.mailing import email_delivery, enqueue_digest

log = logging.getLogger("vestnesis.courier")
IDLE_CHECK = timedelta(seconds=30)


class Courier:
    """Drains the email outbox; `wake()` makes it look now instead of at the next tick."""

    def __init__(self, app: App, health: Health | None = None) -> None:
        self._app = app
        self._health = health or Health(app.clock.now)
        self._wake = asyncio.Event()
        self.notify: Callable[[str], Awaitable[None]] | None = None  # the board chat, if any

    def wake(self) -> None:
        """Something was enqueued: send it soon."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until `stop` is set; the drain in progress finishes first."""
        delivery = email_delivery(self._app)
        while not stop.is_set():
            try:
                await self._send(delivery, stop)
                self._health.ok("email sender")
            except Exception as error:
                # The database locked past all patience, the disk full…: this round is lost,
                # the rows stay queued ('sending' ones are recovered), and the next round comes.
                reason = f"{type(error).__name__}: {error}"
                details = {"reason": reason}
                log.exception("email sending failed; trying again", extra={"fields": details})
                self._health.failing("email sender", reason)
            self._wake.clear()
            waits = [asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())]
            await asyncio.wait(
                waits, timeout=IDLE_CHECK.total_seconds(), return_when=asyncio.FIRST_COMPLETED
            )
            for task in waits:
                task.cancel()

    async def _send(self, delivery: EmailDelivery, stop: asyncio.Event) -> None:
        if not await self._app.database.outbox.pending_count("email"):
            return
        report = await delivery.drain(stop=stop)
        if report.paused and report.paused != "paused" and self.notify is not None:
            _ = self._app.catalogs.get(self._app.config.association.default_language).gettext
            await self.notify(_("Email sending paused: %(reason)s") % {"reason": report.paused})
        if report.sent or report.failed or report.paused:
            log.info(
                "email sent",
                **fields(
                    sent=report.sent,
                    retry=report.retried,
                    failed=report.failed,
                    paused=report.paused or "",
                ),
            )


def previous_send_time(app: App, now: datetime) -> datetime:
    """The most recent weekly send time at or before `now`, in the association's zone."""
    weekly = app.config.schedule.weekly_digest
    zone = app.config.association.zone
    local = now.astimezone(zone).replace(tzinfo=None)
    days = (local.weekday() - weekly.weekday) % 7
    candidate = datetime.combine(local.date() - timedelta(days=days), weekly.at)
    if candidate > local:
        candidate -= timedelta(days=7)
    return candidate.replace(tzinfo=zone)


async def send_weekly_digest(
    app: App, courier: Courier | None, send_time: datetime, telegram: Any = None
) -> None:
    """Queue the digest of the period ending at `send_time` (once ever) for the mailing list
    and Telegram, and wake the senders."""
    from vestnesis.digests import prepare, send_decision
    from vestnesis.mailing import digest_record
    from vestnesis.telegram import enqueue_telegram_digest

    prepared = await prepare(app, send_time)
    review = app.config.digest
    decision = send_decision(prepared.draft, review=review.review, unreviewed=review.unreviewed)
    details: dict[str, Any] = {"period_end": send_time.isoformat(), "decision": decision}
    if decision == "wait":
        log.info("digest held for the board", **fields(**details))
        return
    if prepared.digest is None:
        log.info("nothing new this week: no digest", **fields(**details))
        return
    if courier is not None:
        report = await enqueue_digest(app, send_time)
        details["email"] = sum(report.by_language.values())
        courier.wake()
    else:
        record = await digest_record(app, prepared, app.clock.now())
        await app.database.digests.mark_sent(record.id, app.clock.now())
    if telegram is not None:
        details["telegram"] = sum((await enqueue_telegram_digest(app, prepared)).values())
        telegram.wake()
    log.info("weekly digest queued", **fields(**details))


async def catch_up(app: App, courier: Courier | None, telegram: Any = None) -> None:
    """After downtime: send the last scheduled digest if it never went out and is recent."""
    now = app.clock.now()
    due = previous_send_time(app, now)
    if now - due > app.config.digest.catch_up:
        return
    record = await app.database.digests.for_period(due)
    if record is not None and record.status == "sent":
        return
    log.info("sending the digest missed while the service was down", **fields(due=due.isoformat()))
    await send_weekly_digest(app, courier, due, telegram)
