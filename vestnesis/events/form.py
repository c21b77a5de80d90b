"""Reading the board's answers in the /addevent conversation: dates, times, links (pure)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

_DATE = r"(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})|(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4})\.?)"
_TIME = r"(?P<h>\d{1,2})[:.](?P<min>\d{2})"
_MOMENT = re.compile(rf"^\s*{_DATE}(?:[ T]+{_TIME})?\s*$")
_CLOCK = re.compile(rf"^\s*{_TIME}\s*$")
DEFAULT_LENGTH = timedelta(hours=2)
SKIP = frozenset({"-", "—", "–"})


def read_start(text: str, zone: tzinfo) -> tuple[datetime, bool] | None:
    """'2026-12-15 10:00' or '15.12.2026 10.00' (a time), or a date alone (a whole day)."""
    match = _MOMENT.match(text)
    if match is None:
        return None
    day = _day(match)
    if day is None:
        return None
    clock = _clock(match)
    if clock is False:
        return None
    if clock is None:
        return datetime.combine(day, time(), zone), True
    return datetime.combine(day, clock, zone), False


def read_end(text: str, start: datetime, all_day: bool, zone: tzinfo) -> datetime | None:
    """The end: '-' for the usual length, a time on the start's day, a date and time, or
    (for whole-day events) the last day. None when unreadable or before the start."""
    text = text.strip()
    if text in SKIP:
        return start + (timedelta(days=1) if all_day else DEFAULT_LENGTH)
    only_time = _CLOCK.match(text)
    if only_time is not None:
        clock = _clock(only_time)
        if not isinstance(clock, time):
            return None
        end = datetime.combine(start.astimezone(zone).date(), clock, zone)
    else:
        read = read_start(text, zone)
        if read is None:
            return None
        end, whole_day = read
        if whole_day:
            end += timedelta(days=1)  # the last day is included
    return end if end > start else None


def read_link(text: str) -> str | None:
    """An http(s) link, '' for '-', None for anything else."""
    text = text.strip()
    if text in SKIP:
        return ""
    if re.fullmatch(r"https?://[^\s<>\"']+\.[^\s<>\"']+", text):
        return text
    return None


def _day(match: re.Match[str]) -> date | None:
    year, month, day = (
        (match["y"], match["m"], match["d"])
        if match["y"]
        else (match["y2"], match["m2"], match["d2"])
    )
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _clock(match: re.Match[str]) -> time | Literal[False] | None:
    """The time written, None when none is, False when it is no time of day."""
    if match["h"] is None:
        return None
    hours, minutes = int(match["h"]), int(match["min"])
    if hours > 23 or minutes > 59:
        return False
    return time(hours, minutes)
