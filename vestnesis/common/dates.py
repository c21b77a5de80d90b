"""Dates and times shown to readers, written in one place through Babel's CLDR data.

Each function takes a language code of the project ("lv", "lt", "en") and returns text:
- English is British English everywhere: Babel's "en" is US English ("December 7, 2025",
  "9:00:00 AM"), so formatting uses "en_GB" ("7 December 2025", "09:00").
- Lithuanian writes the day with the genitive month and "d." ("2026 m. lapkričio 16–22 d.",
  "lapkr. 20 d."); CLDR's short skeleton for it is numeric ("11-20"), which is not how a
  person writes a date in a sentence or a list, so the short pattern is spelled out.
- Latvian headings keep CLDR's nominative ("2026. gada 23. novembris"); a moment inside a
  sentence takes the locative ("1. decembrī plkst. 09.00").

Pure functions: no clock, no time zone lookup; callers pass local dates and datetimes.
"""

from __future__ import annotations

from datetime import date, datetime

# Babel's date module is imported at the first date formatted, by the four functions below:
# importing it looks up the machine's own time zone, which a cold `vestnesis ask` (needing
# only `latvian_locative` here) does without (issue 18).


def format_date(day: date, pattern: str, *, locale: str) -> str:
    """Babel's `format_date`."""
    from babel.dates import format_date

    return format_date(day, pattern, locale=locale)


def format_skeleton(skeleton: str, day: date, *, locale: str) -> str:
    """Babel's `format_skeleton`."""
    from babel.dates import format_skeleton

    return format_skeleton(skeleton, day, locale=locale)


def format_interval(first: date, last: date, skeleton: str, *, locale: str) -> str:
    """Babel's `format_interval`."""
    from babel.dates import format_interval

    return format_interval(first, last, skeleton, locale=locale)


def format_time(moment: datetime, pattern: str, *, locale: str) -> str:
    """Babel's `format_time`."""
    from babel.dates import format_time

    return format_time(moment, pattern, locale=locale)


# The Babel locale for each project language (anything else is passed through).
_LOCALES = {"en": "en_GB"}

# Short day-and-month patterns where CLDR's "MMMd" skeleton is not what readers write.
_SHORT_PATTERNS = {"lt": "MMM d 'd'."}


def babel_locale(language: str) -> str:
    """The Babel locale that writes `language` as the project does ("en" → "en_GB")."""
    return _LOCALES.get(language, language)


def long_date(day: date, language: str) -> str:
    """A day with its year, as a heading or subject writes it: '23 November 2026',
    '2026. gada 23. novembris', '2026 m. lapkričio 23 d.'."""
    return format_date(day, "long", locale=babel_locale(language))


def short_date(day: date, language: str) -> str:
    """Day and abbreviated month, for lists of items and events: '20 Nov', '20. nov.',
    'lapkr. 20 d.'."""
    locale = babel_locale(language)
    pattern = _SHORT_PATTERNS.get(language)
    if pattern is not None:
        return format_date(day, pattern, locale=locale)
    return format_skeleton("MMMd", day, locale=locale)


# Range patterns per language, as CLDR's long date pattern splits at the dash: for days in
# one month, and for days in one year. CLDR's own interval data for these skeletons is uneven
# (abbreviated months in lv and en_GB, no "m." and "d." in lt), so the halves are spelled out.
_SAME_MONTH = {
    "lv": ("y. 'gada' d.", "d. MMMM"),
    "lt": ("y 'm'. MMMM d", "d 'd'."),
    "en": ("d", "d MMMM y"),
}
_SAME_YEAR = {
    "lv": ("y. 'gada' d. MMMM", "d. MMMM"),
    "lt": ("y 'm'. MMMM d 'd'.", "MMMM d 'd'."),
    "en": ("d MMMM", "d MMMM y"),
}


def period(first: date, last: date, language: str) -> str:
    """Inclusive days of a period, e.g. a digest's week: '16–22 November 2026',
    '2026. gada 16.–22. novembris', '2026 m. lapkričio 16–22 d.'; across months
    '30 November – 6 December 2026'; across years two long dates."""
    if first > last:
        first, last = last, first
    locale = babel_locale(language)
    if first == last:
        return long_date(first, language)
    if first.year != last.year or language not in _SAME_MONTH:
        if language not in _SAME_MONTH:
            return format_interval(first, last, "yMMMd", locale=locale)
        return f"{long_date(first, language)} – {long_date(last, language)}"
    if first.month == last.month:
        start, end = _SAME_MONTH[language]
        return f"{format_date(first, start, locale=locale)}–{format_date(last, end, locale=locale)}"
    start, end = _SAME_YEAR[language]
    return f"{format_date(first, start, locale=locale)} – {format_date(last, end, locale=locale)}"


def clock(moment: datetime, language: str) -> str:
    """A time of day without seconds: '09:00'; Latvian writes '09.00'."""
    text = format_time(moment, "HH:mm", locale=babel_locale(language))
    return text.replace(":", ".") if language == "lv" else text


def latvian_locative(nominative: str) -> str:
    """A Latvian month name in the locative: 'decembris' → 'decembrī', 'marts' → 'martā'."""
    if nominative.endswith("is"):
        return nominative[:-2] + "ī"
    if nominative.endswith("s"):
        return nominative[:-1] + "ā"
    return nominative


def moment_in_sentence(moment: datetime, language: str, today: date) -> str:
    """A day and time that fits inside a sentence ("It will go out at …", "Scheduled for
    …"), with the year only when it is not `today`'s: '09:00 on 1 December',
    '1. decembrī plkst. 09.00', 'gruodžio 1 d. 09:00'."""
    day = moment.date()
    other_year = day.year != today.year
    time = clock(moment, language)
    if language == "lv":
        month = latvian_locative(format_date(day, "LLLL", locale="lv"))
        year = f"{day.year}. gada " if other_year else ""
        return f"{year}{day.day}. {month} plkst. {time}"
    if language == "lt":
        year = f"{day.year} m. " if other_year else ""
        return f"{year}{format_date(day, 'MMMM', locale='lt')} {day.day} d. {time}"
    if language == "en":
        pattern = "d MMMM y" if other_year else "d MMMM"
        return f"{time} on {format_date(day, pattern, locale='en_GB')}"
    locale = babel_locale(language)
    if other_year:
        return f"{format_date(day, 'long', locale=locale)} {time}"
    return f"{format_skeleton('MMMMd', day, locale=locale)} {time}"
