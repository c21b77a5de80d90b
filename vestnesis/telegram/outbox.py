"""Messages into the Telegram outbox: board announcements (with their copy to the mailing
list), the weekly digest for each chat, and news as it arrives to the chats that route it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog

from bot.delivery import CHANNEL, telegram_body
from bot.render import render_digest, render_news
from feeds.clean import html_to_text
from feeds.identity import fold
from mailer.build import UNSUBSCRIBE, build_template
from mailer.render import EmailRenderer
from mailer.render import Links as PageLinks
from storage import Announcement, Item, Recipient
from vestnesis.app import App
from vestnesis.digest.compose import DigestRules, ItemFilter, Period, compose
from vestnesis.digest.edition import Edition
from vestnesis.digest.views import DigestView, NoticeView
from vestnesis.digest.weekly import view_for
from vestnesis.i18n import presentation
from vestnesis.mailing.email_list import (
    MailingError,
    identity,
)
from vestnesis.wiring import digest_parts

log = structlog.stdlib.get_logger("vestnesis.telegram")


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
        {"kind": announcement.media_kind, "id": announcement.media_id or ""}
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
        log.warning("announcement not mailed", reason=str(error))
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


async def enqueue_telegram_digest(app: App, edition: Edition) -> dict[str, int]:
    """The send's digest for members and chats, one message per language; a chat with its
    own filter gets a digest of just the items it wants."""
    if edition.digest() is None:
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
    key = edition.period.end.isoformat()
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
        view = await edition.view(language) if recipients else None
        if view is not None:
            await _enqueue_digest_message(app, view, language, key, recipients)
            counts[language] = len(recipients)
    for chat in chats:
        if chat.chat_id not in filters:
            continue
        language = chat.language or default
        own = await edition.view(language, filters[chat.chat_id])
        if own is None:
            continue
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
    app: App, view: DigestView, language: str, key: str, recipients: list[Recipient]
) -> None:
    messages = render_digest(view)
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
            [message] = render_news(
                await view_for(digest_parts(app), digest, language, upcoming=False)
            )
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
