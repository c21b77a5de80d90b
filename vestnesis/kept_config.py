"""What answering a question reads from the validated config, kept in the data folder, so
that a cold `vestnesis ask` does not import the validator (pydantic and the config's models:
about a third of its work, issue 18).

The file is `ask-config.json` in the data folder: a key, the file checks the validation did
(each value naming a file or folder, and what it resolved to; vestnesis.config_files), and
`AskConfig`. It is written by an `ask` that validated the config, and used only while

- the key matches: a SHA-256 of the config file's path and bytes, the secrets file beside it,
  which secret variables are set (not their values: the validation depends only on whether
  they are), `HOME` (`~` in paths), the Python version, pydantic's version and the source of
  the modules that validate the config and make `AskConfig` from it;
- every file check gives the same result again (the plan, the words file and the calendars
  still there, each path resolving to the same file; the words file's content unchanged);
- the file is this user's and no one else may write it (as the answer index beside it).

Anything else (no file, another key, a check that fails, an unreadable or foreign file) and
the command validates the config as every other command does, reporting its problems. No
secret is written: the logs' list of secrets to mask is made afresh from the config file and
the environment. A translation backend needs the whole config: such a config is not kept."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import secrets
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vestnesis.common.owned import ours_alone
from vestnesis.config_files import (
    SECRET_ENV,
    ConfigError,
    folder,
    recheck,
    secret_values,
    secrets_path,
    with_secret_file,
    with_secrets,
)

if TYPE_CHECKING:
    from feeds.fetch import FetchLimits
    from vestnesis.answering.tables import Tables
    from vestnesis.config import Config
    from vestnesis.events.asking import AskingSettings

KEPT_FILE = "ask-config.json"
_FORMAT = b"vestnesis-ask-config-1"
_HERE = Path(__file__).resolve().parent
# The code whose change may change what a config validates to, or what is kept of it.
_SOURCES = (
    _HERE / "config.py",
    _HERE / "config_files.py",
    _HERE / "kept_config.py",
    _HERE / "common" / "durations.py",
    _HERE / "events" / "asking.py",
    _HERE / "app.py",
    _HERE.parent / "feeds" / "fetch.py",  # FetchLimits, kept field by field
    _HERE.parent / "storage" / "database.py",  # DATABASE_FILE, in database_path
)


@dataclass(frozen=True)
class AskConfig:
    """What answering reads from the config: the zone, languages, plan and words files, the
    public calendar's address, the database, the calendars (name and location) and the fetch
    limits they are read with, and the log format."""

    timezone: str
    default_language: str
    plan_path: str | None
    plan_language: str
    words_path: str | None
    calendar_url: str
    database_path: str
    busy_wait: float  # seconds
    calendars: tuple[tuple[str, str], ...]
    fetch: tuple[tuple[str, Any], ...]  # FetchLimits' fields
    log_json: bool

    @classmethod
    def from_config(cls, config: Config) -> AskConfig:
        """The parts of a validated config that answering reads."""
        from vestnesis.app import fetch_limits
        from vestnesis.events.asking import AskingSettings

        asking = AskingSettings.from_config(config)
        return cls(
            timezone=config.association.timezone,
            default_language=asking.default_language,
            plan_path=asking.plan_path,
            plan_language=asking.plan_language,
            words_path=asking.words_path,
            calendar_url=asking.calendar_url,
            database_path=str(config.database_path),
            busy_wait=config.association.busy_wait.total_seconds(),
            calendars=tuple((c.name, c.location) for c in config.calendars),
            fetch=tuple(asdict(fetch_limits(config)).items()),
            log_json=config.logging.format == "json",
        )

    @property
    def zone(self) -> ZoneInfo:
        """The association's time zone."""
        return ZoneInfo(self.timezone)

    def asking(self) -> AskingSettings:
        """The answerer's settings (as `AskingSettings.from_config` makes them)."""
        from vestnesis.answer_index import index_path
        from vestnesis.events.asking import AskingSettings

        return AskingSettings(
            zone=self.zone,
            default_language=self.default_language,
            plan_path=self.plan_path,
            plan_language=self.plan_language,
            words_path=self.words_path,
            word_tables=partial(_tables, self.words_path),
            calendar_url=self.calendar_url,
            index_path=index_path(Path(self.database_path)),
        )

    def limits(self) -> FetchLimits:
        """The fetch limits the calendars are read with."""
        from feeds.fetch import FetchLimits

        return FetchLimits(**dict(self.fetch))

    def as_json(self) -> dict[str, Any]:
        """The JSON object kept in the file."""
        return asdict(self)

    @classmethod
    def from_json(cls, value: object) -> AskConfig:
        """The object `as_json` made; TypeError, ValueError or KeyError if it is not one."""
        if not isinstance(value, dict) or set(value) != {f.name for f in fields(cls)}:
            raise ValueError("not an ask config")
        found = dict(value)
        found["calendars"] = tuple((str(n), str(loc)) for n, loc in found["calendars"])
        found["fetch"] = tuple((str(n), v) for n, v in found["fetch"])
        made = cls(**found)
        for name, kind in (
            ("timezone", str),
            ("default_language", str),
            ("plan_language", str),
            ("calendar_url", str),
            ("database_path", str),
            ("busy_wait", (int, float)),
            ("log_json", bool),
        ):
            if not isinstance(getattr(made, name), kind):
                raise ValueError(f"{name}: not {kind}")
        made.zone  # noqa: B018 (a zone the machine no longer knows: validate the config)
        return made


