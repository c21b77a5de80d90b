"""Structured logs (structlog) with secrets masked wherever they would appear.

Every module logs events through structlog: `log = structlog.stdlib.get_logger("vestnesis.x")`,
then `log.info("event name", key=value, …)`; the event name stays stable, the values vary.
structlog hands each event to the standard `logging` module, so one handler writes our
events and the lines of the libraries we use (uvicorn, python-telegram-bot, httpx,
APScheduler) alike: as `key=value` text (logfmt) for people or one JSON object per line for
log collectors.

Secrets are masked twice: `SecretMask` is a structlog processor that replaces every secret in
an event's keys and values (the traceback included) before the event leaves the logger, and
the handler masks each whole formatted line again, for the lines of other libraries (an
exception's text can hold a request URL, and with it the bot token)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO
from urllib.parse import quote

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

# Loggers that print request URLs at INFO; Bot API URLs carry the bot token.
_CHATTY = ("httpx", "httpcore", "apscheduler", "aiosqlite", "bm25s")
_MASK = "***"
# The keys every line starts with, in this order (the JSON objects carry the same keys).
_FIRST_KEYS = ("time", "level", "logger", "message")
_SHORTEST_SECRET = 4  # shorter values would mask ordinary words, not secrets
# structlog's own entries for the formatter (the record itself), removed before rendering.
_META = frozenset({"_record", "_from_structlog"})


class SecretMask:
    """Replaces every configured secret, as written, URL-quoted and JSON-escaped.

    Used two ways: `mask(text)` on a whole line, and as a structlog processor (called with the
    logger, the method name and the event dict) on an event's keys and values; nested dicts
    and lists are masked too, and any other value is masked as its `str()`, the form every
    renderer writes it in."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = {
            form
            for secret in secrets
            if len(secret) >= _SHORTEST_SECRET
            for form in (
                secret,
                quote(secret, safe=""),
                json.dumps(secret)[1:-1],
                json.dumps(secret, ensure_ascii=False)[1:-1],
            )
        }
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted(forms, key=len, reverse=True)

    def mask(self, text: str) -> str:
        """The text with each secret replaced by `***`."""
        for secret in self._secrets:
            text = text.replace(secret, _MASK)
        return text

    def __call__(self, _logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
        """The event with every secret in its keys and values replaced."""
        if not self._secrets:
            return event
        masked = self._value(event)
        assert isinstance(masked, dict)
        return masked

    def _value(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, Mapping):
            return {
                self.mask(str(key)): item if key in _META else self._value(item)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple | set | frozenset):
            return [self._value(item) for item in value]
        return self.mask(str(value))


class _MaskedLines(structlog.stdlib.ProcessorFormatter):
    """structlog's formatter for the stdlib handler, its whole output masked again: what a
    library logged (message, arguments, traceback) never passed through our processors."""

    def __init__(self, mask: SecretMask, **options: Any) -> None:
        super().__init__(**options)
        self.masker = mask

    def format(self, record: logging.LogRecord) -> str:
        """The rendered line, every secret replaced."""
        return self.masker.mask(super().format(record))


class KeyValueRenderer:
    """`time=… level=info logger=vestnesis.bot message="…" key=value …` (logfmt) for people;
    a traceback or stack follows on the next lines, as Python prints it."""

    def __init__(self) -> None:
        self._logfmt = structlog.processors.LogfmtRenderer(
            key_order=list(_FIRST_KEYS), drop_missing=True, bool_as_flag=False
        )

    def __call__(self, logger: WrappedLogger, method: str, event: EventDict) -> str:
        """One line, plus the traceback's lines when there is one."""
        trailing = [event.pop(key) for key in ("stack", "exception") if event.get(key)]
        # logfmt refuses a key with a space or a control character; never lose the line.
        event = {"".join(c if c > " " else "_" for c in str(k)): v for k, v in event.items()}
        line = self._logfmt(logger, method, event)
        return "\n".join([line, *(str(text).rstrip("\n") for text in trailing)])


def _first_keys_first(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """The event's keys reordered: time, level, logger, message, then the event's own."""
    first = {key: event.pop(key) for key in _FIRST_KEYS if key in event}
    return {**first, **event}


def _shared(mask: SecretMask) -> list[Processor]:
    """The steps every event takes, ours and other libraries' alike, before rendering."""
    return [
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.processors.EventRenamer("message"),
        mask,
    ]


def route_to_stdlib(secrets: Iterable[str] = ()) -> SecretMask:
    """Configure structlog to hand every event, masked, to the standard `logging` module,
    whose handlers decide where it goes (`setup_logging` installs ours; tests read records).
    Returns the mask it uses."""
    mask = SecretMask(secrets)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared(mask),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: `setup_logging` may run again (tests, a reloaded config) with other
        # secrets, and every logger must pick up the new mask.
        cache_logger_on_first_use=False,
    )
    return mask


def setup_logging(
    *,
    level: str = "INFO",
    json_lines: bool = False,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Route all logs, ours and every library's, to one stream with masking: `key=value`
    lines, or JSON lines with `json_lines`. Returns the handler it installed on the root
    logger (replacing any there)."""
    mask = route_to_stdlib(secrets)
    renderer: Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False, default=str)
        if json_lines
        else KeyValueRenderer()
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        _MaskedLines(
            mask,
            foreign_pre_chain=_shared(mask),
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                _first_keys_first,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
