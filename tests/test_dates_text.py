"""The names and times written in answers come from the snapshot of CLDR's names (no Babel on
a cold `vestnesis ask`): exactly what Babel's `format_date` and `format_time` write for the
patterns the answers use, every day of three years, in lv, lt and en."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time

from vestnesis.answering import dates_text

PATTERNS = ("LLLL", "MMMM", "EEEE", "d MMMM", "d MMMM y")


@pytest.mark.parametrize("language", ["lv", "lt", "en"])
def test_names_are_babels_every_day(language: str) -> None:
    day = date(2026, 1, 1)
    while day < date(2029, 1, 1):
        for pattern in PATTERNS:
            ours = dates_text.format_date(day, pattern, locale=language)
            assert ours == babel_date(day, pattern, locale=language), (day, pattern)
        day += timedelta(days=1)


@pytest.mark.parametrize("language", ["lv", "lt", "en"])
def test_hours_are_babels_in_the_moments_own_zone(language: str) -> None:
    zones = (UTC, ZoneInfo("Europe/Riga"), ZoneInfo("America/New_York"))
    for zone in zones:
        for minutes in range(0, 24 * 60, 7):
            moment = datetime.combine(date(2026, 3, 29), time(), zone) + timedelta(minutes=minutes)
            expected = babel_time(moment, "HH:mm", locale=language)
            assert dates_text._hours(moment, language) == expected, moment


def test_another_language_goes_through_babel() -> None:
    day = date(2026, 12, 3)
    assert dates_text.format_date(day, "full", locale="de") == babel_date(day, "full", locale="de")
    assert dates_text.format_date(day, "MMMM", locale="de") == "Dezember"
    assert dates_text.day_text(day, "de", date(2026, 1, 1)) == babel_date(day, "full", locale="de")