def _as_read(text: bytes) -> str:
    """The config file's bytes as `load_config` reads them (UTF-8, universal newlines), so
    that both see the same TOML: one read gives the key's bytes and the tree."""
    return io.TextIOWrapper(io.BytesIO(text), encoding="utf-8").read()


def _tables(words: str | None) -> Tables:
    from vestnesis.answering.tables import Tables

    return Tables.load(Path(words) if words else None)


def kept_path(config_file: Path, raw: Mapping[str, Any]) -> Path | None:
    """Where the kept ask config of the config at `config_file` (read as `raw`) is: in its
    data folder, as the validation resolves it; None when `raw` names none it could use."""
    association = raw.get("association")
    if not isinstance(association, dict):
        return None
    data_dir = association.get("data_dir", "data")
    if not isinstance(data_dir, str):
        return None
    return Path(folder(config_file.resolve().parent, data_dir)) / KEPT_FILE


def _key(config_file: Path, text: bytes, env: Mapping[str, str]) -> str:
    digest = hashlib.sha256(_FORMAT)
    try:
        secret_file = secrets_path(config_file).read_bytes()
    except OSError:
        secret_file = b""  # none, or not this user's to read: then the validation read none
    parts = [
        str(config_file.resolve()).encode(),
        text,
        secret_file,
        "".join("1" if env.get(name) else "0" for name in SECRET_ENV).encode(),
        env.get("HOME", "").encode(),
        sys.version.encode(),
        _pydantic_version(),
        *(_source(path) for path in _SOURCES),
    ]
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _pydantic_version() -> bytes:
    """pydantic's version file (found, not imported: that is what is saved)."""
    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:
        return b""
    return _source(Path(spec.origin).parent / "version.py")


def _source(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return path.name.encode()


def read_kept(config_file: Path, env: Mapping[str, str]) -> tuple[AskConfig, list[str]] | None:
    """The kept ask config of the config file at `config_file` and the secrets to mask in
    logs, if the file is kept for exactly this config, environment and code and its file
    checks hold (None otherwise: then validate the config)."""
    try:
        text = config_file.read_bytes()
        raw = tomllib.loads(_as_read(text))
        path = kept_path(config_file, raw)
        if path is None:
            return None
        with path.open("rb") as file:
            if not ours_alone(os.fstat(file.fileno())):
                return None
            kept = json.loads(file.read())
        if not isinstance(kept, dict) or kept.get("key") != _key(config_file, text, env):
            return None
        if not recheck(config_file.resolve().parent, kept.get("checks")):
            return None
        found = AskConfig.from_json(kept.get("ask"))
        tree = with_secrets(raw, with_secret_file(config_file, env))
    except (OSError, ValueError, TypeError, KeyError, ConfigError, ZoneInfoNotFoundError):
        # Unreadable, torn or foreign (tomllib's and json's errors are ValueErrors): the
        # config is validated instead, which reports any problem properly.
        return None
    return found, secret_values(tree)


def keep(
    config: Config,
    config_file: Path,
    text: bytes,
    env: Mapping[str, str],
    checks: list[list[str]],
) -> None:
    """Keep what answering reads of `config`, validated from `config_file` (read before the
    validation as `text`) with `env`, and `checks` (the file checks the validation did), for
    the next `ask`. Nothing is kept for a config with a translation backend, or when the
    config file changed meanwhile; a failure to write is ignored (it is only a shortcut)."""
    if config.translation.backend != "none":
        return
    try:
        if config_file.read_bytes() != text:
            return
        path = kept_path(config_file, tomllib.loads(_as_read(text)))
    except (OSError, ValueError):
        return
    if path is None or path.parent != config.association.data_dir:
        return
    kept = {
        "key": _key(config_file, text, env),
        "checks": checks,
        "ask": AskConfig.from_config(config).as_json(),
    }
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(kept, file, ensure_ascii=False)
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
