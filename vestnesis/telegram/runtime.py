"""The Telegram bot running inside the service: long polling (or the webhook), draining the
Telegram outbox, and the bot built from the config.

It takes the parts it uses (`RuntimeParts`, and the services' `ServiceParts`), built from
the app by the composition root (`vestnesis.wiring`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import InvalidToken
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.announcements import announcement_name
from bot.delivery import TelegramChannel
from bot.flood import FloodControl
from bot.handlers import register, set_commands
from bot.render import render_digest
from bot.startup import BotApplication, Courtesies, TolerantBot, network_failure
from storage import Database, DigestRecord
from vestnesis.common.clock import Clock
from vestnesis.delivery import DrainReport, Outbox, RetryPolicy, Sender
from vestnesis.digest.weekly import DigestParts, digest_of, view_for
from vestnesis.telegram.outbox import TelegramSettings
from vestnesis.telegram.services import ServiceParts, Services

log = structlog.stdlib.get_logger("vestnesis.telegram")
IDLE_CHECK = timedelta(seconds=10)
# Telegram's network trouble: each delivery tried again 30 s later, without end; a long 429
# pauses the channel (see bot/delivery.py), a network fault alone never does.
TELEGRAM_RETRY = RetryPolicy(
    first_channel_retry=timedelta(seconds=30),
    channel_retry=timedelta(seconds=30),
    pause_after_errors=None,
)


@dataclass(frozen=True)
class RuntimeParts:
    """What the running bot uses: the database (the Telegram channel and its outbox loop
    claim and settle deliveries in it, and the announcements' reports are read there), the
    `[telegram]` settings, the webhook's secret token, the digest's parts (the board's
    draft), a clock."""

    database: Database
    settings: TelegramSettings
    webhook_secret: str
    digest: DigestParts
    clock: Clock


class TelegramRuntime:
    """The running bot: polling for updates and draining the Telegram outbox."""

    def __init__(
        self,
        parts: RuntimeParts,
        application: BotApplication,
        services: Services,
        flood: FloodControl,
        courtesies: Courtesies | None = None,
        wake: asyncio.Event | None = None,
    ) -> None:
        self.parts = parts
        self.telegram = parts.settings.telegram
        self._courtesies = courtesies or Courtesies()
        self.application = application
        self.services = services
        channel = TelegramChannel(parts.database, application.bot, flood, parts.clock.now)
        # `wake` is set when something was queued for Telegram; the services set it too (see
        # build_runtime).
        self._sender = Sender(
            Outbox(parts.database, channel, TELEGRAM_RETRY, parts.clock.now),
            name="telegram sender",
            idle=IDLE_CHECK,
            before=services.release_due,
            after=self._reported,
            wake=wake,
        )

    def wake(self) -> None:
        """Something was queued for Telegram."""
        self._sender.wake()

    async def start(self) -> None:
        """Connect, register commands, and start long polling (or register the webhook)."""
        await self.application.initialize()  # getMe: the one call that must succeed
        await set_commands(self.application, self.services, self._courtesies)
        await self.application.start()
        if self.telegram.mode == "webhook":
            await self.application.bot.set_webhook(
                url=f"{self.parts.settings.mailing.web.public_url}/telegram/webhook",
                secret_token=self.webhook_secret,
                allowed_updates=["message", "callback_query", "my_chat_member"],
            )
            return
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            poll_interval=0.0, timeout=10, drop_pending_updates=False
        )

    @property
    def webhook_secret(self) -> str:
        """The token Telegram must send back with every webhook call."""
        return self.parts.webhook_secret

    async def feed(self, data: dict[str, Any]) -> None:
        """An update that came by webhook."""
        await self.application.update_queue.put(Update.de_json(data, self.application.bot))

    async def stop(self) -> None:
        """Stop polling and close the connection pool."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        with contextlib.suppress(Exception):
            await self.application.shutdown()
        # A start that failed half-way (getMe refused) leaves the bot's connection pools
        # open without the application knowing it was initialised: close them too.
        with contextlib.suppress(Exception):
            await self.application.bot.shutdown()

    async def drain(self) -> DrainReport:
        """Send what is due, then tell authors how their announcements went."""
        report = await self._sender.outbox.drain()
        await self._report_announcements()
        return report

    async def keep_running(self, stop: asyncio.Event) -> None:
        """Start the bot (retrying while Telegram is unreachable or refuses the token), then
        serve until stopped. A server that refuses only non-essential calls is served."""
        delay = 5.0
        while not stop.is_set():
            try:
                async with asyncio.timeout(60):
                    await self.start()
                break
            except Exception as error:
                # InvalidToken's text quotes the token: only its name is logged.
                reason = (
                    type(error).__name__
                    if isinstance(error, InvalidToken)
                    else f"{type(error).__name__}: {error}"
                )
                if network_failure(error) or isinstance(error, TimeoutError):
                    message = "Telegram unreachable; retrying"
                elif isinstance(error, InvalidToken):
                    message = (
                        "Telegram refused the bot's token (or telegram.base_url is not a Bot "
                        "API server); retrying"
                    )
                else:
                    message = "Telegram bot could not start; retrying"
                log.warning(message, reason=reason, retry_in=f"{delay:.0f}s")
                with contextlib.suppress(Exception):
                    await self.stop()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await stop.wait()
                delay = min(delay * 2, 300.0)
        if not stop.is_set():
            log.info("Telegram bot running", mode=self.telegram.mode)
            await self.run(stop)

    async def run(self, stop: asyncio.Event) -> None:
        """Drain on a timer and when woken, until stopped."""
        await self._sender.run(stop)

    async def _reported(self, report: DrainReport) -> None:
        """After a drain: tell authors how their announcements went, the board of failures."""
        await self._report_announcements()
        if report.failed:
            catalog = self.services.catalog(self.parts.settings.association.default_language)
            await self.notify_board(
                catalog.ngettext(
                    "%(count)d Telegram message could not be delivered (see vestnesis outbox status).",
                    "%(count)d Telegram messages could not be delivered (see vestnesis outbox status).",
                    report.failed,
                )
                % {"count": report.failed}
            )
        log.info(
            "telegram sent",
            sent=report.sent,
            blocked=report.blocked,
            failed=report.failed,
            rate_limited=report.rate_limited,
            paused=report.paused or "",
        )

    async def notify_board(self, text: str) -> None:
        """Report a problem to the board chat (feed failures, delivery trouble)."""
        chat = self.telegram.board_chat
        if chat is None:
            return
        with contextlib.suppress(Exception):
            await self.application.bot.send_message(chat, text)

    async def offer_draft(self, record: DigestRecord) -> None:
        """Show the board the coming digest with Approve and Hold buttons."""
        language = self.parts.settings.association.default_language
        _ = self.services.catalog(language).gettext
        digest = await digest_of(self.parts.digest, record)
        if digest is None:
            return
        messages = render_digest(await view_for(self.parts.digest, digest, language))
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Approve"), callback_data=f"digest:{record.id}:approved"
                    ),
                    InlineKeyboardButton(_("Hold"), callback_data=f"digest:{record.id}:held"),
                ]
            ]
        )
        targets = (
            [self.telegram.board_chat]
            if self.telegram.board_chat
            else sorted(self.services.board_ids)
        )
        for chat in targets:
            with contextlib.suppress(Exception):
                for message in messages:
                    await self.application.bot.send_message(chat, message.html, parse_mode="HTML")
                await self.application.bot.send_message(
                    chat,
                    _("The digest above goes out at the usual time unless you hold it."),
                    reply_markup=buttons,
                )

    async def _report_announcements(self) -> None:
        store = self.parts.database.telegram
        for announcement in await store.unreported():
            counts = await self.parts.database.outbox.counts_for(
                "announcement", str(announcement.id)
            )
            if any(state in ("pending", "sending") for (_channel, state) in counts):
                continue
            author = await store.member(announcement.author_id)
            language = self.services.language_for(author, None)
            _ = self.services.catalog(language).gettext
            lines = [
                _("Your announcement %(name)s has gone out:")
                % {"name": announcement_name(announcement, _)}
            ]
            lines += [
                f"  {channel} {state}: {count}"
                for (channel, state), count in sorted(counts.items())
            ]
            with contextlib.suppress(Exception):
                await self.application.bot.send_message(announcement.author_chat, "\n".join(lines))
            await store.reported(announcement.id, self.parts.clock.now())


