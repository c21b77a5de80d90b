"""Commands that only read leave the database as they found it, even beside the service."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import sample_config
from vestnesis.cli.main import cli

NOW = "2026-11-23T09:00"
READERS = [
    ("outbox", "status"),
    ("outbox", "status", "--json"),
    ("items", "list"),
    ("feeds", "list", "--json"),
    ("feeds", "export-opml"),
    ("subscribers", "list"),
    ("subscribers", "export"),
    ("subscribers", "show", "a@example.lv"),
    ("events", "list", "--now", NOW),
    ("ask", "Kad ir nākamais seminārs?", "--now", NOW),
    ("digest", "preview", "--lang", "lv", "--now", NOW),
]


def invoke(config: Path, *args: str):
    result = CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result


def state(database: Path) -> dict[str, tuple[int, int, str]]:
    """Size, modification time and content of the database file and its write-ahead log."""
    files = {}
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            stat = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            files[path.name] = (stat.st_size, stat.st_mtime_ns, digest)
    return files


def prepared(tmp_path: Path) -> tuple[Path, Path]:
    config = sample_config(tmp_path)
    invoke(config, "feeds", "poll")
    invoke(config, "subscribers", "add", "a@example.lv", "--lang", "lv", "--confirmed")
    invoke(config, "events", "list", "--now", NOW)  # imports the calendar: a change
    return config, tmp_path / "data" / "vestnesis.sqlite3"


def test_reading_commands_leave_the_database_untouched_beside_the_service(tmp_path) -> None:
    config, database = prepared(tmp_path)
    # The running service holds the database open with a write-ahead log in use, and is in
    # the middle of a write (a poll pass storing items): readers must neither wait for it nor
    # compete for its lock, and must leave every byte where it was.
    service = sqlite3.connect(database, isolation_level=None)
    try:
        service.execute("PRAGMA journal_mode = WAL")
        service.execute("UPDATE sources SET last_error = NULL")
        service.execute("BEGIN IMMEDIATE")
        service.execute("UPDATE sources SET last_error = 'still polling'")
        before = state(database)
        assert set(before) == {database.name, database.name + "-wal"}
        for args in READERS:
            invoke(config, *args)
            assert state(database) == before, args
        listed = invoke(config, "feeds", "list").stdout
        assert "LBB" in listed and "still polling" not in listed
        service.execute("COMMIT")
    finally:
        service.close()


def test_outbox_status_alone_writes_nothing(tmp_path) -> None:
    config, database = prepared(tmp_path)
    before = state(database)
    assert set(before) == {database.name}  # the last writer checkpointed and removed its log
    for _ in range(3):
        assert "the outbox is empty" in invoke(config, "outbox", "status").stdout.lower()
    after = state(database)
    assert after[database.name] == before[database.name]
    wal = after.get(database.name + "-wal")
    assert wal is None or wal[0] == 0  # a reader may leave an empty log, never a written one


def test_backup_reads_only(tmp_path) -> None:
    config, database = prepared(tmp_path)
    before = state(database)
    invoke(config, "backup", str(tmp_path / "copy.sqlite3"))
    assert state(database)[database.name] == before[database.name]
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("SELECT COUNT(*) FROM items").fetchone()[0] > 0
    copy.close()


def test_a_changed_calendar_is_still_imported_by_a_reading_command(tmp_path) -> None:
    calendar = tmp_path / "events.ics"
    source = Path(__file__).resolve().parent.parent / "examples" / "events.ics"
    calendar.write_bytes(source.read_bytes())
    config = sample_config(tmp_path, calendars=[{"name": "LBB", "path": str(calendar)}])
    invoke(config, "events", "list", "--now", NOW)
    text = source.read_text("utf-8")
    extra = text.replace("END:VCALENDAR", "").rstrip() + (
        "\nBEGIN:VEVENT\nUID:added-later@example.lv\nDTSTAMP:20261101T000000Z\n"
        "DTSTART:20261210T100000Z\nDTEND:20261210T120000Z\nSUMMARY:Pievienots vēlāk\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    calendar.write_text(extra, "utf-8")
    assert "Pievienots vēlāk" in invoke(config, "events", "list", "--now", NOW).stdout
