"""The one config tree: read from TOML once, secrets from the environment, validated."""

# No `from __future__ import annotations` here: pydantic would turn each of the ~150 field
# annotations back from a string (a compile and an eval each) in every process that reads the
# config, a tenth of the models' build (issue 18); the few forward references are quoted.
import ipaddress
import tomllib
from collections.abc import Mapping
from datetime import time, timedelta
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

if TYPE_CHECKING:
    from vestnesis.answering.tables import Tables

from vestnesis.common.durations import WeeklyTime, parse_duration, parse_size, parse_weekly

# Defined there (free of pydantic, for a cold `ask`); the public ones kept importable here.
from vestnesis.config_files import (
    CHECKS,
    is_http_url,
    webhook_token,
    with_secret_file,
    with_secrets,
)
from vestnesis.config_files import CONFIG_ENV as CONFIG_ENV
from vestnesis.config_files import DEFAULT_CONFIG_FILE as DEFAULT_CONFIG_FILE
from vestnesis.config_files import SECRET_ENV as SECRET_ENV
from vestnesis.config_files import SECRETS_FILE as SECRETS_FILE
from vestnesis.config_files import ConfigError as ConfigError
from vestnesis.config_files import config_path as config_path
from vestnesis.config_files import read_secrets as read_secrets
from vestnesis.config_files import secrets_path as secrets_path

Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(parse_size)]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _base_dir(info: ValidationInfo) -> Path:
    context = info.context or {}
    return Path(context.get("base_dir", "."))


def _checked(info: ValidationInfo, check: str, value: str) -> str:
    """`value` through the file check `check` (vestnesis.config_files.CHECKS), noted in the
    context's "checked" list when there is one (what a kept snapshot must find again)."""
    result = CHECKS[check](_base_dir(info), value)
    noted = (info.context or {}).get("checked")
    if isinstance(noted, list):
        noted.append([check, value, result])
    return result


def _readable_file(value: str | None, info: ValidationInfo) -> str | None:
    return None if value is None else _checked(info, "readable_file", value)


