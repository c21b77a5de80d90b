"""Event reminders: N days before and on the morning of the day, once each, through the
outbox; a cancelled event sends a notice instead."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.delivery import CHANNEL, telegram_body
from mailer.build import UNSUBSCRIBE, build_template
from mailer.render import EmailRenderer
from mailer.render import Links as PageLinks
from storage import Event, Recipient
from vestnesis.answering.dates_text import day_text
from vestnesis.answering.text import Wording, event_block
from vestnesis.app import App
from vestnesis.common.logs import fields
from vestnesis.digest.views import NoticeView
from vestnesis.events.asking import calendar_url
from vestnesis.i18n import presentation
from vestnesis.mailing.email_list import MailingError, identity

log = logging.getLogger("vestnesis.reminders")


@dataclass(frozen=True)
class Due:
    """One notice an event is due: "before", "day" or "cancelled"."""

    event: Event
    moment: str


def due_notices(events: list[Event], now: datetime, app: App) -> list[Due]:
    """Which reminders are due now (pure given the events): from `remind_at` on the day."""
    settings = app.config.events
    zone = app.config.association.zone
    local = now.astimezone(zone)
    if local.time() < settings.remind_time:
        return []
    today = local.date()
    last = today + timedelta(days=settings.remind_days)
    due = []
    for event in events:
        day = event.start.astimezone(zone).date()
        if not today <= day <= last or (event.start <= now and not event.all_day):
            continue
        if event.cancelled:
            due.append(Due(event, "cancelled"))
        elif day == today:
            due.append(Due(event, "day"))
        else:
            # An event added late is still announced once, a little less far ahead.
            due.append(Due(event, "before"))
    return due


async def send_reminders(app: App) -> int:
    """Queue every due reminder for the members who asked for them; returns how many new."""
    now = app.clock.now()
    zone = app.config.association.zone
    end = datetime.combine(
        now.astimezone(zone).date() + timedelta(days=app.config.events.remind_days + 1),
        time(),
        zone,
    )
    due = due_notices(await app.database.events.between(now, end), now, app)
    if not due:
        return 0
    members = await app.database.telegram.reminded()
    # Members who pressed "remind me" under an answer about one of these events.
    asked = await app.database.telegram.reminded_of(n.event.key for n in due)
    subscribers = await app.database.subscribers.reminded()
    default = app.config.association.default_language
    queued = 0
    for notice in due:
        readers = {m.chat_id: m for m in [*members, *asked.get(notice.event.key, [])]}
        for language in app.config.association.languages:
            chats = [
                Recipient(str(chat))
                for chat, m in readers.items()
                if (m.language or default) == language
            ]
            mails = [Recipient(s.email, s.id) for s in subscribers if s.language == language]
            if chats:
                queued += await _telegram(app, notice, language, chats, now)
            if mails:
                queued += await _email(app, notice, language, mails, now)
    if queued:
        log.info("event reminders queued", **fields(messages=queued))
    return queued


def reminder_text(notice: Due, language: str, app: App, now: datetime) -> tuple[str, str]:
    """The notice's heading and body in `language`."""
    zone = app.config.association.zone
    wording = Wording(app.catalogs.get(language), zone, now, calendar_url=calendar_url(app.config))
    _ = wording.catalog.gettext
    event = notice.event
    if notice.moment == "cancelled":
        day = day_text(
            event.start.astimezone(zone).date(), language, _today(now, app), weekday=False
        )
        heading = _("Cancelled: %(title)s (%(day)s)") % {"title": event.title, "day": day}
        return heading, _("This event is cancelled.")
    heading = (_("Today: %(title)s") if notice.moment == "day" else _("Coming up: %(title)s")) % {
        "title": event.title
    }
    return heading, event_block(event, language, wording)


def _today(now: datetime, app: App) -> date:
    return now.astimezone(app.config.association.zone).date()


def _key(notice: Due) -> str:
    return f"{notice.event.key}/{notice.moment}"


async def _telegram(
    app: App, notice: Due, language: str, recipients: list[Recipient], now: datetime
) -> int:
    heading, body = reminder_text(notice, language, app, now)
    text = f"<b>{html.escape(heading, quote=False)}</b>\n\n{html.escape(body, quote=False)}"
    _id, new = await app.database.outbox.enqueue(
        kind="reminder",
        key=_key(notice),
        channel=CHANNEL,
        language=language,
        subject="",
        body=telegram_body([{"html": text, "disable_preview": True}]),
        recipients=recipients,
        now=now,
    )
    return int(new)


async def _email(
    app: App, notice: Due, language: str, recipients: list[Recipient], now: datetime
) -> int:
    try:
        sender = identity(app.config)
    except MailingError as error:
        log.warning("reminder not mailed", **fields(reason=str(error)))
        return 0
    heading, body = reminder_text(notice, language, app, now)
    reader = presentation(app.config, language, app.catalogs)
    _ = reader.catalog.gettext
    view = NoticeView(
        language=language,
        subject=f"{reader.short_name}: {heading}",
        title=heading,
        paragraphs=tuple(line for line in body.split("\n") if line.strip()),
        action_label=_("Event page") if notice.event.url and notice.moment != "cancelled" else "",
        action_url=notice.event.url if notice.moment != "cancelled" else "",
        footer=_("Unsubscribe"),
    )
    content = EmailRenderer().render_notice(view, PageLinks(unsubscribe=UNSUBSCRIBE))
    _id, new = await app.database.outbox.enqueue(
        kind="reminder",
        key=_key(notice),
        channel="email",
        language=language,
        subject=content.subject,
        body=build_template(content, sender, language=language, now=now),
        recipients=recipients,
        now=now,
    )
    return int(new)
