"""The events calendar: importing iCalendar sources, the board's own events, the public feed."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import structlog

from storage import Event
from vestnesis.answering import kinds
from vestnesis.app import App, open_app
from vestnesis.common.clock import Clock
from vestnesis.config import Config

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


async def import_calendar(
    app: App, name: str, location: str, *, skip_unchanged: bool = False
) -> ImportReport:
    """Read an iCalendar file or URL and make it the content of calendar `name`. With
    `skip_unchanged`, a body already imported today is not read again."""
    content, digest = await _read(app, location)
    now = app.clock.now()
    if skip_unchanged and await app.database.events.digest(name) == digest:
        return ImportReport(name, 0, 0, 0, 0, unchanged=True)
    from feeds.ics import CalendarError, parse_calendar  # icalendar: only when there is work

    zone = app.config.association.zone
    try:
        parsed = await asyncio.to_thread(
            parse_calendar,
            content,
            zone=zone,
            start=now - KEEP_PAST,
            end=now + app.config.events.horizon,
            calendar=name,
        )
    except CalendarError as error:
        raise CalendarImportError(str(error)) from None
    for warning in parsed.warnings:
        log.warning("calendar event skipped", calendar=name, reason=warning)
    tables = app.config.answers.tables()
    events = [replace(e, kind=kinds.classify(e.title, e.categories, tables)) for e in parsed.events]
    stored, removed = await app.database.events.replace_calendar(name, events, now, digest)
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


async def _read(app: App, location: str) -> tuple[bytes, str]:
    """A calendar's body and the digest that tells whether it changed since its import."""
    fetched = await app.fetcher.fetch(location)
    if fetched.status != "ok":
        raise CalendarImportError(fetched.error or "nothing received")
    # The day is part of it: the window of kept occurrences moves with the date.
    day = app.clock.now().date().isoformat().encode()
    return fetched.content, hashlib.sha256(fetched.content + day).hexdigest()


async def calendars_changed(app: App) -> bool:
    """Whether any configured calendar differs from what was imported (reads, never writes);
    one that cannot be read counts as unchanged, as `poll_calendars` keeps its events."""
    for calendar in app.config.calendars:
        try:
            _, digest = await _read(app, calendar.location)
        except CalendarImportError:
            continue
        if await app.database.events.digest(calendar.name) != digest:
            return True
    return False


@asynccontextmanager
async def calendars_read(config: Config, clock: Clock) -> AsyncIterator[App]:
    """The app for a command that reads, with the configured calendars current: opened
    read-only when none changed since the last import (the usual case while the service
    runs), else opened for writing to import them."""
    async with open_app(config, clock, writes=False) as app:
        if not await calendars_changed(app):
            yield app
            return
    async with open_app(config, clock) as app:
        await poll_calendars(app)
        yield app


def default_name(location: str) -> str:
    """A calendar name for an import without one: the configured name, else the file's."""
    return Path(location.split("?")[0].rstrip("/")).stem or "imported"


async def poll_calendars(app: App) -> list[ImportReport]:
    """Import every configured calendar that changed; one that fails keeps its events."""
    reports = []
    for calendar in app.config.calendars:
        try:
            reports.append(
                await import_calendar(app, calendar.name, calendar.location, skip_unchanged=True)
            )
        except CalendarImportError as error:
            log.warning(
                "calendar not read; its stored events are kept",
                calendar=calendar.name,
                reason=str(error),
            )
    return reports


async def save_board_event(app: App, event: Event) -> Event:
    """Store an event the board added or edited in the bot (a new one gets its UID here)."""
    uid = event.uid or f"{secrets.token_hex(8)}@{_domain(app)}"
    saved = replace(
        event,
        uid=uid,
        calendar=BOARD_CALENDAR,
        recurrence="",
        kind=event.kind or kinds.classify(event.title, tables=app.config.answers.tables()),
    )
    await app.database.events.save(saved, app.clock.now())
    return saved


async def upcoming(app: App, now: datetime | None = None) -> list[Event]:
    """Every occurrence that has not ended yet, cancelled ones included, by start."""
    return await app.database.events.between(now or app.clock.now())


async def public_feed(app: App) -> bytes:
    """The iCalendar feed of all upcoming events members subscribe to."""
    from feeds.ics import write_calendar

    config = app.config.association
    return write_calendar(
        await upcoming(app),
        name=config.short_name or config.name,
        domain=_domain(app),
        now=app.clock.now(),
        zone=config.zone,
    )


def event_key(event: Event) -> str:
    """A short, stable name for one occurrence (fits a Telegram button's 64-byte data)."""
    seed = f"{event.calendar}\0{event.uid}\0{event.recurrence}"
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


async def upcoming_by_key(app: App, key: str) -> Event | None:
    """The upcoming occurrence with that key (None once it has ended or is gone)."""
    return next((e for e in await upcoming(app) if event_key(e) == key), None)


def single_event_file(app: App, event: Event) -> bytes:
    """One occurrence as an .ics file a calendar app imports."""
    from feeds.ics import write_calendar

    return write_calendar(
        [event],
        name=event.title,
        domain=_domain(app),
        now=app.clock.now(),
        zone=app.config.association.zone,
    )


def _domain(app: App) -> str:
    address = app.config.association.website or app.config.web.public_url
    host = address.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "vestnesis.invalid"
