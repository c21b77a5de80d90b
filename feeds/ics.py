"""Read iCalendar (RFC 5545) data into event occurrences: time zones, all-day and multi-day
events, RRULE/RDATE/EXDATE, moved or cancelled occurrences (RECURRENCE-ID overrides)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar
import recurring_ical_events
import x_wr_timezone

from feeds.clean import html_to_text, one_line
from storage.links import safe_link
from storage.records import Event
from storage.timefmt import to_db

_URL = re.compile(r"https?://[^\s<>\"']+")
_STATUSES = {"CANCELLED": "cancelled", "TENTATIVE": "tentative"}
MAX_DESCRIPTION = 2000
# A calendar comes from outside: a rule such as FREQ=SECONDLY without an end would expand to
# millions of occurrences (memory) and take minutes (recurring-ical-events walks every step
# from DTSTART). Before anything is expanded, each series' work is estimated from its rule;
# series over the bounds are skipped with a warning, and a calendar over the total is refused.
MAX_STEPS_PER_SERIES = 100_000  # rule steps from DTSTART to the window's end
MAX_PER_DAY = 24  # occurrences a day: hourly is the most an event calendar needs
MAX_PER_SERIES = 1_000  # occurrences of one series in the window (a daily event has 366)
MAX_OCCURRENCES = 50_000  # in one calendar's window
_PER_DAY = {
    "SECONDLY": 86_400.0,
    "MINUTELY": 1_440.0,
    "HOURLY": 24.0,
    "DAILY": 1.0,
    "WEEKLY": 1 / 7,
    "MONTHLY": 1 / 28,
    "YEARLY": 1 / 365,
}


class CalendarError(ValueError):
    """The data is not a usable iCalendar file."""


@dataclass(frozen=True)
class ParsedCalendar:
    """Occurrences within the window, how many events had to be skipped, and a warning per
    event that was skipped or read in part, naming it."""

    events: tuple[Event, ...]
    skipped: int
    name: str
    warnings: tuple[str, ...] = ()


def parse_calendar(
    data: bytes, *, zone: tzinfo, start: datetime, end: datetime, calendar: str = ""
) -> ParsedCalendar:
    """Expand every event of `data` that overlaps [start, end); floating times are `zone`'s."""
    try:
        # Typed as returning a Calendar, but a file of a bare VEVENT parses to an Event.
        read: icalendar.Component = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise CalendarError(f"not an iCalendar file ({_short(error)})") from None
    if not isinstance(read, icalendar.Calendar) or read.name != "VCALENDAR":
        raise CalendarError("not an iCalendar file (no VCALENDAR)")
    parsed = x_wr_timezone.to_standard(read)
    recurring = {
        str(c.get("UID", ""))
        for c in parsed.walk("VEVENT")
        if c.get("RRULE") or c.get("RDATE") or c.get("RECURRENCE-ID")
    }
    startless = [c for c in parsed.subcomponents if c.name == "VEVENT" and c.get("DTSTART") is None]
    for component in startless:
        parsed.subcomponents.remove(component)
    warnings = [f"skipped {_named(component)}: it has no DTSTART" for component in startless]
    warnings += _drop_unreadable(parsed)
    warnings += _drop_heavy_series(parsed, start, end)
    skipped = sum(warning.startswith("skipped ") for warning in warnings)
    try:
        occurrences = recurring_ical_events.of(parsed, skip_bad_series=True).between(
            start.astimezone(zone), end.astimezone(zone)
        )
    except (ValueError, TypeError, KeyError) as error:
        raise CalendarError(f"the calendar's dates cannot be read ({_short(error)})") from None
    events: list[Event] = []
    failed: set[int] = set()
    # The window bounds the expansion of repeating events; a single event further ahead
    # (next year's congress) is kept all the same.
    later = [
        component
        for component in parsed.walk("VEVENT")
        if str(component.get("UID", "")) not in recurring
        and _moment(component["DTSTART"].dt, zone)[0] >= end
    ]
    for component in [*occurrences, *later]:
        try:
            events.append(_event(component, zone, calendar, recurring))
        except Exception as error:  # one odd event must not cost the calendar
            identity = (str(component.get("UID", "")), str(component.get("SUMMARY", "")))
            if hash(identity) not in failed:
                failed.add(hash(identity))
                warnings.append(f"skipped {_named(component)}: {_short(error)}")
                skipped += 1
    events.sort(key=lambda e: (e.start, e.title))
    name = one_line(str(parsed.get("X-WR-CALNAME", "")))
    return ParsedCalendar(tuple(events), skipped, name, tuple(warnings))


