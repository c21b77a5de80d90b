"""Draining the Telegram outbox: flood-safe, each chat at its own pace, nothing sent twice."""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.bulk import BulkSender, bulk_possible
from bot.flood import FloodControl
from bot.render import telegram_length, visible_text
from storage import Database, Delivery

log = logging.getLogger("vestnesis.telegram")
CHANNEL = "telegram"
CAPTION_LIMIT = 1024
RETRY_LATER = timedelta(seconds=30)


@dataclass
class TelegramReport:
    """What one drain did, in all and per message."""

    sent: int = 0
    failed: int = 0
    blocked: int = 0
    retried: int = 0
    rate_limited: int = 0
    by_message: dict[int, dict[str, int]] = field(default_factory=dict)

    def count(self, message_id: int, outcome: str) -> None:
        per = self.by_message.setdefault(message_id, {})
        per[outcome] = per.get(outcome, 0) + 1


def _seconds(error: RetryAfter) -> float:
    # PTB 22 is moving retry_after from int to timedelta and warns on access; accept both.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def send_part(
    bot: Bot,
    chat_id: int,
    html: str,
    *,
    media: dict[str, str] | None = None,
    thread: int | None = None,
    disable_preview: bool = True,
) -> None:
    """Send one part as members see it; a caption over Telegram's 1024 characters goes
    as a message of its own after the photo or document."""
    options: dict[str, Any] = {"chat_id": chat_id, "parse_mode": ParseMode.HTML}
    if thread:
        options["message_thread_id"] = thread
    if media and media.get("kind") in ("photo", "document"):
        fits = telegram_length(visible_text(html)) <= CAPTION_LIMIT
        caption = html if fits else None
        if media["kind"] == "photo":
            await bot.send_photo(photo=media["id"], caption=caption, **options)
        else:
            await bot.send_document(document=media["id"], caption=caption, **options)
        if fits:
            return
    preview = LinkPreviewOptions(is_disabled=disable_preview)
    await bot.send_message(text=html, link_preview_options=preview, **options)


def telegram_body(parts: list[dict[str, Any]], media: dict[str, str] | None = None) -> bytes:
    """A stored Telegram message: HTML parts (and an optional photo or document)."""
    return json.dumps({"parts": parts, "media": media}, ensure_ascii=False).encode()


class TelegramDelivery:
    """Sends due Telegram deliveries; up to `parallel` chats at once, each at its own pace.

    Telegram takes about 30 messages a second, so a few concurrent sends keep up; many more
    only make httpcore's pool rescan its connections for every queued request."""

    def __init__(
        self,
        database: Database,
        bot: Bot,
        flood: FloodControl,
        now: Callable[[], datetime],
        parallel: int = 30,
    ) -> None:
        self._db = database
        self._bot = bot
        self._flood = flood
        self._now = now
        self._slots = asyncio.Semaphore(parallel)
        self._bodies: dict[int, dict[str, Any]] = {}
        # Bulk sends skip python-telegram-bot's per-call objects (bot/bulk.py).
        self._bulk = BulkSender(bot.base_url, min(parallel, 16)) if bulk_possible() else None

    async def drain(self) -> TelegramReport:
        """Send everything due; a restart resumes from the outbox."""
        report = TelegramReport()
        await self._db.outbox.recover(CHANNEL)
        try:
            while batch := await self._db.outbox.claim(CHANNEL, self._now(), 500):
                # One task per chat keeps a chat's messages in order and lets chats run side
                # by side.
                by_chat: dict[str, list[Delivery]] = {}
                for delivery in batch:
                    by_chat.setdefault(delivery.recipient, []).append(delivery)
                await asyncio.gather(*(self._chat(items, report) for items in by_chat.values()))
        finally:
            if self._bulk is not None:
                await self._bulk.close()
        return report

    async def _chat(self, deliveries: list[Delivery], report: TelegramReport) -> None:
        async with self._slots:
            for delivery in deliveries:
                outcome = await self._deliver(delivery, report)
                report.count(delivery.message_id, outcome)

    async def _deliver(self, delivery: Delivery, report: TelegramReport) -> str:
        body = await self._body(delivery.message_id)
        target, _, topic = delivery.recipient.partition(":")
        chat_id = int(target)
        thread = int(topic) if topic else None
        parts = body.get("parts", [])
        media = body.get("media")
        try:
            for index, part in enumerate(parts):
                chat_id = await self._send(
                    chat_id, thread, part, media if index == 0 else None, report
                )
        except Forbidden as error:
            await self._db.telegram.blocked(chat_id)
            await self._db.outbox.failed(delivery.id, f"forbidden: {error.message}")
            report.blocked += 1
            return "blocked"
        except BadRequest as error:
            await self._db.outbox.failed(delivery.id, f"bad request: {error.message}")
            report.failed += 1
            log.warning(
                "telegram refused a message",
                extra={"fields": {"chat": chat_id, "reason": error.message}},
            )
            return "failed"
        except (TimedOut, NetworkError) as error:
            await self._db.outbox.retry(
                delivery.id, f"network: {error.message}", self._now() + RETRY_LATER
            )
            report.retried += 1
            return "retry"
        await self._db.outbox.sent(delivery.id, self._now())
        report.sent += 1
        return "sent"

    async def _send(
        self,
        chat_id: int,
        thread: int | None,
        part: dict[str, Any],
        media: dict[str, str] | None,
        report: TelegramReport,
    ) -> int:
        while True:
            target = chat_id  # the chat this turn was taken for, even if it moves
            await self._flood.turn(target)
            try:
                await self._call(chat_id, thread, part, media)
                return chat_id
            except RetryAfter as error:
                report.rate_limited += 1
                self._flood.hold(chat_id, _seconds(error))
            except ChatMigrated as error:
                await self._db.telegram.migrated(chat_id, error.new_chat_id, self._now())
                chat_id = error.new_chat_id
            finally:
                self._flood.finished(target)

    async def _call(
        self, chat_id: int, thread: int | None, part: dict[str, Any], media: dict[str, str] | None
    ) -> None:
        send = self._bulk.send_part if self._bulk is not None else partial(send_part, self._bot)
        await send(
            chat_id,
            part["html"],
            media=media,
            thread=thread,
            disable_preview=part.get("disable_preview", True),
        )

    async def _body(self, message_id: int) -> dict[str, Any]:
        if message_id not in self._bodies:
            message = await self._db.outbox.message(message_id)
            self._bodies[message_id] = json.loads(message.body) if message else {"parts": []}
        return self._bodies[message_id]
