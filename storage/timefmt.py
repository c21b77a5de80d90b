"""Stored times are UTC text that sorts as it reads: 2026-11-23T08:00:00Z."""

from __future__ import annotations

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_db(moment: datetime) -> str:
    """Render an aware datetime as stored UTC text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to storage; times must carry a time zone")
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_db(text: str | None) -> datetime | None:
    """Parse stored UTC text back into an aware datetime (None stays None)."""
    if text is None:
        return None
    # fromisoformat (C, Python 3.11+) reads the trailing Z; strptime is ~20x slower.
    return datetime.fromisoformat(text)
