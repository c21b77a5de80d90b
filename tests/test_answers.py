"""Question answering: the members' question set, and the parts it rests on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from storage import Event
from tests.question_set import NOW, ZONE, Question, knowledge, problems, questions
from vestnesis.answering import kinds, when, words
from vestnesis.answering.dates_text import day_text, event_when, latvian_locative, period_text
from vestnesis.answering.engine import answer
from vestnesis.answering.plan import parse_plan
from vestnesis.answering.text import Wording, answer_text
from vestnesis.i18n import Catalogs

QUESTIONS = questions()
TODAY = NOW.date()


@pytest.fixture(scope="module")
def indexed():
    return knowledge()


def test_the_question_set_is_big_enough_and_varied() -> None:
    by_language = {
        lang: [q for q in QUESTIONS if q.language == lang] for lang in ("lv", "en", "lt")
    }
    assert all(len(found) >= 40 for found in by_language.values())
    for found in by_language.values():
        assert {q.intent for q in found} == {
            "next_event",
            "events_in_period",
            "event_by_name",
            "plan",
            "unknown",
        }
        assert sum(q.intent == "unknown" for q in found) >= 4


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: f"{q.language}:{q.text}")
def test_every_question_gets_the_right_answer(question: Question, indexed) -> None:
    found = answer(question.text, indexed, NOW)
    assert problems(question, found) == []


def test_cancelled_and_past_events_are_never_offered_as_next(indexed) -> None:
    # The board meeting on 17 December is cancelled: the next meeting is the one after it.
    meeting = answer("When is the next meeting?", indexed, NOW)
    assert meeting.events and not meeting.events[0].cancelled
    assert meeting.events[0].start > datetime(2026, 12, 17, tzinfo=ZONE)
    # The webinar series' February occurrence is cancelled; asking in February skips it.
    february = datetime(2027, 2, 20, 9, tzinfo=ZONE)
    webinar = answer("next webinar", indexed, february)
    assert webinar.events[0].start.astimezone(ZONE).date() == date(2027, 3, 25)
    december = answer("Kādi pasākumi decembrī?", indexed, NOW)
    assert [e.title for e in december.cancelled] == ["LBB valdes sēde"]
    assert all(not e.cancelled for e in december.events)


def test_a_recurring_series_answers_with_its_uid_and_next_occurrence(indexed) -> None:
    later = datetime(2027, 1, 5, 9, tzinfo=ZONE)
    found = answer("Kad ir vebinārs IFLA jaunumi?", indexed, later)
    assert found.intent == "event_by_name"
    [event] = found.events
    assert event.uid == "vebinars-iflA-monthly@bibliotekari.lv"
    # The January occurrence was moved from the 28th to the 29th at 14:00.
    assert event.start.astimezone(ZONE) == datetime(2027, 1, 29, 14, tzinfo=ZONE)


def test_an_event_under_way_is_not_next_but_is_in_its_period(indexed) -> None:
    during = datetime(2027, 6, 3, 12, tzinfo=ZONE)  # the CoBAL congress's first day
    assert answer("next congress", indexed, during).events[0].uid == "ifla-wlic-2027@ifla.org"
    assert "cobal-2027@bibliotekari.lv" in [
        e.uid for e in answer("What's on this week?", indexed, during).events
    ]


def test_language_falls_back_to_the_askers_own_on_short_texts(indexed) -> None:
    assert answer("Sveiki", indexed, NOW, "lt").language == "lt"
    assert answer("?", indexed, NOW, "en").language == "en"
    # A question that is clearly in one language wins over the member's setting.
    assert answer("Kada kitas seminaras?", indexed, NOW, "lv").language == "lt"


@pytest.mark.parametrize(
    ("phrase", "month"),
    [
        ("decembrī", 12),
        ("decembris", 12),
        ("decembra", 12),
        ("gruodį", 12),
        ("gruodžio", 12),
        ("gruodyje", 12),
        ("gruodis", 12),
        ("December", 12),
        ("Dec", 12),
        ("janvārī", 1),
        ("sausį", 1),
        ("sausio", 1),
        ("martā", 3),
        ("kovą", 3),
        ("kovo", 3),
        ("maijā", 5),
        ("gegužę", 5),
        ("jūnijā", 6),
        ("birželį", 6),
        ("liepos", 7),
        ("augustā", 8),
        ("rugpjūtį", 8),
        ("septembrī", 9),
        ("rugsėjį", 9),
        ("oktobrī", 10),
        ("spalio", 10),
        ("novembrī", 11),
        ("lapkritį", 11),
    ],
)
def test_months_are_found_in_every_case_form(phrase: str, month: int) -> None:
    span, _ = when.find(phrase, words.tokens(phrase), TODAY)
    assert span is not None and span.start.month == month and span.unit == "month"


def test_relative_days_weeks_and_written_dates() -> None:
    monday = date(2026, 11, 23)

    def start_end(text: str) -> tuple[date, date]:
        span, _ = when.find(text, words.tokens(text), monday)
        assert span is not None, text
        return span.start, span.end

    assert start_end("rīt") == (date(2026, 11, 24), date(2026, 11, 25))
    assert start_end("parīt") == (date(2026, 11, 25), date(2026, 11, 26))
    assert start_end("rytoj") == (date(2026, 11, 24), date(2026, 11, 25))
    assert start_end("nākamnedēļ") == (date(2026, 11, 30), date(2026, 12, 7))
    assert start_end("nākamajā nedēļā") == (date(2026, 11, 30), date(2026, 12, 7))
    assert start_end("kitą savaitę") == (date(2026, 11, 30), date(2026, 12, 7))
    assert start_end("next month") == (date(2026, 12, 1), date(2027, 1, 1))
    assert start_end("piektdien") == (date(2026, 11, 27), date(2026, 11, 28))
    assert start_end("15. decembrī") == (date(2026, 12, 15), date(2026, 12, 16))
    assert start_end("gruodžio 15 d.") == (date(2026, 12, 15), date(2026, 12, 16))
    assert start_end("2027-02-03") == (date(2027, 2, 3), date(2027, 2, 4))
    assert start_end("3.12.") == (date(2026, 12, 3), date(2026, 12, 4))
    assert start_end("no 1. līdz 10. decembrim") == (date(2026, 12, 1), date(2026, 12, 11))
    assert start_end("gruodžio 1–9 d.") == (date(2026, 12, 1), date(2026, 12, 10))
    assert start_end("1-12 December") == (date(2026, 12, 1), date(2026, 12, 13))
    assert start_end("pēc nedēļas") == (date(2026, 11, 30), date(2026, 12, 7))
    assert start_end("events in Jan 2027") == (date(2027, 1, 1), date(2027, 2, 1))
    # Short month names only as written: "Jāņi" (Midsummer) is not "Jan".
    assert when.find("Kad ir Jāņi?", words.tokens("Kad ir Jāņi?"), monday)[0] is None
    # A month already past this year means next year's.
    # A month just gone, asked without a tense, is the past one; in the future tense, the next.
    assert start_end("oktobrī")[0] == date(2026, 10, 1)
    future, _ = when.find("oktobrī", ["oktobrī"], monday, "future")
    assert future is not None and future.start == date(2027, 10, 1)
    assert start_end("augustā")[0] == date(2027, 8, 1)
    # English "may" is a month only next to a number or after "in".
    assert when.find("may I ask", words.tokens("may I ask"), monday)[0] is None


def test_dateparser_reads_what_the_tables_do_not() -> None:
    span = when.parse_fallback("on 5 February 2027", "en", TODAY)
    assert span is not None and span.start == date(2027, 2, 5)


def test_latvian_dates_take_the_locative_in_sentences() -> None:
    assert [latvian_locative(m) for m in ("decembris", "marts", "maijs", "jūnijs")] == [
        "decembrī",
        "martā",
        "maijā",
        "jūnijā",
    ]
    assert day_text(date(2026, 12, 15), "lv", TODAY) == "otrdien, 15. decembrī"
    assert day_text(date(2026, 12, 15), "lt", TODAY) == "gruodžio 15 d. (antradienį)"
    assert day_text(date(2027, 1, 5), "en", TODAY) == "Tuesday, 5 January 2027"
    span = when.Span(date(2026, 12, 1), date(2027, 1, 1), "month")
    assert period_text(span, "lv", TODAY) == "decembrī"
    assert period_text(span, "lt", TODAY) == "gruodžio mėnesį"
    event = Event(
        "x",
        "Konference",
        datetime(2027, 3, 18, tzinfo=ZONE),
        datetime(2027, 3, 20, tzinfo=ZONE),
        all_day=True,
    )
    assert event_when(event, "lv", ZONE, TODAY) == "2027. gada 18.–19. martā"
    timed = replace(
        event,
        all_day=False,
        start=datetime(2026, 12, 3, 10, tzinfo=ZONE),
        end=datetime(2026, 12, 3, 15, 30, tzinfo=ZONE),
    )
    assert event_when(timed, "lv", ZONE, TODAY) == "ceturtdien, 3. decembrī, plkst. 10.00–15.30"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Seminārs bibliotekāriem", "seminar"),
        ("Tarptautinė konferencija", "conference"),
        ("Kursi bērnu bibliotekāriem", "course"),
        ("Darbnīca: grāmatu restaurācija", "workshop"),
        ("Pieredzes apmaiņas brauciens uz Tartu", "study_trip"),
        ("Stažuotė Suomijoje", "study_trip"),
        ("Latvijas Bibliotēku festivāls", "festival"),
        ("Valdes sanāksme", "board_meeting"),  # a sort of meeting
        ("Vebinārs par IAM", "webinar"),
        ("Lecture on open access", "lecture"),
        ("Paskaita apie skaitymą", "lecture"),
        ("CoBAL kongress", "congress"),
        ("Konkursas „Metų bibliotekininkas“", "contest"),
        ("Bibliotēku nedēļa", ""),
    ],
)
def test_kinds_are_recognised_in_three_languages(title: str, kind: str) -> None:
    assert kinds.classify(title) == kind


def test_categories_decide_the_kind_before_the_title() -> None:
    assert kinds.classify("IFLA jaunumi", ("Vebinārs",)) == "webinar"


def test_the_plan_splits_into_headed_sections() -> None:
    from tests.question_set import ROOT

    plan = parse_plan((ROOT / "examples" / "plan.md").read_text("utf-8"))
    assert plan.title.startswith("Latvijas Bibliotekāru biedrības attīstības un darba plāns")
    assert [s.heading for s in plan.main_sections] == [
        "Mērķis",
        "Moto",
        "Darbības virzieni",
        "Darbības instrumenti",
        "Rezultāti",
    ]
    motto = next(s for s in plan.sections if s.heading == "Moto")
    assert motto.text == "iedvesmo; iesaisti; iespējo; vieno."


def test_answers_are_worded_in_the_askers_language(indexed) -> None:
    catalogs = Catalogs()

    def say(question: str) -> str:
        found = answer(question, indexed, NOW)
        wording = Wording(
            catalogs.get(found.language), ZONE, NOW, calendar_url="https://x.lv/events.ics"
        )
        return answer_text(found, wording)

    lv = say("Kad ir nākamais seminārs?")
    assert lv.startswith("Tuvākais seminārs:")
    assert "ceturtdien, 3. decembrī, plkst. 10.00–15.30" in lv
    assert "https://x.lv/events.ics" in lv
    lt = say("Kokie renginiai gruodį?")
    assert lt.startswith("Renginiai gruodžio mėnesį:")
    assert "Atšaukta: LBB valdes sēde (gruodžio 17 d.)" in lt
    en = say("What is the motto?")
    assert "“Moto”" in en and "iedvesmo; iesaisti; iespējo; vieno." in en
    assert "has not been translated" in en
    assert say("Vai valdes sēde notiks?").endswith("Šis pasākums ir atcelts.")
    unknown = say("Kas ir Latvijas prezidents?")
    assert unknown.startswith("Atvainojiet") and "Kad ir nākamais seminārs?" in unknown


def test_a_large_calendar_keeps_the_answers(indexed) -> None:
    # Ten thousand more events far ahead change nothing about next month's answers.
    filler = [
        Event(
            f"filler-{n}@example.org",
            f"Filler gathering {n}",
            datetime(2028, 1, 1, tzinfo=ZONE) + timedelta(hours=3 * n),
            datetime(2028, 1, 1, 1, tzinfo=ZONE) + timedelta(hours=3 * n),
            kind="seminar",
        )
        for n in range(10_000)
    ]
    big = knowledge(filler)
    for question in QUESTIONS[:20]:
        assert problems(question, answer(question.text, big, NOW)) == []


@pytest.mark.parametrize(
    ("plan_file", "question", "intent", "expected"),
    [
        ("lbd-plan.md", "Kokia draugijos vizija?", "plan", "Vizija"),
        ("lbd-plan.md", "Koks šūkis?", "plan", "Šūkis"),
        ("lbd-plan.md", "Kokios strateginės kryptys?", "plan", "Strateginės kryptys"),
        ("lbd-plan.md", "Kokie laukiami rezultatai?", "plan", "Laukiami rezultatai"),
        ("lbd-plan.md", "Ką strategija sako apie IFLA?", "plan", "Strateginės kryptys"),
        ("lbd-plan.md", "Kāds ir biedrības mērķis?", "plan", "Misija"),
        ("ela-plan.md", "What is the goal?", "plan", "Our goal"),
        ("ela-plan.md", "What tools does the association use?", "plan", "Tools"),
        ("ela-plan.md", "Kāds ir moto?", "plan", "Motto"),
        ("ela-plan.md", "What about advocacy?", "plan", "Areas of work"),
        ("lbd-plan.md", "Kada kiti mokymai?", "next_event", "u1@x"),
        ("lbd-plan.md", "Kada vyks Kalėdinis susitikimas?", "event_by_name", "u2@x"),
        ("lbd-plan.md", "When is the Annual General Meeting?", "event_by_name", "u4@x"),
        ("lbd-plan.md", "Kad ir Pasaules grāmatu diena?", "event_by_name", "u6@x"),
        ("lbd-plan.md", "Kad ir nākamais seminārs?", "next_event", "u5@x"),
        ("lbd-plan.md", "Kas notiks februārī?", "events_in_period", "u5@x"),
    ],
)
def test_a_plan_and_calendar_written_by_someone_else(
    plan_file: str, question: str, intent: str, expected: str
) -> None:
    from feeds.ics import parse_calendar
    from tests.question_set import ROOT

    fixtures = ROOT / "tests" / "fixtures"
    events = parse_calendar(
        (fixtures / "other.ics").read_bytes(),
        zone=ZONE,
        start=NOW - timedelta(days=30),
        end=NOW + timedelta(days=400),
        calendar="X",
    ).events
    events = [replace(e, kind=kinds.classify(e.title, e.categories)) for e in events]
    from vestnesis.answering.engine import Knowledge

    plan = parse_plan((fixtures / plan_file).read_text("utf-8"))
    found = answer(question, Knowledge.build(events, plan, ZONE), NOW)
    assert found.intent == intent
    given = [s.heading for s in found.sections] + [e.uid for e in found.events]
    assert given[:1] == [expected]


def test_towns_and_years_narrow_the_events(indexed) -> None:
    riga = answer("Kas notiks Rīgā?", indexed, NOW)
    assert riga.intent == "events_in_period"
    assert [e.uid for e in riga.events] == [
        "seminars-ilgtspeja-2026@bibliotekari.lv",
        "festivals-2027@bibliotekari.lv",
    ]
    vilnius = answer("What is on in Vilnius?", indexed, NOW)
    assert "cobal-2027@bibliotekari.lv" in [e.uid for e in vilnius.events]
    # "Latvijas" is in the name of a library, not a town: no events of "Latvia" are invented.
    assert answer("Kas ir Latvijas prezidents?", indexed, NOW).intent == "unknown"
    year = answer("Kādi pasākumi 2027. gadā?", indexed, NOW)
    assert year.period is not None and year.period.unit == "year"
    assert all(e.start.year == 2027 for e in year.events)
    # Up to MAX_LISTED events are listed, the rest counted: none is lost.
    in_2027 = [e for e in indexed.events if e.start.year == 2027 and not e.cancelled]
    assert len(year.events) + year.more == len(in_2027) > 12


def test_the_heading_with_the_askers_own_word_wins() -> None:
    from vestnesis.answering.engine import Knowledge

    plan = parse_plan(
        "# P\n\n## Misija\n\nVienot.\n\n## Mērķi\n\nAttīstīt.\n\n## Vīzija\n\nAtvērt.\n"
    )
    indexed = Knowledge.build([], plan, ZONE)
    assert answer("Kāda ir misija?", indexed, NOW).sections[0].heading == "Misija"
    assert answer("Kādi ir mērķi?", indexed, NOW).sections[0].heading == "Mērķi"
    assert answer("What is the vision?", indexed, NOW).sections[0].heading == "Vīzija"


def test_upcoming_in_the_plural_is_a_list(indexed) -> None:
    found = answer("Kādi semināri gaidāmi?", indexed, NOW)
    assert found.intent == "events_in_period"
    assert [e.uid for e in found.events] == [
        "seminars-ilgtspeja-2026@bibliotekari.lv",
        "lbd-seminaras-2026-12@lbd.lt",
    ]


def test_a_named_series_in_a_month_gives_that_months_occurrence(indexed) -> None:
    found = answer("Vai IFLA vebinārs februārī ir atcelts?", indexed, NOW)
    assert found.intent == "event_by_name"
    [event] = found.events
    assert event.cancelled and event.start.astimezone(ZONE).month == 2


@pytest.mark.parametrize(
    "question",
    [
        "When is the Baltic library conference?",  # no such conference: not the LBB one
        "Kad notiks Muzeju nakts?",  # only mentioned in the plan, not an event
        "Kad notiks lasītāju konkurss?",
    ],
)
def test_events_that_are_not_in_the_calendar_are_not_answered_with_others(
    question: str, indexed
) -> None:
    found = answer(question, indexed, NOW)
    assert found.intent == "unknown" and found.events == ()


def test_a_kind_the_calendar_lacks_is_answered_with_none_not_another(indexed) -> None:
    # A book fair is a kind of event (a fair); there is none in Kaunas, nor anywhere: not the
    # seminar held there.
    found = answer("Kada vyks Kauno knygų mugė?", indexed, NOW)
    assert (found.intent, found.kind, found.events) == ("next_event", "fair", ())


def test_the_board_is_not_the_council(indexed) -> None:
    assert [e.uid for e in answer("Kada vyks EBLIDA taryba?", indexed, NOW).events] == [
        "eblida-council-2027@eblida.org"
    ]
    board = answer("Is the board meeting cancelled?", indexed, NOW)
    assert [e.uid for e in board.events] == ["valdes-sede-2026-12@bibliotekari.lv"]


def test_english_titles_answer_latvian_and_lithuanian_questions() -> None:
    from vestnesis.answering.engine import Knowledge

    def event(uid: str, title: str, days: int, place: str = "") -> Event:
        start = NOW + timedelta(days=days)
        return Event(
            uid, title, start, start + timedelta(hours=2), place=place, kind=kinds.classify(title)
        )

    indexed = Knowledge.build(
        [
            event("seminar", "Reading Promotion Seminar", 12, "Liepaja"),
            event("trip", "Study Trip to Finland", 60, "Helsinki"),
            event("webinar", "Webinar: Copyright in Libraries", 15),
        ],
        None,
        ZONE,
    )
    expected = {
        "Kad ir nākamais seminārs?": ("next_event", ["seminar"]),  # "Reading" is not its kind
        "Kad ir pieredzes apmaiņas brauciens uz Somiju?": ("event_by_name", ["trip"]),
        "Kada stažuotė į Suomiją?": ("event_by_name", ["trip"]),
        "Kādi pasākumi notiks Liepājā?": ("events_in_period", ["seminar"]),  # not July (liepa)
        "Kada vyks vebinaras apie autorių teises?": ("event_by_name", ["webinar"]),
        "Kad ir lasīšanas veicināšanas seminārs?": ("event_by_name", ["seminar"]),
    }
    for question, (intent, uids) in expected.items():
        found = answer(question, indexed, NOW)
        assert (found.intent, [e.uid for e in found.events]) == (intent, uids), question


@pytest.mark.parametrize(
    ("question", "setting", "expected"),
    [
        ("Kada vyks Bibliotēku nedēļa?", "lt", "lt"),
        ("Kada vyks Latvijas Bibliotēku festivāls?", "lv", "lt"),
        ("Kada bus Latvijas Bibliotēku festivāls?", "lt", "lt"),  # kada, bus: lv or lt
        ("Kur vyks Pieredzes apmaiņas brauciens uz Igaunijas bibliotēkām?", "lt", "lt"),
        ("Kada vyks Darbnīca Lasīšanas veicināšana bērniem?", "en", "lt"),
        ("When is Bibliotēku nedēļa?", "lv", "en"),
        ("Bibliotēku nedēļa 2027?", "lt", "lt"),  # only a title: the member's own language
        ("Bibliotēku nedēļa 2027?", "en", "en"),
        ("Kad notiks Bibliotēku nedēļa?", "lt", "lv"),  # asked in Latvian: answered in it
    ],
)
def test_the_language_comes_from_the_question_not_the_title_it_names(
    indexed, question: str, setting: str, expected: str
) -> None:
    found = answer(question, indexed, NOW, setting)
    assert found.intent == "event_by_name" and found.events
    assert found.language == expected
