"""Stored times are UTC text that sorts as it reads: 2026-11-23T08:00:00Z."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(moment: datetime) -> str:
    """Render an aware datetime as stored UTC text (always four-digit years, so every
    stored time reads back with `from_db` and sorts as text)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to storage; times must carry a time zone")
    # strftime("%Y") writes year 1 as "1" on glibc, which fromisoformat cannot read back.
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def from_db(text: str | None) -> datetime | None:
    """Parse stored UTC text back into an aware datetime (None stays None)."""
    if text is None:
        return None
    # fromisoformat (C, Python 3.11+) reads the trailing Z; strptime is ~20x slower.
    return datetime.fromisoformat(text)
