"""The Telegram bot inside the service: the services it needs, its runtime, and its outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.announcements import announcement_name
from bot.delivery import CHANNEL, TelegramDelivery, TelegramReport, telegram_body
from bot.flood import FloodControl
from bot.handlers import register, set_commands
from bot.render import TelegramMessage, render_digest, render_news
from bot.services import BotAnswer, Step
from bot.startup import Courtesies, TolerantBot, network_failure
from feeds.clean import html_to_text
from feeds.identity import fold
from mailer.build import UNSUBSCRIBE, build_template
from mailer.render import EmailRenderer
from mailer.render import Links as PageLinks
from storage import (
    Announcement,
    DigestRecord,
    Event,
    Gettext,
    Item,
    NoticeView,
    Recipient,
    TelegramMember,
)
from vestnesis.answering import kinds
from vestnesis.answering.text import Wording, event_block
from vestnesis.app import App
from vestnesis.common import dates
from vestnesis.common.logs import fields
from vestnesis.digest.compose import DigestRules, ItemFilter, Period, compose
from vestnesis.digest.weekly import Prepared, digest_of, prepare, view_for
from vestnesis.events import form as event_form
from vestnesis.events.asking import Answerer
from vestnesis.events.calendar import (
    BOARD_CALENDAR,
    event_key,
    save_board_event,
    single_event_file,
    upcoming_by_key,
)
from vestnesis.i18n import presentation
from vestnesis.mailing.email_list import (
    MailingError,
    identity,
    normalise_address,
    subscribe,
    tokens,
)

log = logging.getLogger("vestnesis.telegram")
IDLE_CHECK = timedelta(seconds=10)


class Services:
    """What the bot's handlers call; one instance per running service."""

    def __init__(
        self, app: App, wake_mail: Callable[[], None], wake_telegram: Callable[[], None]
    ) -> None:
        self.app = app
        self.languages: Sequence[str] = tuple(app.config.association.languages)
        self.board_ids = frozenset(app.config.telegram.board_user_ids)
        self.approvals_needed = app.config.telegram.announce_approvals
        self._wake_mail = wake_mail
        self._wake_telegram = wake_telegram
        self._answerer: Answerer | None = None  # built at the first question

    def catalog(self, language: str) -> Gettext:
        return self.app.catalogs.get(language)

    def language_for(self, member: TelegramMember | None, telegram_code: str | None) -> str:
        if member is not None and member.language in self.languages:
            return member.language
        code = (telegram_code or "").split("-")[0].lower()
        return code if code in self.languages else self.languages[0]

    async def touch(
        self, user_id: int, chat_id: int, first_name: str | None, telegram_code: str | None
    ) -> TelegramMember:
        """Record the member; until they choose, Telegram's language is theirs (so the weekly
        digest, sent later without a message to read it from, comes in it too)."""
        member = await self.app.database.telegram.touch(
            user_id, chat_id, first_name, self.app.clock.now()
        )
        code = (telegram_code or "").split("-")[0].lower()
        if member.language is None and code in self.languages:
            await self.set_language(user_id, code)
            member = await self.app.database.telegram.member(user_id) or member
        return member

    async def set_language(self, user_id: int, language: str) -> None:
        await self.app.database.telegram.set_language(user_id, language, self.app.clock.now())

    async def set_subscription(self, user_id: int, *, weekly: bool, instant: bool) -> None:
        await self.app.database.telegram.set_subscription(
            user_id, weekly=weekly, instant=instant, now=self.app.clock.now()
        )

    async def latest_digest(self, language: str) -> list[TelegramMessage]:
        # The last digest that went out; before any has, the one this week would bring.
        record = await self.app.database.digests.latest("sent")
        if record is not None:
            digest = await digest_of(self.app, record)
        else:
            digest = (await prepare(self.app, self.app.clock.now())).digest
        if digest is None:
            return []
        return render_digest(await view_for(self.app, digest, language))

    def check_email(self, address: str) -> str:
        """Whether `/email ADDRESS` can go ahead: 'accepted', 'invalid' (not an address) or
        'off' (no mailing list). It never looks the address up, so the answer is the same
        for an address on the list and one that is not."""
        try:
            normalise_address(address)
            identity(self.app.config)
            tokens(self.app)
        except ValueError:
            return "invalid"
        except MailingError:
            return "off"
        return "accepted"

    async def subscribe_email(self, address: str, language: str) -> None:
        """The mail work of `/email`, done after the reply: a confirmation for a new (or
        returning) address, nothing for one already confirmed or asked a moment ago."""
        try:
            result = await subscribe(self.app, address, language=language, source="bot")
        except MailingError as error:
            log.warning("email subscription from the bot failed", **fields(reason=str(error)))
            return
        if result.status == "sent":
            self._wake_mail()

    def now(self) -> datetime:
        return self.app.clock.now()

    async def forget(self, user_id: int) -> bool:
        log.info("member asked to be forgotten", **fields(user=user_id))
        return await self.app.database.telegram.forget(user_id)

    async def answer(self, question: str, language: str) -> BotAnswer:
        if self._answerer is None:
            self._answerer = Answerer(self.app)
        reply = await self._answerer.ask(question, language, links=False)
        log.info(
            "question answered",
            **fields(intent=reply.answer.intent, language=reply.answer.language),
        )
        events = tuple((event_key(e), e) for e in reply.answer.events if not e.cancelled)
        return BotAnswer(reply.text, reply.answer.language, events)

    async def upcoming_event(self, key: str) -> Event | None:
        return await upcoming_by_key(self.app, key)

    async def remind_of(self, user_id: int, event: Event) -> None:
        await self.app.database.telegram.remind_of(user_id, event.key, self.app.clock.now())

    def event_file(self, event: Event) -> bytes:
        return single_event_file(self.app, event)

    async def set_reminders(self, user_id: int, on: bool) -> None:
        await self.app.database.telegram.set_reminders(user_id, on, self.app.clock.now())

    # --- the board's events ----------------------------------------------------------------

    def kinds(self, language: str) -> list[tuple[str, str]]:
        return [(k.key, kinds.name(k.key, language)) for k in kinds.KINDS]

    def read_start(self, text: str) -> tuple[datetime, bool] | None:
        return event_form.read_start(text, self.app.config.association.zone)

    def read_end(self, text: str, start: datetime, all_day: bool) -> datetime | None:
        return event_form.read_end(text, start, all_day, self.app.config.association.zone)

    def read_link(self, text: str) -> str | None:
        return event_form.read_link(text)

    async def save_event(self, event: Event, user_id: int) -> Event:
        saved = await save_board_event(self.app, event)
        log.info("board event saved", **fields(uid=saved.uid, user=user_id))
        return saved

    async def board_events(self) -> list[Event]:
        return await self.app.database.events.between(self.app.clock.now(), calendar=BOARD_CALENDAR)

    async def board_event(self, uid: str) -> Event | None:
        return await self.app.database.events.get(BOARD_CALENDAR, uid)

    async def remove_event(self, uid: str, user_id: int) -> bool:
        removed = await self.app.database.events.remove(BOARD_CALENDAR, uid)
        log.info("board event removed", **fields(uid=uid, user=user_id, removed=removed))
        return removed

    def describe_event(self, event: Event, language: str) -> str:
        wording = Wording(
            self.catalog(language), self.app.config.association.zone, self.app.clock.now()
        )
        kind = kinds.name(event.kind, language)
        return event_block(event, language, wording) + (f"\n({kind})" if kind else "")

    async def stats(self, language: str) -> str:
        _ = self.catalog(language).gettext
        db = self.app.database
        # The store's state codes, worded for the board; an unknown code shows as it is.
        states = {
            "subscribed": _("receive the digest"),
            "not subscribed": _("do not receive the digest"),
            "blocked": _("blocked the bot"),
            "pending": _("awaiting confirmation"),
            "confirmed": _("confirmed"),
            "unsubscribed": _("unsubscribed"),
            "bounced": _("address does not work"),
        }
        deliveries = {
            "email": _("email"),
            "telegram": "Telegram",
            "sent": _("sent"),
            "failed": _("failed"),
            "pending": _("waiting"),
            "sending": _("waiting"),
        }
        lines = [_("Telegram users:")]
        lines += [
            f"  {states.get(state, state)} ({lang}): {count}"
            for (state, lang), count in sorted((await db.telegram.member_counts()).items())
        ]
        lines.append(_("Mailing list:"))
        lines += [
            f"  {states.get(state, state)} ({lang}): {count}"
            for (state, lang), count in sorted((await db.subscribers.counts()).items())
        ]
        latest = await db.digests.latest("sent")
        if latest is not None:
            lines.append(_("Last digest:"))
            counts = await db.outbox.counts_for("digest", latest.period_end.isoformat())
            lines += [
                f"  {deliveries.get(channel, channel)}, {deliveries.get(state, state)}: {count}"
                for (channel, state), count in sorted(counts.items())
            ]
        sources = await db.sources.list()
        failing = [s for s in sources if s.enabled and (s.paused or s.error_count)]
        lines.append(
            _("News sources: %(ok)d working, %(failing)d failing")
            % {"ok": sum(1 for s in sources if s.enabled) - len(failing), "failing": len(failing)}
        )
        lines += [f"  {s.name}: {s.last_error}" for s in failing]
        return "\n".join(lines)

    async def draft_announcement(
        self, author_id: int, author_chat: int, text_html: str, media: tuple[str, str] | None
    ) -> Announcement:
        store = self.app.database.telegram
        draft = await store.new_announcement(
            author_id, author_chat, text_html, media, self.app.clock.now()
        )
        await store.set_audience(draft.id, ["chats", "subscribers"])
        return await self._current(draft.id)

    async def announcement(self, announcement_id: int) -> Announcement | None:
        return await self.app.database.telegram.announcement(announcement_id)

    async def _current(self, announcement_id: int) -> Announcement:
        found = await self.announcement(announcement_id)
        assert found is not None
        return found

    async def set_audience(self, announcement_id: int, audience: Sequence[str]) -> Step:
        """Who gets a draft (only while it is a draft)."""
        changed = await self.app.database.telegram.set_audience(announcement_id, audience)
        return Step("draft" if changed else "refused", await self._current(announcement_id))

    async def send(self, announcement_id: int, user_id: int) -> Step:
        """The author presses Send on the draft: it goes out (or waits for its time) when one
        approval is enough, else it waits for other board members."""
        store = self.app.database.telegram
        draft = await self.announcement(announcement_id)
        if draft is None or draft.status != "draft" or draft.author_id != user_id:
            return Step("refused", draft) if draft else Step("refused", None)
        if not draft.audience:
            return Step("no-audience", draft)
        if self.approvals_needed > 1:
            moved = await store.move(draft.id, "awaiting", expect={"draft"}, approvals=[user_id])
            return Step("awaiting" if moved else "refused", await self._current(draft.id))
        if not await store.move(draft.id, "approved", expect={"draft"}, approvals=[user_id]):
            return Step("refused", await self._current(draft.id))
        return await self._go(draft.id)

    async def approve(self, announcement_id: int, user_id: int) -> Step:
        """Another board member approves an announcement awaiting approval."""
        draft = await self.announcement(announcement_id)
        if draft is None:
            return Step("refused", None)
        if draft.author_id == user_id or user_id in draft.approvals:
            return Step("own", draft)
        approved = await self.app.database.telegram.approve(
            draft.id, user_id, self.approvals_needed
        )
        if approved is None:
            return Step("refused", await self._current(draft.id))
        if approved.status == "awaiting":
            return Step("awaiting", approved)
        return await self._go(draft.id)

    async def _go(self, announcement_id: int) -> Step:
        """An approved announcement: released now, or left for its send time."""
        approved = await self._current(announcement_id)
        if approved.send_at is not None and approved.send_at > self.app.clock.now():
            return Step("scheduled", approved)
        await self.release(approved)
        return Step("queued", await self._current(announcement_id))

    async def release(self, draft: Announcement) -> None:
        """Put an approved announcement in the outbox and wake the senders. Enqueueing is
        idempotent, and only the first release moves it to 'sent'."""
        store = self.app.database.telegram
        await enqueue_announcement(self.app, draft)
        await store.move(draft.id, "sent", expect={"approved"}, sent_at=self.app.clock.now())
        self._wake_telegram()
        self._wake_mail()

    async def schedule(self, announcement_id: int, text: str) -> datetime | None:
        """Parse 'YYYY-MM-DD HH:MM' (the association's time zone) and set it on the draft;
        None if not a time in the future (or no longer a draft)."""
        try:
            moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.app.config.association.zone)
        if moment <= self.app.clock.now():
            return None
        if not await self.app.database.telegram.schedule(announcement_id, moment):
            return None
        return moment

    def local_time(self, moment: datetime, language: str) -> str:
        """A day and time as it stands inside a sentence of `language` (Latvian locative,
        no seconds, the year only when it is not this year's)."""
        zone = self.app.config.association.zone
        today = self.app.clock.now().astimezone(zone).date()
        return dates.moment_in_sentence(moment.astimezone(zone), language, today)

    async def release_due(self) -> int:
        """Send the scheduled announcements whose time has come."""
        due = await self.app.database.telegram.due(self.app.clock.now())
        for announcement in due:
            await self.release(announcement)
        return len(due)

    async def cancel(self, announcement_id: int, user_id: int) -> Step:
        """Cancel an announcement awaiting approval (any board member: the request shows
        Cancel to each), or its author's draft or approved one still waiting for its time."""
        store = self.app.database.telegram
        draft = await self.announcement(announcement_id)
        if draft is None:
            return Step("refused", None)
        own = draft.author_id == user_id
        if await store.move(
            draft.id, "cancelled", expect={"draft", "awaiting"} if own else {"awaiting"}
        ):
            return Step("cancelled", await self._current(draft.id))
        if draft.author_id == user_id and await store.move(
            draft.id, "cancelled", expect={"approved"}, waiting_after=self.app.clock.now()
        ):
            return Step("cancelled", await self._current(draft.id))
        return Step("refused", await self._current(draft.id))

    async def scheduled(self) -> list[Announcement]:
        return await self.app.database.telegram.scheduled(self.app.clock.now())

    async def member(self, user_id: int) -> TelegramMember | None:
        return await self.app.database.telegram.member(user_id)

    async def add_prompt(self, announcement_id: int, chat_id: int, message_id: int) -> None:
        await self.app.database.telegram.add_prompt(announcement_id, chat_id, message_id)

    async def prompts(self, announcement_id: int) -> list[tuple[int, int]]:
        return await self.app.database.telegram.prompts(announcement_id)

    async def decide_digest(self, digest_id: int, status: str, user_id: int) -> bool:
        """A board member approves or holds the coming digest's draft."""
        log.info("digest draft decided", **fields(digest=digest_id, status=status, by=user_id))
        return await self.app.database.digests.decide(
            digest_id, status, f"telegram:{user_id}", self.app.clock.now()
        )

    async def chat_seen(self, chat_id: int, title: str | None, kind: str, active: bool) -> None:
        await self.app.database.telegram.chat_seen(
            chat_id, title, kind, active, self.app.clock.now()
        )

    async def chat_migrated(self, old_id: int, new_id: int) -> None:
        log.info("group moved to a supergroup", **fields(old=old_id, new=new_id))
        await self.app.database.telegram.migrated(old_id, new_id, self.app.clock.now())


