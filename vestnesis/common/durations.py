"""Human-written durations, sizes and weekly times from the config: "15m", "10MB", "mon 09:00"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$", re.IGNORECASE)
_SIZE_FACTOR = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_duration(text: object) -> timedelta:
    """'15m', '2h', '1d', '30s' (or a number of seconds) as a timedelta; anything else (a
    list, a negative or impossibly long span) raises ValueError, which the config reports."""
    problem = f"{text!r} is not a duration like '30s', '15m', '2h' or '1d'"
    if isinstance(text, timedelta):
        return text
    if isinstance(text, bool) or not isinstance(text, int | float | str):
        raise ValueError(problem)
    try:
        if isinstance(text, int | float):
            seconds = float(text)
        else:
            match = _DURATION.match(text)
            if not match:
                raise ValueError(problem)
            seconds = float(match[1]) * _UNIT_SECONDS[match[2].lower()]
        if seconds < 0:
            raise ValueError(problem)
        return timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        raise ValueError(problem) from None


def format_duration(span: timedelta) -> str:
    """A timedelta the way the config writes it: '15m', '2h', '1d', '90s'."""
    seconds = int(span.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def parse_size(text: object) -> int:
    """'10MB', '512kb' or a number of bytes as bytes; anything else raises ValueError."""
    problem = f"{text!r} is not a size like '10MB' or '512KB'"
    if isinstance(text, int) and not isinstance(text, bool) and text >= 0:
        return text
    match = _SIZE.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(problem)
    return int(float(match[1]) * _SIZE_FACTOR[(match[2] or "b").lower()])


@dataclass(frozen=True)
class WeeklyTime:
    """A day of the week and a time of day, in the association's time zone."""

    weekday: int  # Monday is 0
    at: time

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.at:%H:%M}"


def parse_weekly(text: object) -> WeeklyTime:
    """'mon 09:00' as a WeeklyTime; anything else raises ValueError."""
    if isinstance(text, WeeklyTime):
        return text
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a weekly time like 'mon 09:00'")
    parts = text.strip().lower().split()
    if len(parts) != 2 or parts[0][:3] not in WEEKDAYS:
        raise ValueError(f"{text!r} is not a weekly time like 'mon 09:00'")
    try:
        hour, minute = (int(part) for part in parts[1].split(":"))
        return WeeklyTime(WEEKDAYS.index(parts[0][:3]), time(hour, minute))
    except ValueError:
        raise ValueError(f"{text!r} is not a weekly time like 'mon 09:00'") from None
