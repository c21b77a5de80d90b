"""Faults a small server really has: a damaged, read-only, locked or full database, two
processes at once, and a sender loop that dies."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from click.testing import CliRunner

from storage import Database
from storage.faults import describe
from storage.migrations import MIGRATIONS
from tests.conftest import wait_for
from tests.logged import messages
from tests.smtpserver import Behaviour, MailServer
from tests.test_mail_cli import ENV, SEND, config_for
from vestnesis.cli.main import cli
from vestnesis.common.health import Health, supervise
from vestnesis.service.run import only_service

ROOT = Path(__file__).resolve().parent.parent


def invoke(config: Path, *args: str):
    return CliRunner(env=ENV).invoke(cli, ["--config", str(config), *args])


def write_config(tmp_path: Path, **association: str) -> Path:
    path = tmp_path / "config.toml"
    lines = ["[association]", 'name = "Testa biedrība"', 'data_dir = "data"']
    lines += [f'{key} = "{value}"' for key, value in association.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def database_of(tmp_path: Path) -> Path:
    return tmp_path / "data" / "vestnesis.sqlite3"


def one_clear_line(result, *words: str) -> str:
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- one clear line per fault --------------------------------------------------------------


def test_a_damaged_database_gets_one_line_and_is_left_as_it_was(tmp_path) -> None:
    config = write_config(tmp_path)
    database = database_of(tmp_path)
    database.parent.mkdir()
    database.write_bytes(b"this is not SQLite at all " * 200)
    for command in (("feeds", "list"), ("items", "list"), ("subscribers", "list")):
        line = one_clear_line(invoke(config, *command), str(database), "damaged", "backup")
        assert line.startswith("Error: ")
    assert database.read_bytes() == b"this is not SQLite at all " * 200


def test_another_programs_sqlite_file_gets_one_line_and_is_left_as_it_was(tmp_path) -> None:
    config = write_config(tmp_path)
    database = database_of(tmp_path)
    database.parent.mkdir()
    with sqlite3.connect(database) as raw:
        raw.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    before = database.read_bytes()
    for command in (("feeds", "list"), ("items", "list")):
        one_clear_line(invoke(config, *command), str(database), "another program", "data_dir")
    assert database.read_bytes() == before
    assert not database.with_name("vestnesis.sqlite3-wal").exists()


def test_a_database_damaged_inside_gets_one_line(tmp_path) -> None:
    config = write_config(tmp_path)
    assert invoke(config, "feeds", "list").exit_code == 0
    database = database_of(tmp_path)
    with sqlite3.connect(database) as raw:
        raw.execute("PRAGMA journal_mode = DELETE")
    data = bytearray(database.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the second page: a table's b-tree
    database.write_bytes(bytes(data))
    # A command that writes meets the damage at once (a reader may not touch the damaged page).
    one_clear_line(invoke(config, "subscribers", "add", "a@b.lv", "--confirmed"), str(database))


def test_a_database_held_by_another_writer_past_patience_gets_one_line(tmp_path) -> None:
    config = write_config(tmp_path, busy_wait="1s")
    assert invoke(config, "feeds", "list").exit_code == 0
    holder = sqlite3.connect(database_of(tmp_path), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        # Readers open the database read-only and do not wait for writers; a writer does.
        result = invoke(config, "subscribers", "add", "a@b.lv", "--confirmed")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    one_clear_line(result, "locked by another process", "try again")
    assert invoke(config, "feeds", "list").exit_code == 0  # and it works once the lock is gone


def _immutable(*paths: Path) -> bool:
    """Make files unwritable even for root (chattr +i), or by mode for other users."""
    if os.geteuid() != 0:
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        return True
    done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True)
    return done.returncode == 0


def _mutable(*paths: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)
    else:
        for path in paths:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_database_gets_one_line_naming_the_file_and_the_fix(tmp_path) -> None:
    config = write_config(tmp_path)
    assert invoke(config, "feeds", "list").exit_code == 0
    database = database_of(tmp_path)
    with sqlite3.connect(database) as raw:  # a clean close leaves no -wal/-shm behind
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for leftover in database.parent.glob("*-*"):
        leftover.unlink()
    if not _immutable(database, database.parent):
        pytest.skip("cannot make a file read-only here")
    try:
        result = invoke(config, "subscribers", "list")
    finally:
        _mutable(database, database.parent)
    one_clear_line(result, str(database))
    assert "write access" in result.output or "may write" in result.output


def test_a_data_folder_that_cannot_be_made_gets_one_line(tmp_path) -> None:
    (tmp_path / "data").write_text("a file where the data folder should be")
    config = write_config(tmp_path)
    result = invoke(config, "feeds", "list")
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert str(tmp_path / "data") in result.output


def test_every_sqlite_fault_is_described_with_the_file_and_what_to_do(tmp_path) -> None:
    path = tmp_path / "v.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE t (x)")
    faults: dict[str, sqlite3.Error] = {}
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        read_only.execute("INSERT INTO t VALUES (1)")
    except sqlite3.Error as error:
        faults["read-only"] = error
    full = sqlite3.connect(path)
    full.execute("PRAGMA max_page_count = 2")
    try:
        full.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.Error as error:
        faults["disk is full"] = error
    for name, error in faults.items():
        line = describe(error, path)
        assert str(path) in line and name in line and "\n" not in line
    assert set(faults) == {"read-only", "disk is full"}


# --- waiting out a lock while sending ------------------------------------------------------


def test_a_write_lock_held_for_8_seconds_mid_send_is_waited_out(tmp_path) -> None:
    """Another process holds the write lock longer than SQLite's own busy timeout while
    `digest send` is sending: the send waits, then finishes; nothing is left 'sending'."""
    server = MailServer(Behaviour(delay=0.05)).start()
    try:
        config = config_for(tmp_path, server, parallel=2)
        table = tmp_path / "members.csv"
        rows = [f"m{n:03d}@example.lv,,lv" for n in range(60)]
        table.write_text("email,name,language\n" + "\n".join(rows) + "\n", "utf-8")
        CliRunner(env=ENV).invoke(cli, ["--config", str(config), "feeds", "poll"])
        CliRunner(env=ENV).invoke(
            cli, ["--config", str(config), "subscribers", "import", str(table), "--confirmed"]
        )
        command = [sys.executable, "-m", "vestnesis", "--config", str(config)]
        sender = subprocess.Popen(
            [*command, "digest", "send", "--now", SEND],
            env={**os.environ, **ENV},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(lambda: len(server.received) >= 5, timeout=60)
        holder = sqlite3.connect(database_of(tmp_path), isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
        held_at = len(server.received)
        time.sleep(8)
        holder.execute("ROLLBACK")
        holder.close()
        out, err = sender.communicate(timeout=120)
        assert sender.returncode == 0, out + err
        assert held_at < 60, "the lock should land mid-send"
        assert "Traceback" not in err
        assert set(server.per_recipient()) == {f"m{n:03d}@example.lv" for n in range(60)}
        with sqlite3.connect(database_of(tmp_path)) as raw:
            states = dict(raw.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY 1"))
        assert states == {"sent": 60}
    finally:
        server.stop()


# --- the service heals itself and says when it cannot ---------------------------------------


async def test_a_dying_loop_is_restarted_logged_and_shown_on_healthz(caplog) -> None:
    health = Health(lambda: datetime(2026, 11, 23, 9, tzinfo=UTC))
    stop = asyncio.Event()
    runs: list[int] = []

    async def flaky() -> None:
        runs.append(1)
        if len(runs) < 3:
            raise sqlite3.OperationalError("database is locked")
        assert not health.healthy  # restarted after two deaths, still marked
        health.ok("email sender")
        stop.set()

    await supervise("email sender", flaky, stop, health, first_pause=timedelta(0))
    assert len(runs) == 3 and health.healthy
    names = messages(caplog)
    assert names.count("stopped unexpectedly; restarting") == 2
    assert "service unhealthy" in names


async def test_healthz_answers_503_with_the_failing_part(tmp_path) -> None:
    from tests.conftest import running
    from vestnesis.config import load_config
    from vestnesis.web.pages import create_web_app
    from vestnesis.wiring.parts import web_parts

    relay = SimpleNamespace(port=2525)  # never reached: only the pages are asked
    config = load_config(config_for(tmp_path, relay), ENV)
    health = Health(lambda: datetime(2026, 11, 23, 9, tzinfo=UTC))
    async with running(config) as app:
        web = create_web_app(web_parts(app), None, None, health)
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="https://v.example") as client:
            assert (await client.get("/healthz")).text == "ok"
            health.failing("email sender", "OperationalError: database is locked")
            answer = await client.get("/healthz")
            assert answer.status_code == 503
            assert answer.text.splitlines() == [
                "unhealthy",
                "email sender: failing since 2026-11-23T09:00:00+00:00 (1x): "
                "OperationalError: database is locked",
            ]
            health.ok("email sender")
            assert (await client.get("/healthz")).status_code == 200


# --- concurrency ---------------------------------------------------------------------------


def test_processes_opening_a_new_data_folder_at_once_all_succeed(tmp_path) -> None:
    database = tmp_path / "data" / "vestnesis.sqlite3"
    script = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from storage import Database\n"
        "async def main():\n"
        "    db = await Database.open(Path(sys.argv[1]))\n"
        "    print(await db.schema_version())\n"
        "    await db.close()\n"
        "asyncio.run(main())\n"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(database)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert out.strip() == str(len(MIGRATIONS))


async def test_migrations_are_applied_once_under_the_lock(tmp_path) -> None:
    path = tmp_path / "v.sqlite3"
    first, second = await asyncio.gather(Database.open(path), Database.open(path))
    try:
        assert await first.schema_version() == await second.schema_version() == len(MIGRATIONS)
    finally:
        await first.close()
        await second.close()


def test_a_second_service_on_the_same_data_folder_refuses_to_start(tmp_path) -> None:
    config = write_config(tmp_path)
    other = tmp_path / "other.toml"  # another config, same data folder
    other.write_text(config.read_text("utf-8") + 'short_name = "X"\n', "utf-8")
    with only_service(tmp_path / "data"):
        for path in (config, other):
            result = CliRunner().invoke(cli, ["--config", str(path), "run"])
            assert result.exit_code == 1, result.output
            assert f"another `vestnesis run` (process {os.getpid()}) is already serving" in (
                result.output
            )
            assert "Traceback" not in result.output


def test_the_service_lock_is_free_again_after_the_holder_dies(tmp_path) -> None:
    data = tmp_path / "data"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from vestnesis.service.run import only_service\n"
        "with only_service(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(data)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(Exception, match="already serving"), only_service(data):
            pass
    finally:
        holder.kill()
        holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()
    with only_service(data):
        pass


async def until(condition) -> None:
    """Wait (yielding to the event loop) until `condition()` holds; fail after a minute."""
    async with asyncio.timeout(60):
        while not condition():  # noqa: ASYNC110 (the condition is not an event)
            await asyncio.sleep(0.05)


async def test_the_email_sender_survives_a_lock_held_past_patience(tmp_path) -> None:
    """The service's sender meets a write lock held longer than it waits: the round fails,
    the service says it is unhealthy, and once the lock is gone everything is sent."""
    from tests.conftest import running
    from vestnesis.config import load_config
    from vestnesis.mailing.email_list import subscribe
    from vestnesis.service.courier import Courier
    from vestnesis.wiring.parts import courier_parts, mailing_parts

    server = MailServer().start()
    try:
        config = load_config(config_for(tmp_path, server), ENV)
        config = config.model_copy(
            update={
                "association": config.association.model_copy(
                    update={"busy_wait": timedelta(seconds=1)}
                )
            }
        )
        async with running(config) as app:
            for n in range(3):
                await subscribe(mailing_parts(app), f"m{n}@example.lv", language="lv", source="cli")
            holder = sqlite3.connect(database_of(tmp_path), isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            health = Health(app.clock.now)
            courier = Courier(courier_parts(app), health)
            stop = asyncio.Event()
            task = asyncio.create_task(courier.run(stop))
            try:
                # The round waits SQLite's 5 s, then gives up.
                await until(lambda: not health.healthy)
                assert "email sender" in health.report()
                assert server.received == []
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            courier.wake()
            await until(lambda: health.healthy and len(server.received) == 3)
            stop.set()
            courier.wake()
            await task
        assert sorted(r.recipients[0] for r in server.received) == [
            "m0@example.lv",
            "m1@example.lv",
            "m2@example.lv",
        ]
        with sqlite3.connect(database_of(tmp_path)) as raw:
            states = dict(raw.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY 1"))
        assert states == {"sent": 3}
    finally:
        server.stop()
