"""Messages into the Telegram outbox: board announcements (with their copy to the mailing
list), the weekly digest for each chat, and news as it arrives to the chats that route it.

The functions take the parts they use (`TelegramParts`: the member, chat, item and outbox
stores as Protocols, the config sections, the digest's parts, a presenter, a clock), built
from the app by the composition root (`vestnesis.wiring`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog

from bot.delivery import CHANNEL, telegram_body
from bot.render import render_digest, render_news
from feeds.clean import html_to_text
from feeds.identity import fold
from mailer.build import UNSUBSCRIBE, build_template
from mailer.render import EmailRenderer
from mailer.render import Links as PageLinks
from storage import Announcement, Item, Recipient, Subscriber, TelegramChat, TelegramMember
from vestnesis.common.clock import Clock
from vestnesis.config import Association, Config, Telegram
from vestnesis.digest.compose import DigestRules, ItemFilter, Period, compose
from vestnesis.digest.edition import Edition
from vestnesis.digest.views import DigestView, NoticeView
from vestnesis.digest.weekly import DigestParts, view_for
from vestnesis.i18n import Presentation
from vestnesis.mailing.email_list import MailingError, MailingSettings, MessageQueue, identity

log = structlog.stdlib.get_logger("vestnesis.telegram")


class TelegramBook(Protocol):
    """The bot's members and chats (`storage.TelegramStore`)."""

    async def subscribers(self, *, weekly: bool = True) -> list[TelegramMember]: ...

    async def chats(self) -> list[TelegramChat]: ...


class MailingMembers(Protocol):
    """The mailing list's members, for an announcement's copy by mail (`storage.SubscriberStore`)."""

    async def list(self, status: str | None = None) -> list[Subscriber]: ...


class FreshItems(Protocol):
    """The items stored since a moment (`storage.ItemStore`)."""

    async def fetched_since(self, moment: datetime, *, published_after: datetime) -> list[Item]: ...


@dataclass(frozen=True)
class TelegramSettings:
    """The `[association]` and `[telegram]` sections, and the mailing list's (an
    announcement's copy by mail is sent as the list)."""

    association: Association
    telegram: Telegram
    mailing: MailingSettings

    @classmethod
    def from_config(cls, config: Config) -> TelegramSettings:
        """The sections of the config tree."""
        return cls(config.association, config.telegram, MailingSettings.from_config(config))


@dataclass(frozen=True)
class TelegramParts:
    """What queueing messages for Telegram (and an announcement's copy by mail) uses."""

    settings: TelegramSettings
    members: TelegramBook
    subscribers: MailingMembers
    items: FreshItems
    outbox: MessageQueue
    digest: DigestParts
    present: Callable[[str], Presentation]
    clock: Clock


async def enqueue_announcement(parts: TelegramParts, announcement: Announcement) -> None:
    """One delivery per chat, member and (if chosen) mailing-list member, in the outbox."""
    now = parts.clock.now()
    store = parts.members
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
        {"kind": announcement.media_kind, "id": announcement.media_id or ""}
        if announcement.media_kind
        else None
    )
    body = telegram_body([{"html": announcement.text_html, "disable_preview": False}], media)
    await parts.outbox.enqueue(
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
        await _enqueue_announcement_email(parts, announcement)


async def _enqueue_announcement_email(parts: TelegramParts, announcement: Announcement) -> None:
    try:
        sender = identity(parts.settings.mailing)
    except MailingError as error:
        log.warning("announcement not mailed", reason=str(error))
        return
    now = parts.clock.now()
    text = html_to_text(announcement.text_html)
    for language in parts.settings.association.languages:
        members = [s for s in await parts.subscribers.list("confirmed") if s.language == language]
        if not members:
            continue
        reader = parts.present(language)
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
        await parts.outbox.enqueue(
            kind="announcement",
            key=str(announcement.id),
            channel="email",
            language=language,
            subject=content.subject,
            body=build_template(content, sender, language=language, now=now),
            recipients=[Recipient(m.email, m.id) for m in members],
            now=now,
        )


async def enqueue_telegram_digest(parts: TelegramParts, edition: Edition) -> dict[str, int]:
    """The send's digest for members and chats, one message per language; a chat with its
    own filter gets a digest of just the items it wants."""
    if edition.digest() is None:
        return {}
    store = parts.members
    default = parts.settings.association.default_language
    members = await store.subscribers(weekly=True)
    filters = {
        c.id: ItemFilter.from_config(c.filter)
        for c in parts.settings.telegram.chats
        if c.filter != type(c.filter)()
    }
    chats = await store.chats()
    key = edition.period.end.isoformat()
    counts: dict[str, int] = {}
    for language in parts.settings.association.languages:
        recipients = [
            Recipient(str(m.chat_id)) for m in members if (m.language or default) == language
        ]
        recipients += [
            Recipient(_address(c.chat_id, c.topic))
            for c in chats
            if (c.language or default) == language and c.chat_id not in filters
        ]
        view = await edition.view(language) if recipients else None
        if view is not None:
            await _enqueue_digest_message(parts, view, language, key, recipients)
            counts[language] = len(recipients)
    for chat in chats:
        if chat.chat_id not in filters:
            continue
        language = chat.language or default
        own = await edition.view(language, filters[chat.chat_id])
        if own is None:
            continue
        await _enqueue_digest_message(
            parts,
            own,
            language,
            f"{key}#{chat.chat_id}",
            [Recipient(_address(chat.chat_id, chat.topic))],
        )
        counts[language] = counts.get(language, 0) + 1
    return counts


async def _enqueue_digest_message(
    parts: TelegramParts, view: DigestView, language: str, key: str, recipients: list[Recipient]
) -> None:
    messages = render_digest(view)
    body = telegram_body([{"html": m.html, "disable_preview": m.disable_preview} for m in messages])
    await parts.outbox.enqueue(
        kind="digest",
        key=key,
        channel=CHANNEL,
        language=language,
        subject="",
        body=body,
        recipients=recipients,
        now=parts.clock.now(),
    )


# A new feed brings its whole history at once; only this much of it is "news as it arrives".
NEWS_MAX_AGE = timedelta(days=1)
NEWS_MAX_PER_PASS = 10


async def enqueue_news(parts: TelegramParts, since: datetime) -> int:
    """Items stored since `since`, to members who want news as it arrives and to the forum
    topics their feed or category is routed to; returns how many items went out."""
    now = parts.clock.now()
    fresh = await parts.items.fetched_since(since, published_after=now - NEWS_MAX_AGE)
    fresh = fresh[-NEWS_MAX_PER_PASS:]
    members = await parts.members.subscribers(weekly=False)
    routes = parts.settings.telegram.routes
    if not fresh or (not members and not routes):
        return 0
    default = parts.settings.association.default_language
    period = Period(now - NEWS_MAX_AGE, now + timedelta(seconds=1))
    sent = set()
    for language in parts.settings.association.languages:
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
            [message] = render_news(await view_for(parts.digest, digest, language, upcoming=False))
            body = telegram_body([{"html": message.html, "disable_preview": False}])
            await parts.outbox.enqueue(
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
