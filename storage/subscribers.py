"""SQL for the mailing list's subscribers."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.records import Subscriber
from storage.store import Store
from storage.timefmt import from_db, to_db


class SubscriberStore(Store):
    """Subscribers by id or address (addresses are stored lower-case)."""

    async def get(self, subscriber_id: int) -> Subscriber | None:
        """The subscriber with that id."""
        rows = await self._db.execute_fetchall(f"{_SELECT} WHERE id = ?", (subscriber_id,))
        return _subscriber(rows[0]) if rows else None

    async def by_email(self, email: str) -> Subscriber | None:
        """The subscriber with that address."""
        rows = await self._db.execute_fetchall(f"{_SELECT} WHERE email = ?", (email.lower(),))
        return _subscriber(rows[0]) if rows else None

    async def list(self, status: str | None = None) -> list[Subscriber]:
        """Subscribers in address order, optionally of one status."""
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = await self._db.execute_fetchall(f"{_SELECT} {where} ORDER BY email", params)
        return [_subscriber(row) for row in rows]

    async def digest_recipients(self, language: str) -> list[Subscriber]:
        """Confirmed subscribers of `language` who want the weekly digest."""
        rows = await self._db.execute_fetchall(
            f"{_SELECT} WHERE status = 'confirmed' AND weekly = 1 AND language = ? ORDER BY id",
            (language,),
        )
        return [_subscriber(row) for row in rows]

    async def add(
        self,
        email: str,
        *,
        name: str | None,
        language: str,
        source: str,
        confirmed: bool,
        now: datetime,
    ) -> tuple[Subscriber, bool]:
        """Store a new subscriber, or return the existing one; True when it was created."""
        existing = await self.by_email(email)
        if existing is not None:
            return existing, False
        status = "confirmed" if confirmed else "pending"
        async with self._tx.begin():
            await self._db.execute(
                "INSERT INTO subscribers (email, name, language, status, source, created_at, "
                "confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    email.lower(),
                    name,
                    language,
                    status,
                    source,
                    to_db(now),
                    to_db(now) if confirmed else None,
                ),
            )
        created = await self.by_email(email)
        assert created is not None
        return created, True

    async def note_request(self, subscriber_id: int, now: datetime) -> None:
        """Count a request for a confirmation email (for rate limiting)."""
        async with self._tx.begin():
            await self._db.execute(
                "UPDATE subscribers SET confirm_requests = confirm_requests + 1, "
                "last_request_at = ? WHERE id = ?",
                (to_db(now), subscriber_id),
            )

    async def resubscribe(self, subscriber_id: int, language: str, now: datetime) -> None:
        """Put a former subscriber back to pending, so they confirm again."""
        async with self._tx.begin():
            await self._db.execute(
                "UPDATE subscribers SET status = 'pending', language = ?, unsubscribed_at = NULL "
                "WHERE id = ? AND status IN ('unsubscribed', 'bounced')",
                (language, subscriber_id),
            )

    async def confirm(self, subscriber_id: int, now: datetime) -> bool:
        """Confirm a pending subscriber; False if there is none pending with that id."""
        async with self._tx.begin():
            cursor = await self._db.execute(
                "UPDATE subscribers SET status = 'confirmed', confirmed_at = ?, soft_bounces = 0 "
                "WHERE id = ? AND status = 'pending'",
                (to_db(now), subscriber_id),
            )
        return cursor.rowcount > 0

    async def unsubscribe(self, subscriber_id: int, now: datetime) -> bool:
        """Stop all mail at once; False when there was nothing to stop."""
        async with self._tx.begin():
            cursor = await self._db.execute(
                "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ? "
                "WHERE id = ? AND status IN ('pending', 'confirmed')",
                (to_db(now), subscriber_id),
            )
            # Nothing still queued may reach someone who has left.
            await self._db.execute(
                "UPDATE deliveries SET status = 'failed', last_error = 'unsubscribed' "
                "WHERE subscriber_id = ? AND status = 'pending'",
                (subscriber_id,),
            )
        return cursor.rowcount > 0

    async def set_preferences(
        self, subscriber_id: int, *, language: str, weekly: bool, reminders: bool = False
    ) -> None:
        """Change the language and whether the weekly digest and event reminders come."""
        async with self._tx.begin():
            await self._db.execute(
                "UPDATE subscribers SET language = ?, weekly = ?, reminders = ? WHERE id = ?",
                (language, int(weekly), int(reminders), subscriber_id),
            )

    async def reminded(self) -> list[Subscriber]:
        """Confirmed subscribers who asked for event reminders."""
        rows = await self._db.execute_fetchall(
            f"{_SELECT} WHERE status = 'confirmed' AND reminders = 1 ORDER BY id"
        )
        return [_subscriber(row) for row in rows]

    async def bounced(
        self, subscriber_id: int, reason: str, *, hard: bool, soft_limit: int
    ) -> bool:
        """Record a bounce; the address is disabled after a hard one or `soft_limit` soft ones.
        True when it was disabled."""
        async with self._tx.begin():
            await self._db.execute(
                "UPDATE subscribers SET soft_bounces = soft_bounces + ?, last_bounce = ? "
                "WHERE id = ?",
                (0 if hard else 1, reason, subscriber_id),
            )
            cursor = await self._db.execute(
                "UPDATE subscribers SET status = 'bounced' "
                "WHERE id = ? AND status != 'bounced' AND (? OR soft_bounces >= ?)",
                (subscriber_id, int(hard), soft_limit),
            )
        return cursor.rowcount > 0

    async def delete(self, subscriber_id: int) -> bool:
        """Erase a subscriber and their queued deliveries (privacy request)."""
        async with self._tx.begin():
            await self._db.execute(
                "DELETE FROM deliveries WHERE subscriber_id = ?", (subscriber_id,)
            )
            cursor = await self._db.execute(
                "DELETE FROM subscribers WHERE id = ?", (subscriber_id,)
            )
        return cursor.rowcount > 0

    async def counts(self) -> dict[tuple[str, str], int]:
        """Subscribers by (status, language)."""
        rows = await self._db.execute_fetchall(
            "SELECT status, language, COUNT(*) FROM subscribers GROUP BY status, language"
        )
        return {(row[0], row[1]): row[2] for row in rows}


_SELECT = (
    "SELECT id, email, name, language, status, weekly, source, created_at, confirm_requests, "
    "last_request_at, confirmed_at, unsubscribed_at, soft_bounces, last_bounce, reminders "
    "FROM subscribers"
)


def _subscriber(row: sqlite3.Row) -> Subscriber:
    created = from_db(row["created_at"])
    assert created is not None
    return Subscriber(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        language=row["language"],
        status=row["status"],
        weekly=bool(row["weekly"]),
        source=row["source"],
        created_at=created,
        confirm_requests=row["confirm_requests"],
        last_request_at=from_db(row["last_request_at"]),
        confirmed_at=from_db(row["confirmed_at"]),
        unsubscribed_at=from_db(row["unsubscribed_at"]),
        soft_bounces=row["soft_bounces"],
        last_bounce=row["last_bounce"],
        reminders=bool(row["reminders"]),
    )
