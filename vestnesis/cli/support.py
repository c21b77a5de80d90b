"""What every command shares: global settings, the event loop, --now, --json."""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from vestnesis.common.clock import Clock, FixedClock, SystemClock

if TYPE_CHECKING:
    from vestnesis.config import Config

# The heavy modules (pydantic, aiosqlite, asyncio…) are imported inside the functions that use
# them, so that `vestnesis --help` and every command's --help answer at once (issue 18).

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Settings:
    """Global options, shared by every command."""

    config_file: str | None
    log_level: str | None
    log_json: bool
    database: Path | None = None  # known once the config is loaded, for fault messages

    def path(self) -> Path:
        """The config file these options point at."""
        from vestnesis.config_files import config_path

        return config_path(self.config_file, os.environ)

    def config(self, *, service: bool = False, checked: list[list[str]] | None = None) -> Config:
        """Load and validate the config, set up logging; exit 2 with the problems if invalid.
        The file checks the validation did are appended to `checked` when it is given."""
        from vestnesis.config import ConfigError, load_config

        try:
            config = load_config(self.path(), os.environ, checked=checked)
        except ConfigError as error:
            click.echo(str(error), err=True)
            raise SystemExit(2) from None
        self.start_logs(
            config.logging.format == "json", config.secrets(), config.database_path, service=service
        )
        return config

    def start_logs(
        self, json_lines: bool, secrets: list[str], database: Path, *, service: bool = False
    ) -> None:
        """Set up logging as the options and the config (`json_lines`, `secrets`) say, and
        note the database (for fault messages)."""
        from vestnesis.common.logs import setup_logging

        level = self.log_level or ("INFO" if service else "ERROR")
        setup_logging(level=level, json_lines=self.log_json or json_lines, secrets=secrets)
        self.database = database


def run_async(command: Callable[P, Awaitable[R]]) -> Callable[P, R]:
    """Run an async command function on a fresh event loop; a database fault ends it with
    one line (see `database_faults`)."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        import asyncio

        with database_faults():
            return asyncio.run(command(*args, **kwargs))  # type: ignore[arg-type]

    return wrapper


@contextmanager
def database_faults() -> Iterator[None]:
    """Turns a database or data-folder fault into one line and exit status 3: what happened,
    to which file, and what to do (never a traceback); a file the command was given that
    cannot be read or written is one line and exit status 1."""
    import sqlite3

    from storage.faults import describe

    try:
        yield
    except Exception as error:
        from storage import StorageError

        if not isinstance(error, (sqlite3.Error, OSError, StorageError)):
            raise
        if isinstance(error, OSError) and not _in_data_folder(error):
            if not error.filename:
                raise
            # An input or output file the command was given: its name and the reason.
            click.echo(f"Error: {error.filename}: {error.strerror or error}", err=True)
            raise SystemExit(1) from None
        context = click.get_current_context(silent=True)
        settings = context.find_object(Settings) if context else None
        path = settings.database if settings and settings.database else Path("vestnesis.sqlite3")
        click.echo(f"Error: {describe(error, path)}", err=True)
        raise SystemExit(DATABASE_FAULT) from None


# The exit status of a database fault (1 is a usage or input problem, 2 a bad config).
DATABASE_FAULT = 3


def _in_data_folder(error: OSError) -> bool:
    """True when an OSError concerns the data folder (not, say, an input file)."""
    context = click.get_current_context(silent=True)
    settings = context.find_object(Settings) if context else None
    if settings is None or settings.database is None or not error.filename:
        return False
    folder = settings.database.parent.resolve()
    target = Path(str(error.filename)).resolve()
    return target == folder or folder in target.parents


def parse_now(value: str | None, config: Config) -> Clock:
    """--now ISO-8601 as a fixed clock (naive times are in the association's zone)."""
    return parse_now_in(value, config.association.zone)


def parse_now_in(value: str | None, zone: tzinfo) -> Clock:
    """--now ISO-8601 as a fixed clock (naive times are in `zone`)."""
    if not value:
        return SystemClock()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO-8601 time", param_hint="--now") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return FixedClock(moment)


def now_option(function: Callable[P, R]) -> Callable[P, R]:
    """The --now option of commands whose result depends on the time."""
    return click.option(
        "--now", metavar="ISO", help="Pretend it is this time (ISO-8601; default: now)."
    )(function)


def json_option(function: Callable[P, R]) -> Callable[P, R]:
    """The --json option: one JSON object per line."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object per line.")(
        function
    )


def emit_json(record: dict[str, Any]) -> None:
    """Print one JSON object on its own line."""
    click.echo(json.dumps(record, ensure_ascii=False, default=str))


pass_settings = click.make_pass_decorator(Settings)