def build_runtime(
    parts: RuntimeParts, services_parts: ServiceParts, wake_mail: Callable[[], None]
) -> TelegramRuntime | None:
    """The bot, when a token is configured; None (and a log line) when it is not."""
    settings = parts.settings.telegram
    if settings.token is None or not settings.token.get_secret_value():
        log.info("Telegram bot off: set VESTNESIS_TELEGRAM_TOKEN to turn it on")
        return None
    courtesies = Courtesies()
    base = settings.base_url or "https://api.telegram.org"
    bot = TolerantBot(
        settings.token.get_secret_value(),
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=HTTPXRequest(connection_pool_size=16),
        get_updates_request=HTTPXRequest(),
        courtesies=courtesies,
    )
    builder = Application.builder().bot(bot)
    application = builder.build()
    flood = FloodControl(
        overall_per_second=settings.overall_per_second,
        group_per_minute=settings.group_per_minute,
        private_interval=settings.private_interval.total_seconds(),
    )
    # The services wake the drain when they queue something: one event, made first, serves both.
    wake = asyncio.Event()
    services = Services(services_parts, wake_mail, wake.set)
    register(application, services)
    return TelegramRuntime(parts, application, services, flood, courtesies, wake)


async def sync_chats(parts: RuntimeParts) -> None:
    """The chats of `[telegram] chats` in storage."""
    chats = [(c.id, c.language, c.topic) for c in parts.settings.telegram.chats]
    await parts.database.telegram.sync_chats(chats, parts.clock.now())
