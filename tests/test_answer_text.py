"""Golden texts of answers in lv, en and lt: the kind named in its own gender and case, a kind
asked of a period that has none of it, date ranges, and plan headings and lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from storage import Event
from vestnesis.answering import kinds
from vestnesis.answering.dates_text import event_when, range_text
from vestnesis.answering.engine import Answer, Knowledge, answer
from vestnesis.answering.plan import parse_plan
from vestnesis.answering.tables import Tables, WordsError
from vestnesis.answering.text import Wording, answer_text
from vestnesis.i18n import Catalogs

ZONE = ZoneInfo("Europe/Riga")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)
TODAY = NOW.date()
CATALOGS = Catalogs()


def _event(uid: str, title: str, start: datetime, hours: float = 2, **more: object) -> Event:
    return Event(uid, title, start, start + timedelta(hours=hours), **more)  # type: ignore[arg-type]


def _at(day: int, month: int = 12, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ZONE)


CALENDAR = [
    _event("conf", "Bibliotēku konference", _at(3), kind="conference"),
    _event("webinar", "Digitālās prasmes", _at(8), kind="webinar"),
    _event("seminar", "Lasīšanas veicināšana", _at(10), kind="seminar"),
    _event("course", "Kursi bibliotekāriem", _at(14), kind="course"),
    _event("workshop", "Grāmatu restaurācija", _at(15), kind="workshop"),
    _event("meeting", "Valdes sēde", _at(17), kind="meeting"),
]


def _text(found: Answer, tables: Tables | None = None) -> str:
    wording = Wording(CATALOGS.get(found.language), ZONE, NOW, tables=tables, links=False)
    return answer_text(found, wording)


def _next(kind: str, language: str, tables: Tables | None = None) -> str:
    event = next(e for e in CALENDAR if e.kind == kind)
    return _text(Answer("next_event", language, events=(event,), kind=kind), tables)


@pytest.mark.parametrize(
    ("kind", "language", "heading"),
    [
        ("seminar", "lv", "Tuvākais seminārs:"),
        ("conference", "lv", "Tuvākā konference:"),
        ("course", "lv", "Tuvākie kursi:"),
        ("webinar", "lv", "Tuvākais vebinārs:"),
        ("conference", "lt", "Artimiausia konferencija:"),
        ("seminar", "lt", "Artimiausias seminaras:"),
        ("course", "lt", "Artimiausi kursai:"),
        ("workshop", "lt", "Artimiausios dirbtuvės:"),
        ("meeting", "lt", "Artimiausias susitikimas:"),
        ("webinar", "en", "The next webinar:"),
        ("course", "en", "The next course:"),
    ],
)
def test_the_next_event_of_a_kind_is_named_in_its_gender(
    kind: str, language: str, heading: str
) -> None:
    assert _next(kind, language).split("\n")[0] == heading


def test_a_kind_without_forms_is_named_in_brackets(tmp_path: Path) -> None:
    # The association's own kind, with names but no lv_forms/lt_forms: a neutral phrasing.
    words = tmp_path / "words.toml"
    words.write_text(
        '[[kind]]\nkey = "quiz"\nlv = ["viktorīna", "viktorīnas"]\nen = ["quiz", "quizzes"]\n'
        'lt = ["viktorina", "viktorinos"]\n',
        encoding="utf-8",
    )
    tables = Tables.load(words)
    quiz = _event("quiz", "Erudīcijas spēle", _at(4), kind="quiz")
    said = {
        language: _text(Answer("next_event", language, events=(quiz,), kind="quiz"), tables)
        for language in ("lv", "lt", "en")
    }
    assert said["lv"].startswith("Tuvākais pasākums (viktorīna):")
    assert said["lt"].startswith("Artimiausias renginys (viktorina):")
    assert said["en"].startswith("The next quiz:")  # English names serve every case


def test_a_words_file_gives_forms_for_its_own_kind(tmp_path: Path) -> None:
    words = tmp_path / "words.toml"
    words.write_text(
        '[[kind]]\nkey = "quiz"\nlv = ["viktorīna", "viktorīnas"]\nlt = ["viktorina", "viktorinos"]\n'
        'lv_forms = { gender = "feminine", genitive = "viktorīnas", locative = "viktorīnā", '
        'plural_genitive = "viktorīnu" }\n'
        'lt_forms = { gender = "feminine", genitive = "viktorinos", locative = "viktorinoje", '
        'plural_genitive = "viktorinų" }\n',
        encoding="utf-8",
    )
    tables = Tables.load(words)
    quiz = _event("quiz", "Erudīcijas spēle", _at(4), kind="quiz")
    lv = _text(Answer("next_event", "lv", events=(quiz,), kind="quiz"), tables)
    lt = _text(Answer("next_event", "lt", kind="quiz"), tables)
    assert lv.startswith("Tuvākā viktorīna:")
    assert lt == "Kalendoriuje nėra artėjančių viktorinų."


def test_a_words_file_with_a_wrong_gender_stops_with_one_line(tmp_path: Path) -> None:
    words = tmp_path / "words.toml"
    words.write_text(
        '[[kind]]\nkey = "quiz"\nlv = ["viktorīna", "viktorīnas"]\n'
        'lv_forms = { gender = "f", genitive = "viktorīnas", locative = "viktorīnā", '
        'plural_genitive = "viktorīnu" }\n',
        encoding="utf-8",
    )
    with pytest.raises(WordsError, match="gender must be one of masculine, feminine") as error:
        Tables.load(words)
    assert "\n" not in str(error.value)


def test_every_built_in_kind_has_forms_in_latvian_and_lithuanian() -> None:
    for kind in kinds.KINDS:
        for language in ("lv", "lt", "en"):
            assert kinds.named(kind.key, language) is not None, (kind.key, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("lv", "Kalendārā nav gaidāmu semināru."),
        ("lt", "Kalendoriuje nėra artėjančių seminarų."),
        ("en", "There are no upcoming seminars in the calendar."),
    ],
)
def test_no_upcoming_event_of_a_kind(language: str, text: str) -> None:
    assert _text(Answer("next_event", language, kind="seminar")) == text


@pytest.fixture(scope="module")
def calendar() -> Knowledge:
    return Knowledge.build(CALENDAR, None, ZONE)


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("Kādi kursi būs janvārī?", "Kalendārā 2027. gada janvārī nav neviena pasākuma."),
        ("Kādas lekcijas būs decembrī?", "Decembrī lekciju nav; citi pasākumi:"),
        ("Kokios paskaitos gruodį?", "Gruodžio mėnesį paskaitų nėra; kiti renginiai:"),
        ("Which lectures are there in December?", "No lectures in December; other events:"),
        ("Kādi kursi būs decembrī?", "Kursi decembrī:"),
    ],
)
def test_a_kind_asked_of_a_period_answers_for_that_kind(
    calendar: Knowledge, question: str, first: str
) -> None:
    found = answer(question, calendar, NOW)
    assert found.intent == "events_in_period"
    lines = _text(found).split("\n")
    assert lines[0] == first
    if "citi" in first or "kiti" in first or "other" in first:
        # Never "no events at all": the period's other events follow, with their bullets.
        assert found.events == () and len(found.others) == len(CALENDAR)
        assert len([line for line in lines if line.startswith("• ")]) == len(CALENDAR)


def test_a_kind_asked_of_a_past_period_says_so(calendar: Knowledge) -> None:
    later = datetime(2027, 1, 10, 9, tzinfo=ZONE)
    found = answer("Kādas lekcijas bija decembrī?", calendar, later)
    wording = Wording(CATALOGS.get("lv"), ZONE, later, links=False)
    assert answer_text(found, wording).startswith(
        "2026. gada decembrī lekciju nebija; citi pasākumi:"
    )


@pytest.mark.parametrize(
    ("first", "last", "language", "text"),
    [
        (date(2026, 11, 30), date(2026, 12, 6), "lv", "no 30. novembra līdz 6. decembrim"),
        (date(2026, 11, 30), date(2026, 12, 6), "lt", "lapkričio 30 – gruodžio 6 d."),
        (date(2026, 11, 30), date(2026, 12, 6), "en", "30 November – 6 December"),
        (date(2027, 3, 30), date(2027, 4, 2), "lv", "no 2027. gada 30. marta līdz 2. aprīlim"),
        (date(2027, 3, 30), date(2027, 4, 2), "lt", "2027 m. kovo 30 – balandžio 2 d."),
        (date(2027, 3, 30), date(2027, 4, 2), "en", "30 March – 2 April 2027"),
        (
            date(2026, 12, 30),
            date(2027, 1, 2),
            "lv",
            "no 30. decembra līdz 2027. gada 2. janvārim",
        ),
        (date(2026, 12, 30), date(2027, 1, 2), "lt", "gruodžio 30 d. – 2027 m. sausio 2 d."),
        (date(2026, 12, 30), date(2027, 1, 2), "en", "30 December 2026 – 2 January 2027"),
        (date(2026, 12, 3), date(2026, 12, 5), "lv", "3.–5. decembrī"),
        (date(2026, 12, 3), date(2026, 12, 5), "lt", "gruodžio 3–5 d."),
    ],
)
def test_date_ranges_read_naturally(first: date, last: date, language: str, text: str) -> None:
    assert range_text(first, last, language, TODAY) == text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("lv", "no 2027. gada 30. marta plkst. 10.00 līdz 1. aprīlim plkst. 16.00"),
        ("lt", "2027 m. kovo 30 d. 10:00 – balandžio 1 d. 16:00"),
        ("en", "30 March, 10:00 – 1 April 2027, 16:00"),
    ],
)
def test_a_multi_day_timed_event_keeps_its_times_and_writes_the_year_once(
    language: str, text: str
) -> None:
    start = _at(30, 3, 10, 2027)
    congress = Event("c", "Kongress", start, start + timedelta(days=2, hours=6))
    assert event_when(congress, language, ZONE, TODAY) == text


def test_a_multi_day_event_in_an_answer(calendar: Knowledge) -> None:
    start = _at(30, 11, 10)
    trip = Event("t", "Pieredzes brauciens", start, start + timedelta(days=2, hours=6))
    text = _text(Answer("event_by_name", "lv", events=(trip,)))
    assert "Kad: no 30. novembra plkst. 10.00 līdz 2. decembrim plkst. 16.00" in text


PLAN = """# Plāns

## Mērķis

Stiprināt bibliotēkas.

## Darbības virzieni

Galvenie virzieni:

- lasīšanas veicināšana;
- digitālās prasmes;
- profesionālā izaugsme.
"""


@pytest.mark.parametrize(
    ("language", "overview", "heading"),
    [
        ("lv", "„Mērķis”, „Darbības virzieni”", "No plāna sadaļas „Darbības virzieni”:"),
        ("lt", "„Mērķis“, „Darbības virzieni“", "Iš plano skyriaus „Darbības virzieni“:"),
        ("en", "“Mērķis”, “Darbības virzieni”", "From the plan, “Darbības virzieni”:"),
    ],
)
def test_plan_headings_are_quoted_and_lists_keep_their_bullets(
    language: str, overview: str, heading: str
) -> None:
    plan = parse_plan(PLAN)
    sections = plan.main_sections
    assert overview in _text(Answer("plan", language, sections=sections, topic="overview"))
    directions = sections[1]
    text = _text(Answer("plan", language, sections=(directions,), topic="directions"))
    assert text.split("\n")[:5] == [
        heading,
        "Galvenie virzieni:",
        "• lasīšanas veicināšana;",
        "• digitālās prasmes;",
        "• profesionālā izaugsme.",
    ]
