"""`vestnesis run` as a real process: it polls on schedule and stops cleanly on a signal."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import wait_for
from tests.feedgen import numbered_items, rss
from tests.feedserver import Route


def start(config: Path, env_extra: dict[str, str] | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "vestnesis", "--config", str(config), "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def row_count(config: Path, table: str = "items") -> int:
    database = config.parent / "data" / "vestnesis.sqlite3"
    if not database.exists():
        return 0
    with sqlite3.connect(database) as connection:
        try:
            return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def test_run_polls_then_stops_cleanly_on_sigterm(server, write_config) -> None:
    from tests.conftest import ROOT

    server.routes["/feed"] = Route(body=rss(numbered_items(4)))
    server.routes["/events.ics"] = Route(
        body=(ROOT / "examples" / "events.ics").read_bytes(), content_type="text/calendar"
    )
    config = write_config(
        [{"name": "A", "url": server.url("/feed")}],
        calendars=[{"name": "LBB", "url": server.url("/events.ics")}],
    )
    token = "424242:SERVICE-TOKEN"
    process = start(config, {"VESTNESIS_TELEGRAM_TOKEN": token})
    try:
        wait_for(lambda: row_count(config) == 4)
        wait_for(lambda: row_count(config, "events") > 10)  # the calendar is read at start too
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "service started" in output and "service stopped" in output
    assert "Traceback" not in output and token not in output
    assert "signal=SIGTERM" in output


def test_sigint_lets_the_poll_in_flight_finish(server, write_config) -> None:
    server.routes["/slow"] = Route(body=rss(numbered_items(3)), delay=1.5)
    config = write_config(
        [{"name": "slow", "url": server.url("/slow")}],
        fetch={"read_timeout": "5s", "total_timeout": "10s"},
    )
    process = start(config)
    try:
        wait_for(lambda: bool(server.hits("/slow")))
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "finishing current work" in output
    assert row_count(config) == 3
