"""Question answering on a calendar and a plan of a library IT specialists' society: plan
headings written as questions ("Kāpēc šī programma", "Kas atbild", "Kā mēs mērām progresu")
answer the same question asked in any language; a word that names a topic in one language
only (lv "nauda", money; lt "nauda", benefit); a yes-or-no question of one event in a period
names the edition held then, whichever language its title is in; a lettered goal asked by its
letter; a masterclass is not a workshop; "data" is no typo of "date". Each class in lv, en and
lt, on events and a plan of their own."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from storage import Event
from tests.question_set import event_on, indexed
from vestnesis.answering import Knowledge, Wording, answer, answer_text, parse_plan
from vestnesis.i18n import Catalogs

ZONE = ZoneInfo("Europe/Riga")
NOW = datetime(2029, 3, 4, 18, 0, tzinfo=ZONE)  # a Sunday evening


def _event(
    uid: str, title: str, day: tuple[int, int, int], place: str, *categories: str, **kw: str
) -> Event:
    return event_on(uid, title, day, place, *categories, zone=ZONE, hour=17, **kw)


EVENTS = [
    _event("meetup-apr", "Evergreen User Group Meetup", (2029, 4, 12), "Rēzekne", "Tikšanās"),
    _event(
        "meetup-jun",
        "Evergreen lietotāju grupas tikšanās",
        (2029, 6, 7),
        "Talsi",
        "Tikšanās",
    ),
    _event(
        "meetup-mar",
        "Evergreen naudotojų grupės susitikimas",
        (2029, 3, 22),
        "Panevėžys",
        "Susitikimas",
        status="cancelled",
    ),
    _event("workshop", "Darbnīca: kataloga tīrīšana", (2029, 3, 29), "Ogre", "Darbnīca"),
    _event(
        "masterclass",
        "SQL bibliotekāriem",
        (2029, 3, 8),
        "Rīga",
        "Meistarklase",
        "Masterclass",
    ),
]

PLAN = """# Bibliotēku IT biedrības programma 2029

## Kāpēc šī programma

Biedrība vieno tos, kas bibliotēkās uztur tīklus un serverus.

## Mērķis A: Drošas sistēmas

Katrai bibliotēkai ir pārbaudīts atjaunošanas plāns.

### Rezultāts A1: Riski zināmi

Bibliotēkas aizpilda pašnovērtējumu.

### Rezultāts A2: Drošas sistēmas mazajās bibliotēkās

Mazās bibliotēkas saņem palīdzību.

## Mērķis B: Atvērti dati

Dati ir tīri un atrodami.

### Rezultāts B1: Atvērti dati par grāmatām

Kopīgi skripti datu tīrīšanai.

## Kā mēs mērām progresu

Reizi ceturksnī skaitļus ievadām kopīgā tabulā.

## Kas atbild

Valde vada darbu, katram mērķim ir savs vadītājs.

## Nauda

Darbu apmaksā no biedru maksām un ziedojumiem.
"""


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return indexed(EVENTS, PLAN, ZONE)


def _headings(found) -> list[str]:
    return [s.heading for s in found.sections]


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("kāpēc vajadzīga šī programma", "Kāpēc šī programma"),
        ("why this programme", "Kāpēc šī programma"),
        ("kodėl reikalinga ši programa", "Kāpēc šī programma"),
        ("kas atbild par programmu?", "Kas atbild"),
        ("who is responsible for the plan?", "Kas atbild"),
        ("kas atsakingas už planą", "Kas atbild"),
        ("kā jūs mērāt progresu?", "Kā mēs mērām progresu"),
        ("how do you measure progress", "Kā mēs mērām progresu"),
        ("kaip matuojate pažangą", "Kā mēs mērām progresu"),
    ],
)
def test_a_heading_written_as_a_question_answers_it_in_any_language(
    knowledge, question, heading
) -> None:
    found = answer(question, knowledge, NOW)
    assert (found.intent, _headings(found)) == ("plan", [heading])


def test_a_question_word_alone_does_not_turn_an_event_question_into_the_plan(knowledge) -> None:
    # "Kas atbild" opens with "kas" too; a question about a workshop is the calendar's.
    found = answer("kas notiks darbnīcā?", knowledge, NOW)
    assert found.intent != "plan"


@pytest.mark.parametrize(
    "question", ["no kurienes nāk nauda?", "where does the money come from", "iš kur pinigai"]
)
def test_money_is_the_plan_s_funding_in_each_language(knowledge, question) -> None:
    found = answer(question, knowledge, NOW)
    assert (found.intent, _headings(found)) == ("plan", ["Nauda"])


LT_PLAN = """# Draugijos planas 2029

