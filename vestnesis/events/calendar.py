"""The events calendar: importing iCalendar sources, the board's own events, the public feed.

The functions take the parts they use (`CalendarParts`: the event store and the fetcher as
Protocols, the config sections, a clock), built from the app by the composition root
(`vestnesis.wiring`)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import structlog

from feeds.fetch import Fetched
from storage import Event
from vestnesis.answering import kinds
from vestnesis.common.clock import Clock

if TYPE_CHECKING:  # the config's validator is not imported by a cold `ask` (issue 18)
    from vestnesis.config import Answers, Association, Calendar, Config, Events

log = structlog.stdlib.get_logger("vestnesis.events")
BOARD_CALENDAR = "board"
# Past occurrences are kept this long, so "when was …?" still finds them.
KEEP_PAST = timedelta(days=366)


@dataclass(frozen=True)
class ImportReport:
    """What one calendar import did."""

    calendar: str
    stored: int
    removed: int
    skipped: int
    cancelled: int
    unchanged: bool = False
    warnings: tuple[str, ...] = ()  # one per event skipped or read in part, naming it


class CalendarImportError(Exception):
    """A calendar could not be read; the events stored before are kept."""


class EventBook(Protocol):
    """The stored calendar (`storage.EventStore`)."""

    async def digest(self, calendar: str) -> str: ...

    async def replace_calendar(
        self, calendar: str, events: Sequence[Event], now: datetime, digest: str = ""
    ) -> tuple[int, int]: ...

    async def save(self, event: Event, now: datetime) -> None: ...

    async def between(
        self, start: datetime | None = None, end: datetime | None = None, calendar: str = ""
    ) -> list[Event]: ...


class Fetch(Protocol):
    """Reads a URL or a local file (`feeds.fetch.Fetcher`)."""

    async def fetch(self, location: str) -> Fetched: ...


@dataclass(frozen=True)
class CalendarSettings:
    """What `[association]`, `[events]`, `[answers]`, `[[calendars]]` and `web.public_url`
    say about the calendar."""

    association: Association
    events: Events
    answers: Answers
    calendars: tuple[Calendar, ...]
    public_url: str

    @classmethod
    def from_config(cls, config: Config) -> CalendarSettings:
        """The sections of the config tree."""
        return cls(
            config.association,
            config.events,
            config.answers,
            tuple(config.calendars),
            config.web.public_url,
        )


@dataclass(frozen=True)
class CalendarParts:
    """What the calendar uses."""

    settings: CalendarSettings
    events: EventBook
    fetcher: Fetch
    clock: Clock


async def import_calendar(
    calendars: CalendarParts, name: str, location: str, *, skip_unchanged: bool = False
) -> ImportReport:
    """Read an iCalendar file or URL and make it the content of calendar `name`. With
    `skip_unchanged`, a body already imported today is not read again."""
    content, digest = await _read(calendars, location)
    now = calendars.clock.now()
    if skip_unchanged and await calendars.events.digest(name) == digest:
        return ImportReport(name, 0, 0, 0, 0, unchanged=True)
    from feeds.ics import CalendarError, parse_calendar  # icalendar: only when there is work

    zone = calendars.settings.association.zone
    try:
        parsed = await asyncio.to_thread(
            parse_calendar,
            content,
            zone=zone,
            start=now - KEEP_PAST,
            end=now + calendars.settings.events.horizon,
            calendar=name,
        )
    except CalendarError as error:
        raise CalendarImportError(str(error)) from None
    for warning in parsed.warnings:
        log.warning("calendar event skipped", calendar=name, reason=warning)
    tables = calendars.settings.answers.tables()
    events = [replace(e, kind=kinds.classify(e.title, e.categories, tables)) for e in parsed.events]
    stored, removed = await calendars.events.replace_calendar(name, events, now, digest)
    cancelled = sum(1 for e in events if e.cancelled)
    for warning in parsed.warnings:
        log.warning("calendar event not read", calendar=name, problem=warning)
    log.info(
        "calendar imported",
        calendar=name,
        events=stored,
        removed=removed,
        cancelled=cancelled,
    )
    return ImportReport(name, stored, removed, parsed.skipped, cancelled, False, parsed.warnings)


async def _read(calendars: CalendarParts, location: str) -> tuple[bytes, str]:
    """A calendar's body and the digest that tells whether it changed since its import."""
    return await _fetched(calendars.fetcher, calendars.clock, location)