class Association(_Section):
    """Who the association is and where its state lives."""

    name: str = Field(min_length=1)
    short_name: str = ""
    website: str = ""
    timezone: str = "Europe/Riga"
    languages: list[LanguageCode] = Field(default_factory=lambda: ["lv", "en", "lt"], min_length=1)
    data_dir: Path = Path("data")
    # The association's own words under the subscribe title: one text, or one per language
    # ({ lv = "…", en = "…" }); empty: a plain sentence from the catalogs.
    tagline: str | dict[LanguageCode, str] = ""
    # How long to wait for another process's write lock on the database before giving up.
    busy_wait: Duration = timedelta(minutes=2)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (try 'Europe/Riga')") from None
        return value

    @field_validator("website")
    @classmethod
    def _website(cls, value: str) -> str:
        if value and not is_http_url(value):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("data_dir")
    @classmethod
    def _resolve(cls, value: Path, info: ValidationInfo) -> Path:
        return Path(_checked(info, "folder", str(value)))

    @property
    def zone(self) -> ZoneInfo:
        """The association's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def default_language(self) -> str:
        """The first configured language."""
        return self.languages[0]


class _Located(_Section):
    """A source given by `url` (http(s), or a readable file path) or by `path`."""

    name: str = Field(min_length=1)
    url: str | None = None
    path: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _checked(info, "url_or_file", value)

    @field_validator("path")
    @classmethod
    def _path(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _readable_file(value, info)

    @model_validator(mode="after")
    def _one_location(self) -> "_Located":
        if (self.url is None) == (self.path is None):
            raise ValueError("give either url or path")
        return self

    @property
    def location(self) -> str:
        """The URL or absolute path to read."""
        return self.url or self.path or ""


class Feed(_Located):
    """An RSS or Atom news source."""

    language: LanguageCode | None = None


class Calendar(_Located):
    """An iCalendar events source."""


class Plan(_Section):
    """The association's plan, a Markdown document."""

    path: str | None = None
    language: LanguageCode | None = None  # the plan's language; default: the first of languages

    @field_validator("path")
    @classmethod
    def _readable(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _readable_file(value, info)


class Answers(_Section):
    """Members' questions: the association's own words file (TOML: extra kinds with their
    names per language, synonyms, towns, plan-topic names, question words), merged over the
    built-in tables. Its shape is checked when the config is read."""

    words: str | None = None

    @field_validator("words")
    @classmethod
    def _words_file(cls, value: str | None, info: ValidationInfo) -> str | None:
        path = _readable_file(value, info)
        if path is not None:
            # Imported here for the CLI's start-up: the answerer is heavy and most commands
            # never ask it anything (as below).
            from vestnesis.answering.tables import Tables

            Tables.load(Path(path))  # a WordsError is a ValueError: reported like any field
            _checked(info, "content", path)
        return path

    def tables(self) -> "Tables":
        """The word tables: built-in, with the words file merged over them."""
        from vestnesis.answering.tables import Tables

        return Tables.load(Path(self.words) if self.words else None)


class Events(_Section):
    """The events calendar: how often calendars are read, how far ahead, and reminders."""

    poll: Duration = timedelta(hours=1)
    horizon: Duration = timedelta(days=366)
    digest_ahead: Duration = timedelta(days=14)  # the digest lists events this far ahead
    remind_days: int = Field(default=3, ge=0, le=60)
    remind_at: str = "08:00"

    @field_validator("poll")
    @classmethod
    def _sane_poll(cls, value: timedelta) -> timedelta:
        return _at_least_a_minute(value, "calendars'")

    @field_validator("remind_at")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError("not a time of day like '08:00'")
        return f"{int(hours):02d}:{int(minutes):02d}"

    @property
    def remind_time(self) -> time:
        """`remind_at` as a time of day."""
        hours, minutes = self.remind_at.split(":")
        return time(int(hours), int(minutes))


class Schedule(_Section):
    """When the service does its recurring work."""

    poll_feeds: Duration = timedelta(minutes=15)
    weekly_digest: Annotated[WeeklyTime, BeforeValidator(parse_weekly)] = parse_weekly("mon 09:00")

    @field_validator("poll_feeds")
    @classmethod
    def _sane_interval(cls, value: timedelta) -> timedelta:
        return _at_least_a_minute(value, "feeds'")


def _at_least_a_minute(value: timedelta, whose: str) -> timedelta:
    if value < timedelta(minutes=1):
        raise ValueError(f"must be at least 1m, to be kind to the {whose} servers")
    return value


class Fetch(_Section):
    """Limits on fetching sources."""

    connect_timeout: Duration = timedelta(seconds=10)
    read_timeout: Duration = timedelta(seconds=30)
    total_timeout: Duration = timedelta(minutes=2)
    max_bytes: Size = Field(default=10 * 1024**2, gt=0)
    max_redirects: int = Field(default=5, ge=0, le=20)
    concurrency: int = Field(default=10, ge=1, le=100)
    pause_after: int = Field(default=20, ge=1)
    max_backoff: Duration = timedelta(days=1)
    # Processes that parse feeds in a large poll pass, at most (one per 1,000 sources of the
    # pass); None: one per core, at most 4; 0: in a thread.
    parse_workers: int | None = Field(default=None, ge=0, le=64)


class Translation(_Section):
    """Which machine translation backend renders summaries in each reader's language."""

    backend: Literal["none", "deepl", "libretranslate", "argos"] = "none"
    url: str = ""  # LibreTranslate server; for DeepL, overrides the free/pro endpoint
    api_key: SecretStr | None = None
    models_dir: Path = Path("models")  # Argos: where .argosmodel packages are installed
    keep: list[str] = Field(
        default_factory=lambda: ["IFLA", "EBLIDA", "LBB", "UNESCO", "CoBAL", "LNB", "ANO", "IAM"]
    )
    # Fixed renderings per language pair: [translation.glossary.en-lv] "library" = "bibliotēka"
    glossary: dict[str, dict[str, str]] = Field(default_factory=dict)
    timeout: Duration = timedelta(seconds=30)
    retries: int = Field(default=3, ge=0, le=10)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not is_http_url(value):
            raise ValueError("not an http(s) URL")
        return value.rstrip("/")

    @field_validator("models_dir")
    @classmethod
    def _models(cls, value: Path, info: ValidationInfo) -> Path:
        return Path(_checked(info, "folder", str(value)))

    @field_validator("glossary")
    @classmethod
    def _pairs(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for pair in value:
            source, _, target = pair.partition("-")
            if not (source.isalpha() and target.isalpha()):
                raise ValueError(f"{pair!r} is not a language pair like 'en-lv'")
        return value

    @model_validator(mode="after")
    def _needs(self) -> "Translation":
        if self.backend == "libretranslate" and not self.url:
            raise ValueError("translation.url: the LibreTranslate server's URL is needed")
        if self.backend == "deepl" and self.api_key is None:
            raise ValueError(
                "translation.api_key: DeepL needs a key (set VESTNESIS_TRANSLATION_API_KEY)"
            )
        return self


class Filter(_Section):
    """Which items a destination gets: by source, category or keyword (all optional)."""

    include_sources: list[str] = Field(default_factory=list)
    exclude_sources: list[str] = Field(default_factory=list)
    include_categories: list[str] = Field(default_factory=list)
    exclude_categories: list[str] = Field(default_factory=list)
    include_keywords: list[str] = Field(default_factory=list)
    exclude_keywords: list[str] = Field(default_factory=list)


class Digest(_Section):
    """How the weekly digest is composed and reviewed."""

    period: Duration = timedelta(days=7)
    max_per_section: int = Field(default=6, ge=1)
    max_items: int = Field(default=25, ge=1)
    source_order: list[str] = Field(default_factory=list)  # default: the order of [[feeds]]
    review: Literal["none", "board"] = "none"
    review_lead: Duration = timedelta(hours=24)  # a draft is prepared this long before sending
    unreviewed: Literal["send", "hold"] = "send"  # what happens to a draft nobody answered
    catch_up: Duration = timedelta(days=6)  # a digest missed while down goes out if this recent


class TelegramChat(_Section):
    """A group, channel or forum topic the bot posts to."""

    id: int
    language: LanguageCode | None = None
    topic: int = 0
    filter: Filter = Filter()


class TelegramRoute(_Section):
    """News from these sources or categories goes to a chat's forum topic as it arrives."""

    chat: int
    topic: int = 0
    language: LanguageCode | None = None
    sources: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> "TelegramRoute":
        if not self.sources and not self.categories:
            raise ValueError("name sources or categories to route")
        return self


class Telegram(_Section):
    """The Telegram bot."""

    token: SecretStr | None = None
    base_url: str = ""
    mode: Literal["polling", "webhook"] = "polling"  # webhook: served by [web] at /telegram/webhook
    webhook_secret: SecretStr | None = None  # Telegram sends it back in a header we check
    board_user_ids: list[int] = Field(default_factory=list)
    board_chat: int | None = None  # where feed failures and delivery problems are reported
    announce_approvals: int = Field(default=1, ge=1, le=2)  # 2: a second board member approves
    chats: list[TelegramChat] = Field(default_factory=list)
    routes: list[TelegramRoute] = Field(default_factory=list)
    overall_per_second: float = Field(default=30, gt=0)  # Telegram's limits, for the sender
    group_per_minute: float = Field(default=20, gt=0)
    private_interval: Duration = timedelta(seconds=1)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        # The server's root, e.g. http://127.0.0.1:8081; written with the Bot API's /bot
        # path (as python-telegram-bot spells it), or a trailing slash, it means the same.
        if value and not is_http_url(value):
            raise ValueError(
                "not an http(s) URL; write the Bot API server's address, e.g. "
                "http://127.0.0.1:8081 (with or without /bot at the end)"
            )
        value = value.rstrip("/")
        return value.removesuffix("/bot").rstrip("/") if value.endswith("/bot") else value


class Email(_Section):
    """Outgoing mail: the relay, the list's identity, and the sender's limits."""

    sender: str = Field(default="", alias="from")
    reply_to: str = ""
    list_id: str = ""  # default: "SHORT <digest.DOMAIN>"
    unsubscribe_mailto: str = ""  # default: the From address
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    security: Literal["none", "starttls", "tls"] = "starttls"
    ca_file: str = ""  # PEM file of the CA that signed the relay's certificate (a private CA)
    # "file" (trials): nothing is sent; each message is written to `folder` as an .eml file.
    transport: Literal["smtp", "file"] = "smtp"
    folder: str = ""  # for transport = "file"; default: DATA_DIR/mail

    @field_validator("folder")
    @classmethod
    def _folder(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        return _checked(info, "folder", value)

    @field_validator("ca_file")
    @classmethod
    def _ca_file(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        return _checked(info, "existing_file", value)

    username: SecretStr | None = None
    password: SecretStr | None = None
    timeout: Duration = timedelta(seconds=30)
    parallel: int = Field(default=4, ge=1, le=50)
    per_second: float | None = Field(default=None, gt=0)
    per_hour: float | None = Field(default=None, gt=0)
    max_attempts: int = Field(default=5, ge=1)
    retry_base: Duration = timedelta(minutes=5)
    soft_bounce_limit: int = Field(default=2, ge=1)
    pause_after_errors: int = Field(default=50, ge=1)
    pause_for: Duration = timedelta(minutes=15)
    confirm_requests_per_day: int = Field(default=3, ge=1)
    # All confirmation mails asked for from the web form and the bot, per rolling hour.
    confirmations_per_hour: int = Field(default=100, ge=1)
    dkim_selector: str = ""
    dkim_domain: str = ""
    dkim_key: str | None = None  # path to the PEM private key
    filter: Filter = Filter()

    @field_validator("sender", "reply_to", "list_id", "unsubscribe_mailto")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if any(ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in value):
            raise ValueError("must be one line without control characters (it goes in a header)")
        if "=?" in value:
            raise ValueError("write the name as it reads, not as an RFC 2047 encoded word")
        return value

    @field_validator("sender", "reply_to")
    @classmethod
    def _address(cls, value: str) -> str:
        if not value:
            return value
        found = getaddresses([value])
        if len(found) != 1 or found[0][1].count("@") != 1 or value.count("@") != 1:
            raise ValueError(f"{value!r} is not one email address like 'LBB <info@example.lv>'")
        return value

    @field_validator("dkim_key")
    @classmethod
    def _dkim(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _readable_file(value, info)


class Web(_Section):
    """The web pages: where they listen and the public address in links."""

    listen: str = "127.0.0.1:8080"
    public_url: str = "http://127.0.0.1:8080"
    secret: SecretStr | None = None
    # Reverse proxies whose X-Forwarded-For names the client (IPs or networks); empty: none.
    trusted_proxies: list[str] = Field(default_factory=list)
    subscribe_per_client_per_hour: int = Field(default=10, ge=1)
    max_form_body: Size = 64 * 1024
    max_webhook_body: Size = 1024 * 1024
    body_timeout: Duration = timedelta(seconds=30)  # a body sent slower than this gets 408
    max_connections: int = Field(default=500, ge=10)  # more at once get 503

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network") from None
        return value

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("not a HOST:PORT address like '127.0.0.1:8080'")
        return value

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str) -> str:
        if not is_http_url(value):
            raise ValueError("not an http(s) URL")
        return value.rstrip("/")


class Logs(_Section):
    """How the service writes its logs (to stderr; `--log-json` on the command line wins)."""

    # "text": one `key=value` line per event (logfmt) for people; "json": one JSON object
    # per line, for a log collector.
    format: Literal["text", "json"] = "text"


class Config(_Section):
    """The whole validated config."""

    association: Association
    feeds: list[Feed] = Field(default_factory=list)
    calendars: list[Calendar] = Field(default_factory=list)
    plan: Plan = Plan()
    answers: Answers = Answers()
    events: Events = Events()
    schedule: Schedule = Schedule()
    fetch: Fetch = Fetch()
    translation: Translation = Translation()
    digest: Digest = Digest()
    telegram: Telegram = Telegram()
    email: Email = Email()
    web: Web = Web()
    logging: Logs = Logs()

    @model_validator(mode="after")
    def _unique_names(self) -> "Config":
        for kind, entries in (("feeds", self.feeds), ("calendars", self.calendars)):
            seen: set[str] = set()
            for index, entry in enumerate(entries):
                if entry.name in seen:
                    raise ValueError(f"{kind}[{index}].name: {entry.name!r} is used twice")
                seen.add(entry.name)
        return self

    @property
    def database_path(self) -> Path:
        """The SQLite file inside the data directory."""
        # Imported here for the CLI's start-up: storage brings aiosqlite, which `--help` and
        # `check` do without.
        from storage import DATABASE_FILE

        return self.association.data_dir / DATABASE_FILE

    def secrets(self) -> list[str]:
        """Every secret value set, and every value derived from one, for masking in logs."""
        values = (
            self.telegram.token,
            self.translation.api_key,
            self.email.username,
            self.email.password,
            self.web.secret,
            self.telegram.webhook_secret,
        )
        found = [value.get_secret_value() for value in values if value and value.get_secret_value()]
        derived = self.webhook_secret()
        return [*found, derived] if derived else found

    def webhook_secret(self) -> str:
        """The token Telegram must send back with every webhook call: the configured one, else
        an HMAC-SHA256 of a fixed label keyed by the web secret (or the bot token). Nothing in a
        log reveals it or its key: it is masked like every secret, and knowing it tells nothing
        about the key. "" when there is nothing to derive it from."""

        def text(secret: SecretStr | None) -> str:
            return secret.get_secret_value() if secret is not None else ""

        return webhook_token(
            text(self.telegram.webhook_secret), text(self.web.secret), text(self.telegram.token)
        )


def load_config(
    path: Path, env: Mapping[str, str], *, checked: list[list[str]] | None = None
) -> Config:
    """Read, merge secrets (from `env`, else from the secrets file next to it), and validate;
    raises ConfigError with every problem. Each file check done is appended to `checked`
    (check name, value, result; see vestnesis.config_files.CHECKS) when it is given."""
    env = with_secret_file(path, env)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file (write one with `vestnesis init`, "
            "or name one with --config or $VESTNESIS_CONFIG)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    base_dir = path.resolve().parent
    return parse_config(raw, base_dir=base_dir, env=env, origin=str(path), checked=checked)


def parse_config(
    raw: dict[str, Any],
    *,
    base_dir: Path,
    env: Mapping[str, str],
    origin: str = "config",
    checked: list[list[str]] | None = None,
) -> Config:
    """Validate an already-read TOML tree; relative paths are taken from `base_dir`; the file
    checks done are appended to `checked` when it is given."""
    merged = with_secrets(raw, env)
    context: dict[str, object] = {"base_dir": base_dir}
    if checked is not None:
        context["checked"] = checked
    try:
        return Config.model_validate(merged, context=context)
    except ValidationError as error:
        problems = "\n".join(f"{origin}: {line}" for line in _describe(error))
        raise ConfigError(problems) from None


def _describe(error: ValidationError) -> list[str]:
    lines = []
    for problem in error.errors(include_url=False):
        location = _location(problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown key"
        elif problem["type"] == "missing":
            message = "missing (required)"
        if location and ": " in message and message.split(": ", 1)[0].startswith(location):
            lines.append(message)  # the validator already named a deeper key
        elif location:
            lines.append(f"{location}: {message}")
        else:
            lines.append(message)
    return lines


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.startswith(("function-", "function_")):
            continue
        else:
            text += f".{part}" if text else part
    return text