# Properties an event cannot be placed in time without; a broken one costs the event.
_ESSENTIAL = ("DTSTART", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE")
# Properties an event can do without; a broken one is dropped and the event kept.
_OPTIONAL = ("DTEND", "DURATION")


def _drop_unreadable(parsed: Any) -> list[str]:
    """Remove events whose time cannot be read and drop unreadable ends; a warning for each."""
    warnings: list[str] = []
    for component in list(parsed.subcomponents):
        if component.name != "VEVENT":
            continue
        broken = _broken(component, _ESSENTIAL)
        if broken:
            parsed.subcomponents.remove(component)
            warnings.append(f"skipped {_named(component)}: {broken}")
            continue
        broken = _broken(component, _OPTIONAL)
        if broken:
            for key in _OPTIONAL:
                component.pop(key, None)
            warnings.append(f"{_named(component)}: {broken}; its end was left out")
    return warnings


def _broken(component: Any, keys: Sequence[str]) -> str | None:
    """Why one of `keys` cannot be read (icalendar keeps what it could not parse as vBroken,
    and an unreadable date list fails when read), or None."""
    for key in keys:
        if key not in component:
            continue
        values = component[key] if isinstance(component[key], list) else [component[key]]
        for value in values:
            try:
                if isinstance(value, icalendar.vBroken):
                    raise ValueError(value)
                # RFC 5545 3.8.2.4, 3.8.5.1–2: a DATE or a DATE-TIME (an RDATE also a PERIOD,
                # which starts at one); icalendar also reads a bare "000000" as a TIME, which
                # no event can start, end, recur or be excepted at.
                if key in ("RDATE", "EXDATE"):
                    moments = [period.dt for period in value.dts]
                    starts = [m[0] if isinstance(m, tuple) else m for m in moments]
                    if not all(isinstance(start, date) for start in starts):
                        raise ValueError(value)
                elif key == "DURATION":
                    if not isinstance(value.dt, timedelta):
                        raise ValueError(value)
                elif key != "RRULE" and not isinstance(value.dt, date):
                    raise ValueError(value)
            except Exception:
                written = value.to_ical() if hasattr(value, "to_ical") else str(value)
                if isinstance(written, bytes):
                    written = written.decode("utf-8", "replace")
                return f"its {key} {written[:60]!r} cannot be read"
    return None


def _named(component: Any) -> str:
    title = one_line(str(component.get("SUMMARY", ""))) or "an untitled event"
    uid = str(component.get("UID", "")).strip()
    return f"event {title!r}" + (f" (UID {uid})" if uid else "")


def _drop_heavy_series(calendar: Any, start: datetime, end: datetime) -> list[str]:
    """Remove the series whose rules are too costly to expand; one warning each. Raises
    CalendarError when what is left would still expand beyond MAX_OCCURRENCES."""
    warnings: list[str] = []
    total = 0.0
    for component in list(calendar.subcomponents):
        if component.name != "VEVENT" or not component.get("RRULE"):
            continue
        try:
            steps, in_window, per_day = _rule_cost(component, start, end)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
            calendar.subcomponents.remove(component)
            warnings.append(
                f"skipped {_named(component)}: its RRULE cannot be used ({_short(error)})"
            )
            continue
        if per_day > MAX_PER_DAY or steps > MAX_STEPS_PER_SERIES or in_window > MAX_PER_SERIES:
            calendar.subcomponents.remove(component)
            warnings.append(
                f"skipped {_named(component)}: it repeats too often ({per_day:g} a day)"
            )
            continue
        total += in_window
    if total > MAX_OCCURRENCES:
        raise CalendarError(
            f"the calendar would expand to about {int(total):,} occurrences "
            f"(at most {MAX_OCCURRENCES:,})"
        )
    return warnings


def _rule_cost(component: Any, start: datetime, end: datetime) -> tuple[float, float, float]:
    """(rule steps from DTSTART to `end`, occurrences within [start, end), occurrences a day)
    for a VEVENT's RRULEs, estimated from FREQ, INTERVAL, COUNT, UNTIL and the BY* lists."""
    rules = component.get("RRULE")
    steps = in_window = per_day = 0.0
    first = _moment(component["DTSTART"].dt, UTC)[0]
    for rule in rules if isinstance(rules, list) else [rules]:
        frequency = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
        # RFC 5545 3.3.10: INTERVAL is a positive integer; 0 makes dateutil loop for ever.
        interval = int((rule.get("INTERVAL") or [1])[0])
        if interval < 1:
            raise ValueError(f"INTERVAL={interval} is not a positive number")
        rate = _PER_DAY.get(frequency, 1.0) / interval
        for part in ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY"):
            rate *= max(len(rule.get(part) or []), 1)
        last = end
        until = rule.get("UNTIL")
        if until:
            last = min(last, _moment(until[0], UTC)[0])
        days = max((last - first).total_seconds() / 86_400, 0.0)
        rule_steps = days * rate
        count = rule.get("COUNT")
        if count:
            rule_steps = min(rule_steps, float(count[0]))
        window_days = max((last - max(first, start)).total_seconds() / 86_400, 0.0)
        steps += rule_steps
        in_window += min(window_days * rate, rule_steps)
        per_day = max(per_day, rate)
    return steps, in_window, per_day


def _event(component: Any, zone: tzinfo, calendar: str, recurring: set[str]) -> Event:
    begin, all_day = _moment(component["DTSTART"].dt, zone)
    finish = _end(component, begin, all_day, zone)
    title = one_line(str(component.get("SUMMARY", ""))) or "—"
    uid = str(component.get("UID", "")).strip() or f"{to_db(begin)}/{title}"
    recurrence = ""
    if uid in recurring:
        original = component.get("RECURRENCE-ID")
        recurrence = to_db(_moment(original.dt, zone)[0]) if original else to_db(begin)
    description = html_to_text(str(component.get("DESCRIPTION", "")))[:MAX_DESCRIPTION]
    location = one_line(str(component.get("LOCATION", "")))
    return Event(
        uid=uid,
        title=title,
        start=begin,
        end=finish,
        all_day=all_day,
        place="" if _URL.fullmatch(location) else location,
        url=safe_link(_link(component, location, description)),
        status=_STATUSES.get(str(component.get("STATUS", "")).upper(), "confirmed"),
        description=description,
        categories=_categories(component.get("CATEGORIES")),
        calendar=calendar,
        recurrence=recurrence,
    )


def _moment(value: date | datetime, zone: tzinfo) -> tuple[datetime, bool]:
    """An aware UTC datetime, and whether the value was a whole day (its local midnight)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=zone)
        return aware.astimezone(UTC), False
    return datetime.combine(value, time(), zone).astimezone(UTC), True


def _end(component: Any, begin: datetime, all_day: bool, zone: tzinfo) -> datetime:
    dtend = component.get("DTEND")
    if dtend is not None:
        finish = _moment(dtend.dt, zone)[0]
    elif component.get("DURATION") is not None:
        finish = begin + component.get("DURATION").dt
    else:
        # RFC 5545 3.6.1: a date without an end lasts the day; a time without one is a moment.
        finish = begin + timedelta(days=1) if all_day else begin
    return max(finish, begin)


def _link(component: Any, location: str, description: str) -> str:
    for name in ("URL", "CONFERENCE"):
        value = component.get(name)
        if value:
            return str(value[0] if isinstance(value, list) else value)
    for text in (location, description):
        found = _URL.search(text)
        if found:
            return found.group(0).rstrip(".,);")
    return ""


def _categories(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    groups = value if isinstance(value, list) else [value]
    names: list[str] = []
    for group in groups:
        for category in getattr(group, "cats", [group]):
            text = one_line(str(category))
            if text:
                names.append(text)
    return tuple(names)


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]


def write_calendar(
    events: Sequence[Event], *, name: str, domain: str, now: datetime, zone: tzinfo
) -> bytes:
    """An iCalendar feed of these occurrences (each its own VEVENT, so any client shows it)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//Vestnesis//{domain}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for event in events:
        calendar.add_component(_vevent(event, now, zone))
    data: bytes = calendar.to_ical()
    return data


def _vevent(event: Event, now: datetime, zone: tzinfo) -> icalendar.Event:
    component = icalendar.Event()
    uid = event.uid
    if event.recurrence:
        # An occurrence on its own: a UID of its own, since the series' master is not sent.
        uid = f"{event.recurrence.replace('-', '').replace(':', '')}-{event.uid}"
    component.add("uid", uid)
    component.add("dtstamp", now)
    component.add("summary", event.title)
    if event.all_day:
        component.add("dtstart", event.start.astimezone(zone).date())
        component.add("dtend", event.end.astimezone(zone).date())
    else:
        component.add("dtstart", event.start)
        component.add("dtend", event.end)
    if event.place:
        component.add("location", event.place)
    if event.url:
        component.add("url", event.url)
    if event.description:
        component.add("description", event.description)
    if event.categories:
        component.add("categories", list(event.categories))
    component.add("status", "CANCELLED" if event.cancelled else event.status.upper())
    return component
