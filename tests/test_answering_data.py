"""The answerer's built-in word tables (vestnesis/answering/data/*.toml) hold together: every
kind can be named in a Latvian and a Lithuanian sentence, no word is claimed by two kinds or two
meanings, every town has its case forms, and every plan topic has words of its own."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from storage import Event
from vestnesis.answering import Knowledge, Wording, answer, answer_text, kinds, parse_plan, words
from vestnesis.answering.tables import LANGUAGES, Tables, builtin
from vestnesis.i18n import Catalogs

CATALOGS = Catalogs()

# Words the synonym table puts in two groups on purpose: each group is one of the word's
# meanings ("istorija" is a story and history in Lithuanian; "jauns" new and young in
# Latvian), or the two groups mean the same thing said twice. Anything else found in two
# groups merges two meanings by mistake.
SHARED_ON_PURPOSE = frozenset(
    {
        "academy",
        "akademija",
        "annual",
        "communication",
        "istorija",
        "jauns",
        "jaunie",
        "komunikacija",
        "medijpratiba",
        "membership",
        "metinis",
        "music",
        "muzika",
        "naujas",
        "new",
        "partneryste",
        "prasmes",
        "reading",
        "skaitymas",
        "skills",
        "sustainability",
    }
)


@pytest.fixture(scope="module")
def tables() -> Tables:
    return builtin()


def test_every_kind_has_names_and_grammar_in_latvian_and_lithuanian(tables: Tables) -> None:
    for kind in tables.kinds:
        for language in LANGUAGES:
            singular, plural = kind.names[language]
            assert singular.strip() and plural.strip(), (kind.key, language)
        for language in ("lv", "lt"):
            forms = kind.forms[language]
            assert forms.genitive and forms.locative and forms.plural_genitive, (kind.key, language)
            if forms.plural_only:
                # A noun used only in the plural is named the same in both numbers.
                assert kind.names[language][0] == kind.names[language][1], (kind.key, language)


def test_kind_keys_are_unique_and_parents_come_after_their_children(tables: Tables) -> None:
    keys = [kind.key for kind in tables.kinds]
    assert len(keys) == len(set(keys))
    position = {key: i for i, key in enumerate(keys)}
    for kind in tables.kinds:
        if kind.parent:
            assert kind.parent in position, (kind.key, kind.parent)
            # Most specific first: "a study trip" is found before "a trip".
            assert position[kind.key] < position[kind.parent], (kind.key, kind.parent)


def _ancestors(tables: Tables, key: str) -> set[str]:
    found: set[str] = set()
    kind = tables.kind(key)
    while kind is not None and kind.parent and kind.parent not in found:
        found.add(kind.parent)
        kind = tables.kind(kind.parent)
    return found


def test_no_term_is_claimed_by_two_kinds(tables: Tables) -> None:
    """A kind may repeat a term of the wider kind it is a sort of ("meistarklase" is both a
    masterclass and a workshop); two unrelated kinds never share one."""
    claimed: dict[str, set[str]] = defaultdict(set)
    for kind in tables.kinds:
        for term in kind.all_terms:
            claimed[words.fold(term)].add(kind.key)
    clashes = {
        term: sorted(keys)
        for term, keys in claimed.items()
        if len(keys) > 1
        and not all(
            a == b or a in _ancestors(tables, b) or b in _ancestors(tables, a)
            for a in keys
            for b in keys
        )
    }
    assert clashes == {}


def test_no_synonym_word_joins_two_meanings(tables: Tables) -> None:
    groups_of: dict[str, set[int]] = defaultdict(set)
    for index, group in enumerate(tables.synonyms):
        assert len(group) >= 2, group
        for word in group:
            assert word.strip() == word and word, group
            groups_of[words.fold(word)].add(index)
    shared = {word for word, groups in groups_of.items() if len(groups) > 1}
    assert shared - SHARED_ON_PURPOSE == set()


def test_no_kind_term_is_a_plan_topic_word(tables: Tables) -> None:
    """A word that names a kind of event is never one that names a plan topic: a question
    holding it would be two questions at once."""
    kind_terms = {words.fold(t) for kind in tables.kinds for t in kind.all_terms}
    topic_words = {words.fold(p) for topic in tables.topics for p in tables.concepts[topic]}
    assert kind_terms & topic_words == set()


def test_every_town_has_its_forms_and_no_form_is_two_towns(tables: Tables) -> None:
    owner: dict[str, str] = {}
    for group in tables.towns:
        assert len(group) >= 3, group
        for name in group:
            folded = words.fold(name)
            assert owner.setdefault(folded, group[0]) == group[0], (name, owner[folded], group[0])


def test_every_plan_topic_has_words_and_no_phrase_is_two_topics(tables: Tables) -> None:
    owner: dict[str, str] = {}
    for topic in tables.topics:
        phrases = tables.concepts[topic]
        assert phrases, topic
        for phrase in phrases:
            folded = words.fold(phrase)
            assert owner.setdefault(folded, topic) == topic, (phrase, owner[folded], topic)


@pytest.mark.parametrize(
    ("title", "categories", "kind"),
    [
        ("Fotoizstāde „Vecā Rīga”", (), "photo_exhibition"),
        ("Knygų paroda „Žiemos pasakos“", (), "book_exhibition"),
        ("Kalbų klubas ukrainiečiams", (), "conversation_club"),
        ("Lāpu gājiens 11. novembrī", (), "procession"),
        ("Labdaros akcija „Knyga senjorui“", (), "charity"),
        ("Library Hackathon 2027", (), "hackathon"),
        ("Datorkursi senioriem", (), "computer_course"),
        ("Kūrybinės dirbtuvės vaikams", (), "craft_workshop"),
        ("Leļļu izrāde „Sprīdītis”", (), "puppet_show"),
        ("Valdybos posėdis", (), "board_meeting"),
        ("Guided hike along the Gauja", (), "hike"),
        ("Lielā talka pie bibliotēkas", (), "talka"),
        # The calendar's category says the wider kind, the title the narrower one.
        ("Fotoizstāde „Sēlija”", ("Izstāde",), "photo_exhibition"),
    ],
)
def test_new_kinds_are_recognised_in_titles(
    title: str, categories: tuple[str, ...], kind: str
) -> None:
    assert kinds.classify(title, categories) == kind


@pytest.mark.parametrize(
    ("wider", "narrower"),
    [
        ("exhibition", "photo_exhibition"),
        ("excursion", "hike"),
        ("course", "language_course"),
        ("meeting", "board_meeting"),
        ("theatre", "puppet_show"),
        ("club", "conversation_club"),
    ],
)
def test_asking_for_a_wider_kind_finds_the_narrower_ones(
    tables: Tables, wider: str, narrower: str
) -> None:
    assert narrower in tables.family(wider)


def _shared_terms(tables: Tables, word: str) -> frozenset[str]:
    table = tables.synonym_table
    return frozenset(t for stem in words.stems(word) for t in table.get(stem, ()))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # A plan or title word in one language is found by a question in another.
        ("ziedojumi", "donations"),
        ("aukos", "ziedojumus"),
        ("priekšsēdētājs", "pirmininkas"),
        ("statūti", "įstatai"),
        ("apstiprina", "patvirtina"),
        ("pacientiem", "patients"),
        ("kaliniams", "prisoners"),
        ("iedzīvotāji", "gyventojai"),
        ("muižā", "dvaras"),
        ("pieteikumu", "paraiškos"),
        ("stakeholders", "suinteresuotieji"),
        ("risinājumi", "solutions"),
        ("secinājumi", "išvados"),
        ("brīvdienās", "holidays"),
        ("skenēšana", "skenavimas"),
    ],
)
def test_plan_and_title_words_meet_across_languages(tables: Tables, one: str, other: str) -> None:
    assert _shared_terms(tables, one) & _shared_terms(tables, other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ķekavā", "Kekavoje"),
        ("Saldū", "Saldus"),
        ("Anykščiuose", "Anīkšču"),
        ("Varėnoje", "Varēnā"),
        ("Valgā", "Valgos"),
        ("Balvos", "Balvių"),
    ],
)
def test_a_town_in_any_case_form_is_that_town(tables: Tables, one: str, other: str) -> None:
    assert one.casefold() in tables.town_words and other.casefold() in tables.town_words
    assert _shared_terms(tables, one) & _shared_terms(tables, other) & tables.town_terms


OTHER_PLAN = """# Kultūras biedrības attīstības plāns 2027–2029

