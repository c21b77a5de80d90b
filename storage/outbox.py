"""SQL for the outbox: messages stored once, one delivery row per recipient."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from storage.records import Delivery, OutboxMessage, Recipient
from storage.store import Store
from storage.timefmt import to_db


class OutboxStore(Store):
    """Durable delivery for every channel: enqueue once, claim, and settle each row."""

    async def enqueue(
        self,
        *,
        kind: str,
        key: str,
        channel: str,
        language: str,
        subject: str,
        body: bytes,
        recipients: Sequence[Recipient],
        now: datetime,
    ) -> tuple[int, bool]:
        """Store the message and its deliveries in one transaction. Returns the message id
        and False when that (kind, key, channel, language) was enqueued before."""
        async with self._tx.begin():
            rows = await self._db.execute_fetchall(
                "SELECT id FROM messages WHERE kind = ? AND key = ? AND channel = ? "
                "AND language = ?",
                (kind, key, channel, language),
            )
            if rows:
                return int(rows[0][0]), False
            cursor = await self._db.execute(
                "INSERT INTO messages (kind, key, channel, language, subject, body, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kind, key, channel, language, subject, body, to_db(now)),
            )
            message_id = cursor.lastrowid
            assert message_id is not None
            await self._db.executemany(
                "INSERT OR IGNORE INTO deliveries "
                "(message_id, channel, recipient, subscriber_id, next_attempt) "
                "VALUES (?, ?, ?, ?, ?)",
                [(message_id, channel, r.address, r.subscriber_id, to_db(now)) for r in recipients],
            )
        return message_id, True

    async def message(self, message_id: int) -> OutboxMessage | None:
        """A stored message."""
        rows = await self._db.execute_fetchall(
            "SELECT id, kind, key, channel, language, subject, body FROM messages WHERE id = ?",
            (message_id,),
        )
        if not rows:
            return None
        row = rows[0]
        return OutboxMessage(row[0], row[1], row[2], row[3], row[4], row[5], bytes(row[6]))

    async def claim(self, channel: str, now: datetime, limit: int) -> list[Delivery]:
        """Take up to `limit` due deliveries, marking them as being sent."""
        async with self._tx.begin():
            rows = await self._db.execute_fetchall(
                f"{_SELECT} WHERE d.channel = ? AND d.status = 'pending' AND d.next_attempt <= ? "
                "ORDER BY d.id LIMIT ?",
                (channel, to_db(now), limit),
            )
            await self._db.executemany(
                "UPDATE deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = ?",
                [(row["id"],) for row in rows],
            )
        return [_delivery(row, "sending", row["attempts"] + 1) for row in rows]

    async def recover(self, channel: str) -> int:
        """After a crash, rows left 'sending' go back to pending (they may repeat, once)."""
        async with self._tx.begin():
            cursor = await self._db.execute(
                "UPDATE deliveries SET status = 'pending' WHERE channel = ? AND status = 'sending'",
                (channel,),
            )
        return cursor.rowcount

    async def sent(self, delivery_id: int, now: datetime) -> None:
        """Mark a delivery as sent (one statement: this runs once per message)."""
        await self._tx.execute(
            "UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
            (to_db(now), delivery_id),
        )

    async def retry(self, delivery_id: int, error: str, when: datetime) -> None:
        """Put a delivery back for another attempt at `when`."""
        async with self._tx.begin():
            await self._db.execute(
                "UPDATE deliveries SET status = 'pending', last_error = ?, next_attempt = ? "
                "WHERE id = ?",
                (error, to_db(when), delivery_id),
            )

    async def failed(self, delivery_id: int, error: str) -> None:
        """Give a delivery up."""
        async with self._tx.begin():
            await self._db.execute(
                "UPDATE deliveries SET status = 'failed', last_error = ? WHERE id = ?",
                (error, delivery_id),
            )

    async def requeue_failed(self, channel: str, now: datetime) -> int:
        """Failed deliveries (not to people who left) get another chance now."""
        async with self._tx.begin():
            cursor = await self._db.execute(
                "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt = ? "
                "WHERE channel = ? AND status = 'failed' AND (last_error IS NULL OR "
                "last_error NOT IN ('unsubscribed', 'address disabled'))",
                (to_db(now), channel),
            )
        return cursor.rowcount

    async def status(self) -> dict[tuple[str, str, str], int]:
        """Delivery counts by (channel, message kind and key, status)."""
        rows = await self._db.execute_fetchall(
            "SELECT d.channel, m.kind || ' ' || m.key, d.status, COUNT(*) FROM deliveries d "
            "JOIN messages m ON m.id = d.message_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
        return {(row[0], row[1], row[2]): row[3] for row in rows}

    async def counts_for(self, kind: str, key: str) -> dict[tuple[str, str], int]:
        """Deliveries of one message key by (channel, status), all languages together."""
        rows = await self._db.execute_fetchall(
            "SELECT d.channel, d.status, COUNT(*) FROM deliveries d JOIN messages m "
            "ON m.id = d.message_id WHERE m.kind = ? AND m.key = ? GROUP BY 1, 2",
            (kind, key),
        )
        return {(row[0], row[1]): row[2] for row in rows}

    async def created_since(self, kind: str, since: datetime) -> int:
        """Messages of `kind` enqueued at or after `since` (confirmation mails per hour)."""
        rows = await self._db.execute_fetchall(
            "SELECT COUNT(*) FROM messages WHERE kind = ? AND created_at >= ?",
            (kind, to_db(since)),
        )
        return int(rows[0][0])

    async def languages_of(self, kind: str, key: str, channel: str) -> set[str]:
        """The languages in which a message of that kind and key was enqueued on a channel."""
        rows = await self._db.execute_fetchall(
            "SELECT language FROM messages WHERE kind = ? AND key = ? AND channel = ?",
            (kind, key, channel),
        )
        return {row[0] for row in rows}

    async def pending_count(self, channel: str) -> int:
        """Deliveries not yet settled."""
        rows = await self._db.execute_fetchall(
            "SELECT COUNT(*) FROM deliveries "
            "WHERE channel = ? AND status IN ('pending', 'sending')",
            (channel,),
        )
        return int(rows[0][0])

    async def for_subscriber(self, subscriber_id: int) -> list[dict[str, str | None]]:
        """What was sent to one subscriber (for a privacy export)."""
        rows = await self._db.execute_fetchall(
            "SELECT m.kind, m.key, m.subject, d.status, d.sent_at FROM deliveries d "
            "JOIN messages m ON m.id = d.message_id WHERE d.subscriber_id = ? ORDER BY d.id",
            (subscriber_id,),
        )
        keys = ("kind", "key", "subject", "status", "sent_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    async def errors(self, channel: str) -> tuple[int, str | None, str | None]:
        """The sender's consecutive errors, pause end and reason."""
        rows = await self._db.execute_fetchall(
            "SELECT errors, paused_until, reason FROM senders WHERE channel = ?", (channel,)
        )
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else (0, None, None)

    async def set_errors(
        self, channel: str, errors: int, paused_until: datetime | None, reason: str | None
    ) -> None:
        """Store the sender's error streak and pause."""
        async with self._tx.begin():
            await self._db.execute(
                "INSERT INTO senders (channel, errors, paused_until, reason) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (channel) DO UPDATE SET errors = excluded.errors, "
                "paused_until = excluded.paused_until, reason = excluded.reason",
                (channel, errors, to_db(paused_until) if paused_until else None, reason),
            )


_SELECT = (
    "SELECT d.id, d.message_id, d.channel, d.recipient, d.subscriber_id, d.status, d.attempts, "
    "d.last_error, s.name AS subscriber_name, s.status AS subscriber_status "
    "FROM deliveries d LEFT JOIN subscribers s ON s.id = d.subscriber_id"
)


def _delivery(row: sqlite3.Row, status: str, attempts: int) -> Delivery:
    return Delivery(
        id=row["id"],
        message_id=row["message_id"],
        channel=row["channel"],
        recipient=row["recipient"],
        subscriber_id=row["subscriber_id"],
        status=status,
        attempts=attempts,
        last_error=row["last_error"],
        subscriber_name=row["subscriber_name"],
        subscriber_status=row["subscriber_status"],
    )