async def enqueue_announcement(app: App, announcement: Announcement) -> None:
    """One delivery per chat, member and (if chosen) mailing-list member, in the outbox."""
    now = app.clock.now()
    store = app.database.telegram
    recipients: list[Recipient] = []
    if "chats" in announcement.audience:
        recipients += [Recipient(_address(c.chat_id, c.topic)) for c in await store.chats()]
    if "subscribers" in announcement.audience:
        members = {
            m.chat_id: m
            for m in [*await store.subscribers(weekly=True), *await store.subscribers(weekly=False)]
        }
        recipients += [Recipient(str(chat_id)) for chat_id in members]
    media = (
        {"kind": announcement.media_kind, "id": announcement.media_id}
        if announcement.media_kind
        else None
    )
    body = telegram_body([{"html": announcement.text_html, "disable_preview": False}], media)
    await app.database.outbox.enqueue(
        kind="announcement",
        key=str(announcement.id),
        channel=CHANNEL,
        language="all",
        subject="",
        body=body,
        recipients=recipients,
        now=now,
    )
    if "email" in announcement.audience:
        await _enqueue_announcement_email(app, announcement)


async def _enqueue_announcement_email(app: App, announcement: Announcement) -> None:
    try:
        sender = identity(app.config)
    except MailingError as error:
        log.warning("announcement not mailed", **fields(reason=str(error)))
        return
    now = app.clock.now()
    text = html_to_text(announcement.text_html)
    for language in app.config.association.languages:
        members = [
            s for s in await app.database.subscribers.list("confirmed") if s.language == language
        ]
        if not members:
            continue
        reader = presentation(app.config, language, app.catalogs)
        _ = reader.catalog.gettext
        view = NoticeView(
            language=language,
            subject=_("%(name)s: an announcement") % {"name": reader.short_name},
            title=_("From the board"),
            paragraphs=tuple(p for p in text.split("\n") if p.strip()),
            action_label="",
            action_url="",
            footer=_("Unsubscribe"),
        )
        content = EmailRenderer().render_notice(view, PageLinks(unsubscribe=UNSUBSCRIBE))
        await app.database.outbox.enqueue(
            kind="announcement",
            key=str(announcement.id),
            channel="email",
            language=language,
            subject=content.subject,
            body=build_template(content, sender, language=language, now=now),
            recipients=[Recipient(m.email, m.id) for m in members],
            now=now,
        )