## Nauda nariams

Nariai gauna mokymus ir konsultacijas.

## Finansavimas

Veiklą finansuoja nario mokesčiai ir projektai.
"""


@pytest.mark.parametrize(
    "question", ["no kurienes nāk nauda?", "where does the money come from", "iš kur pinigai"]
)
def test_a_word_that_means_money_in_one_language_only_is_not_so_in_another(question) -> None:
    # Lithuanian "nauda" is a benefit: a Lithuanian plan's "Nauda nariams" is not its funding.
    found = answer(question, indexed(EVENTS, LT_PLAN, ZONE), NOW)
    assert (found.intent, _headings(found)) == ("plan", ["Finansavimas"])


@pytest.mark.parametrize(
    "question",
    [
        "vai Evergreen lietotāju tikšanās martā notiks",
        "is the evergreen user group meetup in march still on",
        "ar vyks Evergreen naudotojų grupės susitikimas kovo mėnesį",
    ],
)
def test_a_yes_no_question_of_one_event_in_a_period_names_that_edition(knowledge, question) -> None:
    found = answer(question, knowledge, NOW)
    assert found.intent == "event_by_name"
    assert [(e.uid, e.cancelled) for e in found.events] == [("meetup-mar", True)]


def test_the_same_question_without_yes_or_no_still_lists_the_period(knowledge) -> None:
    found = answer("tikšanās martā", knowledge, NOW)
    assert found.intent == "events_in_period"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("nākamā darbnīca", "workshop"),
        ("next workshop", "workshop"),
        ("next masterclass", "masterclass"),
    ],
)
def test_a_masterclass_is_not_a_workshop(knowledge, question, expected) -> None:
    assert [e.uid for e in answer(question, knowledge, NOW).events] == [expected]


@pytest.mark.parametrize(
    "question", ["mērķis B atvērti dati", "goal B open data", "tikslas B atviri duomenys"]
)
def test_a_goal_asked_by_its_letter_is_that_goal_whatever_its_parts_say(
    knowledge, question
) -> None:
    found = answer(question, knowledge, NOW)
    assert (found.intent, _headings(found)[:1]) == ("plan", ["Mērķis B: Atvērti dati"])


# A plan titled by what it is ("… attīstības virzieni"), with an "about us" part, parts
# numbered by that word, the board, and a fee with its amount.
DIRECTIONS_PLAN = """# Kurzemes bibliotēku biedrības (KBB) attīstības virzieni 2029–2031

## Par biedrību

Biedrība apvieno 40 Kurzemes bibliotēkas.

## 1. virziens. Lasīšana

Lasīšanas veicināšana.

## 2. virziens. Digitālās prasmes

Apmācības senioriem.

## Pārvaldība

