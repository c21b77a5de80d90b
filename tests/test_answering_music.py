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
from vestnesis.answering import Knowledge, answer, parse_plan

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


HEALTH_PLAN = """# Biedrības darbības plāns 2027–2029

## 1. sadaļa. Ievads

Biedrība apvieno slimnīcu bibliotēkas.

## 2. sadaļa. Virsmērķis un apakšmērķi

Veselīga sabiedrība, kas lasa.

### 2.1. Veselībpratība sabiedrībā

Lekcijas par uzticamu informāciju.

### 2.2. Bibliotēkas pacientiem

Lasīšana pacientiem un atmiņu kafejnīcas cilvēkiem ar demenci.

## 3. sadaļa. Budžets

Biedru maksas un ziedojumi.

## 4. sadaļa. Uzraudzība un izvērtēšana

Valde katru gadu izvērtē plāna izpildi.
"""


@pytest.mark.parametrize(
    ("question", "section", "language"),
    [
        ("what is the main goal", "2. sadaļa. Virsmērķis un apakšmērķi", "en"),
        ("koks pagrindinis tikslas", "2. sadaļa. Virsmērķis un apakšmērķi", "lt"),
        ("kāds ir biedrības mērķis", "2. sadaļa. Virsmērķis un apakšmērķi", "lv"),
        ("what is the goal about dementia", "2.2. Bibliotēkas pacientiem", "en"),
        ("budget", "3. sadaļa. Budžets", "en"),
        ("stebėsena ir vertinimas", "4. sadaļa. Uzraudzība un izvērtēšana", "lt"),
    ],
)
def test_plan_headings_of_compounds_and_parts_and_one_word_questions(
    question, section, language
) -> None:
    # "Virsmērķis" (the overall goal) is a compound of "mērķis"; a sub-goal is asked by
    # what it is about; a one-word question is answered in its own language.
    knowledge = indexed([], HEALTH_PLAN, ZONE)
    found = answer(question, knowledge, NOW)
    assert (found.intent, found.sections[0].heading, found.language) == (
        "plan",
        section,
        language,
    )


HEALTH_NOW = datetime(2027, 4, 29, 16, 45, tzinfo=ZoneInfo("Europe/Riga"))
HEALTH_ZONE = ZoneInfo("Europe/Riga")
HEALTH_EVENTS = [
    event_on(
        "talk-may",
        "Veselībpratības lekcija: zāles",
        (2027, 5, 12),
        "Rīga",
        "Lekcija",
        zone=HEALTH_ZONE,
    ),
    event_on(
        "talk-oct",
        "Veselībpratības lekcija: miegs",
        (2027, 10, 6),
        "Rīga",
        "Lekcija",
        zone=HEALTH_ZONE,
    ),
    event_on(
        "talk-oct2", "Lekcija par uzturu", (2027, 10, 20), "Cēsis", "Lekcija", zone=HEALTH_ZONE
    ),
    event_on(
        "donor",
        "Donoru diena Daugavpilī",
        (2027, 5, 6),
        "Daugavpils",
        "Donoru diena",
        zone=HEALTH_ZONE,
        status="cancelled",
    ),
    event_on(
        "donor-riga",
        "Donoru diena bibliotēkā",
        (2027, 6, 3),
        "Rīga",
        "Donoru diena",
        zone=HEALTH_ZONE,
    ),
    event_on(
        "seminar",
        "Daugavpils pieredze: seminārs",
        (2027, 5, 20),
        "Rēzekne",
        "Seminārs",
        zone=HEALTH_ZONE,
    ),
    event_on(
        "reading", "Lasīšana pacientiem", (2027, 5, 14), "Daugavpils", "Lasīšana", zone=HEALTH_ZONE
    ),
]


@pytest.fixture(scope="module")
def health() -> Knowledge:
    return indexed(HEALTH_EVENTS, HEALTH_PLAN, HEALTH_ZONE)


@pytest.mark.parametrize(
    "question",
    [
        "is the blood donation day in daugavpils still happening",
        "vai donoru diena Daugavpilī vēl notiks",
        "ar dar vyks donorų diena Daugpilyje",
    ],
)
def test_the_only_match_being_cancelled_is_named_as_cancelled(health, question) -> None:
    found = answer(question, health, HEALTH_NOW)
    assert (found.intent, _uids(found)) == ("event_by_name", ["donor"])