async def enqueue_telegram_digest(app: App, prepared: Prepared) -> dict[str, int]:
    """The week's digest for members and chats, one message per language; a chat with its
    own filter gets a digest of just the items it wants."""
    if prepared.digest is None:
        return {}
    store = app.database.telegram
    default = app.config.association.default_language
    members = await store.subscribers(weekly=True)
    filters = {
        c.id: ItemFilter.from_config(c.filter)
        for c in app.config.telegram.chats
        if c.filter != type(c.filter)()
    }
    chats = await store.chats()
    key = prepared.period.end.isoformat()
    counts: dict[str, int] = {}
    for language in app.config.association.languages:
        recipients = [
            Recipient(str(m.chat_id)) for m in members if (m.language or default) == language
        ]
        recipients += [
            Recipient(_address(c.chat_id, c.topic))
            for c in chats
            if (c.language or default) == language and c.chat_id not in filters
        ]
        if recipients:
            await _enqueue_digest_message(app, prepared.digest, language, key, recipients)
            counts[language] = len(recipients)
    items = await app.database.items.by_ids([e.item_id for e in prepared.digest.entries])
    rules = DigestRules(
        len(items) or 1, len(items) or 1, DigestRules.from_config(app.config).source_order
    )
    for chat in chats:
        if chat.chat_id not in filters:
            continue
        own = compose(items, prepared.period, rules, item_filter=filters[chat.chat_id])
        if own is None:
            continue
        language = chat.language or default
        await _enqueue_digest_message(
            app,
            own,
            language,
            f"{key}#{chat.chat_id}",
            [Recipient(_address(chat.chat_id, chat.topic))],
        )
        counts[language] = counts.get(language, 0) + 1
    return counts


