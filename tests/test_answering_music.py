"""Question answering on a calendar and a plan of a music and art libraries' society: kinds
such libraries hold (concert-lectures, open rehearsals, board-game evenings, local-history
walks), names asked across languages through the shared word groups (choir, rehearsal, organ,
sheet music), plan parts asked by their own words (strengths and weaknesses, cooperation,
who elects the board). Each class in lv, en and lt, on events and a plan of its own."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from storage import Event
from tests.question_set import event_on, indexed
from vestnesis.answering import Knowledge, answer

ZONE = ZoneInfo("Europe/Vilnius")
NOW = datetime(2028, 10, 2, 9, 0, tzinfo=ZONE)  # a Monday morning


def _event(uid: str, title: str, day: tuple[int, int, int], place: str, *categories: str) -> Event:
    return event_on(uid, title, day, place, *categories, zone=ZONE, hour=18)


EVENTS = [
    _event("cl", "Koncertas-paskaita „Bacho siuitos“", (2028, 10, 12), "Šiauliai", "Koncertai"),
    _event("cl-lv", "Koncertlekcija „Dziesmu svētku dziesmas”", (2028, 11, 9), "Jelgava"),
    _event("concert", "Rudens koncertas", (2028, 10, 5), "Šiauliai", "Koncertas"),
    _event("games", "Stalo žaidimų vakaras", (2028, 10, 6), "Alytus", "Laisvalaikis"),
    _event(
        "rehearsal",
        "Atvira repeticija su Šiaulių berniukų choru",
        (2028, 10, 20),
        "Šiauliai",
        "Atvira repeticija",
    ),
    _event("walk", "Kraštotyros pasivaikščiojimas „Senoji Jelgava“", (2028, 10, 14), "Jelgava"),
    _event("night", "Bibliotekų naktis 2028: menų labirintai", (2028, 10, 27), "Alytus", "Naktis"),
    _event(
        "organ",
        "Vargonų muzikos vakaras „Rudens vargonai“",
        (2028, 10, 25),
        "Kaunas",
        "Koncertas",
    ),
]

PLAN = """# Draugijos strategija 2028–2031

## I. Stiprybės, silpnybės, galimybės ir grėsmės

Stiprybės: sukaupti retų natų fondai. Silpnybės: mažai skaitmeninių paslaugų.

## II. Tikslai

### 1 tikslas. Atviri natų fondai

Skaitmeninti retus natų leidinius ir juos paskelbti internete.

## III. Partneriai

Bendradarbiaujame su Latvijos muzikos akademijos biblioteka ir Lietuvos aklųjų biblioteka.

## IV. Valdymas

Visuotinis narių susirinkimas renka valdybą trejiems metams.

## V. Finansavimas

Nario mokesčiai ir projektų lėšos.

Kultūros tarybos stipendijos renginiams.

## VI. Renginiai

Koncertai ir parodos bibliotekose kiekvieną mėnesį.

