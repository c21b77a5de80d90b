"""Shared fixtures: a local feed server, configs in temp dirs, and an opened app."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.feedserver import FeedServer
from vestnesis.app import App, open_app
from vestnesis.common.clock import FixedClock
from vestnesis.common.logs import route_to_stdlib
from vestnesis.config import Config, load_config

# Every event goes to `logging` (pytest's caplog reads it), as the service's own set-up does.
route_to_stdlib()

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate, timeout: float = 20.0):
    """Poll `predicate` until it returns something true (and return it), for work done by
    another process or thread; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A feed server on 127.0.0.1, stopped after the test."""
    feed_server = FeedServer().start()
    yield feed_server
    feed_server.stop()


def toml_value(value: Any) -> str:
    """A Python value as TOML (strings, numbers, booleans and lists suffice here)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def config_text(feeds: list[dict[str, Any]], **sections: dict[str, Any]) -> str:
    """A config file's text with the given feeds and extra sections."""
    lines = ["[association]", 'name = "Testa biedrība"', 'data_dir = "data"']
    for key, value in sections.pop("association", {}).items():
        lines.append(f"{key} = {toml_value(value)}")
    for feed in feeds:
        lines.append("[[feeds]]")
        lines += [f"{key} = {toml_value(value)}" for key, value in feed.items()]
    for section, values in sections.items():
        # A list of tables ([[calendars]]) or one table ([plan]).
        for table in values if isinstance(values, list) else [values]:
            lines.append(f"[[{section}]]" if isinstance(values, list) else f"[{section}]")
            lines += [f"{key} = {toml_value(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def sample_config(tmp_path: Path, **extra: dict) -> Path:
    """The example config on the sample feeds, with extra sections, in a temp dir."""
    feeds = [
        {"name": name, "path": str(ROOT / "examples" / "feeds" / file)}
        for name, file in (
            ("LBB", "lbb.xml"),
            ("IFLA", "ifla.xml"),
            ("EBLIDA", "eblida.atom"),
            ("LBD", "lbd.xml"),
        )
    ]
    association = {
        "short_name": "LBB",
        "website": "https://bibliotekari.lv",
        **extra.pop("association", {}),
    }
    extra.setdefault("calendars", [{"name": "LBB", "path": str(ROOT / "examples" / "events.ics")}])
    extra.setdefault("plan", {"path": str(ROOT / "examples" / "plan.md")})
    path = tmp_path / "config.toml"
    path.write_text(config_text(feeds, association=association, **extra), "utf-8")
    return path


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a config.toml in the test's temp dir and return its path."""

    def write(feeds: list[dict[str, Any]] | None = None, **sections: dict[str, Any]) -> Path:
        sections.setdefault("fetch", {"read_timeout": "1s", "total_timeout": "5s"})
        path = tmp_path / "config.toml"
        path.write_text(config_text(feeds or [], **sections), encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_config(write_config: Callable[..., Path]) -> Callable[..., Config]:
    """A validated config for the given feeds."""

    def make(feeds: list[dict[str, Any]] | None = None, **sections: dict[str, Any]) -> Config:
        return load_config(write_config(feeds, **sections), {})

    return make


class SteppingClock:
    """A clock the test moves forward by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


@asynccontextmanager
async def running(config: Config, now: datetime = NOW, clock=None) -> AsyncIterator[App]:
    """The app opened on a fixed clock (or the clock given)."""
    async with open_app(config, clock or FixedClock(now)) as app:
        yield app


@pytest.fixture
def api():
    """The fake Telegram Bot API server on 127.0.0.1."""
    from tests.botapi import BotApi

    server = BotApi()
    yield server
    server.stop()