async def _enqueue_digest_message(
    app: App, digest: Any, language: str, key: str, recipients: list[Recipient]
) -> None:
    messages = render_digest(await view_for(app, digest, language))
    body = telegram_body([{"html": m.html, "disable_preview": m.disable_preview} for m in messages])
    await app.database.outbox.enqueue(
        kind="digest",
        key=key,
        channel=CHANNEL,
        language=language,
        subject="",
        body=body,
        recipients=recipients,
        now=app.clock.now(),
    )


# A new feed brings its whole history at once; only this much of it is "news as it arrives".
NEWS_MAX_AGE = timedelta(days=1)
NEWS_MAX_PER_PASS = 10


async def enqueue_news(app: App, since: datetime) -> int:
    """Items stored since `since`, to members who want news as it arrives and to the forum
    topics their feed or category is routed to; returns how many items went out."""
    now = app.clock.now()
    fresh = await app.database.items.fetched_since(since, published_after=now - NEWS_MAX_AGE)
    fresh = fresh[-NEWS_MAX_PER_PASS:]
    members = await app.database.telegram.subscribers(weekly=False)
    routes = app.config.telegram.routes
    if not fresh or (not members and not routes):
        return 0
    default = app.config.association.default_language
    period = Period(now - NEWS_MAX_AGE, now + timedelta(seconds=1))
    sent = set()
    for language in app.config.association.languages:
        readers = [
            Recipient(str(m.chat_id)) for m in members if (m.language or default) == language
        ]
        for item in fresh:
            topics = [
                Recipient(_address(r.chat, r.topic))
                for r in routes
                if (r.language or default) == language and _routed(r, item)
            ]
            if not readers and not topics:
                continue
            digest = compose([item], period, DigestRules(1, 1, ()))
            if digest is None:
                continue
            [message] = render_news(await view_for(app, digest, language, upcoming=False))
            body = telegram_body([{"html": message.html, "disable_preview": False}])
            await app.database.outbox.enqueue(
                kind="news",
                key=str(item.id),
                channel=CHANNEL,
                language=language,
                subject="",
                body=body,
                recipients=readers + topics,
                now=now,
            )
            sent.add(item.id)
    return len(sent)


