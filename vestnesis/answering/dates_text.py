"""Dates and times written the way each language writes them inside a sentence, through
CLDR's data: Latvian takes the locative ("3. decembrī", "ceturtdien"), Lithuanian the
genitive month with "d." ("gruodžio 3 d.").

The month and weekday names of lv, lt and en come from the snapshot of CLDR's names
(vestnesis/answering/cldr.py, checked against Babel by tests/test_cldr.py), which is what
Babel's `format_date` writes for the patterns used here ("LLLL", "MMMM", "EEEE", "d MMMM y")
and `format_time` for "HH:mm" (tests/test_dates_text.py compares the two day by day): a cold
`vestnesis ask` then loads neither Babel's date module (which looks up the machine's own
time zone when imported) nor a language's whole locale data (issue 18). Another language
goes through Babel."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from vestnesis.answering import cldr
from vestnesis.answering.when import Span
from vestnesis.common.dates import latvian_locative

if TYPE_CHECKING:
    from storage import Event

# The languages whose names come from the snapshot (cldr.LANGUAGES).
_NAMED = frozenset(cldr.LANGUAGES)


def format_date(day: date, pattern: str, *, locale: str) -> str:
    """`day` as Babel's `format_date(day, pattern, locale=locale)` writes it: from the
    snapshot for lv, lt and en and the patterns below, through Babel otherwise."""
    if locale in _NAMED:
        if pattern == "LLLL":
            return cldr.months(locale)["stand-alone"]["wide"][day.month]
        if pattern == "MMMM":
            return cldr.months(locale)["format"]["wide"][day.month]
        if pattern == "EEEE":
            return cldr.days(locale)["format"]["wide"][day.weekday()]
        if pattern in ("d MMMM", "d MMMM y"):
            text = f"{day.day} {cldr.months(locale)['format']['wide'][day.month]}"
            return f"{text} {day.year}" if pattern.endswith(" y") else text
    from babel.dates import format_date as babel_date

    return babel_date(day, pattern, locale=locale)


def _hours(moment: datetime, language: str) -> str:
    """The hours and minutes of `moment` as Babel's `format_time(moment, "HH:mm")` writes
    them (in the moment's own zone; CLDR's Latin digits in lv, lt and en)."""
    if language in _NAMED:
        return f"{moment.hour:02d}:{moment.minute:02d}"
    from babel.dates import format_time

    return format_time(moment, "HH:mm", locale=language)


def _month(day: date, language: str) -> str:
    if language == "lv":
        return latvian_locative(format_date(day, "LLLL", locale="lv"))
    return format_date(day, "MMMM", locale=language)


# Latvian month names in the genitive and dative, for "no 30. novembra līdz 6. decembrim"
# (CLDR has only the nominative, from which the locative is regular).
_LV_GENITIVE = (
    "janvāra", "februāra", "marta", "aprīļa", "maija", "jūnija",
    "jūlija", "augusta", "septembra", "oktobra", "novembra", "decembra",
)  # fmt: skip
_LV_DATIVE = (
    "janvārim", "februārim", "martam", "aprīlim", "maijam", "jūnijam",
    "jūlijam", "augustam", "septembrim", "oktobrim", "novembrim", "decembrim",
)  # fmt: skip


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
    """Inclusive days: '18.–19. martā', 'no 30. novembra līdz 6. decembrim', '18–19 March',
    '30 November – 6 December', 'kovo 18–19 d.', 'lapkričio 30 – gruodžio 6 d.'. The year is
    written once, unless the days fall in different years."""
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
    return _across(first, "", last, "", language, today)


def _across(first: date, start: str, last: date, end: str, language: str, today: date) -> str:
    """From one day to another in another month, each with an optional time ('10.00')."""
    same_year = first.year == last.year
    if language == "lv":
        # "no 30. novembra plkst. 10.00 līdz 2. decembrim plkst. 16.00"
        at_start = f" plkst. {start}" if start else ""
        at_end = f" plkst. {end}" if end else ""
        head = f"{_year(first, today, 'lv')}{first.day}. {_LV_GENITIVE[first.month - 1]}"
        tail = f"{'' if same_year else _year(last, today, 'lv')}{last.day}. "
        return f"no {head}{at_start} līdz {tail}{_LV_DATIVE[last.month - 1]}{at_end}"
    if language == "lt":
        # "lapkričio 30 – gruodžio 6 d.", with times "lapkričio 30 d. 10:00 – gruodžio 2 d. 16:00"
        head = f"{_year(first, today, 'lt')}{_month(first, 'lt')} {first.day}"
        if start or not same_year:
            head += " d." + (f" {start}" if start else "")
        tail = f"{'' if same_year else _year(last, today, 'lt')}{_month(last, 'lt')} {last.day} d."
        return f"{head} – {tail}" + (f" {end}" if end else "")
    if language == "en":
        # "30 November – 6 December 2027", with times "30 November, 10:00 – 2 December, 16:00"
        year = f" {last.year}" if last.year != today.year else ""
        head = format_date(first, "d MMMM", locale="en")
        if not same_year:
            head += f" {first.year}"
        head += f", {start}" if start else ""
        tail = f"{format_date(last, 'd MMMM', locale='en')}{year}" + (f", {end}" if end else "")
        return f"{head} – {tail}"
    head = day_text(first, language, today, weekday=False) + (f" {start}" if start else "")
    return f"{head} – {day_text(last, language, today, weekday=False)}" + (f" {end}" if end else "")


def clock(moment: datetime, language: str) -> str:
    """A time of day: '10.00' in Latvian, '10:00' elsewhere."""
    text = _hours(moment, language)
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
        return _across(
            start.date(), clock(start, language), end.date(), clock(end, language), language, today
        )
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
