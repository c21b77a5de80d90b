"""Golden dates: each kind of date the readers see, in each language, written one way."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.test_render import digest, entry, reader
from vestnesis.common import dates
from vestnesis.digest.wording import digest_view

TODAY = date(2026, 11, 30)

LONG = {
    "lv": "2026. gada 23. novembris",
    "lt": "2026 m. lapkričio 23 d.",
    "en": "23 November 2026",
}
SHORT = {
    "lv": ["20. nov.", "5. janv.", "1. maijs"],
    "lt": ["lapkr. 20 d.", "saus. 5 d.", "geg. 1 d."],
    "en": ["20 Nov", "5 Jan", "1 May"],
}
PERIODS = {
    "lv": [
        "2026. gada 16.–22. novembris",
        "2026. gada 30. novembris – 6. decembris",
        "2026. gada 28. decembris – 2027. gada 3. janvāris",
        "2026. gada 23. novembris",
    ],
    "lt": [
        "2026 m. lapkričio 16–22 d.",
        "2026 m. lapkričio 30 d. – gruodžio 6 d.",
        "2026 m. gruodžio 28 d. – 2027 m. sausio 3 d.",
        "2026 m. lapkričio 23 d.",
    ],
    "en": [
        "16–22 November 2026",
        "30 November – 6 December 2026",
        "28 December 2026 – 3 January 2027",
        "23 November 2026",
    ],
}
MOMENTS = {
    "lv": [
        "1. decembrī plkst. 09.00",
        "2027. gada 1. martā plkst. 14.30",
        "5. jūnijā plkst. 18.05",
    ],
    "lt": ["gruodžio 1 d. 09:00", "2027 m. kovo 1 d. 14:30", "birželio 5 d. 18:05"],
    "en": ["09:00 on 1 December", "14:30 on 1 March 2027", "18:05 on 5 June"],
}


@pytest.mark.parametrize("language", ["lv", "lt", "en"])
def test_long_dates(language: str) -> None:
    assert dates.long_date(date(2026, 11, 23), language) == LONG[language]


@pytest.mark.parametrize("language", ["lv", "lt", "en"])
def test_short_dates_of_items_and_events(language: str) -> None:
    days = [date(2026, 11, 20), date(2027, 1, 5), date(2027, 5, 1)]
    assert [dates.short_date(d, language) for d in days] == SHORT[language]


@pytest.mark.parametrize("language", ["lv", "lt", "en"])
def test_periods(language: str) -> None:
    spans = [
        (date(2026, 11, 16), date(2026, 11, 22)),  # one month
        (date(2026, 11, 30), date(2026, 12, 6)),  # across months
        (date(2026, 12, 28), date(2027, 1, 3)),  # across years
        (date(2026, 11, 23), date(2026, 11, 23)),  # one day
    ]
    assert [dates.period(a, b, language) for a, b in spans] == PERIODS[language]
    assert dates.period(date(2026, 11, 22), date(2026, 11, 16), language) == PERIODS[language][0]


@pytest.mark.parametrize("language", ["lv", "lt", "en"])
def test_moments_inside_a_sentence(language: str) -> None:
    moments = [datetime(2026, 12, 1, 9), datetime(2027, 3, 1, 14, 30), datetime(2026, 6, 5, 18, 5)]
    assert [dates.moment_in_sentence(m, language, TODAY) for m in moments] == MOMENTS[language]


def test_english_is_british_english() -> None:
    assert dates.babel_locale("en") == "en_GB"
    assert dates.clock(datetime(2026, 12, 1, 21, 5), "en") == "21:05"  # not 9:05 PM
    assert dates.clock(datetime(2026, 12, 1, 21, 5), "lv") == "21.05"


def test_another_language_still_gets_cldr_dates() -> None:
    assert dates.long_date(date(2026, 11, 23), "de") == "23. November 2026"
    assert dates.period(date(2026, 11, 16), date(2026, 11, 22), "de") == "16.–22. Nov. 2026"


@pytest.mark.parametrize(
    ("language", "period", "item_date"),
    [
        ("lv", "2026. gada 16.–23. novembris", "22. nov."),
        ("lt", "2026 m. lapkričio 16–23 d.", "lapkr. 22 d."),
        ("en", "16–23 November 2026", "22 Nov"),
    ],
)
def test_the_digest_uses_one_date_style(language: str, period: str, item_date: str) -> None:
    """Subject, header and items of one digest: the same language variant throughout."""
    view = digest_view(digest(entry(1, "IFLA news", language="en")), reader(language))
    assert view.period == period
    assert view.subject.endswith(LONG[language])
    [section] = view.sections
    assert [e.date for e in section.entries] == [item_date]


def test_item_dates_are_local_days() -> None:
    """An item published late in the evening UTC belongs to the next day in Riga."""
    late = replace(
        entry(1, "Late", language="en"), published=datetime(2026, 11, 19, 23, 30, tzinfo=UTC)
    )
    view = digest_view(digest(late), reader("en"))
    assert view.sections[0].entries[0].date == "20 Nov"


def test_events_in_the_digest_carry_the_same_short_dates() -> None:
    from storage import Event
    from vestnesis.digest.wording import events_section

    start = datetime(2026, 12, 3, 8, tzinfo=UTC)  # 10:00 in Riga
    event = Event(uid="e1", title="Seminārs", start=start, end=start.replace(hour=10))
    days = {
        language: events_section([event], reader(language), ZoneInfo("Europe/Riga"), TODAY)
        .entries[0]
        .date
        for language in ("lv", "lt", "en")
    }
    assert days == {"lv": "3. dec.", "lt": "gruod. 3 d.", "en": "3 Dec"}