## 1. Ievads

Biedrība dibināta 1998. gadā un apvieno novada bibliotēkas un muzejus.

## 2. Mērķgrupas

Bērni, jaunieši, seniori un cilvēki ar invaliditāti.

## 3. Misija

Padarīt kultūras mantojumu pieejamu ikvienam.

## 4. Rīcības plāns

Katru gadu rīkot novadpētniecības ekspedīciju un divas izstādes.

## 5. Komunikācija

Jaunumus publicējam tīmekļvietnē un sociālajos tīklos.

## 6. Uzraudzība un novērtēšana

Valde reizi gadā izvērtē rādītāju izpildi.

## 7. Biežāk uzdotie jautājumi

Kā kļūt par biedru? Jāaizpilda pieteikums.
"""


@pytest.fixture(scope="module")
def other_plan() -> Knowledge:
    return Knowledge.build([], parse_plan(OTHER_PLAN), ZoneInfo("Europe/Riga"))


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("kas ir plāna ievadā?", "1. Ievads"),
        ("what is the background of the plan", "1. Ievads"),
        ("kokios yra tikslinės grupės?", "2. Mērķgrupas"),
        ("who are the target groups", "2. Mērķgrupas"),
        ("kāds ir rīcības plāns?", "4. Rīcības plāns"),
        ("what is in the action plan", "4. Rīcības plāns"),
        ("koks veiksmų planas?", "4. Rīcības plāns"),
        ("how does the association handle communication", "5. Komunikācija"),
        ("kaip vyksta stebėsena ir vertinimas?", "6. Uzraudzība un novērtēšana"),
        ("how is the plan's evaluation done", "6. Uzraudzība un novērtēšana"),
        ("FAQ", "7. Biežāk uzdotie jautājumi"),
    ],
)
def test_headings_other_plans_have_are_plan_topics(
    other_plan: Knowledge, question: str, heading: str
) -> None:
    found = answer(question, other_plan, datetime(2027, 3, 1, 12, tzinfo=ZoneInfo("Europe/Riga")))
    assert found.intent == "plan"
    assert found.sections[0].heading == heading


RIGA = ZoneInfo("Europe/Riga")
JANUARY = datetime(2027, 1, 10, 12, tzinfo=RIGA)


def _event(uid: str, title: str, day: tuple[int, int, int], place: str) -> Event:
    start = datetime(*day, 10, tzinfo=RIGA)
    found = Event(uid=uid, title=title, start=start, end=start + timedelta(hours=2), place=place)
    return replace(found, kind=kinds.classify(found.title, found.categories))


@pytest.fixture(scope="module")
def new_kinds() -> Knowledge:
    events = [
        _event("photo", "Fotoizstāde „Sēlijas ļaudis”", (2027, 2, 3), "Jēkabpils"),
        _event("computers", "Datorkursi senioriem", (2027, 2, 10), "Ķekava"),
        _event("torches", "Lāpu gājiens", (2027, 3, 11), "Kaunas"),
        _event("crafts", "Kūrybinės dirbtuvės vaikams", (2027, 2, 20), "Anykščiai"),
        _event("board", "Valdybos posėdis", (2027, 1, 20), "Vilnius"),
    ]
    return Knowledge.build(events, None, RIGA)


@pytest.mark.parametrize(
    ("question", "expected", "first_line"),
    [
        ("nākamā fotoizstāde", ["photo"], "Tuvākā fotoizstāde:"),
        ("kita fotografijų paroda", ["photo"], "Artimiausia fotografijų paroda:"),
        ("next photo exhibition", ["photo"], "The next photo exhibition:"),
        # A photo exhibition is an exhibition.
        ("nākamā izstāde", ["photo"], "Tuvākā izstāde:"),
        ("kompiuterių kursai vasario mėnesį", ["computers"], "Kompiuterių kursai vasario mėnesį:"),
        ("datorkursi martā", [], "Martā datorkursu nav; citi pasākumi:"),
        (
            "kūrybinės dirbtuvės kovo mėnesį",
            [],
            "Kovo mėnesį kūrybinių dirbtuvių nėra; kiti renginiai:",
        ),
        ("next procession", ["torches"], "The next procession:"),
        ("nākamā valdes sēde", ["board"], "Tuvākā valdes sēde:"),
        # New towns in another language's case form.
        ("renginiai Anykščiuose", ["crafts"], None),
        ("pasākumi Ķekavā", ["computers"], None),
    ],
)
def test_new_kinds_and_towns_are_asked_and_named_in_their_grammar(
    new_kinds: Knowledge, question: str, expected: list[str], first_line: str | None
) -> None:
    found = answer(question, new_kinds, JANUARY)
    assert [e.uid for e in found.events] == expected
    if first_line is not None:
        wording = Wording(CATALOGS.get(found.language), RIGA, JANUARY)
        assert answer_text(found, wording).split("\n")[0] == first_line


GOVERNED_PLAN = """# Biedrības attīstības plāns

## Pārvaldība

Valdi ievēl kopsapulce uz trim gadiem. Valdes vēlēšanas notiek aizklāti.

## Finansējums

Biedru nauda un ziedojumi. Labdarības akcijas divreiz gadā.

## Pakalpojumi

Konsultācijas bibliotekāriem un datorkursi senioriem.
"""


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        # Elections and consultations are what a plan says, not kinds of event: asked of a
        # calendar that holds none, the plan answers.
        ("kā notiek valdes vēlēšanas?", "Pārvaldība"),
        ("how are board elections held", "Pārvaldība"),
        ("kaip vyksta valdybos rinkimai?", "Pārvaldība"),
        ("vai ir konsultācijas?", "Pakalpojumi"),
        ("what services are offered", "Pakalpojumi"),
    ],
)
def test_plan_words_are_no_kinds(question: str, heading: str) -> None:
    knowledge = Knowledge.build([], parse_plan(GOVERNED_PLAN), RIGA)
    found = answer(question, knowledge, JANUARY)
    assert (found.intent, [s.heading for s in found.sections]) == ("plan", [heading])
