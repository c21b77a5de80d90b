"""The Telegram channel: flood-safe, each chat at its own pace, nothing sent twice.

`TelegramChannel` is what the outbox loop (`vestnesis.delivery.Outbox`) pushes Telegram
deliveries through: a chat is a lane (its messages go in order), `FloodControl` keeps
Telegram's limits, and a 429 is waited out for that chat alone unless Telegram asks for
longer than `hold_limit`, when the loop pauses the channel. Retries are the loop's.
"""

from __future__ import annotations

import json
import warnings
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import structlog
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.bulk import BulkSender, bulk_possible
from bot.flood import FloodControl
from bot.render import telegram_length, visible_text
from storage import Database, Delivery, OutboxMessage

log = structlog.stdlib.get_logger("vestnesis.telegram")
CHANNEL = "telegram"
CAPTION_LIMIT = 1024
# A 429 asking for at most this long is waited out for that chat; a longer one pauses the channel.
HOLD_LIMIT = 60.0


@dataclass(frozen=True)
class Pushed:
    """One push's result, as the outbox loop reads it (`vestnesis.delivery.Pushed`)."""

    fault: str | None = None  # None: sent; else permanent | channel | rate_limited
    detail: str = ""
    retry_after: float | None = None
    tally: str = "failed"  # 'blocked' when the member blocked the bot
    held: int = 0  # 429s waited out for this chat


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


class TelegramChannel:
    """Telegram through the Bot API; up to `parallel` chats at once, each at its own pace.

    Telegram takes about 30 messages a second, so a few concurrent sends keep up; many more
    only make httpcore's pool rescan its connections for every queued request."""

    name = CHANNEL

    def __init__(
        self,
        database: Database,
        bot: Bot,
        flood: FloodControl,
        now: Callable[[], datetime],
        *,
        parallel: int = 30,
        claim_size: int = 500,
        hold_limit: float = HOLD_LIMIT,
    ) -> None:
        self._db = database
        self._bot = bot
        self._flood = flood
        self._now = now
        self.parallel = parallel
        self.claim_size = claim_size
        self._hold_limit = hold_limit
        # A message's parts, parsed once while the loop holds the message.
        self._bodies: weakref.WeakKeyDictionary[OutboxMessage, dict[str, Any]]
        self._bodies = weakref.WeakKeyDictionary()
        # Bulk sends skip python-telegram-bot's per-call objects (bot/bulk.py).
        self._bulk = BulkSender(bot.base_url, min(parallel, 16)) if bulk_possible() else None

    def lane(self, delivery: Delivery) -> str | None:
        """The chat: its messages (in any of its topics) go one after another, in order."""
        return delivery.recipient.partition(":")[0]

    async def push(self, delivery: Delivery, message: OutboxMessage | None) -> Pushed:
        """Send one delivery, part after part; never raises for Telegram's answers."""
        body = self._body(message)
        target, _, topic = delivery.recipient.partition(":")
        chat_id = int(target)
        thread = int(topic) if topic else None
        parts = body.get("parts", [])
        media = body.get("media")
        held = 0
        try:
            for index, part in enumerate(parts):
                while True:
                    turn = chat_id  # the chat this turn was taken for, even if it moves
                    await self._flood.turn(turn)
                    try:
                        await self.send(chat_id, thread, part, media if index == 0 else None)
                        break
                    except RetryAfter as error:
                        held += 1
                        seconds = _seconds(error)
                        if seconds > self._hold_limit:
                            return Pushed(
                                "rate_limited", error.message, retry_after=seconds, held=held
                            )
                        self._flood.hold(chat_id, seconds)
                    except ChatMigrated as error:
                        await self._db.telegram.migrated(chat_id, error.new_chat_id, self._now())
                        chat_id = error.new_chat_id
                    finally:
                        self._flood.finished(turn)
        except Forbidden as error:
            await self._db.telegram.blocked(chat_id)
            return Pushed("permanent", f"forbidden: {error.message}", tally="blocked", held=held)
        except BadRequest as error:
            log.warning(
                "telegram refused a message",
                chat=chat_id,
                reason=error.message,
            )
            return Pushed("permanent", f"bad request: {error.message}", held=held)
        except (TimedOut, NetworkError) as error:
            return Pushed("channel", f"network: {error.message}", held=held)
        return Pushed(held=held)

    async def send(
        self, chat_id: int, thread: int | None, part: dict[str, Any], media: dict[str, str] | None
    ) -> None:
        """The per-message send: one stored part to one chat (raises Telegram's errors); through
        bot/bulk.py unless a proxy is set."""
        send = partial(send_part, self._bot) if self._bulk is None else self._bulk.send_part
        await send(
            chat_id,
            part["html"],
            media=media,
            thread=thread,
            disable_preview=part.get("disable_preview", True),
        )

    async def flush(self) -> None:
        """Each push is sent at once: nothing is buffered."""

    async def close(self) -> None:
        """Close the bulk sender's connections (the bot's own belong to the running bot)."""
        if self._bulk is not None:
            await self._bulk.close()

    def _body(self, message: OutboxMessage | None) -> dict[str, Any]:
        if message is None:
            return {"parts": []}
        body = self._bodies.get(message)
        if body is None:
            body = self._bodies[message] = json.loads(message.body)
        return body