Vasaros stovykla jauniems bibliotekininkams.
"""


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return indexed(EVENTS, PLAN, ZONE)


def _uids(found) -> list[str]:
    return [e.uid for e in found.events]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("nākamā koncertlekcija", ["cl"]),
        ("next concert-lecture", ["cl"]),
        ("kada kitas koncertas-paskaita", ["cl"]),
        ("kad nākamais galda spēļu vakars", ["games"]),
        ("next board game night", ["games"]),
        ("kada kitas stalo žaidimų vakaras", ["games"]),
        ("kad nākamais atklātais mēģinājums", ["rehearsal"]),
        ("next open rehearsal", ["rehearsal"]),
        ("kada kita atvira repeticija", ["rehearsal"]),
        ("nākamā novadpētniecības pastaiga", ["walk"]),
        ("next local history walk", ["walk"]),
        ("kada kitas pasivaikščiojimas", ["walk"]),
    ],
)
def test_kinds_of_a_music_library_calendar(knowledge, question, expected) -> None:
    found = answer(question, knowledge, NOW)
    assert (found.intent, _uids(found)) == ("next_event", expected)


def test_a_concert_lecture_is_a_concert(knowledge) -> None:
    # The concert of 5 October first, then the concert-lecture of the 12th.
    assert _uids(answer("next concert", knowledge, NOW)) == ["concert"]
    listed = answer("koncerti oktobrī", knowledge, NOW)
    assert _uids(listed) == ["concert", "cl", "organ"]


@pytest.mark.parametrize(
    "question",
    [
        "kad būs atklātais mēģinājums ar Šauļu zēnu kori",
        "when is the open rehearsal with the choir",
        "kada atvira repeticija su choru",
    ],
)
def test_a_name_asked_in_another_language_through_shared_words(knowledge, question) -> None:
    assert _uids(answer(question, knowledge, NOW)) == ["rehearsal"]


@pytest.mark.parametrize("question", ["kad būs ērģeļu koncerts", "when is the organ music evening"])
def test_organ_music_across_languages(knowledge, question) -> None:
    assert _uids(answer(question, knowledge, NOW)) == ["organ"]


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("strengths and weaknesses", "I. Stiprybės, silpnybės, galimybės ir grėsmės"),
        ("kādas ir stiprās un vājās puses", "I. Stiprybės, silpnybės, galimybės ir grėsmės"),
        ("kokios stiprybės", "I. Stiprybės, silpnybės, galimybės ir grėsmės"),
        ("sadarbība ar Latvijas Mūzikas akadēmiju", "III. Partneriai"),
        ("cooperation with the music academy", "III. Partneriai"),
        ("kas ievēl valdi", "IV. Valdymas"),
        ("who elects the board", "IV. Valdymas"),
        ("kas renka valdybą", "IV. Valdymas"),
        ("vai digitalizēsim retās notis", "1 tikslas. Atviri natų fondai"),
        ("will we digitise rare scores", "1 tikslas. Atviri natų fondai"),
    ],
)
def test_plan_parts_asked_in_their_own_words(knowledge, question, section) -> None:
    found = answer(question, knowledge, NOW)
    assert (found.intent, found.sections[0].heading) == ("plan", section)


def test_lithuanian_plan_words_tell_the_language(knowledge) -> None:
    assert answer("kas numatyta 1 tiksle", knowledge, NOW).language == "lt"


@pytest.mark.parametrize(
    "question",
    ["when is library night 2028", "kad būs bibliotēku nakts", "kada bibliotekų naktis"],
)
def test_a_word_that_ends_a_kinds_phrase_still_names_a_title(knowledge, question) -> None:
    # "night" ends "board game night" (and "vakaras" „Stalo žaidimų vakaras”), yet alone it
    # is no kind: "library night" is the „Bibliotekų naktis”, not the board games evening in
    # a library.
    assert _uids(answer(question, knowledge, NOW)) == ["night"]


@pytest.mark.parametrize(
    ("question", "tense", "start", "end"),
    [
        # Asked on Thursday 29 April 2027.
        ("kas notika no 1. līdz 10. aprīlim", "past", (2027, 4, 1), (2027, 4, 11)),
        ("what was on 22 april", "past", (2027, 4, 22), (2027, 4, 23)),
        ("ar įvyko balandžio 22", "past", (2027, 4, 22), (2027, 4, 23)),
        ("events from 20 april to 2 may", "", (2027, 4, 20), (2027, 5, 3)),
        ("what is on 22 april", "", (2028, 4, 22), (2028, 4, 23)),
        ("from 20 december to 10 january", "", (2027, 12, 20), (2028, 1, 11)),
    ],
)
def test_days_of_this_month_asked_in_the_past_or_still_under_way_are_this_years(
    question, tense, start, end
) -> None:
    from datetime import date

    from vestnesis.answering import when, words

    span, _ = when.find(question, words.tokens(question), date(2027, 4, 29), tense)
    assert span is not None and (span.start, span.end) == (date(*start), date(*end))


def test_a_kind_before_another_kind_names_which_one() -> None:
    # "the anniversary conference": a conference, and "anniversary" names which one.
    events = [
        event_on(
            "bhlc",
            "Baltic Health Libraries Conference 2027",
            (2027, 9, 1),
            "Rīga",
            "Conference",
            zone=ZONE,
        ),
        event_on(
            "jub",
            "LSVBB 35 gadu jubilejas konference",
            (2028, 3, 1),
            "Rīga",
            "Konference",
            zone=ZONE,
        ),
    ]
    knowledge = indexed(events, "# Plāns\n\n## Mērķis\n\nLasīšana.\n", ZONE)
    for question in (
        "when is the anniversary conference",
        "kad būs jubilejas konference",
        "kada jubiliejinė konferencija",
    ):
        assert _uids(answer(question, knowledge, datetime(2027, 4, 29, 12, tzinfo=ZONE))) == [
            "jub"
        ], question