Kopsapulce ievēlē valdi uz trim gadiem. Biedru maksa ir 30 eiro gadā.
"""

SPRING_EVENTS = [
    *EVENTS,
    _event("spring-camp", "Pavasara nometne", (2030, 4, 10), "Kuldīga", "Nometne"),
    _event("old-forum", "Kurzemes forums 2028", (2028, 5, 10), "Kuldīga", "Forums"),
]


@pytest.fixture(scope="module")
def directions() -> Knowledge:
    return indexed(SPRING_EVENTS, DIRECTIONS_PLAN, ZONE)


@pytest.mark.parametrize(
    "question",
    [
        "Kādi ir biedrības attīstības virzieni?",
        "what are the association's development directions",
        "kokios yra draugijos plėtros kryptys",
    ],
)
def test_the_title_s_own_word_asks_the_parts_it_names(directions, question) -> None:
    found = answer(question, directions, NOW)
    assert (found.intent, _headings(found)[:1]) == ("plan", ["1. virziens. Lasīšana"])


@pytest.mark.parametrize(
    "question", ["kas ir KBB", "tell me about the association", "papasakok apie draugiją"]
)
def test_what_the_association_is_its_about_part_says(directions, question) -> None:
    found = answer(question, directions, NOW)
    assert (found.intent, _headings(found)) == ("plan", ["Par biedrību"])


@pytest.mark.parametrize(
    "question", ["kā tiek ievēlēta valde?", "who elects the board", "kas renka valdybą"]
)
def test_the_board_is_the_plan_s_governance(directions, question) -> None:
    assert _headings(answer(question, directions, NOW)) == ["Pārvaldība"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("cik maksā biedru maksa", "plan"),
        ("how much is the membership fee", "plan"),
        # The plan gives no price for the camp.
        ("cik maksā lasīšanas veicināšana", "unknown"),
    ],
)
def test_a_price_is_answered_only_where_the_plan_gives_an_amount(
    directions, question, intent
) -> None:
    assert answer(question, directions, NOW).intent == intent


@pytest.mark.parametrize(
    "question",
    [
        "What is planned for spring 2030?",
        "kas plānots 2030. gada pavasarī",
        "kas numatyta 2030 m. pavasarį",
    ],
)
def test_what_is_planned_for_a_season_is_the_calendar_s(directions, question) -> None:
    found = answer(question, directions, NOW)
    assert (found.intent, [e.uid for e in found.events]) == ("events_in_period", ["spring-camp"])


def test_what_is_planned_for_a_year_stays_the_plan_s(directions) -> None:
    assert answer("ko darīsim 2030. gadā", directions, NOW).intent == "plan"


@pytest.mark.parametrize(
    "question",
    [
        "Cik Evergreen tikšanās būs jūnijā?",
        "how many evergreen meetups in june",
        "kiek Evergreen susitikimų birželį",
    ],
)
def test_how_many_in_a_period_lists_them(directions, question) -> None:
    found = answer(question, directions, NOW)
    assert (found.intent, [e.uid for e in found.events]) == ("events_in_period", ["meetup-jun"])


def test_last_year_is_a_period_not_a_town_that_stems_alike() -> None:
    # "pernai" (last year) stems like Pärnu's Lithuanian forms.
    later = datetime(2029, 2, 1, 10, 0, tzinfo=ZONE)
    events = [_event("forum", "Kurzemes forums", (2028, 5, 10), "Pärnu", "Forums")]
    found = answer("kada buvo pernai forumas", indexed(events, DIRECTIONS_PLAN, ZONE), later)
    assert (found.intent, [e.uid for e in found.events]) == ("event_by_name", ["forum"])


# A month under way: on Sunday 4 March, the 1 March reading is over, the rest to come.
MARCH = [
    _event("reading-1", "Lasījumi bibliotēkā", (2029, 3, 1), "Ogre", "Lasījumi"),
    _event("reading-2", "Lasījumi bibliotēkā", (2029, 3, 15), "Ogre", "Lasījumi"),
    _event("called-off", "Dzejas vakars", (2029, 3, 2), "Ogre", "Vakars", status="cancelled"),
]


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ("kas notiek martā?", "Jau notika martā:"),
        ("what's on in March", "Already took place in March:"),
        ("kas vyksta kovą?", "Jau įvyko kovo mėnesį:"),
    ],
)
def test_a_month_under_way_lists_its_days_gone_worded_as_over(question, gone) -> None:
    found = answer(question, indexed(MARCH, PLAN, ZONE), NOW)
    assert found.intent == "events_in_period"
    # Still to come, as such; over, apart; called off, as called off.
    assert [e.uid for e in found.events] == ["reading-2"]
    assert [e.uid for e in found.earlier] == ["reading-1"]
    assert [e.uid for e in found.cancelled] == ["called-off"]
    text = answer_text(found, Wording(Catalogs().get(found.language), ZONE, NOW))
    assert gone in text
    assert text.index(gone) > text.index("15")  # the coming one first


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ("what's on this week", ["reading-1"]),
        ("kas notiek šonedēļ", ["reading-1"]),
        ("what's on for the rest of the week", []),
        ("kas vyks iki savaitės pabaigos", []),
    ],
)
def test_this_week_is_whole_and_its_rest_is_from_today(question, gone) -> None:
    found = answer(question, indexed(MARCH, PLAN, ZONE), NOW)
    assert [e.uid for e in found.earlier] == gone


# A plan written as questions and answers, its priorities numbered by their own headings,
# a glossary.
QA_PLAN = """# Zemgales pagastu bibliotēku biedrības plāns: jautājumi un atbildes

