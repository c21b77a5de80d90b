"""The database: settings, migrations, sources and items round-trip."""

from __future__ import annotations

import ast
import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

import storage
from storage import (
    APPLICATION_ID,
    ConflictError,
    ConstraintViolation,
    Database,
    DatabaseLocked,
    DatabaseReadOnly,
    Event,
    ForeignDatabaseError,
    MigrationError,
    NewItem,
    SchemaTooNewError,
    SourceSpec,
    StorageError,
)
from storage.migrations import MIGRATIONS
from storage.sources import DuplicateSourceError

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _read(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of `sql` read through a connection of its own, as another process would."""
    with closing(sqlite3.connect(path)) as raw:
        return [tuple(row) for row in raw.execute(sql).fetchall()]


def entry(key: str, title: str, url: str | None = None) -> NewItem:
    return NewItem(
        entry_key=key,
        url=url,
        url_key=url,
        content_key=f"c-{title}",
        title=title,
        summary="s",
        language="lv",
        published=NOW - timedelta(days=1),
    )


async def test_open_sets_wal_foreign_keys_and_schema_version(tmp_path) -> None:
    async with await Database.open(tmp_path / "db" / "v.sqlite3") as db:
        assert await db.schema_version() == len(MIGRATIONS)
        assert _read(db.path, "PRAGMA journal_mode") == [("wal",)]  # kept in the file
        # Foreign keys are enforced (a per-connection setting: seen by what it refuses).
        with pytest.raises(ConstraintViolation, match="FOREIGN KEY"):
            await db.items.store(1, [entry("1", "no such source")], NOW)
    # Opening again applies nothing twice.
    async with await Database.open(tmp_path / "db" / "v.sqlite3") as db:
        assert await db.schema_version() == len(MIGRATIONS)


async def test_a_newer_schema_is_refused(tmp_path) -> None:
    path = tmp_path / "v.sqlite3"
    async with aiosqlite.connect(path) as raw:
        await raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(SchemaTooNewError, match="upgrade"):
        await Database.open(path)


async def test_sources_sync_with_the_config_and_keep_items(tmp_path) -> None:
    async with await Database.open(tmp_path / "v.sqlite3") as db:
        report = await db.sources.sync_configured(
            [SourceSpec("A", "https://a.example/feed"), SourceSpec("B", "https://b.example/feed")],
            NOW,
        )
        assert report.added == ("A", "B")
        source_b = await db.sources.get("B")
        await db.items.store(source_b.id, [entry("1", "kept")], NOW)
        report = await db.sources.sync_configured(
            [SourceSpec("A", "https://a.example/rss", "lv")], NOW
        )
        assert report.updated == ("A",) and report.disabled == ("B",)
        assert (await db.sources.get("A")).location == "https://a.example/rss"
        assert not (await db.sources.get("B")).enabled
        assert [i.title for i in await db.items.list()] == ["kept"]
        assert [s.name for s in await db.sources.active()] == ["A"]


async def test_duplicate_sources_are_refused_and_removal_cascades(tmp_path) -> None:
    async with await Database.open(tmp_path / "v.sqlite3") as db:
        source = await db.sources.add(SourceSpec("A", "https://a.example/f", origin="cli"), NOW)
        with pytest.raises(DuplicateSourceError):
            await db.sources.add(SourceSpec("other", "https://a.example/f", origin="cli"), NOW)
        with pytest.raises(DuplicateSourceError) as refused:
            await db.sources.add(SourceSpec("A", "https://z.example/f", origin="cli"), NOW)
        # A storage error like every other (one line for people), and the caller's input.
        assert isinstance(refused.value, ConflictError) and isinstance(refused.value, ValueError)
        assert str(refused.value) == "a source named 'A' already exists"
        await db.items.store(source.id, [entry("1", "one"), entry("2", "two")], NOW)
        assert await db.sources.remove("A")
        assert await db.items.count() == 0
        assert _read(db.path, "SELECT COUNT(*) FROM source_entries") == [(0,)]
        assert not await db.sources.remove("A")


async def test_store_reports_new_seen_and_duplicates(tmp_path) -> None:
    async with await Database.open(tmp_path / "v.sqlite3") as db:
        a = await db.sources.add(SourceSpec("A", "https://a.example/f", origin="cli"), NOW)
        b = await db.sources.add(SourceSpec("B", "https://b.example/f", origin="cli"), NOW)
        first = await db.items.store(a.id, [entry("1", "x", "u/1"), entry("2", "y")], NOW)
        again = await db.items.store(a.id, [entry("1", "x", "u/1"), entry("3", "z")], NOW)
        other = await db.items.store(b.id, [entry("9", "x-elsewhere", "u/1")], NOW)
        assert (first.new, first.seen, first.duplicates) == (2, 0, 0)
        assert (again.new, again.seen, again.duplicates) == (1, 1, 0)
        assert (other.new, other.seen, other.duplicates) == (0, 0, 1)
        assert await db.items.count() == 3
        # Equal publication times: the later-stored item comes first.
        assert [i.title for i in await db.items.list(source="A", limit=2)] == ["z", "y"]
        assert await db.items.list(since=NOW) == []


async def test_backup_is_a_consistent_copy(tmp_path) -> None:
    async with await Database.open(tmp_path / "v.sqlite3") as db:
        source = await db.sources.add(SourceSpec("A", "https://a.example/f", origin="cli"), NOW)
        await db.items.store(source.id, [entry("1", "one")], NOW)
        await db.backup(tmp_path / "backup" / "copy.sqlite3")
    async with await Database.open(tmp_path / "backup" / "copy.sqlite3") as copy:
        assert [i.title for i in await copy.items.list()] == ["one"]


async def test_every_change_of_the_events_renews_their_change_token(tmp_path) -> None:
    """The answer index trusts the token: each write (replace, save, remove) gives a new one,
    reads keep it, and another process's connection sees the same token."""
    start = NOW + timedelta(days=3)
    event = Event(uid="a@x", title="Seminārs", start=start, end=start + timedelta(hours=1))
    async with await Database.open(tmp_path / "v.sqlite3") as db:
        events = db.events
        tokens = [await events.change_token()]
        await events.replace_calendar("cal", [event], NOW)
        tokens.append(await events.change_token())
        await events.between()
        assert await events.change_token() == tokens[-1]
        await events.save(replace(event, calendar="board", title="Cits"), NOW)
        tokens.append(await events.change_token())
        await events.remove("board", "a@x")
        tokens.append(await events.change_token())
        assert len(set(tokens)) == 4 and all(len(token) == 32 for token in tokens)
        seen = _read(tmp_path / "v.sqlite3", "SELECT hex(token) FROM events_change")
        assert seen == [(tokens[-1],)]


async def test_chats_removed_from_the_config_stop_getting_posts(tmp_path) -> None:
    async with await Database.open(tmp_path / "v.sqlite3") as db:
        await db.telegram.sync_chats([(-1, "lv", 0), (-2, "en", 5)], NOW)
        assert {c.chat_id for c in await db.telegram.chats()} == {-1, -2}
        await db.telegram.sync_chats([(-2, "lt", 0)], NOW)
        chats = await db.telegram.chats()
        assert [(c.chat_id, c.language, c.topic) for c in chats] == [(-2, "lt", 0)]


async def test_a_new_database_is_marked_as_ours(tmp_path) -> None:
    path = tmp_path / "v.sqlite3"
    async with await Database.open(path):
        pass
    async with aiosqlite.connect(path) as raw:
        rows = await raw.execute_fetchall("PRAGMA application_id")
    assert rows[0][0] == APPLICATION_ID == 0x56455354  # "VEST"


async def test_another_programs_sqlite_file_is_refused_and_left_alone(tmp_path) -> None:
    path = tmp_path / "v.sqlite3"
    async with aiosqlite.connect(path) as raw:
        await raw.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        await raw.execute("INSERT INTO photos (name) VALUES ('sea.jpg')")
        await raw.commit()
    before = path.read_bytes()
    with pytest.raises(ForeignDatabaseError, match="another program") as refused:
        await Database.open(path)
    assert "photos" in str(refused.value)
    assert path.read_bytes() == before


async def test_a_file_marked_by_another_program_is_refused(tmp_path) -> None:
    path = tmp_path / "v.sqlite3"
    async with aiosqlite.connect(path) as raw:
        await raw.execute("PRAGMA application_id = 1234")
    with pytest.raises(ForeignDatabaseError, match="0x4d2"):
        await Database.open(path)


async def test_a_foreign_file_at_our_schema_version_is_refused_read_only_too(tmp_path) -> None:
    """The read-only open (`ask`, `events list`) checks the file as `open` does, not only its
    version: another program's file that happens to carry our version number stays unread."""
    path = tmp_path / "v.sqlite3"
    async with aiosqlite.connect(path) as raw:
        await raw.execute("PRAGMA application_id = 1234")
        await raw.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    with pytest.raises(ForeignDatabaseError, match="0x4d2"):
        await Database.open_read_only(path)


async def test_a_database_from_before_the_mark_is_marked_and_kept(tmp_path) -> None:
    path = tmp_path / "v.sqlite3"
    async with await Database.open(path) as db:
        await db.sources.sync_configured([SourceSpec("A", "https://a.example/feed")], NOW)
    async with aiosqlite.connect(path) as raw:
        await raw.execute("PRAGMA application_id = 0")
    async with await Database.open(path) as db:
        assert [s.name for s in await db.sources.list()] == ["A"]
        assert _read(path, "PRAGMA application_id") == [(APPLICATION_ID,)]


async def test_a_migration_that_breaks_a_foreign_key_is_rolled_back(tmp_path, monkeypatch) -> None:
    path = tmp_path / "v.sqlite3"
    async with await Database.open(path):
        pass
    broken = (
        *MIGRATIONS,
        # A table rebuild defers the checks to the commit, as SQLite's docs advise; the check
        # after the migration still finds the row that points nowhere.
        "PRAGMA defer_foreign_keys = ON;\n"
        "INSERT INTO items (source_id, content_key, title, summary, published, fetched_at) "
        "VALUES (999, 'k', 't', 's', '2026-01-01', '2026-01-01');",
    )
    monkeypatch.setattr("storage.database.MIGRATIONS", broken)
    with pytest.raises(MigrationError, match=r"migration \d+ .*items"):
        await Database.open(path)
    monkeypatch.undo()
    async with await Database.open(path) as db:
        assert await db.schema_version() == len(MIGRATIONS)
        assert await db.items.count() == 0


# --- storage errors: callers never see a raw sqlite3 error ---------------------------------


async def test_a_write_meeting_a_lock_held_past_patience_raises_database_locked(tmp_path) -> None:
    path = tmp_path / "v.sqlite3"
    async with await Database.open(path, busy_wait=0.2) as db:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(DatabaseLocked) as caught:
                await db.sources.add(SourceSpec("A", "https://a.example/f", origin="cli"), NOW)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        message = str(caught.value)
        assert isinstance(caught.value, StorageError)
        assert type(caught.value).__module__ == "storage.faults"
        assert message.startswith(f"{path}: ") and "\n" not in message
        assert "locked by another process" in message and "try again" in message
        assert caught.value.code == "SQLITE_BUSY"
        assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
        # Once the lock is gone the same write goes through: nothing was left half-open.
        added = await db.sources.add(SourceSpec("A", "https://a.example/f", origin="cli"), NOW)
        assert [s.name for s in await db.sources.list()] == [added.name]


async def test_a_broken_constraint_raises_a_constraint_violation_and_is_rolled_back(
    tmp_path,
) -> None:
    path = tmp_path / "v.sqlite3"
    async with await Database.open(path) as db:
        source = await db.sources.add(SourceSpec("A", "https://a.example/f", origin="cli"), NOW)
        # Items of a source that does not exist: the foreign key refuses them.
        with pytest.raises(ConstraintViolation) as caught:
            await db.items.store(source.id + 1, [entry("1", "orphan")], NOW)
        message = str(caught.value)
        assert message.startswith(f"{path}: ") and "\n" not in message
        assert "FOREIGN KEY constraint failed" in message and "rolled back" in message
        assert isinstance(caught.value, StorageError)
        assert caught.value.code == "SQLITE_CONSTRAINT_FOREIGNKEY"
        # The transaction was rolled back, and the connection takes the next write.
        assert await db.items.count() == 0
        stored = await db.items.store(source.id, [entry("1", "kept")], NOW)
        assert stored.new == 1 and await db.items.count() == 1


async def test_a_write_on_a_read_only_database_raises_database_read_only(tmp_path) -> None:
    path = tmp_path / "v.sqlite3"
    async with await Database.open(path):
        pass
    async with await Database.open_read_only(path) as db:
        assert db.read_only
        with pytest.raises(DatabaseReadOnly) as caught:
            await db.sources.add(SourceSpec("A", "https://a.example/f", origin="cli"), NOW)
        assert str(caught.value).startswith(f"{path}: the database is read-only")
        assert await db.sources.list() == []


def test_every_write_in_storage_goes_through_the_serialising_transaction() -> None:
    """A write on the shared connection outside `Transactions` would land inside whatever
    transaction another coroutine has open, and be rolled back with it. So every INSERT,
    UPDATE or DELETE in a store runs in `async with self._tx.begin()` or through
    `self._tx.execute`, or in a private helper called only from such a block."""
    stray: list[str] = []
    for module in sorted(Path(storage.__file__).parent.glob("*.py")):
        stray += _writes_outside_transactions(module)
    assert stray == []


_WRITE = re.compile(r"^\W*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _writes_outside_transactions(module: Path) -> list[str]:
    tree = ast.parse(module.read_text("utf-8"))
    loose: dict[str, list[int]] = {}  # function -> lines of writes outside a transaction
    calls_outside: set[str] = set()  # private helpers called outside a transaction

    def walk(node: ast.AST, function: str, inside: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function, inside = node.name, False
        if isinstance(node, ast.AsyncWith) and any(
            ast.unparse(item.context_expr) == "self._tx.begin()" for item in node.items
        ):
            inside = True
        if isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            if called.startswith("self._db.execute") and node.args:
                sql = ast.unparse(node.args[0])
                if _WRITE.search(sql) and not inside:
                    loose.setdefault(function, []).append(node.lineno)
            private = called.startswith("self._")
            if private and not inside and not called.startswith(("self._db", "self._tx")):
                calls_outside.add(called.removeprefix("self."))
        for child in ast.iter_child_nodes(node):
            walk(child, function, inside)

    walk(tree, "", False)
    return [
        f"{module.name}:{line} ({function})"
        for function, lines in loose.items()
        if not function.startswith("_") or function in calls_outside
        for line in lines
    ]
