"""SQL for the events calendar: occurrences from iCalendar sources and from the board."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from storage.links import safe_link
from storage.records import Event
from storage.store import Store
from storage.timefmt import from_db, to_db

_SELECT = (
    "SELECT calendar, uid, recurrence, title, start, end, all_day, place, url, kind, status, "
    "description, categories FROM events"
)
_INSERT = (
    "INSERT INTO events (calendar, uid, recurrence, title, start, end, all_day, place, url, "
    "kind, status, description, categories, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class EventStore(Store):
    """Event occurrences, replaced calendar by calendar so a source's edits and removals show."""

    async def digest(self, calendar: str) -> str:
        """The digest recorded at the calendar's last import ('' if never imported)."""
        rows = list(
            await self._db.execute_fetchall(
                "SELECT digest FROM calendars WHERE name = ?", (calendar,)
            )
        )
        return str(rows[0][0]) if rows else ""

    async def replace_calendar(
        self, calendar: str, events: Sequence[Event], now: datetime, digest: str = ""
    ) -> tuple[int, int]:
        """Make `events` the whole content of `calendar`. Returns (stored, removed)."""
        async with self._tx.begin():
            await self._db.execute(
                "INSERT INTO calendars (name, digest, imported_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET digest = excluded.digest, "
                "imported_at = excluded.imported_at",
                (calendar, digest, to_db(now)),
            )
            before = await self._db.execute_fetchall(
                "SELECT uid, recurrence FROM events WHERE calendar = ?", (calendar,)
            )
            await self._db.execute("DELETE FROM events WHERE calendar = ?", (calendar,))
            await self._db.executemany(
                _INSERT,
                [(*_row(calendar, e), to_db(now)) for e in events],
            )
        kept = {(e.uid, e.recurrence) for e in events}
        return len(kept), len({(row[0], row[1]) for row in before} - kept)

    async def save(self, event: Event, now: datetime) -> None:
        """Add or update one occurrence (the board's events are single occurrences)."""
        await self._tx.execute(
            f"{_INSERT} ON CONFLICT (calendar, uid, recurrence) DO UPDATE SET title = excluded.title, "
            "start = excluded.start, end = excluded.end, all_day = excluded.all_day, "
            "place = excluded.place, url = excluded.url, kind = excluded.kind, "
            "status = excluded.status, description = excluded.description, "
            "categories = excluded.categories, updated_at = excluded.updated_at",
            (*_row(event.calendar, event), to_db(now)),
        )

    async def remove(self, calendar: str, uid: str) -> bool:
        """Delete every occurrence of one event of a calendar."""
        async with self._tx.begin():
            cursor = await self._db.execute(
                "DELETE FROM events WHERE calendar = ? AND uid = ?", (calendar, uid)
            )
        return cursor.rowcount > 0

    async def get(self, calendar: str, uid: str) -> Event | None:
        """The first occurrence of an event."""
        rows = list(
            await self._db.execute_fetchall(
                f"{_SELECT} WHERE calendar = ? AND uid = ? ORDER BY start LIMIT 1",
                (calendar, uid),
            )
        )
        return _event(rows[0]) if rows else None

    async def between(
        self, start: datetime | None = None, end: datetime | None = None, calendar: str = ""
    ) -> list[Event]:
        """Occurrences that have not ended by `start` and begin before `end`, by start time."""
        where, params = ["1 = 1"], []
        if start is not None:
            where.append("end > ?")
            params.append(to_db(start))
        if end is not None:
            where.append("start < ?")
            params.append(to_db(end))
        if calendar:
            where.append("calendar = ?")
            params.append(calendar)
        rows = await self._db.execute_fetchall(
            f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY start, title",
            params,
        )
        return [_event(row) for row in rows]

    async def change_token(self) -> str:
        """A token (hex) that every change of the events, by any writer (this process or
        another), replaces with a new random one (triggers of migration 10): equal tokens mean
        equal events, so an index in memory or kept on disk (the answer index) can tell it is
        still current at the cost of reading one row."""
        rows = list(await self._db.execute_fetchall("SELECT hex(token) FROM events_change"))
        return str(rows[0][0]) if rows else ""


def _row(calendar: str, event: Event) -> tuple[object, ...]:
    return (
        calendar,
        event.uid,
        event.recurrence,
        event.title,
        to_db(event.start),
        to_db(event.end),
        int(event.all_day),
        event.place,
        safe_link(event.url),  # whatever the source: the bot's /addevent, a calendar
        event.kind,
        event.status,
        event.description,
        json.dumps(list(event.categories), ensure_ascii=False),
    )


def _event(row: sqlite3.Row) -> Event:
    start, end = from_db(row["start"]), from_db(row["end"])
    assert start is not None and end is not None
    return Event(
        uid=row["uid"],
        title=row["title"],
        start=start,
        end=end,
        all_day=bool(row["all_day"]),
        place=row["place"],
        url=row["url"],
        kind=row["kind"],
        status=row["status"],
        description=row["description"],
        categories=tuple(json.loads(row["categories"])),
        calendar=row["calendar"],
        recurrence=row["recurrence"],
    )