@pytest.mark.parametrize(
    "question",
    ["health literacy talks in october", "lekcijas oktobrī", "paskaitos spalio mėnesį"],
)
def test_a_kind_in_the_plural_with_a_period_is_a_list_not_one_title(health, question) -> None:
    found = answer(question, health, HEALTH_NOW)
    assert (found.intent, _uids(found)) == ("events_in_period", ["talk-oct", "talk-oct2"])


@pytest.mark.parametrize(
    "question",
    ["kas vyks Daugpilyje gegužę", "kas notiks Daugavpilī maijā", "events in daugavpils in may"],
)
def test_a_town_named_in_a_title_asked_with_a_period_is_the_place(health, question) -> None:
    # „Daugavpils pieredze: seminārs” is held in Rēzekne; in Daugavpils in May: the reading
    # (and the cancelled donor day, said to be cancelled).
    found = answer(question, health, HEALTH_NOW)
    assert found.intent == "events_in_period"
    assert _uids(found) == ["reading"] and [e.uid for e in found.cancelled] == ["donor"]


@pytest.mark.parametrize(
    "markdown",
    [
        "Plāns\n=====\n\nMisija\n------\n\nMēs palīdzam lasīt.\n\nVīzija\n------\n\nLasoša sabiedrība.\n",
        "# Plāns\n\n**Misija**\n\nMēs palīdzam lasīt.\n\n---\n\n**Vīzija:**\n\nLasoša sabiedrība.\n",
    ],
)
def test_plans_headed_by_underlines_or_bold_lines_are_split_by_them(markdown) -> None:
    plan = parse_plan(markdown)
    assert [(s.heading, s.level, s.parent, s.paragraphs) for s in plan.sections] == [
        ("Plāns", 1, "", ()),
        ("Misija", 2, "Plāns", ("Mēs palīdzam lasīt.",)),
        ("Vīzija", 2, "Plāns", ("Lasoša sabiedrība.",)),
    ]
    found = answer("kāda ir vīzija", indexed([], markdown, ZONE), NOW)
    assert found.sections[0].heading == "Vīzija"


def test_a_bold_line_inside_a_headed_part_stays_part_of_it() -> None:
    plan = parse_plan("# Plāns\n\n## Mērķi\n\n**1) Lasīšana**\n\nVairāk lasītāju.\n")
    assert [(s.heading, s.paragraphs) for s in plan.sections] == [
        ("Plāns", ()),
        ("Mērķi", ("1) Lasīšana", "Vairāk lasītāju.")),
    ]


BORDER_PLAN = """# Border Libraries Association — Plan 2027–2029

## Part A — Who we are

### A1. Why we exist

We keep the libraries on both sides of the border open to every reader.

### A2. Where we want to be by 2030

Every reader in the border towns borrows in both languages.

## Part B — What we will do, year by year

### B1. 2027: Open the border shelves

Shared shelves in six libraries.

### B2. 2028: Readers on the move

A book bus between the villages.

## Part E — How we will know it worked

Loans across the border double.

## Part F — Word list

Border shelf: books of the other country's language.
"""


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("kāpēc biedrība pastāv", "A1. Why we exist"),
        ("kodėl egzistuoja draugija", "A1. Why we exist"),
        ("where do we want to be by 2030", "A2. Where we want to be by 2030"),
        ("kur gribam būt līdz 2030. gadam", "A2. Where we want to be by 2030"),
        ("ko darīsim 2027. gadā", "B1. 2027: Open the border shelves"),
        ("what will we do in 2028", "B2. 2028: Readers on the move"),
        ("kas numatyta 2028 metams", "B2. 2028: Readers on the move"),
        ("how will we know it worked", "Part E — How we will know it worked"),
        ("word list", "Part F — Word list"),
        ("žodžių sąrašas", "Part F — Word list"),
    ],
)
def test_plain_language_headings_and_parts_by_year(question, section) -> None:
    knowledge = indexed([], BORDER_PLAN, ZONE)
    found = answer(question, knowledge, NOW)
    assert (found.intent, found.sections[0].heading) == ("plan", section)


