"""SQL for Telegram: bot members, chats and announcements."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from storage.records import Announcement, TelegramChat, TelegramMember
from storage.store import Store
from storage.timefmt import from_db, to_db


class TelegramStore(Store):
    """Members of the bot, the chats it posts to, and announcements."""

    # --- members -----------------------------------------------------------------------

    async def member(self, user_id: int) -> TelegramMember | None:
        """The member with that Telegram user id."""
        rows = await self._db.execute_fetchall(f"{_MEMBER} WHERE user_id = ?", (user_id,))
        return _member(rows[0]) if rows else None

    async def touch(
        self, user_id: int, chat_id: int, first_name: str | None, now: datetime
    ) -> TelegramMember:
        """Record that a member talked to the bot (creating them, or marking them active)."""
        await self._tx.execute(
            "INSERT INTO telegram_members (user_id, chat_id, first_name, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id, "
            "first_name = excluded.first_name, status = 'active', updated_at = excluded.updated_at",
            (user_id, chat_id, first_name, to_db(now), to_db(now)),
        )
        member = await self.member(user_id)
        assert member is not None
        return member

    async def set_language(self, user_id: int, language: str, now: datetime) -> None:
        """The member's chosen language."""
        await self._tx.execute(
            "UPDATE telegram_members SET language = ?, updated_at = ? WHERE user_id = ?",
            (language, to_db(now), user_id),
        )

    async def set_subscription(
        self, user_id: int, *, weekly: bool, instant: bool, now: datetime
    ) -> None:
        """Whether the member gets the weekly digest and news as it arrives."""
        await self._tx.execute(
            "UPDATE telegram_members SET weekly = ?, instant = ?, updated_at = ? WHERE user_id = ?",
            (int(weekly), int(instant), to_db(now), user_id),
        )

    async def blocked(self, chat_id: int) -> None:
        """The member blocked the bot: stop sending to them."""
        await self._tx.execute(
            "UPDATE telegram_members SET status = 'blocked' WHERE chat_id = ?", (chat_id,)
        )

    async def forget(self, user_id: int) -> bool:
        """Delete everything stored about a member, and their queued deliveries."""
        async with self._tx.begin():
            rows = await self._db.execute_fetchall(
                "SELECT chat_id FROM telegram_members WHERE user_id = ?", (user_id,)
            )
            if rows:
                await self._db.execute(
                    "DELETE FROM deliveries WHERE channel = 'telegram' AND recipient = ?",
                    (str(rows[0][0]),),
                )
            cursor = await self._db.execute(
                "DELETE FROM telegram_members WHERE user_id = ?", (user_id,)
            )
        return cursor.rowcount > 0

    async def subscribers(self, *, weekly: bool = True) -> list[TelegramMember]:
        """Active members who want the weekly digest (or, with weekly=False, instant news)."""
        column = "weekly" if weekly else "instant"
        rows = await self._db.execute_fetchall(
            f"{_MEMBER} WHERE status = 'active' AND {column} = 1 ORDER BY user_id"
        )
        return [_member(row) for row in rows]

    async def set_reminders(self, user_id: int, on: bool, now: datetime) -> None:
        """Whether the member gets event reminders."""
        await self._tx.execute(
            "UPDATE telegram_members SET reminders = ?, updated_at = ? WHERE user_id = ?",
            (int(on), to_db(now), user_id),
        )

    async def reminded(self) -> list[TelegramMember]:
        """Active members who asked for event reminders."""
        rows = await self._db.execute_fetchall(
            f"{_MEMBER} WHERE status = 'active' AND reminders = 1 ORDER BY user_id"
        )
        return [_member(row) for row in rows]

    async def remind_of(self, user_id: int, event_key: str, now: datetime) -> None:
        """The member asked to be reminded of one event occurrence (Event.key)."""
        await self._tx.execute(
            "INSERT OR IGNORE INTO event_reminders (user_id, event, created_at) VALUES (?, ?, ?)",
            (user_id, event_key, to_db(now)),
        )

    async def reminded_of(self, event_keys: Iterable[str]) -> dict[str, list[TelegramMember]]:
        """Active members who asked to be reminded of each of these occurrences."""
        keys = sorted(set(event_keys))
        if not keys:
            return {}
        marks = ", ".join("?" * len(keys))
        sql = (
            "SELECT r.event, m.user_id, m.chat_id, m.first_name, m.language, m.weekly, "  # noqa: S608 - placeholders only
            "m.instant, m.status, m.reminders FROM event_reminders r JOIN telegram_members m "
            "ON m.user_id = r.user_id WHERE m.status = 'active' "
            f"AND r.event IN ({marks}) ORDER BY m.user_id"
        )
        rows = await self._db.execute_fetchall(sql, tuple(keys))
        found: dict[str, list[TelegramMember]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(_member(tuple(row)[1:]))
        return found

    async def member_counts(self) -> dict[tuple[str, str], int]:
        """Members by (state, language)."""
        rows = await self._db.execute_fetchall(
            "SELECT CASE WHEN status = 'blocked' THEN 'blocked' WHEN weekly = 1 THEN 'subscribed' "
            "ELSE 'not subscribed' END, COALESCE(language, '?'), COUNT(*) "
            "FROM telegram_members GROUP BY 1, 2"
        )
        return {(row[0], row[1]): row[2] for row in rows}

    # --- chats -------------------------------------------------------------------------

    async def sync_chats(self, chats: Iterable[tuple[int, str | None, int]], now: datetime) -> None:
        """Make the configured chats (id, language, topic) known and active; chats no longer
        in the config stop being posts' destinations (their record stays)."""
        chats = list(chats)
        async with self._tx.begin():
            await self._db.execute("UPDATE telegram_chats SET configured = 0 WHERE configured = 1")
            for chat_id, language, topic in chats:
                await self._db.execute(
                    "INSERT INTO telegram_chats (chat_id, kind, language, topic, configured, updated_at) "
                    "VALUES (?, 'configured', ?, ?, 1, ?) ON CONFLICT (chat_id) DO UPDATE SET "
                    "language = excluded.language, topic = excluded.topic, configured = 1, "
                    "updated_at = excluded.updated_at",
                    (chat_id, language, topic, to_db(now)),
                )

    async def chat_seen(
        self, chat_id: int, title: str | None, kind: str, active: bool, now: datetime
    ) -> None:
        """The bot was added to (or removed from) a chat."""
        await self._tx.execute(
            "INSERT INTO telegram_chats (chat_id, title, kind, active, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title, kind = excluded.kind, "
            "active = excluded.active, updated_at = excluded.updated_at",
            (chat_id, title, kind, int(active), to_db(now)),
        )

    async def migrated(self, old_id: int, new_id: int, now: datetime) -> None:
        """A group became a supergroup with a new id: follow it."""
        async with self._tx.begin():
            await self._db.execute(
                "UPDATE telegram_chats SET chat_id = ?, kind = 'supergroup', updated_at = ? "
                "WHERE chat_id = ?",
                (new_id, to_db(now), old_id),
            )
            await self._db.execute(
                "UPDATE deliveries SET recipient = ? WHERE channel = 'telegram' AND recipient = ? "
                "AND status IN ('pending', 'sending')",
                (str(new_id), str(old_id)),
            )

    async def chats(self) -> list[TelegramChat]:
        """Active chats the digest and announcements go to (configured ones)."""
        rows = await self._db.execute_fetchall(
            f"{_CHAT} WHERE active = 1 AND configured = 1 ORDER BY chat_id"
        )
        return [_chat(row) for row in rows]

    # --- announcements -----------------------------------------------------------------

    async def new_announcement(
        self,
        author_id: int,
        author_chat: int,
        text_html: str,
        media: tuple[str, str] | None,
        now: datetime,
    ) -> Announcement:
        """Store a draft announcement."""
        async with self._tx.begin():
            cursor = await self._db.execute(
                "INSERT INTO announcements (author_id, author_chat, text_html, media_kind, "
                "media_id, status, created_at) VALUES (?, ?, ?, ?, ?, 'draft', ?)",
                (
                    author_id,
                    author_chat,
                    text_html,
                    media[0] if media else None,
                    media[1] if media else None,
                    to_db(now),
                ),
            )
        announcement = await self.announcement(int(cursor.lastrowid or 0))
        assert announcement is not None
        return announcement

    async def announcement(self, announcement_id: int) -> Announcement | None:
        """An announcement by id."""
        rows = await self._db.execute_fetchall(f"{_ANNOUNCEMENT} WHERE id = ?", (announcement_id,))
        return _announcement(rows[0]) if rows else None

    async def schedule(self, announcement_id: int, send_at: datetime | None) -> bool:
        """When a draft goes out once approved (None: at once); False if no longer a draft."""
        changed = await self._tx.execute(
            "UPDATE announcements SET send_at = ? WHERE id = ? AND status = 'draft'",
            (to_db(send_at) if send_at else None, announcement_id),
        )
        return changed > 0

    async def due(self, now: datetime) -> list[Announcement]:
        """Approved announcements whose time has come."""
        rows = await self._db.execute_fetchall(
            f"{_ANNOUNCEMENT} WHERE status = 'approved' AND send_at IS NOT NULL AND send_at <= ? "
            "ORDER BY id",
            (to_db(now),),
        )
        return [_announcement(row) for row in rows]

    async def unreported(self) -> list[Announcement]:
        """Sent announcements whose author has not had the delivery report yet."""
        rows = await self._db.execute_fetchall(
            f"{_ANNOUNCEMENT} WHERE status = 'sent' AND reported_at IS NULL ORDER BY id"
        )
        return [_announcement(row) for row in rows]

    async def reported(self, announcement_id: int, now: datetime) -> None:
        """The author has the delivery report."""
        await self._tx.execute(
            "UPDATE announcements SET reported_at = ? WHERE id = ?", (to_db(now), announcement_id)
        )

    async def set_audience(self, announcement_id: int, audience: Iterable[str]) -> bool:
        """Who gets a draft; False (nothing changed) once it is no longer a draft."""
        changed = await self._tx.execute(
            "UPDATE announcements SET audience = ? WHERE id = ? AND status = 'draft'",
            (json.dumps(sorted(set(audience))), announcement_id),
        )
        return changed > 0

    async def move(
        self,
        announcement_id: int,
        to: str,
        *,
        expect: Collection[str],
        approvals: Iterable[int] | None = None,
        sent_at: datetime | None = None,
        waiting_after: datetime | None = None,
    ) -> bool:
        """Move an announcement to status `to` only if it is in one of the `expect` statuses
        (and, with `waiting_after`, only if its send time is later than that): the one guard
        that makes every button act on the state it was shown for. True if it moved."""
        sets, params = ["status = ?"], [to]
        if approvals is not None:
            sets.append("approvals = ?")
            params.append(json.dumps(sorted(set(approvals))))
        if sent_at is not None:
            sets.append("sent_at = ?")
            params.append(to_db(sent_at))
        states = sorted(expect)
        where = f"id = ? AND status IN ({', '.join('?' * len(states))})"
        params += [announcement_id, *states]
        if waiting_after is not None:
            where += " AND send_at IS NOT NULL AND send_at > ?"
            params.append(to_db(waiting_after))
        changed = await self._tx.execute(
            f"UPDATE announcements SET {', '.join(sets)} WHERE {where}",  # noqa: S608 - fixed columns
            tuple(params),
        )
        return changed > 0

    async def approve(self, announcement_id: int, user_id: int, needed: int) -> Announcement | None:
        """Add a board member's approval to an announcement awaiting approvals; it becomes
        'approved' with the `needed`-th. None when it was not awaiting approval (then
        nothing changed). Read and write happen in one transaction, so two approvers
        pressing at once are counted once each."""
        async with self._tx.begin():
            rows = await self._db.execute_fetchall(
                f"{_ANNOUNCEMENT} WHERE id = ? AND status = 'awaiting'", (announcement_id,)
            )
            if not rows:
                return None
            current = _announcement(rows[0])
            approvals = sorted({*current.approvals, user_id})
            status = "approved" if len(approvals) >= needed else "awaiting"
            await self._db.execute(
                "UPDATE announcements SET approvals = ?, status = ? WHERE id = ?",
                (json.dumps(approvals), status, announcement_id),
            )
        return replace(current, approvals=tuple(approvals), status=status)

    async def scheduled(self, now: datetime) -> list[Announcement]:
        """Announcements with a send time still to come, not sent or cancelled, oldest first."""
        rows = await self._db.execute_fetchall(
            f"{_ANNOUNCEMENT} WHERE status IN ('draft', 'awaiting', 'approved') "
            "AND send_at IS NOT NULL AND send_at > ? ORDER BY send_at, id",
            (to_db(now),),
        )
        return [_announcement(row) for row in rows]

    async def add_prompt(self, announcement_id: int, chat_id: int, message_id: int) -> None:
        """Remember a message that shows buttons for an announcement (an approval request)."""
        await self._tx.execute(
            "INSERT OR IGNORE INTO announcement_prompts (announcement_id, chat_id, message_id) "
            "VALUES (?, ?, ?)",
            (announcement_id, chat_id, message_id),
        )

    async def prompts(self, announcement_id: int) -> list[tuple[int, int]]:
        """The (chat, message) pairs showing buttons for an announcement."""
        rows = await self._db.execute_fetchall(
            "SELECT chat_id, message_id FROM announcement_prompts WHERE announcement_id = ? "
            "ORDER BY chat_id, message_id",
            (announcement_id,),
        )
        return [(row[0], row[1]) for row in rows]


_MEMBER = (
    "SELECT user_id, chat_id, first_name, language, weekly, instant, status, reminders "
    "FROM telegram_members"
)
_CHAT = "SELECT chat_id, title, kind, language, topic, active, configured FROM telegram_chats"
_ANNOUNCEMENT = (
    "SELECT id, author_id, author_chat, text_html, media_kind, media_id, audience, status, "
    "approvals, send_at FROM announcements"
)


def _member(row: sqlite3.Row | tuple[Any, ...]) -> TelegramMember:
    return TelegramMember(
        row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5]), row[6], bool(row[7])
    )


def _chat(row: sqlite3.Row) -> TelegramChat:
    return TelegramChat(row[0], row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6]))


def _announcement(row: sqlite3.Row) -> Announcement:
    return Announcement(
        id=row[0],
        author_id=row[1],
        author_chat=row[2],
        text_html=row[3],
        media_kind=row[4],
        media_id=row[5],
        audience=tuple(json.loads(row[6])),
        status=row[7],
        approvals=tuple(json.loads(row[8])),
        send_at=from_db(row[9]),
    )
