"""The config's files before validation: which file, its secrets, and how the values that
name files and folders are resolved and checked.

Free of pydantic on purpose: `vestnesis.config` validates with these functions, and a cold
`vestnesis ask` (`vestnesis.ask_snapshot`) uses them to check that a kept snapshot of the
validated config still holds (the same files, resolved the same way) without importing the
validator at all (issue 18)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_CONFIG_FILE = "config.toml"
CONFIG_ENV = "VESTNESIS_CONFIG"
SECRETS_FILE = "secrets.env"  # next to the config: VARIABLE=value lines, mode 600

# Secrets never need to sit in the file: each has an environment variable that wins.
SECRET_ENV: dict[str, tuple[str, str]] = {
    "VESTNESIS_TELEGRAM_TOKEN": ("telegram", "token"),
    "VESTNESIS_TELEGRAM_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
    "VESTNESIS_TRANSLATION_API_KEY": ("translation", "api_key"),
    "VESTNESIS_SMTP_USERNAME": ("email", "username"),
    "VESTNESIS_SMTP_PASSWORD": ("email", "password"),
    "VESTNESIS_WEB_SECRET": ("web", "secret"),
}


class ConfigError(Exception):
    """The config cannot be used; the message names each key and its problem."""


def config_path(option: str | None, env: Mapping[str, str]) -> Path:
    """Which file to read: --config, else $VESTNESIS_CONFIG, else config.toml."""
    return Path(option or env.get(CONFIG_ENV) or DEFAULT_CONFIG_FILE)


def secrets_path(config_file: Path) -> Path:
    """The secrets file that belongs to a config file (it may not exist)."""
    return config_file.resolve().parent / SECRETS_FILE


def read_secrets(path: Path) -> dict[str, str]:
    """The `VESTNESIS_…=value` lines of a secrets file (the systemd EnvironmentFile format);
    empty when there is none or this user may not read it. Raises ConfigError when others
    may read it, or a line is not a known secret."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except PermissionError:
        return {}  # e.g. root's file for systemd; the service gets the values as variables
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    if mode & 0o077:
        raise ConfigError(f"{path}: other users may read these secrets; run `chmod 600 {path}`")
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip().removeprefix("export ").strip()
        if not sep or name not in SECRET_ENV:
            known = ", ".join(SECRET_ENV)
            raise ConfigError(f"{path}:{number}: expected one of {known} as NAME=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


def with_secret_file(path: Path, env: Mapping[str, str]) -> dict[str, str]:
    """`env` with the secrets file next to the config at `path` merged under it (a variable
    that is set wins over the file). Raises ConfigError as `read_secrets`."""
    merged = dict(env)
    for name, value in read_secrets(secrets_path(path)).items():
        if not merged.get(name):
            merged[name] = value
    return merged


def with_secrets(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """The TOML tree `raw` with the secrets set in `env` put in their places."""
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in raw.items()}
    for variable, (section, key) in SECRET_ENV.items():
        if env.get(variable):
            table = merged.setdefault(section, {})
            if isinstance(table, dict):
                table[key] = env[variable]
    return merged


def webhook_token(configured: str, web_secret: str, bot_token: str) -> str:
    """The token Telegram must send back with every webhook call: `configured`, else an
    HMAC-SHA256 of a fixed label keyed by the web secret (or the bot token); "" when all
    three are empty."""
    import hmac

    if configured:
        return configured
    for key in (web_secret, bot_token):
        if key:
            label = b"vestnesis/telegram-webhook/v1"
            return hmac.new(key.encode(), label, "sha256").hexdigest()
    return ""


def secret_values(tree: Mapping[str, Any]) -> list[str]:
    """Every secret set in a config tree with its secrets merged (`with_secrets`), and the
    webhook token derived from them: what the logs mask. Values that are not text are left
    out (such a config does not validate)."""

    def value(section: str, key: str) -> str:
        table = tree.get(section)
        found = table.get(key) if isinstance(table, Mapping) else None
        return found if isinstance(found, str) else ""

    found = [value(section, key) for section, key in SECRET_ENV.values()]
    found = [text for text in found if text]
    derived = webhook_token(
        value("telegram", "webhook_secret"), value("web", "secret"), value("telegram", "token")
    )
    return [*found, derived] if derived else found


def is_http_url(value: str) -> bool:
    """Whether `value` is one http(s) URL with a host (no spaces or control characters)."""
    if any(c.isspace() or ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
        return False  # a link with a line break or space in it is not one link
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# --- values naming files and folders, relative to the config file's folder `base` --------
# Each takes the folder and the value as written and returns the value to use (a string),
# raising ValueError with the problem; a snapshot of the config is valid only while each
# gives the same result again (`recheck`).


def readable_file(base: Path, value: str) -> str:
    """A file that must exist (plan, words file, calendar `path`, DKIM key)."""
    local = (base / value).expanduser().resolve()
    if not local.is_file():
        raise ValueError(f"no readable file at {local}")
    return str(local)


def url_or_file(base: Path, value: str) -> str:
    """An http(s) URL as it is, or a readable file (`file://` optional)."""
    if is_http_url(value):
        return value
    local = (base / value.removeprefix("file://")).resolve()
    if local.is_file():
        return str(local)
    raise ValueError("not an http(s) URL or readable path")


def folder(base: Path, value: str) -> str:
    """A folder, made absolute (it need not exist yet)."""
    return str((base / Path(value).expanduser()).resolve())


def existing_file(base: Path, value: str) -> str:
    """A file that must exist, `~` expanded first (the relay's CA file)."""
    path = (base / Path(value).expanduser()).resolve()
    if not path.is_file():
        raise ValueError(f"{value}: no such file")
    return str(path)


def content(base: Path, value: str) -> str:
    """The SHA-256 of a file whose content the validation read (the words file)."""
    return hashlib.sha256((base / value).read_bytes()).hexdigest()


CHECKS: dict[str, Callable[[Path, str], str]] = {
    "readable_file": readable_file,
    "url_or_file": url_or_file,
    "folder": folder,
    "existing_file": existing_file,
    "content": content,
}


def recheck(base: Path, checks: object) -> bool:
    """Whether each (check name, value, result) in `checks` gives that result again."""
    if not isinstance(checks, list):
        return False
    for entry in checks:
        if not (isinstance(entry, list) and len(entry) == 3 and entry[0] in CHECKS):
            return False
        name, value, result = entry
        try:
            if CHECKS[name](base, value) != result:
                return False
        except (ValueError, OSError, TypeError):
            return False
    return True