@pytest.mark.parametrize(
    "question",
    [
        "is the literary boat trip on the gauja still on",
        "vai laivu brauciens pa Gauju vēl notiks",
        "ar dar vyks plaukimas valtimis Gaujoje",
    ],
)
def test_asked_what_is_ahead_the_edition_that_was_to_come_is_named_even_cancelled(
    question,
) -> None:
    zone = ZoneInfo("Europe/Riga")
    events = [
        event_on(
            "boat-2026",
            "Literary boat trip on the Gauja 2026",
            (2026, 7, 4),
            "Valmiera",
            "Boat trip",
            zone=zone,
        ),
        event_on(
            "boat-2027",
            "Literārais laivu brauciens pa Gauju 2027",
            (2027, 7, 3),
            "Valmiera",
            "Laivu brauciens",
            zone=zone,
            status="cancelled",
        ),
    ]
    knowledge = indexed(events, BORDER_PLAN, zone)
    found = answer(question, knowledge, datetime(2027, 6, 19, 21, 30, tzinfo=zone))
    assert _uids(found) == ["boat-2027"] and found.events[0].cancelled


CONSERVATION_PLAN = """# Lietuvos bibliotekų paveldo konservatorių asociacijos veiklos gairės 2027–2030

## § 1. Paskirtis

Asociacija saugo bibliotekų paveldą.

## § 3.2. Pasirengimas nelaimėms

Kiekviena biblioteka turi gelbėjimo planą potvyniams ir gaisrams.

## § 4. Narystė ir nario mokestis

Nario mokestis – 30 eurų per metus.

## § 6. Lėšos

Kultūros tarybos lėšos ir nario mokesčiai.
"""


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("kokia asociacijos paskirtis?", "§ 1. Paskirtis"),
        ("kiek kainuoja nario mokestis?", "§ 4. Narystė ir nario mokestis"),
        ("ka darote del pasirengimo nelaimems", "§ 3.2. Pasirengimas nelaimėms"),
    ],
)
def test_a_heading_with_the_words_asked_and_a_topic_word_no_kind_takes(question, section) -> None:
    # "paskirtis" (purpose) is our own word, not a typo of "paskaita" (lecture); a heading that
    # has "nario mokestis" side by side answers what the membership fee is.
    knowledge = indexed([], CONSERVATION_PLAN, ZoneInfo("Europe/Vilnius"))
    found = answer(question, knowledge, NOW)
    assert (found.intent, found.sections[0].heading) == ("plan", section)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("when is the next emergency drill", "drill"),
        ("kad nākamās glābšanas mācības", "drill"),
        ("kada kitos pratybos", "drill"),
        ("when is the next colloquium", "colloquium"),
        ("kada kitas kolokviumas", "colloquium"),
    ],
)
def test_drills_and_colloquia_are_kinds(question, kind) -> None:
    zone = ZoneInfo("Europe/Vilnius")
    events = [
        event_on(
            "d", "Gelbėjimo pratybos bibliotekoje", (2027, 9, 8), "Kaunas", "Pratybos", zone=zone
        ),
        event_on(
            "c",
            "Kolokviumas: popieriaus rūgštingumas",
            (2027, 10, 6),
            "Vilnius",
            "Kolokviumas",
            zone=zone,
        ),
        event_on("s", "Paleografijos būrelis", (2027, 8, 26), "Vilnius", "Būrelis", zone=zone),
    ]
    knowledge = indexed(events, CONSERVATION_PLAN, zone)
    found = answer(question, knowledge, datetime(2027, 8, 24, 7, 20, tzinfo=zone))
    assert (found.kind, _uids(found)) == (kind, ["d" if kind == "drill" else "c"])


def test_the_days_gone_of_a_month_under_way_asked_in_the_past_are_worded_in_the_past() -> None:
    from vestnesis.answering import Wording, answer_text
    from vestnesis.i18n import Catalogs

    zone = ZoneInfo("Europe/Vilnius")
    events = [
        event_on("x1", "Paroda „Kėdainių knygos“", (2027, 8, 10), "Kėdainiai", "Paroda", zone=zone),
        event_on("x2", "Paroda „Stiklo plokštelės“", (2027, 8, 30), "Vilnius", "Paroda", zone=zone),
    ]
    now = datetime(2027, 8, 24, 7, 20, tzinfo=zone)
    found = answer(
        "which exhibitions were there in august", indexed(events, BORDER_PLAN, zone), now
    )
    assert (found.intent, _uids(found)) == ("events_in_period", ["x1"])
    text = answer_text(found, Wording(Catalogs().get("en"), zone, now))
    assert text.splitlines()[0] == "Exhibitions that took place in August:"
