"""Event reminders: N days before and on the morning of the day, once each, through the
outbox; a cancelled event sends a notice instead.

They take the parts they use (`ReminderParts`: the event, member and outbox stores as
Protocols, the config sections, the catalogs, a clock), built from the app by the
composition root (`vestnesis.wiring`)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import structlog

from bot.delivery import CHANNEL, telegram_body
from mailer.build import UNSUBSCRIBE, build_template
from mailer.render import EmailRenderer
from mailer.render import Links as PageLinks
from storage import Event, Recipient, Subscriber, TelegramMember
from vestnesis.answering.dates_text import day_text
from vestnesis.answering.text import Wording, event_block
from vestnesis.common.clock import Clock
from vestnesis.config import Association, Config, Events
from vestnesis.digest.views import NoticeView
from vestnesis.events.asking import calendar_url
from vestnesis.i18n import Catalogs, Presentation
from vestnesis.mailing.email_list import MailingError, MailingSettings, MessageQueue, identity

log = structlog.stdlib.get_logger("vestnesis.reminders")


class EventReader(Protocol):
    """The stored calendar (`storage.EventStore`)."""

    async def between(
        self, start: datetime | None = None, end: datetime | None = None, calendar: str = ""
    ) -> list[Event]: ...


class RemindedMembers(Protocol):
    """The bot's members who asked for reminders (`storage.TelegramStore`)."""

    async def reminded(self) -> list[TelegramMember]: ...

    async def reminded_of(self, event_keys: Iterable[str]) -> dict[str, list[TelegramMember]]: ...


class RemindedSubscribers(Protocol):
    """The mailing list's members who asked for reminders (`storage.SubscriberStore`)."""

    async def reminded(self) -> list[Subscriber]: ...


@dataclass(frozen=True)
class ReminderSettings:
    """The `[association]` and `[events]` sections, the mailing list's (reminders by mail
    are sent as the list), and the public calendar feed's address ('' when there is none)."""

    association: Association
    events: Events
    mailing: MailingSettings
    calendar_url: str

    @classmethod
    def from_config(cls, config: Config) -> ReminderSettings:
        """The sections of the config tree."""
        return cls(
            config.association,
            config.events,
            MailingSettings.from_config(config),
            calendar_url(config),
        )


@dataclass(frozen=True)
class ReminderParts:
    """What sending reminders uses; `present(language)` words text for a reader."""

    settings: ReminderSettings
    events: EventReader
    members: RemindedMembers
    subscribers: RemindedSubscribers
    outbox: MessageQueue
    catalogs: Catalogs
    present: Callable[[str], Presentation]
    clock: Clock


@dataclass(frozen=True)
class Due:
    """One notice an event is due: "before", "day" or "cancelled"."""

    event: Event
    moment: str


def due_notices(events: list[Event], now: datetime, settings: ReminderSettings) -> list[Due]:
    """Which reminders are due now (pure given the events): from `remind_at` on the day."""
    zone = settings.association.zone
    events_settings = settings.events
    local = now.astimezone(zone)
    if local.time() < events_settings.remind_time:
        return []
    today = local.date()
    last = today + timedelta(days=events_settings.remind_days)
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


async def send_reminders(parts: ReminderParts) -> int:
    """Queue every due reminder for the members who asked for them; returns how many new."""
    now = parts.clock.now()
    zone = parts.settings.association.zone
    end = datetime.combine(
        now.astimezone(zone).date() + timedelta(days=parts.settings.events.remind_days + 1),
        time(),
        zone,
    )
    due = due_notices(await parts.events.between(now, end), now, parts.settings)
    if not due:
        return 0
    members = await parts.members.reminded()
    # Members who pressed "remind me" under an answer about one of these events.
    asked = await parts.members.reminded_of(n.event.key for n in due)
    subscribers = await parts.subscribers.reminded()
    default = parts.settings.association.default_language
    queued = 0
    for notice in due:
        readers = {m.chat_id: m for m in [*members, *asked.get(notice.event.key, [])]}
        for language in parts.settings.association.languages:
            chats = [
                Recipient(str(chat))
                for chat, m in readers.items()
                if (m.language or default) == language
            ]
            mails = [Recipient(s.email, s.id) for s in subscribers if s.language == language]
            if chats:
                queued += await _telegram(parts, notice, language, chats, now)
            if mails:
                queued += await _email(parts, notice, language, mails, now)
    if queued:
        log.info("event reminders queued", messages=queued)
    return queued


def reminder_text(
    notice: Due, language: str, parts: ReminderParts, now: datetime
) -> tuple[str, str]:
    """The notice's heading and body in `language`."""
    zone = parts.settings.association.zone
    wording = Wording(
        parts.catalogs.get(language), zone, now, calendar_url=parts.settings.calendar_url
    )
    _ = wording.catalog.gettext
    event = notice.event
    if notice.moment == "cancelled":
        day = day_text(
            event.start.astimezone(zone).date(), language, _today(now, zone), weekday=False
        )
        heading = _("Cancelled: %(title)s (%(day)s)") % {"title": event.title, "day": day}
        return heading, _("This event is cancelled.")
    heading = (_("Today: %(title)s") if notice.moment == "day" else _("Coming up: %(title)s")) % {
        "title": event.title
    }
    return heading, event_block(event, language, wording)


def _today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def _key(notice: Due) -> str:
    return f"{notice.event.key}/{notice.moment}"


async def _telegram(
    parts: ReminderParts, notice: Due, language: str, recipients: list[Recipient], now: datetime
) -> int:
    heading, body = reminder_text(notice, language, parts, now)
    text = f"<b>{html.escape(heading, quote=False)}</b>\n\n{html.escape(body, quote=False)}"
    _id, new = await parts.outbox.enqueue(
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
    parts: ReminderParts, notice: Due, language: str, recipients: list[Recipient], now: datetime
) -> int:
    try:
        sender = identity(parts.settings.mailing)
    except MailingError as error:
        log.warning("reminder not mailed", reason=str(error))
        return 0
    heading, body = reminder_text(notice, language, parts, now)
    reader = parts.present(language)
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
    _id, new = await parts.outbox.enqueue(
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