async def _fetched(fetcher: Fetch, clock: Clock, location: str) -> tuple[bytes, str]:
    fetched = await fetcher.fetch(location)
    if fetched.status != "ok":
        raise CalendarImportError(fetched.error or "nothing received")
    # The day is part of it: the window of kept occurrences moves with the date.
    day = clock.now().date().isoformat().encode()
    return fetched.content, hashlib.sha256(fetched.content + day).hexdigest()


class Digests(Protocol):
    """The stored calendars' digests (`storage.EventStore`)."""

    async def digest(self, calendar: str) -> str: ...


async def calendars_changed(calendars: CalendarParts) -> bool:
    """Whether any configured calendar differs from what was imported (reads, never writes);
    one that cannot be read counts as unchanged, as `poll_calendars` keeps its events."""
    sources = [(calendar.name, calendar.location) for calendar in calendars.settings.calendars]
    return await sources_changed(sources, calendars.fetcher, calendars.events, calendars.clock)


async def sources_changed(
    sources: Sequence[tuple[str, str]], fetcher: Fetch, stored: Digests, clock: Clock
) -> bool:
    """Whether any calendar of `sources` (name, location) differs from what was imported, as
    `calendars_changed`."""
    for name, location in sources:
        try:
            _, digest = await _fetched(fetcher, clock, location)
        except CalendarImportError:
            continue
        if await stored.digest(name) != digest:
            return True
    return False


def default_name(location: str) -> str:
    """A calendar name for an import without one: the configured name, else the file's."""
    return Path(location.split("?")[0].rstrip("/")).stem or "imported"


async def poll_calendars(calendars: CalendarParts) -> list[ImportReport]:
    """Import every configured calendar that changed; one that fails keeps its events."""
    reports = []
    for calendar in calendars.settings.calendars:
        try:
            reports.append(
                await import_calendar(
                    calendars, calendar.name, calendar.location, skip_unchanged=True
                )
            )
        except CalendarImportError as error:
            log.warning(
                "calendar not read; its stored events are kept",
                calendar=calendar.name,
                reason=str(error),
            )
    return reports


async def save_board_event(calendars: CalendarParts, event: Event) -> Event:
    """Store an event the board added or edited in the bot (a new one gets its UID here)."""
    uid = event.uid or f"{secrets.token_hex(8)}@{_domain(calendars)}"
    saved = replace(
        event,
        uid=uid,
        calendar=BOARD_CALENDAR,
        recurrence="",
        kind=event.kind or kinds.classify(event.title, tables=calendars.settings.answers.tables()),
    )
    await calendars.events.save(saved, calendars.clock.now())
    return saved


async def upcoming(calendars: CalendarParts, now: datetime | None = None) -> list[Event]:
    """Every occurrence that has not ended yet, cancelled ones included, by start."""
    return await calendars.events.between(now or calendars.clock.now())


async def public_feed(calendars: CalendarParts) -> bytes:
    """The iCalendar feed of all upcoming events members subscribe to."""
    from feeds.ics import write_calendar

    config = calendars.settings.association
    return write_calendar(
        await upcoming(calendars),
        name=config.short_name or config.name,
        domain=_domain(calendars),
        now=calendars.clock.now(),
        zone=config.zone,
    )


def event_key(event: Event) -> str:
    """A short, stable name for one occurrence (fits a Telegram button's 64-byte data)."""
    seed = f"{event.calendar}\0{event.uid}\0{event.recurrence}"
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


async def upcoming_by_key(calendars: CalendarParts, key: str) -> Event | None:
    """The upcoming occurrence with that key (None once it has ended or is gone)."""
    return next((e for e in await upcoming(calendars) if event_key(e) == key), None)


def single_event_file(calendars: CalendarParts, event: Event) -> bytes:
    """One occurrence as an .ics file a calendar app imports."""
    from feeds.ics import write_calendar

    return write_calendar(
        [event],
        name=event.title,
        domain=_domain(calendars),
        now=calendars.clock.now(),
        zone=calendars.settings.association.zone,
    )


def _domain(calendars: CalendarParts) -> str:
    address = calendars.settings.association.website or calendars.settings.public_url
    host = address.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "vestnesis.invalid"