## Ko mēs darīsim līdz 2031. gadam?

### 1. prioritāte: bibliotēka kā ciema centrs

Pasākumi visām paaudzēm.

### 2. prioritāte: digitālās prasmes

Datorkursi senioriem.

## Cik tas maksās?

Plāns izmaksās 40 000 eiro.

## Ar ko mēs strādājam kopā?

Ar Latvijas Nacionālo bibliotēku un novadu pašvaldībām.

## Vārdnīca

Pagasts — vietējās pārvaldes teritorija. LEADER — Eiropas lauku attīstības programma.
"""


@pytest.fixture(scope="module")
def qa() -> Knowledge:
    return indexed(EVENTS, QA_PLAN, ZONE)


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("kāda ir otrā prioritāte", "2. prioritāte: digitālās prasmes"),
        ("what is the second priority", "2. prioritāte: digitālās prasmes"),
        ("koks yra antrasis prioritetas", "2. prioritāte: digitālās prasmes"),
        ("kādas ir jūsu prioritātes", "Ko mēs darīsim līdz 2031. gadam?"),
        ("what are your priorities until 2031", "Ko mēs darīsim līdz 2031. gadam?"),
        ("kokie jūsų prioritetai", "Ko mēs darīsim līdz 2031. gadam?"),
        ("ar kādām organizācijām sadarbojaties", "Ar ko mēs strādājam kopā?"),
        ("who do you work with", "Ar ko mēs strādājam kopā?"),
        ("su kuo bendradarbiaujate", "Ar ko mēs strādājam kopā?"),
        ("cik maksās plāns?", "Cik tas maksās?"),
        ("How much will the plan cost?", "Cik tas maksās?"),
        ("kiek kainuos planas?", "Cik tas maksās?"),
        ("ko nozīmē LEADER?", "Vārdnīca"),
        ("what does LEADER mean", "Vārdnīca"),
        ("ką reiškia LEADER", "Vārdnīca"),
    ],
)
def test_a_plan_of_questions_and_answers(qa, question, heading) -> None:
    found = answer(question, qa, NOW)
    assert (found.intent, _headings(found)[:1]) == ("plan", [heading])


@pytest.mark.parametrize(
    "question",
    [
        "basketbola spēles rezultāti vakar",
        "football match results yesterday",
        "krepšinio rungtynių rezultatai vakar",
    ],
)
def test_a_topic_word_among_words_of_another_matter_is_off_topic(qa, question) -> None:
    found = answer(question, qa, NOW)
    assert (found.intent, found.sections) == ("unknown", ())


def test_training_is_not_a_course() -> None:
    events = [
        _event("training", "Scopus: what's new", (2029, 3, 6), "Rīga", "Mokymai"),
        _event("course", "Informacinio raštingumo kursas", (2029, 3, 20), "Rīga", "Kursai"),
    ]
    known = indexed(events, QA_PLAN, ZONE)
    assert [e.uid for e in answer("Kada kitas kursas?", known, NOW).events] == ["course"]
    assert [e.uid for e in answer("next training", known, NOW).events] == ["training"]


def test_ask_json_gives_the_days_gone_apart_and_in_order() -> None:
    from vestnesis.events.asking import Reply

    found = answer("kas notiek martā?", indexed(MARCH, PLAN, ZONE), NOW)
    shape = Reply(found, "").as_json()
    assert shape["earlier"] == ["reading-1"]
    assert shape["events"] == ["reading-1", "called-off", "reading-2"]


def test_a_short_place_name_in_its_case_forms() -> None:
    # "Ape": its stems are too short to tell; the word itself is the place.
    events = [_event("ape", "Novadpētniecības vakars", (2029, 2, 20), "Apes bibliotēka, Ape")]
    known = indexed(events, PLAN, ZONE)
    for question in ("Kas notika Apē februārī?", "what was on in Ape in February"):
        found = answer(question, known, NOW)
        assert (found.intent, [e.uid for e in found.events]) == ("events_in_period", ["ape"])


@pytest.mark.parametrize(
    "question",
    ["When is the next reading circle?", "kad nākamais lasītāju pulciņš"],
)
def test_a_category_s_translation_holding_a_known_kind_word_names_it_too(question) -> None:
    # "Reading circle" beside "Lasītāju pulciņš" is its translation, not a "reading".
    events = [
        _event(
            "circle",
            "Pie tējas tases",
            (2029, 3, 20),
            "Rūjiena",
            "Lasītāju pulciņš",
            "Reading circle",
        ),
        _event("reading", "Skaļās lasīšanas diena", (2029, 3, 10), "Rūjiena", "Lasījumi"),
    ]
    found = answer(question, indexed(events, PLAN, ZONE), NOW)
    assert [e.uid for e in found.events] == ["circle"]


@pytest.mark.parametrize(
    "question",
    [
        "kad būs ziemas stāstu vakars?",
        "when is the winter storytelling evening",
        "kada vyks žiemos pasakojimų vakaras?",
    ],
)
def test_an_evening_is_not_yesterday(question) -> None:
    # "vakars", "vakaras" (an evening) begin with "vakar" (yesterday) but are other words.
    events = [
        _event("tales", "Winter Storytelling Evening", (2029, 12, 17), "Ērgļi", "Family event")
    ]
    found = answer(question, indexed(events, PLAN, ZONE), NOW)
    assert (found.intent, [e.uid for e in found.events]) == ("event_by_name", ["tales"])


# What a cold review of the classes above found them doing wrong, kept as tests.
TIMELINE_PLAN = """# Biedrības plāns 2029

