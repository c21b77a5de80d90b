"""The events a test's code logged, read from pytest's `caplog` records."""

from __future__ import annotations

from typing import Any

import pytest


def events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """Each structlog event captured, as its key/value dict (`message` names the event);
    a record logged through plain `logging` gives `{"message": its text}`."""
    return [
        dict(record.msg) if isinstance(record.msg, dict) else {"message": record.getMessage()}
        for record in caplog.records
    ]


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The names of the events captured, in order."""
    return [str(event.get("message", "")) for event in events(caplog)]
