"""Dates and times written the way each language writes them inside a sentence, through
Babel's CLDR data: Latvian takes the locative ("3. decembrī", "ceturtdien"), Lithuanian the
genitive month with "d." ("gruodžio 3 d.")."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from babel.dates import format_date, format_time

from storage import Event
from vestnesis.answering.when import Span
from vestnesis.common.dates import latvian_locative


def _month(day: date, language: str) -> str:
    if language == "lv":
        return latvian_locative(format_date(day, "LLLL", locale="lv"))
    return format_date(day, "MMMM", locale=language)


def _year(day: date, today: date, language: str) -> str:
    if day.year == today.year:
        return ""
    return {"lv": f"{day.year}. gada ", "lt": f"{day.year} m. "}.get(language, "")


def day_text(day: date, language: str, today: date, *, weekday: bool = True) -> str:
    """A day as a sentence needs it: 'ceturtdien, 3. decembrī', 'Thursday, 3 December'."""
    year = _year(day, today, language)
    if language == "lv":
        text = f"{year}{day.day}. {_month(day, 'lv')}"
        name = format_date(day, "EEEE", locale="lv").removesuffix("a")
        return f"{name}, {text}" if weekday else text
    if language == "lt":
        text = f"{year}{_month(day, 'lt')} {day.day} d."
        name = format_date(day, "EEEE", locale="lt")
        name = name[:-2] + "į" if name.endswith("is") else name
        return f"{text} ({name})" if weekday else text
    if language == "en":
        text = format_date(day, "d MMMM" + (" y" if day.year != today.year else ""), locale="en")
        return f"{format_date(day, 'EEEE', locale='en')}, {text}" if weekday else text
    return format_date(day, "full" if weekday else "long", locale=language)


def range_text(first: date, last: date, language: str, today: date) -> str:
    """Inclusive days: '18.–19. martā', '18–19 March', 'kovo 18–19 d.'."""
    if first == last:
        return day_text(first, language, today, weekday=False)
    same_month = (first.year, first.month) == (last.year, last.month)
    if same_month and language == "lv":
        return f"{_year(first, today, 'lv')}{first.day}.–{last.day}. {_month(last, 'lv')}"
    if same_month and language == "lt":
        return f"{_year(first, today, 'lt')}{_month(first, 'lt')} {first.day}–{last.day} d."
    if same_month and language == "en":
        year = f" {first.year}" if first.year != today.year else ""
        return f"{first.day}–{last.day} {format_date(first, 'MMMM', locale='en')}{year}"
    start = day_text(first, language, today, weekday=False)
    return f"{start} – {day_text(last, language, today, weekday=False)}"


def clock(moment: datetime, language: str) -> str:
    """A time of day: '10.00' in Latvian, '10:00' elsewhere."""
    text = format_time(moment, "HH:mm", locale=language)
    return text.replace(":", ".") if language == "lv" else text


def event_when(event: Event, language: str, zone: tzinfo, today: date) -> str:
    """When an event happens, in words: day, and times unless it lasts whole days."""
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    if event.all_day:
        last = (end - timedelta(days=1)).date() if end > start else start.date()
        if last == start.date():
            return day_text(start.date(), language, today)
        return range_text(start.date(), last, language, today)
    if end.date() != start.date():
        first = f"{day_text(start.date(), language, today)} {clock(start, language)}"
        return f"{first} – {day_text(end.date(), language, today)} {clock(end, language)}"
    hours = clock(start, language) + (f"–{clock(end, language)}" if end > start else "")
    prefix = {"lv": "plkst. "}.get(language, "")
    return f"{day_text(start.date(), language, today)}, {prefix}{hours}"


def period_text(span: Span, language: str, today: date) -> str:
    """The period a question named, to follow 'Events …': 'decembrī', 'in December'."""
    last = span.end - timedelta(days=1)
    if span.unit == "month" and span.start.month == last.month:
        month = span.start.replace(day=1)
        if language == "lv":
            return f"{_year(month, today, 'lv')}{_month(month, 'lv')}"
        if language == "lt":
            return f"{_year(month, today, 'lt')}{format_date(month, 'MMMM', locale='lt')} mėnesį"
        if language == "en":
            year = f" {month.year}" if month.year != today.year else ""
            return f"in {format_date(month, 'MMMM', locale='en')}{year}"
    if span.unit == "year":
        number = span.start.year
        return {"lv": f"{number}. gadā", "lt": f"{number} metais"}.get(language, f"in {number}")
    if span.start == last:
        text = day_text(span.start, language, today)
        return f"on {text}" if language == "en" else text
    return range_text(span.start, last, language, today)
