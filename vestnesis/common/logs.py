"""Structured, readable logs with secrets masked wherever they would appear."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO
from urllib.parse import quote

# Loggers that print request URLs at INFO; Bot API URLs carry the bot token.
_CHATTY = ("httpx", "httpcore", "apscheduler", "aiosqlite", "bm25s")
_MASK = "***"


def fields(**values: Any) -> dict[str, dict[str, Any]]:
    """`extra=` for a log call: key=value pairs shown after the message."""
    return {"extra": {"fields": values}}


class SecretMask(logging.Filter):
    """Replaces every configured secret in a record's text and fields."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Each secret as written, as a URL carries it, and as JSON escapes it.
        forms = {
            form
            for secret in secrets
            if len(secret) >= 4
            for form in (secret, quote(secret, safe=""), json.dumps(secret)[1:-1])
        }
        self._secrets = sorted(forms, key=len, reverse=True)

    def mask(self, text: str) -> str:
        """The text with each secret replaced."""
        for secret in self._secrets:
            text = text.replace(secret, _MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the formatted message and the fields; keep the record."""
        if self._secrets:
            record.msg = self.mask(record.getMessage())
            record.args = None
            values = getattr(record, "fields", None)
            if isinstance(values, dict):
                record.fields = {k: self.mask(str(v)) for k, v in values.items()}
        return True


class MaskedFormatter(logging.Formatter):
    """Another formatter's whole output masked: message, fields and any traceback (an
    exception's text can hold a request URL, and with it the bot token)."""

    def __init__(self, inner: logging.Formatter, mask: SecretMask) -> None:
        super().__init__()
        self.inner = inner
        self.masker = mask

    def format(self, record: logging.LogRecord) -> str:
        """The inner formatter's line, every secret replaced."""
        return self.masker.mask(self.inner.format(record))


class KeyValueFormatter(logging.Formatter):
    """`2026-11-23T08:00:00Z INFO feeds.poll message key=value …` for people."""

    def format(self, record: logging.LogRecord) -> str:
        """One readable line (plus a traceback when there is one)."""
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = [when, f"{record.levelname:<7}", record.name, record.getMessage()]
        parts += [f"{key}={_quote(value)}" for key, value in _fields(record).items()]
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON."""
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def setup_logging(
    *,
    level: str = "INFO",
    json_lines: bool = False,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Route all logs to one stream with masking; returns the handler it installed."""
    handler = logging.StreamHandler(stream or sys.stderr)
    mask = SecretMask(secrets)
    inner = JsonFormatter() if json_lines else KeyValueFormatter()
    handler.setFormatter(MaskedFormatter(inner, mask))
    handler.addFilter(mask)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    values = getattr(record, "fields", None)
    return dict(values) if isinstance(values, dict) else {}


def _quote(value: Any) -> str:
    text = str(value)
    if not text or any(ch.isspace() or ch in '"=' for ch in text):
        return json.dumps(text, ensure_ascii=False)
    return text