def _routed(route: Any, item: Item) -> bool:
    categories = {fold(c) for c in item.categories}
    return item.source_name in route.sources or bool(
        categories & {fold(c) for c in route.categories}
    )


def _address(chat_id: int, topic: int) -> str:
    return f"{chat_id}:{topic}" if topic else str(chat_id)


class TelegramRuntime:
    """The running bot: polling for updates and draining the Telegram outbox."""

    def __init__(
        self,
        app: App,
        application: Application,
        services: Services,
        flood: FloodControl,
        courtesies: Courtesies | None = None,
    ) -> None:
        self.app = app
        self._courtesies = courtesies or Courtesies()
        self.application = application
        self.services = services
        self._wake = asyncio.Event()
        self._delivery = TelegramDelivery(app.database, application.bot, flood, app.clock.now)

    def wake(self) -> None:
        """Something was queued for Telegram."""
        self._wake.set()

    async def start(self) -> None:
        """Connect, register commands, and start long polling (or register the webhook)."""
        await self.application.initialize()  # getMe: the one call that must succeed
        await set_commands(self.application, self.services, self._courtesies)
        await self.application.start()
        if self.app.config.telegram.mode == "webhook":
            await self.application.bot.set_webhook(
                url=f"{self.app.config.web.public_url}/telegram/webhook",
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
        return self.app.config.webhook_secret()

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

    async def drain(self) -> TelegramReport:
        """Send what is due, then tell authors how their announcements went."""
        report = await self._delivery.drain()
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
                log.warning(message, **fields(reason=reason, retry_in=f"{delay:.0f}s"))
                with contextlib.suppress(Exception):
                    await self.stop()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await stop.wait()
                delay = min(delay * 2, 300.0)
        if not stop.is_set():
            log.info("Telegram bot running", **fields(mode=self.app.config.telegram.mode))
            await self.run(stop)

    async def run(self, stop: asyncio.Event) -> None:
        """Drain on a timer and when woken, until stopped."""
        while not stop.is_set():
            await self.services.release_due()
            if await self.app.database.outbox.pending_count(CHANNEL):
                report = await self.drain()
                if report.failed:
                    catalog = self.services.catalog(self.app.config.association.default_language)
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
                    **fields(
                        sent=report.sent,
                        blocked=report.blocked,
                        failed=report.failed,
                        rate_limited=report.rate_limited,
                    ),
                )
            self._wake.clear()
            waits = [asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())]
            await asyncio.wait(
                waits, timeout=IDLE_CHECK.total_seconds(), return_when=asyncio.FIRST_COMPLETED
            )
            for task in waits:
                task.cancel()

    async def notify_board(self, text: str) -> None:
        """Report a problem to the board chat (feed failures, delivery trouble)."""
        chat = self.app.config.telegram.board_chat
        if chat is None:
            return
        with contextlib.suppress(Exception):
            await self.application.bot.send_message(chat, text)

    async def offer_draft(self, record: DigestRecord) -> None:
        """Show the board the coming digest with Approve and Hold buttons."""
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup

        language = self.app.config.association.default_language
        _ = self.services.catalog(language).gettext
        digest = await digest_of(self.app, record)
        if digest is None:
            return
        messages = render_digest(await view_for(self.app, digest, language))
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
            [self.app.config.telegram.board_chat]
            if self.app.config.telegram.board_chat
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
        store = self.app.database.telegram
        for announcement in await store.unreported():
            counts = await self.app.database.outbox.counts_for("announcement", str(announcement.id))
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
            await store.reported(announcement.id, self.app.clock.now())


def build_runtime(app: App, wake_mail: Callable[[], None]) -> TelegramRuntime | None:
    """The bot, when a token is configured; None (and a log line) when it is not."""
    settings = app.config.telegram
    if settings.token is None or not settings.token.get_secret_value():
        log.info("Telegram bot off: set VESTNESIS_TELEGRAM_TOKEN to turn it on")
        return None
    # Opt in to python-telegram-bot's coming behaviour (durations as timedelta, its v23
    # default) instead of the deprecation warning it gives on every rate-limit reply.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
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
    holder: list[TelegramRuntime] = []
    services = Services(app, wake_mail, lambda: holder[0].wake() if holder else None)
    register(application, services)
    runtime = TelegramRuntime(app, application, services, flood, courtesies)
    holder.append(runtime)
    return runtime


async def sync_chats(app: App) -> None:
    """The chats of `[telegram] chats` in storage."""
    chats = [(c.id, c.language, c.topic) for c in app.config.telegram.chats]
    await app.database.telegram.sync_chats(chats, app.clock.now())
