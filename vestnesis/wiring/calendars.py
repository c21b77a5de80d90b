"""The calendar's parts built from the `App`, and the app opened for a command that reads
with the configured calendars current (light: `vestnesis ask` loads only this)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from vestnesis.app import App, open_app
from vestnesis.common.clock import Clock
from vestnesis.config import Config
from vestnesis.events.asking import Answerer, AskingSettings
from vestnesis.events.calendar import (
    CalendarParts,
    CalendarSettings,
    calendars_changed,
    poll_calendars,
)


def calendar_parts(app: App) -> CalendarParts:
    """What the events calendar uses."""
    return CalendarParts(
        settings=CalendarSettings.from_config(app.config),
        events=app.database.events,
        fetcher=app.fetcher,
        clock=app.clock,
    )


@asynccontextmanager
async def calendars_read(config: Config, clock: Clock) -> AsyncIterator[App]:
    """The app for a command that reads, with the configured calendars current: opened
    read-only when none changed since the last import (the usual case while the service
    runs), else opened for writing to import them."""
    async with open_app(config, clock, writes=False) as app:
        if not await calendars_changed(calendar_parts(app)):
            yield app
            return
    async with open_app(config, clock) as app:
        await poll_calendars(calendar_parts(app))
        yield app


def answerer_for(app: App) -> Answerer:
    """An answerer over the app's events, translator, clock and catalogs."""
    settings = AskingSettings.from_config(app.config)
    return Answerer(settings, app.database.events, app.translator, app.clock, app.catalogs)