## Laika grafiks

Martā – kopsapulce. Septembrī – konference. 2029 – jauna stratēģija.

## Kopsavilkums

Misija – atvērtas bibliotēkas. Vīzija – zinoša sabiedrība.

## Misija

Atvērtas bibliotēkas ikvienam.

## Par stratēģiju

Stratēģiju izstrādāja valde.

## Kas?

Jautājumi un atbildes.

## Biedra nauda

Biedra nauda ir 20 eiro gadā.
"""

REVIEW_EVENTS = [
    _event("march", "Kopsapulce 2029", (2029, 3, 20), "Rīga", "Kopsapulce"),
    _event("today", "Lasījumi bibliotēkā", (2029, 3, 4), "Rīga", "Lasījumi"),
    _event("koha", "Koha lietotāju tikšanās", (2029, 4, 12), "Rīga", "Tikšanās"),
]


@pytest.fixture(scope="module")
def reviewed() -> Knowledge:
    return indexed(REVIEW_EVENTS, TIMELINE_PLAN, ZONE)


@pytest.mark.parametrize("question", ["kas notiks martā?", "what is on in March"])
def test_dashed_sentences_are_no_glossary_and_a_month_is_a_period(reviewed, question) -> None:
    found = answer(question, reviewed, NOW)
    assert (found.intent, [e.uid for e in found.events]) == ("events_in_period", ["today", "march"])


@pytest.mark.parametrize("question", ["kāda ir misija?", "what is the mission"])
def test_a_topic_is_its_heading_not_a_dashed_line_about_it(reviewed, question) -> None:
    assert _headings(answer(question, reviewed, NOW)) == ["Misija"]


@pytest.mark.parametrize("question", ["šodienas pasākumi", "kokie šiandienos renginiai?"])
def test_a_period_word_s_genitive_is_still_the_period(reviewed, question) -> None:
    found = answer(question, reviewed, NOW)
    assert [e.uid for e in found.events] == ["today"]


def test_how_long_is_not_how_many(reviewed) -> None:
    found = answer("cik ilgi būs Koha lietotāju tikšanās aprīlī?", reviewed, NOW)
    assert (found.intent, [e.uid for e in found.events]) == ("event_by_name", ["koha"])


def test_about_the_strategy_is_not_about_us(reviewed) -> None:
    assert _headings(answer("tell me about the association", reviewed, NOW)) != ["Par stratēģiju"]


def test_a_heading_of_a_question_word_alone_answers_nothing(reviewed) -> None:
    assert _headings(answer("kas ir biedrība?", reviewed, NOW)) != ["Kas?"]


def test_a_membership_fee_heading_is_not_the_funding(reviewed) -> None:
    assert _headings(answer("how is the association funded?", reviewed, NOW)) != ["Biedra nauda"]


def test_a_topic_with_words_the_plan_lacks_is_still_the_plan_s_without_a_period(qa) -> None:
    found = answer("kādas ir jūsu prioritātes skolēniem un pensionāriem?", qa, NOW)
    assert found.intent == "plan"


def test_only_cancelled_still_to_come_and_some_over_says_no_nothing() -> None:
    events = [
        _event("over", "Lasījumi", (2029, 3, 2), "Ogre", "Lasījumi"),
        _event("off", "Dzejas vakars", (2029, 3, 20), "Ogre", "Vakars", status="cancelled"),
    ]
    found = answer("what is on this month", indexed(events, PLAN, ZONE), NOW)
    text = answer_text(found, Wording(Catalogs().get("en"), ZONE, NOW))
    assert "No events" not in text
    assert "Already took place" in text


def test_days_gone_beyond_those_listed_are_counted() -> None:
    # Forty readings from 1 to 3 March, all over by the evening of the 4th.
    events = [
        _event(f"r{n}", f"Lasījumi {n}", (2029, 3, 1 + n % 3), "Ogre", "Lasījumi")
        for n in range(40)
    ]
    found = answer("what's on in March", indexed(events, PLAN, ZONE), NOW)
    assert len(found.earlier) == 30 and found.earlier_more == 10
    text = answer_text(found, Wording(Catalogs().get("en"), ZONE, NOW))
    assert "…and 10 more." in text


def test_dinner_is_not_yesterday() -> None:
    # "vakarienė" (dinner) is two letters from "vakar" (yesterday), and another word.
    events = [_event("dinner", "Kalėdinė vakarienė", (2029, 12, 20), "Kaunas", "Vakarienė")]
    found = answer("kada vyks kalėdinė vakarienė?", indexed(events, PLAN, ZONE), NOW)
    assert (found.intent, [e.uid for e in found.events]) == ("event_by_name", ["dinner"])


@pytest.mark.parametrize(("language", "heading"), [("lv", ["Nauda"]), ("lt", ["Finansavimas"])])
def test_the_configured_plan_language_decides_its_one_language_words(language, heading) -> None:
    # A plan too short to tell its language: lv "Nauda" is money, lt "Nauda" a benefit.
    plan = "# Planas\n\n## Nauda\n\nNariams.\n\n## Finansavimas\n\nProjektai.\n"
    known = Knowledge.build([], parse_plan(plan), ZONE, tables=None, plan_language=language)
    found = answer("where does the money come from", known, NOW)
    assert _headings(found) == heading
