"""The classes of miss issue 12 names, each asked in lv, en and lt, on the Lithuanian school
librarians' calendar and plan (tests/fixtures/eval/lt-school, the set the answerer was tuned
on), plus the association's own words file and determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage import Event
from tests.question_set import ROOT, eval_set, problems
from vestnesis.answering import Knowledge, Wording, answer, answer_text, kinds, parse_plan
from vestnesis.answering.tables import Tables, WordsError
from vestnesis.cli.main import cli
from vestnesis.i18n import Catalogs

SCHOOL = eval_set("lt-school")
NOW = SCHOOL.now
CATALOGS = Catalogs()


@pytest.fixture(scope="module")
def school() -> Knowledge:
    return SCHOOL.knowledge()


def ask(knowledge: Knowledge, question: str, now: datetime = NOW):
    return answer(question, knowledge, now)


def words_of(found, now: datetime = NOW) -> str:
    wording = Wording(CATALOGS.get(found.language), SCHOOL.zone, now)
    return answer_text(found, wording)


def uids(found) -> list[str]:
    return [e.uid for e in found.events]


LAST_WEEK = ["2026-paskaita-di@lmba.lt"]


@pytest.mark.parametrize(
    ("question", "language", "past_words"),
    [
        ("Kas notika pagājušajā nedēļā?", "lv", "Kas notika"),
        ("What happened last week?", "en", "What took place"),
        ("Kas vyko praėjusią savaitę?", "lt", "Kas vyko"),
    ],
)
def test_a_past_week_lists_what_was_on_in_the_past_tense(
    school, question, language, past_words
) -> None:
    found = ask(school, question)
    assert (found.intent, found.language, uids(found)) == (
        "events_in_period",
        language,
        LAST_WEEK,
    )
    assert words_of(found).startswith(past_words)


@pytest.mark.parametrize(
    "question",
    ["What was on in September?", "Kas notika septembrī?", "renginiai rugsėjį"],
)
def test_a_month_just_gone_is_the_past_one_not_next_years(school, question) -> None:
    found = ask(school, question)
    assert found.period is not None and found.period.start == date(2026, 9, 1)
    assert uids(found) == [
        "2026-09-vebinaras-skaitymas@lmba.lt",
        "2026-rudens-konferencija@lmba.lt",
    ]


@pytest.mark.parametrize(
    "question",
    ["Kas notika pagājušajā mēnesī?", "what was on last month", "kas vyko praeita menesi"],
)
def test_last_month_in_every_language(school, question) -> None:
    found = ask(school, question)
    assert found.period is not None
    assert (found.period.start, found.period.end) == (date(2026, 10, 1), date(2026, 11, 1))
    assert len(found.events) + len(found.cancelled) == 5


@pytest.mark.parametrize(
    "question",
    [
        "When was the autumn conference?",
        "Kad notika rudens konference?",
        "Kada vyko rudens konferencija?",
    ],
)
def test_when_was_names_the_past_event_and_says_it_is_over(school, question) -> None:
    found = ask(school, question)
    assert (found.intent, uids(found)) == ("event_by_name", ["2026-rudens-konferencija@lmba.lt"])
    assert "\n" in words_of(found)  # the event's block and the line saying it took place


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("Kas vyks birželio mėnesį?", date(2027, 6, 1), date(2027, 7, 1)),
        ("Kas notiks decembra mēnesī?", date(2026, 12, 1), date(2027, 1, 1)),
        ("events in march 2027", date(2027, 3, 1), date(2027, 4, 1)),
        ("2027. gada martā", date(2027, 3, 1), date(2027, 4, 1)),
        ("what's on for the rest of the year", date(2026, 11, 23), date(2027, 1, 1)),
        ("pasākumi līdz gada beigām", date(2026, 11, 23), date(2027, 1, 1)),
        ("renginiai iki metų pabaigos", date(2026, 11, 23), date(2027, 1, 1)),
        ("what is on this weekend", date(2026, 11, 28), date(2026, 11, 30)),
        ("šajā nedēļas nogalē", date(2026, 11, 28), date(2026, 11, 30)),
        ("from 7 to 20 December", date(2026, 12, 7), date(2026, 12, 21)),
        ("pasākumi no 1. līdz 15. februārim", date(2027, 2, 1), date(2027, 2, 16)),
        ("renginiai nuo sausio 15 iki vasario 15", date(2027, 1, 15), date(2027, 2, 16)),
    ],
)
def test_month_and_period_phrasings(school, question, start, end) -> None:
    found = ask(school, question)
    assert found.intent == "events_in_period"
    assert found.period is not None and (found.period.start, found.period.end) == (start, end)


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("nākamais pasākums Šauļos", "lv", "2026-seminaras-erdves@lmba.lt"),
        ("next event in Vilnius", "en", "2026-respublikine-konferencija@lmba.lt"),
        ("koks kitas renginys Kaune?", "lt", "2026-pristatymas-vilniaus-bibliotekos@lmba.lt"),
    ],
)
def test_a_town_in_any_case_form_filters_by_place_not_by_title(
    school, question, language, expected
) -> None:
    # "LMBA stendas Vilniaus knygų mugėje" (in Vilnius too, but later) and the book about
    # Vilnius presented in Kaunas must not be taken for what the question names.
    found = ask(school, question)
    assert (found.intent, found.language, uids(found)) == ("next_event", language, [expected])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "Kur vyks Baltijos mokyklų bibliotekų viršūnių susitikimas?",
            "2027-baltic-summit@lmba.lt",
        ),
        ("where is the annual meeting", "2027-metinis-susirinkimas@lmba.lt"),
        ("Kur notiks ikgadējā biedru kopsapulce?", "2027-metinis-susirinkimas@lmba.lt"),
        ("kad bus vasaras nometne bibliotekariem", "2027-vasaros-stovykla@lmba.lt"),
        ("when is the reading club", "2026-skaitymo-klubas@lmba.lt"),
        ("Kada vyks stažuotė į Tartu?", "2027-study-visit-tartu@lmba.lt"),
    ],
)
def test_names_across_languages_and_kind_words_inside_titles(school, question, expected) -> None:
    found = ask(school, question)
    assert (found.intent, uids(found)) == ("event_by_name", [expected])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Kad būs nākamā izstāde?", "2026-paroda-ziemos-pasakos@lmba.lt"),
        ("when is the next exhibition", "2026-paroda-ziemos-pasakos@lmba.lt"),
        ("kada artimiausia paroda", "2026-paroda-ziemos-pasakos@lmba.lt"),
    ],
)
def test_a_kind_asked_in_another_language(school, question, expected) -> None:
    found = ask(school, question)
    assert (found.intent, uids(found)) == ("next_event", [expected])


def test_kinds_come_from_the_calendars_own_categories() -> None:
    event = Event(
        uid="quiz@example.org",
        title="Autumn round",
        start=datetime(2026, 12, 2, 17, tzinfo=SCHOOL.zone),
        end=datetime(2026, 12, 2, 19, tzinfo=SCHOOL.zone),
        categories=("Library quiz",),
    )
    knowledge = Knowledge.build([event], None, SCHOOL.zone)
    for question in ("next library quiz?", "Kad ir nākamais library quiz?"):
        found = answer(question, knowledge, NOW)
        assert (found.intent, uids(found)) == ("next_event", ["quiz@example.org"]), question


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("What is the mission?", "Misija"),
        ("Kāda ir misija?", "Misija"),
        ("Kokia asociacijos misija?", "Misija"),
        ("What are the strategic goals?", "Strateginiai tikslai"),
        ("Kādi ir stratēģiskie mērķi?", "Strateginiai tikslai"),
        ("Kokie strateginiai tikslai?", "Strateginiai tikslai"),
        ("tell me about the reading goal", "3 tikslas. Skaitanti mokykla"),
        ("vertybes", "Vertybės"),
        ("What are the values?", "Vertybės"),
        ("Does the association work with the Ministry of Education?", "Partneriai"),
        ("kā tiek finansēta asociācija", "Finansavimas"),
    ],
)
def test_plan_topics_from_the_plans_own_headings(school, question, section) -> None:
    found = ask(school, question)
    assert found.intent == "plan" and found.sections[0].heading == section


def test_mission_and_goals_are_different_sections(school) -> None:
    mission = ask(school, "What is the association's mission?")
    goals = ask(school, "What are the association's goals?")
    assert mission.sections[0].heading == "Misija"
    assert goals.sections[0].heading == "Strateginiai tikslai"


def test_a_section_is_given_whole_with_its_parts(school) -> None:
    found = ask(school, "What are the strategic goals?")
    text = words_of(found)
    for part in ("1 tikslas.", "2 tikslas.", "3 tikslas.", "4 tikslas."):
        assert part in text


def test_a_long_section_says_where_the_rest_is() -> None:
    items = "\n".join(f"- Uždavinys numeris {n}: " + "labai svarbus darbas " * 8 for n in range(40))
    plan = parse_plan(f"# Planas\n\n## Uždaviniai\n\n{items}\n")
    knowledge = Knowledge.build([], plan, SCHOOL.zone)
    for language, rest in (
        ("lv", "turpinājums"),
        ("en", "the rest is in the plan"),
        ("lt", "tęsinys"),
    ):
        found = answer("uždaviniai", knowledge, NOW, language)
        found = type(found)(**{**found.__dict__, "language": language})
        text = words_of(found)
        assert rest in text and "…" in text
        assert len(text) < 2200


@pytest.mark.parametrize(
    "question",
    [
        "Koks oras bus rytoj Kaune?",
        "what's the weather in Vilnius this weekend",
        "Kāds būs laiks rīt Rīgā?",
        "koks šiandien euro kursas",
        "Kāds ir dolāra kursa šodien?",
        "how long is a course of antibiotics",
    ],
)
def test_off_topic_stays_unknown(school, question) -> None:
    found = ask(school, question)
    assert found.intent == "unknown" and not found.events and not found.sections


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("nexr lecture?", "next_event"),
        ("whn is the next seminar", "next_event"),
        ("any evnts in decmber?", "events_in_period"),
        ("nakosais seminars", "next_event"),
        ("kada kitas seminras", "next_event"),
    ],
)
def test_typos_in_the_small_words(school, question, intent) -> None:
    assert ask(school, question).intent == intent


def test_the_evaluation_set_it_was_tuned_on_is_right_in_every_language(school) -> None:
    asked = SCHOOL.load()
    for language in ("lv", "en", "lt"):
        mine = [q for q in asked if q.language == language]
        right = sum(not problems(q, answer(q.text, school, NOW), NOW) for q in mine)
        assert right / len(mine) >= 0.95, (language, right, len(mine))


def test_answers_do_not_depend_on_the_process_or_its_hash_seed() -> None:
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1])\n"
        "from tests.question_set import eval_set\n"
        "from vestnesis.answering import answer\n"
        "s = eval_set('lt-school'); k = s.knowledge()\n"
        "print(json.dumps([[a.intent, [e.uid for e in a.events], [x.heading for x in a.sections]]"
        " for a in (answer(q.text, k, s.now) for q in s.load())]))\n"
    )
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(ROOT)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1]


WORDS = """
[[kind]]
key = "readathon"
lv = ["lasīšanas maratons", "lasīšanas maratoni"]
en = ["readathon", "readathons"]
lt = ["skaitymo maratonas", "skaitymo maratonai"]
terms = ["lasīšanas maratons", "reading marathon", "skaitymo maratonas"]

[towns]
groups = [["Anykščiai", "Anīkšči", "Anīkščos", "Anykščiuose", "Anykščių"]]

[synonyms]
groups = [["grāmatzīme", "bookmark", "skirtukas", "skirtukai"]]

[topics]
funding = ["naudas avoti"]
"""


def test_an_associations_own_words_file(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text(WORDS, "utf-8")
    tables = Tables.load(path)
    assert tables.kinds[0].key == "readathon"
    zone = SCHOOL.zone
    start = datetime(2026, 12, 4, 18, tzinfo=zone)
    events = [
        Event(
            uid="q@x",
            title="Skaitymo maratonas „Knygų pasaulis“",
            start=start,
            end=start + timedelta(hours=2),
            place="Anykščiai, biblioteka",
            kind="readathon",
        ),
        Event(
            uid="s@x",
            title="Seminaras apie skirtukus",
            start=start + timedelta(days=1),
            end=start + timedelta(days=1, hours=2),
            place="Vilnius",
            kind="seminar",
        ),
    ]
    knowledge = Knowledge.build(events, None, zone, tables=tables)
    for question in (
        "When is the next readathon?",
        "Kad būs nākamais lasīšanas maratons?",
        "Kada kitas skaitymo maratonas?",
    ):
        found = answer(question, knowledge, NOW)
        assert (found.intent, uids(found)) == ("next_event", ["q@x"]), question
    wording = Wording(CATALOGS.get("lv"), zone, NOW, tables=tables)
    assert "lasīšanas maratons" in answer_text(
        answer("Kad būs nākamais lasīšanas maratons?", knowledge, NOW), wording
    )
    in_town = answer("nākamais pasākums Anīkščos", knowledge, NOW)
    assert uids(in_town) == ["q@x"]
    assert uids(answer("when is the bookmark seminar", knowledge, NOW)) == ["s@x"]


def test_the_example_words_file_loads_and_its_readathon_is_a_sort_of_reading() -> None:
    """examples/words.toml, as shipped: every section loads, and a kind with a parent is
    found by a question about the wider kind."""
    tables = Tables.load(Path(__file__).resolve().parent.parent / "examples" / "words.toml")
    zone = SCHOOL.zone
    start = datetime(2026, 12, 4, 18, tzinfo=zone)
    events = [
        Event(
            uid="r@x",
            title="Lasīšanas maratons „Ziemas grāmatas”",
            start=start,
            end=start + timedelta(hours=3),
            place="Rīga",
            kind="readathon",  # as the calendar's import classifies it with these tables
        )
    ]
    knowledge = Knowledge.build(events, None, zone, tables=tables)
    for question in ("When is the next readathon?", "next reading?", "kad būs nākamie lasījumi?"):
        found = answer(question, knowledge, NOW)
        assert (found.intent, uids(found)) == ("next_event", ["r@x"]), question
    # Its topic fallback and one-language topic words are read over the built-in ones.
    assert tables.topic_fallback["volunteers"] == ("membership",)
    assert tables.topic_fallback["mission"] == ("goal",)
    assert "ziedojumi" in tables.language_topics["lv"]["funding"]
    assert "nauda" in tables.language_topics["lv"]["funding"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[kind]]\nlv = ['x']\n", "needs a key"),
        ("[colours]\nred = 1\n", "unknown section [colours]"),
        ("[language_topic]\nlv = 1\n", "[language_topic.LANGUAGE] must be tables"),
        ("[[kind]]\nkey = 'x'\nlv = 3\n", "expected a list of words"),
        ("not toml = = =", "not TOML"),
    ],
)
def test_a_bad_words_file_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "words.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(WordsError, match=message.replace("[", r"\[")) as caught:
        Tables.load(path)
    assert "\n" not in str(caught.value)


def test_the_config_names_the_words_file_and_refuses_a_bad_one(tmp_path, write_config) -> None:
    words = tmp_path / "words.toml"
    words.write_text(WORDS, "utf-8")
    config = write_config(answers={"words": "words.toml"})
    from vestnesis.config import load_config

    loaded = load_config(config, {})
    assert loaded.answers.tables().kinds[0].key == "readathon"
    words.write_text("[colours]\n", "utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "events", "list"])
    assert result.exit_code != 0 and "unknown section [colours]" in result.output
    assert "Traceback" not in result.output


def test_importing_a_configured_calendar_by_a_relative_path_updates_it(
    tmp_path, write_config, monkeypatch
) -> None:
    calendar = tmp_path / "events.ics"
    calendar.write_bytes((SCHOOL.calendars["lt-school"]).read_bytes())
    config = write_config(calendars=[{"name": "LMBA", "path": "events.ics"}])
    monkeypatch.chdir(tmp_path)
    now = ["--now", "2026-11-23T09:00"]
    run = CliRunner()
    first = run.invoke(cli, ["--config", str(config), "events", "import", "events.ics", *now])
    assert first.exit_code == 0 and first.output.startswith("LMBA: ")
    again = run.invoke(cli, ["--config", str(config), "events", "import", "./events.ics", *now])
    assert again.output.startswith("LMBA: ")
    listed = run.invoke(cli, ["--config", str(config), "events", "list", "--json", *now])
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert {r["calendar"] for r in rows} == {"LMBA"}
    assert len({(r["uid"], r["start"]) for r in rows}) == len(rows)


async def test_titles_in_another_language_are_found_through_the_translation_backend(
    tmp_path,
) -> None:
    from tests.conftest import running, sample_config
    from tests.translation_servers import ApiServer, LibreTranslateBehaviour
    from vestnesis.config import load_config
    from vestnesis.events.calendar import save_board_event
    from vestnesis.wiring.calendars import answerer_for, calendar_parts

    behaviour = LibreTranslateBehaviour()
    title = "Bibliotekininkų šventė Kaune"
    behaviour.known[(title, "en")] = "Librarians' celebration in Kaunas"
    behaviour.known[(title, "lv")] = "Bibliotekāru svētki Kauņā"
    server = ApiServer(behaviour)
    moment = datetime(2026, 11, 23, 9, tzinfo=SCHOOL.zone)
    try:
        path = sample_config(
            tmp_path, translation={"backend": "libretranslate", "url": server.url, "retries": 0}
        )
        async with running(load_config(path, {}), moment) as app:
            start = moment + timedelta(days=30)
            event = Event(uid="", title=title, start=start, end=start + timedelta(hours=3))
            saved = await save_board_event(calendar_parts(app), event)
            answerer = answerer_for(app)
            for question in (
                "When is the librarians' celebration?",
                "Kad būs bibliotekāru svētki?",
            ):
                reply = await answerer.ask(question, now=moment)
                assert reply.as_json()["events"] == [saved.uid], question
            asked = len(server.calls("/translate"))
            await answerer.ask("When is the librarians' celebration?", now=moment)
            assert (
                len(server.calls("/translate")) == asked
            )  # the index is not rebuilt, nor paid for
    finally:
        server.stop()


@pytest.mark.parametrize(
    "question", ["Kad būs izstāde Viļņā?", "when is the exhibition in Vilnius", "paroda Vilniuje"]
)
def test_a_town_named_in_a_title_held_elsewhere_is_not_that_event(question) -> None:
    zone = SCHOOL.zone
    start = datetime(2026, 12, 1, 10, tzinfo=zone)
    about = Event(
        uid="about-vilnius@x",
        title="Paroda „Vilniaus bibliotekos“",
        start=start,
        end=start + timedelta(hours=8),
        place="Rīga, Latvijas Nacionālā bibliotēka",
        kind="exhibition",
    )
    held = Event(
        uid="in-vilnius@x",
        title="Paroda „Vaikų knygų iliustracija“",
        start=start + timedelta(days=10),
        end=start + timedelta(days=10, hours=8),
        place="Vilnius, Lietuvos nacionalinė biblioteka",
        kind="exhibition",
    )
    knowledge = Knowledge.build([about, held], None, zone)
    found = answer(question, knowledge, NOW)
    assert uids(found) == ["in-vilnius@x"]


@pytest.mark.parametrize(
    ("question", "intent"),
    # The plan gives the fee ("25 eurai per metus"): what it costs is answered there.
    [("koks nario mokestis?", "plan"), ("Kiek kainuoja nario mokestis?", "plan")],
)
def test_a_topic_without_a_heading_is_answered_only_where_the_plan_says_it(
    school, question, intent
) -> None:
    found = ask(school, question)
    assert found.intent == intent
    if intent == "plan":
        assert found.sections[0].heading == "Finansavimas"


@pytest.mark.parametrize(
    "question", ["Kokie pagrindiniai iššūkiai?", "Kādi ir galvenie izaicinājumi?"]
)
def test_a_paragraph_that_announces_a_list_comes_with_the_list(school, question) -> None:
    found = ask(school, question)
    assert found.intent == "plan" and found.passages
    text = words_of(found)
    assert "Pagrindiniai iššūkiai:" in text
    assert "• netolygus mokyklų bibliotekų finansavimas" in text
    assert "savanoriškai." in text


@pytest.mark.parametrize(
    "question",
    [
        "When is the Nordic leaders summit?",
        "Kad notiks Ziemeļvalstu bibliotēku vadītāju samits?",
        "Kada vyks Šiaurės bibliotekų lyderių viršūnių susitikimas?",
    ],
)
def test_an_english_title_asked_in_latvian_and_lithuanian(question) -> None:
    zone = SCHOOL.zone
    start = datetime(2027, 5, 12, 9, tzinfo=zone)
    summit = Event(
        uid="summit@x",
        title="Nordic Library Leaders Summit 2027",
        start=start,
        end=start + timedelta(days=2),
        place="Helsinki",
        categories=("Conference",),
        kind="conference",
    )
    other = Event(
        uid="meeting@x",
        title="Library Leaders Meeting",
        start=start - timedelta(days=30),
        end=start - timedelta(days=30) + timedelta(hours=2),
        place="Tallinn",
        kind="meeting",
    )
    knowledge = Knowledge.build([summit, other], None, zone)
    found = answer(question, knowledge, NOW)
    assert (found.intent, uids(found)) == ("event_by_name", ["summit@x"])


async def test_the_stored_calendar_answers_as_the_evaluation_runner_does(tmp_path) -> None:
    from tests.conftest import config_text, running
    from vestnesis.config import load_config
    from vestnesis.events.calendar import import_calendar
    from vestnesis.wiring.calendars import answerer_for, calendar_parts

    ics = SCHOOL.calendars["lt-school"]
    path = tmp_path / "config.toml"
    path.write_text(
        config_text(
            [],
            association={"timezone": str(SCHOOL.zone)},
            calendars=[{"name": "lt-school", "path": str(ics)}],
            plan={"path": str(SCHOOL.plan)},
        ),
        "utf-8",
    )
    indexed = SCHOOL.knowledge()
    async with running(load_config(path, {}), NOW) as app:
        await import_calendar(calendar_parts(app), "lt-school", str(ics))
        answerer = answerer_for(app)
        for question in SCHOOL.load():
            stored = (await answerer.ask(question.text, now=NOW)).answer
            direct = answer(question.text, indexed, NOW)
            assert (stored.intent, uids(stored), [s.heading for s in stored.sections]) == (
                direct.intent,
                uids(direct),
                [s.heading for s in direct.sections],
            ), question.text


# Set B's classes of miss (en-network, a tuning set after its first measure), asked of a
# calendar and a plan of their own, in lv, en and lt.
def _event(uid: str, title: str, day: date, place: str, kind: str = "") -> Event:
    start = datetime(day.year, day.month, day.day, 10, tzinfo=SCHOOL.zone)
    return Event(
        uid=uid, title=title, start=start, end=start + timedelta(hours=3), place=place, kind=kind
    )


NETWORK_PLAN = """# Library Network Strategy

## Vision

Every person can reach a library that is open to all.

## Mission

We connect libraries so that they learn from each other and speak with one voice.

## Values

- Openness: we share what we know.
- Equality: large and small libraries have the same voice.
- Trust: we keep our promises.

## Partners

- The national libraries of the three countries.
- The ministries of culture.

## Governance

The General Meeting elects the Board for three years. The Board meets every two months.

## Goal 1: Green libraries

- Help members measure and reduce the carbon footprint of their buildings.

## Goal 2: Services for refugees

- Develop a toolkit on library services for refugees and other newcomers.

## Membership

Any library may become a member: it sends an application to the Board, which decides within
a month. Members take part in events at a reduced fee.

## Funding

The network is funded by membership fees (50 to 300 euros a year) and project grants.

## Kopsavilkums

Tīkls apvieno bibliotēkas. Mērķi: zaļas bibliotēkas un bibliotēkas bēgļiem.
"""


@pytest.fixture(scope="module")
def network() -> Knowledge:
    events = [
        _event("agm@x", "Annual General Meeting 2027", date(2027, 3, 24), "Rīga", "meeting"),
        _event("forum@x", "Bibliotēku attīstības forums", date(2027, 2, 10), "Cēsis"),
        _event(
            "lbd@x",
            "Lietuvos Bibliotekininkų Draugijos suvažiavimas",
            date(2027, 4, 8),
            "Vilnius",
            "meeting",
        ),
        _event("camp@x", "Summer Camp for Young Librarians", date(2027, 6, 16), "Pärnu", "camp"),
        _event("way@x", "Exhibition: Posters of the Baltic Way", date(2026, 10, 19), "Šiauliai"),
        _event("visit@x", "Study visit to Kaunas County Library", date(2027, 5, 12), "Kaunas"),
        _event("board@x", "Network Board Meeting", date(2027, 1, 19), "Online", "meeting"),
        _event(
            "summit@x",
            "Nordic-Baltic Library Leaders Summit 2027",
            date(2027, 3, 10),
            "Tallinn",
            "conference",
        ),
    ]
    events = [e if e.kind else replace(e, kind=kinds.classify(e.title)) for e in events]
    return Knowledge.build(events, parse_plan(NETWORK_PLAN), SCHOOL.zone)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("whens the AGM", "agm@x"),
        ("Kad notiks gada kopsapulce?", "agm@x"),
        ("kada vyks metinis susirinkimas?", "agm@x"),
        ("Kad notiks BAF?", "forum@x"),
        ("kada vyks LBD suvažiavimas", "lbd@x"),
        ("where is the annual meeting", "agm@x"),
    ],
)
def test_acronyms_and_other_names_of_a_meeting_name_it(network, question, expected) -> None:
    found = ask(network, question)
    assert (found.intent, uids(found)) == ("event_by_name", [expected])


@pytest.mark.parametrize(
    "question", ["when is the summit", "kad notiks samits", "kada vyks samitas"]
)
def test_one_word_of_a_title_in_another_language_names_it(network, question) -> None:
    found = ask(network, question)
    assert (found.intent, uids(found)) == ("event_by_name", ["summit@x"])


@pytest.mark.parametrize(
    "question", ["whens the AGM", "Kad notiks gada kopsapulce?", "kada vyks metinis susirinkimas"]
)
def test_an_abbreviation_names_a_general_meeting_titled_in_another_language(
    school, question
) -> None:
    found = ask(school, question)
    assert (found.intent, uids(found)) == ("event_by_name", ["2027-metinis-susirinkimas@lmba.lt"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("kad būs vasaras nometne jaunajiem bibliotekāriem", "camp@x"),
        ("kada vyks vasaros stovykla jauniesiems bibliotekininkams", "camp@x"),
        ("when is the camp for young librarians", "camp@x"),
        ("kada stazuote i Kauno apskrities biblioteka", "visit@x"),
        ("kad būs pieredzes apmaiņas brauciens uz Kauņas apriņķa bibliotēku", "visit@x"),
        ("kada buvo paroda apie Baltijos kelią?", "way@x"),
        ("kad bija izstāde par Baltijas ceļu?", "way@x"),
        ("when was the exhibition about the Baltic Way", "way@x"),
    ],
)
def test_inflected_forms_reach_the_title_in_another_language(network, question, expected) -> None:
    found = ask(network, question)
    assert (found.intent, uids(found)) == ("event_by_name", [expected])


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("what does the plan say about refugees", "Goal 2: Services for refugees"),
        ("ko plāns saka par bēgļiem", "Goal 2: Services for refugees"),
        ("ką strategija sako apie pabėgėlius", "Goal 2: Services for refugees"),
        ("what does the plan say about green libraries", "Goal 1: Green libraries"),
        ("ko plāns saka par zaļajām bibliotēkām", "Goal 1: Green libraries"),
        ("ka planas sako apie žaliąsias bibliotekas", "Goal 1: Green libraries"),
        ("how can our library become a member", "Membership"),
        ("kā mūsu bibliotēka var kļūt par biedri?", "Membership"),
        ("kaip mūsų biblioteka gali tapti nare?", "Membership"),
    ],
)
def test_plan_topics_in_every_language_and_form(network, question, section) -> None:
    found = ask(network, question)
    assert (found.intent, found.sections[:1] and found.sections[0].heading) == ("plan", section)


@pytest.mark.parametrize(
    "question",
    ["how much is the membership fee", "kāda ir biedru maksa?", "koks nario mokestis?"],
)
def test_a_fee_is_found_where_the_plan_says_it_not_under_membership(network, question) -> None:
    found = ask(network, question)
    assert (found.intent, found.sections[0].heading) == ("plan", "Funding")


AUDIO_PLAN = """# Strategy

## Goal 1: Skills

Run ten training events a year.

## Goal 2: Reading without borders

Promote knitting circles for readers with dyslexia.

## Funding

Membership fees and project grants.
"""
# No word group knows knitting: only the translation finds it.
AUDIO_EN = "Promote knitting circles for readers with dyslexia."
AUDIO_LT = "Skatinti mezgimo būrelius skaitytojams su disleksija."


@pytest.mark.parametrize(
    ("question", "translations", "intent"),
    [
        ("ką planas sako apie mezgimo būrelius?", {}, "unknown"),
        ("ką planas sako apie mezgimo būrelius?", {AUDIO_EN: (AUDIO_LT,)}, "plan"),
        ("what does the plan say about knitting circles", {}, "plan"),
    ],
)
def test_the_plan_is_searched_in_its_translations_too(question, translations, intent) -> None:
    knowledge = Knowledge.build(
        [], parse_plan(AUDIO_PLAN), SCHOOL.zone, plan_translations=translations
    )
    found = ask(knowledge, question)
    assert found.intent == intent
    if intent == "plan":
        assert found.sections[0].heading == "Goal 2: Reading without borders"


async def test_the_answerer_has_the_plan_translated_for_search(tmp_path) -> None:
    from tests.conftest import running, sample_config
    from tests.translation_servers import ApiServer, LibreTranslateBehaviour
    from vestnesis.config import load_config
    from vestnesis.wiring.calendars import answerer_for

    plan = tmp_path / "plan.md"
    plan.write_text(AUDIO_PLAN, "utf-8")
    behaviour = LibreTranslateBehaviour()
    behaviour.known[(AUDIO_EN, "lt")] = AUDIO_LT
    behaviour.known[(AUDIO_EN, "lv")] = "Popularizēt adīšanas pulciņus lasītājiem ar disleksiju."
    server = ApiServer(behaviour)
    try:
        path = sample_config(
            tmp_path,
            translation={"backend": "libretranslate", "url": server.url, "retries": 0},
            plan={"path": str(plan), "language": "en"},
        )
        async with running(load_config(path, {}), NOW) as app:
            answerer = answerer_for(app)
            for question in (
                "ką planas sako apie mezgimo būrelius?",
                "ko plāns saka par adīšanas pulciņiem?",
            ):
                found = (await answerer.ask(question)).answer
                assert found.intent == "plan", question
                assert found.sections[0].heading == "Goal 2: Reading without borders"
            asked = len(server.calls("/translate"))
            await answerer.ask("ką planas sako apie mezgimo būrelius?")
            assert len(server.calls("/translate")) == asked  # indexed once, not per question
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("who funds the network", "Funding"),
        ("kas finansē tīklu?", "Funding"),
        ("kas finansuoja tinklą?", "Funding"),
        ("who runs the network", "Governance"),
        ("kas vada tīklu?", "Governance"),
        ("kas vadovauja tinklui?", "Governance"),
    ],
)
def test_a_topic_asked_with_its_verb_is_that_section(network, question, section) -> None:
    found = ask(network, question)
    assert (found.intent, found.sections[0].heading) == ("plan", section)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # A loanword in another language's spelling: "comics" is "komiksų".
        ("when is the comics workshop", "2027-dirbtuves-komiksai@lmba.lt"),
        ("kad būs komiksu darbnīca", "2027-dirbtuves-komiksai@lmba.lt"),
        ("kada vyks komiksų dirbtuvės", "2027-dirbtuves-komiksai@lmba.lt"),
        # A title word that stems like a function word ("pasakos", tales; "pasaki", tell).
        ("when is the exhibition of winter tales", "2026-paroda-ziemos-pasakos@lmba.lt"),
        ("kad būs izstāde „Ziemas pasakas“", "2026-paroda-ziemos-pasakos@lmba.lt"),
        ("kada paroda „Žiemos pasakos“", "2026-paroda-ziemos-pasakos@lmba.lt"),
        ("when is the world book day", "2027-knygos-diena-maratonas@lmba.lt"),
    ],
)
def test_loanwords_and_title_words_that_look_like_function_words(
    school, question, expected
) -> None:
    found = ask(school, question)
    assert (found.intent, uids(found)) == ("event_by_name", [expected])


@pytest.mark.parametrize(
    "question",
    [
        "when is the bookbinding workshop",
        "kad būs grāmatu iesiešanas darbnīca",
        "kada vyks knygų įrišimo dirbtuvės",
    ],
)
def test_a_compound_in_a_title_is_named_by_its_parts(question) -> None:
    start = datetime(2026, 11, 28, 10, tzinfo=SCHOOL.zone)
    events = [
        Event("binding@x", "Bookbinding Workshop", start, start + timedelta(hours=3)),
        Event("other@x", "Workshop: Podcasting", start, start + timedelta(hours=2)),
    ]
    events = [replace(e, kind=kinds.classify(e.title)) for e in events]
    found = ask(Knowledge.build(events, None, SCHOOL.zone), question)
    assert (found.intent, uids(found)) == ("event_by_name", ["binding@x"])


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("what does the plan say about Canva", "unknown"),
        ("ko plāns saka par Canva?", "unknown"),
        ("ką planas sako apie Canva?", "unknown"),
        ("when is the Canva training", "event_by_name"),
    ],
)
def test_a_plan_question_the_plan_does_not_answer_is_not_an_event(school, question, intent) -> None:
    found = ask(school, question)
    assert found.intent == intent


@pytest.mark.parametrize(
    "question",
    [
        "how does the association communicate",
        "kā asociācija komunicē?",
        "kaip asociacija bendrauja su nariais?",
    ],
)
def test_the_section_headed_by_the_word_asked_comes_first(school, question) -> None:
    found = ask(school, question)
    assert (found.intent, found.sections[0].heading) == ("plan", "Komunikacija")


# Set C's classes of miss (lv-regional, a tuning set after its first measure), and the kinds
# of question an unseen association asks, on a calendar and a plan of their own: a Zemgale
# school librarians' association, asked on a Wednesday afternoon in March, and on a Friday.
ZEMGALE_NOW = datetime(2027, 3, 17, 15, 0, tzinfo=SCHOOL.zone)  # a Wednesday afternoon
FRIDAY = datetime(2027, 3, 19, 16, 0, tzinfo=SCHOOL.zone)


def _zemgale_event(
    uid: str,
    title: str,
    day: tuple[int, ...],
    place: str,
    category: str,
    *,
    until: date | None = None,
    cancelled: bool = False,
) -> Event:
    start = (
        datetime(*day, tzinfo=SCHOOL.zone)
        if len(day) > 3
        else datetime(*day, 10, tzinfo=SCHOOL.zone)
    )
    end = (
        datetime.combine(until, datetime.min.time(), SCHOOL.zone)
        if until
        else start + timedelta(hours=3)
    )
    return Event(
        uid=uid,
        title=title,
        start=start,
        end=end,
        place=place,
        categories=(category,),
        status="cancelled" if cancelled else "confirmed",
    )


ZEMGALE_EVENTS = [
    _zemgale_event(
        "p1", "Radošā darbnīca „Pavasara grāmatzīmes”", (2027, 3, 10), "Jelgava", "Darbnīca"
    ),
    _zemgale_event("p2", "Lekcija „Latgales rakstu valoda”", (2027, 3, 18), "Rēzekne", "Lekcija"),
    _zemgale_event(
        "p3",
        "Zemgales bibliotekāru kopsapulce",
        (2027, 3, 26),
        "Jelgavas bibliotēka, Jelgava",
        "Kopsapulce",
    ),
    _zemgale_event(
        "p4",
        "Spring Reading Marathon",
        (2027, 4, 2),
        "Bauskas bibliotēka, Bauska",
        "Lasīšanas maratons",
    ),
    _zemgale_event(
        "p5",
        "Seminaras „Mokyklos biblioteka kaip mokymosi erdvė“",
        (2027, 4, 8),
        "Šiauliai",
        "Seminaras",
    ),
    _zemgale_event(
        "p6",
        "Book exhibition: Illustrators of Zemgale",
        (2027, 3, 1),
        "Dobeles bibliotēka, Dobele",
        "Exhibition",
        until=date(2027, 5, 1),
    ),
    _zemgale_event(
        "p7", "Grāmatu svētki Dobelē", (2027, 5, 15), "Dobeles bibliotēka, Dobele", "Svētki"
    ),
    _zemgale_event(
        "p8",
        "Vebinārs „Kā runāt ar pusaudžiem par grāmatām”",
        (2027, 3, 19, 14),
        "Tiešsaistē",
        "Vebinārs",
    ),
    _zemgale_event(
        "p9",
        "Ekskursija uz Rundāles pili",
        (2027, 5, 22),
        "Rundāles pils, Rundāle",
        "Ekskursija",
        cancelled=True,
    ),
    _zemgale_event(
        "p10",
        "Ekskursija uz Rundāles pili (jauns datums)",
        (2027, 6, 5),
        "Rundāles pils, Rundāle",
        "Ekskursija",
    ),
    _zemgale_event(
        "p11",
        "Tikšanās ar rakstnieci Ingu Žoludi",
        (2027, 4, 15, 17),
        "Jelgava",
        "Tikšanās ar autoru",
    ),
    _zemgale_event(
        "p12",
        "Concert: Songs of the Baltic Way",
        (2027, 3, 20, 18),
        "Bauskas kultūras centrs, Bauska",
        "Concert",
    ),
    _zemgale_event(
        "p13", "Konkurss „Skaļā lasīšana” — fināls", (2027, 5, 6), "Jelgava", "Konkurss"
    ),
    _zemgale_event("p14", "Ziemas skola bibliotekāriem", (2027, 2, 10), "Jelgava", "Ziemas skola"),
    _zemgale_event(
        "p15", "Viktorīna „Ko tu zini par Zemgali?”", (2027, 4, 23, 12), "Tukums", "Viktorīna"
    ),
    _zemgale_event(
        "p16", "Open day at Tukums Library", (2027, 4, 24), "Tukums", "Atvērto durvju diena"
    ),
    *[
        _zemgale_event("p17", "Kursi „Bibliotēku krājuma pamati”", (2027, 3, d), "Jelgava", "Kursi")
        for d in (3, 10, 17, 24, 31)
    ],
    _zemgale_event(
        "p18",
        "Summer camp for young readers",
        (2027, 7, 12),
        "Aizpute",
        "Nometne",
        until=date(2027, 7, 17),
    ),
    _zemgale_event(
        "p19",
        "Novadpētniecības seminārs",
        (2027, 5, 12),
        "Liepājas bibliotēka, Liepāja",
        "Seminārs",
    ),
]

ZEMGALE_PLAN = """# Zemgales skolu bibliotekāru apvienība: darbības plāns 2027–2029

## 1. Ievads

Apvienība vieno Zemgales skolu bibliotekārus. Plāns nosaka, ko darīsim trīs gados.

## 2. Prioritātes

### 2.1. Lasītprasme

Veicināsim skolēnu lasītprasmi ar lasīšanas maratoniem un konkursiem.

### 2.2. Digitālās prasmes

Mācīsim bibliotekāriem mākslīgā intelekta rīkus un datu aizsardzību.

## 3. Rīcības virzieni

- Kursi un semināri bibliotekāriem.
- Pieredzes apmaiņa ar Lietuvas kolēģiem.

## 4. Rezultatīvie rādītāji (KPI)

- 40 biedru bibliotēkas līdz 2029. gadam.

## 5. Partneri un sadarbība

Sadarbojamies ar Jelgavas valstspilsētas pašvaldību, Latvijas Nacionālo bibliotēku, Kultūras
ministriju un Erasmus+ programmu.

## 6. Budget

Biedru naudas un projektu finansējums: 15 000 eiro gadā.

## 7. Riski

Finansējuma trūkums un bibliotekāru noslodze.
"""


@pytest.fixture(scope="module")
def zemgale() -> Knowledge:
    events = [replace(e, kind=kinds.classify(e.title, e.categories)) for e in ZEMGALE_EVENTS]
    return Knowledge.build(events, parse_plan(ZEMGALE_PLAN), SCHOOL.zone)


def zask(knowledge: Knowledge, question: str, now: datetime = ZEMGALE_NOW):
    return answer(question, knowledge, now)


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("kad būs kopsapulce", "lv", "p3"),
        ("when is the general meeting", "en", "p3"),
        ("kada vyks visuotinis susirinkimas", "lt", "p3"),
        ("kad būs koncerts", "lv", "p12"),
        ("when is the concert", "en", "p12"),
        ("kada vyks koncertas", "lt", "p12"),
        ("when is the quiz", "en", "p15"),
        ("kada bus viktorina", "lt", "p15"),
        ("kad bija ziemas skola", "lv", "p14"),
        ("when was the winter school", "en", "p14"),
        ("kada buvo žiemos mokykla", "lt", "p14"),
        ("kad būs atvērto durvju diena", "lv", "p16"),
        ("when is the reading marathon in Bauska", "en", "p4"),
        ("kada vyks skaitymo maratonas Bauskėje", "lt", "p4"),
    ],
)
def test_a_kind_the_calendar_has_one_of_names_that_event(
    zemgale, question, language, expected
) -> None:
    found = zask(zemgale, question)
    assert (found.intent, found.language, uids(found)) == ("event_by_name", language, [expected])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("nākamā tikšanās ar autoru", ["p11"]),
        ("next author meeting", ["p11"]),
        ("kitas susitikimas su autoriumi", ["p11"]),
        # A general meeting and an author meeting are meetings too.
        ("nākamā sanāksme", ["p3"]),
        ("when is the next meeting", ["p3"]),
        ("kada kitas susitikimas", ["p3"]),
        # "Lasīšanas maratons" is the calendar's own kind; "next" asks for the next one.
        ("nākamais lasīšanas maratons", ["p4"]),
        ("when is the next reading marathon", ["p4"]),
        ("wen is the nxt concert", ["p12"]),
        # The cancelled excursion is not the next one; its new date is.
        ("kada kita ekskursija", ["p10"]),
    ],
)
def test_kinds_of_kinds_and_the_calendars_own_categories(zemgale, question, expected) -> None:
    found = zask(zemgale, question)
    assert (found.intent, uids(found)) == ("next_event", expected)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("when is the Rundāle palace excursion", "p10"),
        ("kada vyks ekskursija į Rundalės rūmus", "p10"),
        ("kad būs ekskursija uz Rundāles pili", "p10"),
        ("when is the loud reading contest final", "p13"),
        ("kada vyks garsiojo skaitymo konkurso finalas", "p13"),
        ("kad būs skaļās lasīšanas konkursa fināls", "p13"),
        ("when is the book festival in Dobele", "p7"),
        ("kada vyks knygų šventė Dobelėje", "p7"),
        ("when is the webinar about teenagers", "p8"),
        ("kada vyks vebinaras apie paauglius", "p8"),
        ("kada buvo skirtukų dirbtuvės", "p1"),
        ("when was the bookmark workshop", "p1"),
    ],
)
def test_titles_named_in_another_language(zemgale, question, expected) -> None:
    found = zask(zemgale, question)
    assert (found.intent, uids(found)) == ("event_by_name", [expected])


@pytest.mark.parametrize(
    "question",
    [
        "pasākumi Liepājā maijā",
        "pasakumi liepaja maija",
        "renginiai Liepojoje gegužę",
        "events in Liepaja in May",
    ],
)
def test_a_town_that_looks_like_a_month_is_a_town(zemgale, question) -> None:
    # "Liepāja" folds and stems like Lithuanian "liepa" (July): not the summer camp.
    found = zask(zemgale, question)
    assert found.period is not None and found.period.start.month == 5
    assert (found.intent, uids(found)) == ("events_in_period", ["p19"])


SPRING_REST = ["p6", "p2", "p8", "p12", "p17", "p3", "p17", "p4", "p5", "p11", "p15", "p16"]


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        # The rest of a season from today; the season named whole from its first day (its
        # days gone are listed apart, as over).
        ("events for the rest of the spring", date(2027, 3, 17), date(2027, 6, 1)),
        ("kas notiks līdz pavasara beigām", date(2027, 3, 17), date(2027, 6, 1)),
        ("renginiai iki pavasario pabaigos", date(2027, 3, 17), date(2027, 6, 1)),
        ("what's on this spring", date(2027, 3, 1), date(2027, 6, 1)),
        ("pasākumi šopavasar", date(2027, 3, 1), date(2027, 6, 1)),
        ("renginiai šį pavasarį", date(2027, 3, 1), date(2027, 6, 1)),
        ("events in summer", date(2027, 6, 1), date(2027, 9, 1)),
        ("pasākumi vasarā", date(2027, 6, 1), date(2027, 9, 1)),
        ("renginiai vasarą", date(2027, 6, 1), date(2027, 9, 1)),
        ("what was on in winter", date(2026, 12, 1), date(2027, 3, 1)),
        ("kas notika ziemā", date(2026, 12, 1), date(2027, 3, 1)),
        ("kas vyko žiemą", date(2026, 12, 1), date(2027, 3, 1)),
    ],
)
def test_seasons_and_the_rest_of_one(zemgale, question, start, end) -> None:
    found = zask(zemgale, question)
    assert found.intent == "events_in_period"
    assert found.period is not None and (found.period.start, found.period.end) == (start, end)
    listed = [e.uid for e in sorted((*found.events, *found.cancelled), key=lambda e: e.start)]
    if start.month == 3:
        # Every event of the rest of the spring, the cancelled excursion named as cancelled.
        assert listed == [*SPRING_REST, "p13", "p19", "p7", "p9"]
    elif start.month == 6:
        assert listed == ["p10", "p18"]
    else:
        assert listed == ["p14"]


def test_a_season_word_inside_a_title_is_a_name_not_a_period(zemgale) -> None:
    found = zask(zemgale, "when was the spring bookmarks workshop")
    assert (found.intent, uids(found)) == ("event_by_name", ["p1"])


@pytest.mark.parametrize(
    ("question", "now", "expected"),
    [
        ("what's on this weekend", FRIDAY, ["p6", "p12"]),
        ("kas notiks rīt", FRIDAY, ["p6", "p12"]),
        ("kas vyks šiandien", FRIDAY, ["p6", "p8"]),
        ("what's on this week", ZEMGALE_NOW, ["p6", "p2", "p8", "p12"]),
        ("wat is on nxt week", ZEMGALE_NOW, ["p6", "p17", "p3"]),
        ("kas notiek nakamnedel", ZEMGALE_NOW, ["p6", "p17", "p3"]),
        ("kas vyks kita savaite", ZEMGALE_NOW, ["p6", "p17", "p3"]),
        ("kas notika pagājušajā nedēļā", ZEMGALE_NOW, ["p6", "p17", "p1"]),
        ("events from 1 to 10 April", ZEMGALE_NOW, ["p6", "p4", "p5"]),
        ("pasākumi no 1. līdz 10. aprīlim", ZEMGALE_NOW, ["p6", "p4", "p5"]),
        ("renginiai nuo balandžio 1 iki 10", ZEMGALE_NOW, ["p6", "p4", "p5"]),
        ("renginiai Jelgavoje balandį", ZEMGALE_NOW, ["p11"]),
    ],
)
def test_periods_on_another_day_of_the_week(zemgale, question, now, expected) -> None:
    found = zask(zemgale, question, now)
    assert (found.intent, uids(found)) == ("events_in_period", expected)


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("what are the priorities", "2. Prioritātes"),
        ("kādas ir prioritātes", "2. Prioritātes"),
        ("kokie prioritetai", "2. Prioritātes"),
        ("what are the action lines", "3. Rīcības virzieni"),
        ("kādi ir rīcības virzieni", "3. Rīcības virzieni"),
        ("kokios veiklos kryptys", "3. Rīcības virzieni"),
        ("what are the KPIs", "4. Rezultatīvie rādītāji (KPI)"),
        ("kādi ir rezultatīvie rādītāji", "4. Rezultatīvie rādītāji (KPI)"),
        ("kokie rodikliai", "4. Rezultatīvie rādītāji (KPI)"),
        ("what are the risks", "7. Riski"),
        ("kādi ir riski", "7. Riski"),
        ("kokios rizikos", "7. Riski"),
        ("koks biudžetas", "6. Budget"),
        ("does the plan mention Erasmus", "5. Partneri un sadarbība"),
        ("ką planas sako apie ministeriją", "5. Partneri un sadarbība"),
    ],
)
def test_plan_headings_of_other_shapes(zemgale, question, heading) -> None:
    found = zask(zemgale, question)
    assert found.intent == "plan" and found.sections[0].heading == heading


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather in Jelgava tomorrow",
        "kāds būs laiks rīt Jelgavā",
        "koks rytoj oras Jelgavoje",
        "when is Easter 2027",
        "kad ir Lieldienas 2027",
        "kada Velykos 2027",
        "kad sāksies futbola čempionāts",
        "when does the football championship start",
        "kada prasidės futbolo čempionatas",
        "best pizza in Bauska",
        "labākā pica Bauskā",
        "geriausia pica Bauskėje",
        "is there a concert by Coldplay next month",
    ],
)
def test_off_topic_with_a_day_a_year_a_town_or_a_kind_word(zemgale, question) -> None:
    found = zask(zemgale, question)
    assert (found.intent, found.events, found.sections) == ("unknown", (), ())


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("kada bus viktorina", "lt"),
        ("kad bus viktorina", "lv"),
        ("kada ir kopsapulce", "lv"),
        ("kada vyks koncertas", "lt"),
    ],
)
def test_words_two_languages_share_without_diacritics(zemgale, question, language) -> None:
    assert zask(zemgale, question).language == language


def test_set_c_stays_right() -> None:
    """Set C (lv-regional), measured once untouched at 91.2 %, is a tuning set since."""
    questions = eval_set("lv-regional")
    indexed = questions.knowledge()
    wrong = [
        (q.text, problems(q, answer(q.text, indexed, questions.now), questions.now))
        for q in questions.load()
    ]
    assert [w for w in wrong if w[1]] == []


@pytest.mark.parametrize(
    ("question", "start", "end", "expected"),
    [
        ("kas notiks 2027. gada pavasarī", date(2027, 3, 1), date(2027, 6, 1), None),
        ("events in spring 2027", date(2027, 3, 1), date(2027, 6, 1), None),
        ("renginiai 2027 m. pavasarį", date(2027, 3, 1), date(2027, 6, 1), None),
        ("what was on last weekend", date(2027, 3, 13), date(2027, 3, 15), ["p6"]),
        ("kas notika pagājušajā nedēļas nogalē", date(2027, 3, 13), date(2027, 3, 15), ["p6"]),
        ("kas vyko praėjusį savaitgalį", date(2027, 3, 13), date(2027, 3, 15), ["p6"]),
        ("kas notika aizvakar", date(2027, 3, 15), date(2027, 3, 16), ["p6"]),
        ("what's on in the next two weeks", date(2027, 3, 17), date(2027, 3, 31), None),
        ("kas notiks nākamajās divās nedēļās", date(2027, 3, 17), date(2027, 3, 31), None),
        ("kas vyks per artimiausias dvi savaites", date(2027, 3, 17), date(2027, 3, 31), None),
        # The past tense of a period under way: from its first day up to now.
        (
            "what was on earlier this month",
            date(2027, 3, 1),
            date(2027, 3, 18),
            ["p6", "p17", "p17", "p1", "p17"],
        ),
        (
            "kas vyko šį mėnesį",
            date(2027, 3, 1),
            date(2027, 3, 18),
            ["p6", "p17", "p17", "p1", "p17"],
        ),
        ("kas notika šonedēļ", date(2027, 3, 15), date(2027, 3, 18), ["p6", "p17"]),
    ],
)
def test_more_period_phrasings(zemgale, question, start, end, expected) -> None:
    found = zask(zemgale, question)
    assert found.intent == "events_in_period"
    assert found.period is not None and (found.period.start, found.period.end) == (start, end)
    if expected is not None:
        assert uids(found) == expected
    else:
        assert "p2" in uids(found) and all(e.start.date() < end for e in found.events)


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("what is in chapter 3", "3. Rīcības virzieni"),
        ("kas ir 3. nodaļā", "3. Rīcības virzieni"),
        ("ką sako 3 skyrius", "3. Rīcības virzieni"),
        # A year or a relative year in a plan question does not make it a question of events;
        # a plan without a goals heading answers goals with its priorities.
        ("what are the goals for 2029", "2. Prioritātes"),
        ("kādi ir mērķi līdz 2029. gadam", "2. Prioritātes"),
        ("kokie tikslai iki 2029 metų", "2. Prioritātes"),
        ("kādas ir prioritātes nākamgad", "2. Prioritātes"),
        ("who do we work with", "5. Partneri un sadarbība"),
        ("su kuo bendradarbiauja asociacija", "5. Partneri un sadarbība"),
    ],
)
def test_numbered_chapters_and_plan_questions_with_a_year(zemgale, question, heading) -> None:
    found = zask(zemgale, question)
    assert found.intent == "plan" and found.sections[0].heading == heading


@pytest.mark.parametrize(
    "question", ["what time is the webinar", "kelintą valandą vebinaras", "cikos būs vebinārs"]
)
def test_what_time_is_a_when(zemgale, question) -> None:
    found = zask(zemgale, question)
    assert (found.intent, uids(found)) == ("event_by_name", ["p8"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("seminars in Šiauliai", ["p5"]),
        ("semināri Šauļos", ["p5"]),
        ("seminarai Šiauliuose", ["p5"]),
        ("exhibitions", ["p6"]),
        ("kādas izstādes notiek", ["p6"]),
        ("kokios parodos vyksta", ["p6"]),
        ("what courses are there", ["p17", "p17"]),
    ],
)
def test_a_kind_asked_in_the_plural_lists_the_coming_ones(zemgale, question, expected) -> None:
    found = zask(zemgale, question)
    assert (found.intent, uids(found)) == ("events_in_period", expected)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("what is on in Talsi", "events_in_period"),
        ("kas vyks Talsuose", "events_in_period"),
        ("next event in Kuldiga", "next_event"),
        ("kitas renginys Kuldygoje", "next_event"),
        ("nākamais pasākums Kuldīgā", "next_event"),
    ],
)
def test_a_known_town_without_events_is_no_events_not_others(zemgale, question, intent) -> None:
    # Talsi and Kuldīga are towns (data/towns.toml) where this calendar holds nothing: the
    # answer says so rather than offering an event elsewhere.
    found = zask(zemgale, question)
    assert (found.intent, found.events) == (intent, ())


@pytest.mark.parametrize(
    ("question", "intent", "expected"),
    [
        ("when was the last workshop", "event_by_name", ["p1"]),
        ("kad bija pēdējā darbnīca", "event_by_name", ["p1"]),
        ("kada buvo paskutinės dirbtuvės", "event_by_name", ["p1"]),
        ("kada buvo paskutinis renginys", "event_by_name", ["p17"]),
        ("what was the last event", "event_by_name", ["p17"]),
        # None took place: said so, never the next one offered for a question in the past.
        ("when was the last webinar", "events_in_period", []),
        ("kad bija seminārs", "events_in_period", []),
        ("kada buvo paskutinis vebinaras", "events_in_period", []),
    ],
)
def test_the_last_one_of_a_kind_is_the_latest_over(zemgale, question, intent, expected) -> None:
    found = zask(zemgale, question)
    assert (found.intent, uids(found)) == (intent, expected)
    assert all(e.start < ZEMGALE_NOW for e in found.events)


# A calendar titled and categorised in English, asked in lv, lt and en on a Friday morning.
def _english_event(
    uid: str, title: str, day: tuple[int, ...], place: str, category: str, until: date | None = None
) -> Event:
    return _zemgale_event(uid, title, day, place, category, until=until)


@pytest.fixture(scope="module")
def english() -> Knowledge:
    events = [
        _english_event(
            "e1", "Storytime Training for Librarians", (2027, 1, 20), "Riga", "Training"
        ),
        _english_event("e2", "Library Escape Room", (2027, 1, 23), "Cēsis", "Game"),
        _english_event(
            "e3",
            "Annual Conference: Libraries and Democracy",
            (2027, 2, 11),
            "Vilnius",
            "Conference",
        ),
        _english_event("e4", "Webinar: Open Access Basics", (2027, 1, 15, 14), "Online", "Webinar"),
        _english_event("e5", "Book Club: Baltic Novels", (2027, 1, 21, 17), "Tartu", "Book club"),
        _english_event("e5", "Book Club: Baltic Novels", (2027, 2, 18, 17), "Tartu", "Book club"),
        _english_event("e6", "Poetry Night", (2027, 1, 29, 19), "Kaunas", "Reading"),
        _english_event(
            "e7",
            "Hackathon for Library Apps",
            (2027, 3, 5),
            "Tallinn",
            "Hackathon",
            date(2027, 3, 7),
        ),
        _english_event("e8", "General Assembly 2027", (2027, 4, 22), "Riga", "Meeting"),
        _english_event(
            "e9",
            "Exhibition: Maps of Old Riga",
            (2027, 1, 10),
            "Riga",
            "Exhibition",
            date(2027, 3, 1),
        ),
        _english_event("e10", "Christmas Party", (2026, 12, 18, 18), "Riga", "Party"),
    ]
    events = [replace(e, kind=kinds.classify(e.title, e.categories)) for e in events]
    return Knowledge.build(
        events, parse_plan("# Plan\n\n## Mission\n\nWe help libraries.\n"), SCHOOL.zone
    )


FRIDAY_MORNING = datetime(2027, 1, 15, 11, 0, tzinfo=SCHOOL.zone)


@pytest.mark.parametrize(
    ("question", "intent", "expected"),
    [
        ("nākamā apmācība", "next_event", ["e1"]),
        ("kitas mokymas", "next_event", ["e1"]),
        ("kad būs grāmatu klubs", "event_by_name", ["e5"]),
        ("kada vyks knygų klubas", "event_by_name", ["e5"]),
        ("kad būs hakatons", "event_by_name", ["e7"]),
        ("kada vyks hakatonas", "event_by_name", ["e7"]),
        ("kur notiks kopsapulce", "event_by_name", ["e8"]),
        ("kur vyks visuotinis susirinkimas", "event_by_name", ["e8"]),
        ("kad būs konference Viļņā", "event_by_name", ["e3"]),
        ("kad bija Ziemassvētku ballīte", "event_by_name", ["e10"]),
        # "vakarėlis" (a party) shares its stem with "vakar" (yesterday), but is no period.
        ("kada buvo kalėdinis vakarėlis", "event_by_name", ["e10"]),
        ("kad būs izstāde par Rīgas kartēm", "event_by_name", ["e9"]),
        ("kada vyks paroda apie Rygos žemėlapius", "event_by_name", ["e9"]),
        ("kada vyks poezijos naktis", "event_by_name", ["e6"]),
        ("kas notiks šodien", "events_in_period", ["e9", "e4"]),
        ("kas vyks šiandien", "events_in_period", ["e9", "e4"]),
        ("kas vyks vasario mėnesį", "events_in_period", ["e9", "e3", "e5"]),
    ],
)
def test_an_english_calendar_asked_in_latvian_and_lithuanian(
    english, question, intent, expected
) -> None:
    found = answer(question, english, FRIDAY_MORNING)
    assert (found.intent, uids(found)) == (intent, expected)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "skaļā" (loud) is one letter from the calendar's own category "Ziemas skola": a
        # category is matched by its words, never by a typo.
        ("Kad būs „Skaļā lasīšana”?", "p13"),
        ("kada vyks Skaļā lasīšana", "p13"),
        ("when does the course start", "p17"),
        ("kad sākas kursi", "p17"),
        ("kada prasideda kursai", "p17"),
    ],
)
def test_a_title_word_one_letter_from_a_category_and_start_words(
    zemgale, question, expected
) -> None:
    found = zask(zemgale, question)
    assert (found.intent, uids(found)) == ("event_by_name", [expected])


# Set D's classes of miss (lv-lt-academic, a tuning set after its first measure), on a
# calendar of their own: a Kurzeme–Klaipėda academic libraries' partnership, asked on a
# Wednesday afternoon in June. Its kinds are known by categories in one language and asked in
# another; the same event recurs under one name a year apart, or in two languages.
COAST_NOW = datetime(2027, 6, 9, 15, 0, tzinfo=SCHOOL.zone)  # a Wednesday afternoon


def _coast(uid: str, title: str, day: tuple[int, ...], place: str, category: str) -> Event:
    start = datetime(*day, tzinfo=SCHOOL.zone) if len(day) > 3 else None
    start = start or datetime(*day, 10, tzinfo=SCHOOL.zone)
    return Event(
        uid=uid,
        title=title,
        start=start,
        end=start + timedelta(hours=3),
        place=place,
        categories=(category,),
        status="confirmed",
    )


COAST_EVENTS = [
    _coast(
        "k1",
        "Bibliotēka vaļā: Liepājas akadēmiskā bibliotēka",
        (2027, 6, 12),
        "Liepāja",
        "Atvērto durvju diena",
    ),
    _coast("k2", "Vakaras „Jūros žodžiai“", (2027, 6, 9, 18), "Klaipėda", "Poezijos vakaras"),
    _coast("k3", "„Jūnija vārdi”", (2027, 6, 20), "Ventspils", "Dzejas vakars"),
    _coast("k4", "Libraries and AI: what next?", (2027, 6, 15), "Klaipėda", "Round table"),
    _coast("k5", "Lekcija par atvērto zinātni", (2027, 6, 10), "Ventspils", "Lekcija"),
    _coast("k6", "Researchers' Night 2026", (2026, 9, 25, 18), "Liepāja", "Science"),
    _coast("k7", "Researchers' Night 2027", (2027, 9, 24, 18), "Liepāja", "Science"),
    _coast("k8", "Vasaros mokykla 2026", (2026, 7, 6), "Palanga", "Vasaros mokykla"),
    _coast("k9", "Coastal Summer School 2027", (2027, 7, 5), "Ventspils", "Summer school"),
    _coast(
        "k10",
        "Metų bibliotekininkas: apdovanojimų ceremonija",
        (2027, 6, 18),
        "Klaipėda",
        "Apdovanojimai",
    ),
    _coast("k11", "Atvirosios prieigos savaitė 2027", (2027, 10, 25), "Klaipėda", "Kampanija"),
    _coast(
        "k12",
        "Vebinārs: kā izvēlēties atvērtās piekļuves žurnālu",
        (2027, 6, 16),
        "Tiešsaistē",
        "Vebinārs",
    ),
    _coast("k13", "Paroda „Klaipėdos spaustuvės 1900–1939“", (2027, 7, 1), "Liepāja", "Izstāde"),
    _coast("k14", "Paskaitų ciklas „Jūra ir knygos“", (2027, 7, 8), "Klaipėda", "Paskaita"),
    _coast("k15", "Open Access Week 2026", (2026, 10, 19), "Liepāja", "Campaign"),
]


@pytest.fixture(scope="module")
def coast() -> Knowledge:
    # Kinds as `events import` stores them.
    found = [replace(e, kind=kinds.classify(e.title, e.categories)) for e in COAST_EVENTS]
    return Knowledge.build(found, None, SCHOOL.zone)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("next summer school", "k9"),
        ("nākamā vasaras skola", "k9"),
        ("kita vasaros mokykla", "k9"),
        ("next open day?", "k1"),
        ("kad nākamā atvērto durvju diena", "k1"),
        ("kada artimiausia atvirų durų diena", "k1"),
        ("When is the next poetry evening?", "k2"),
        ("nākamais dzejas vakars", "k2"),
        ("kitas poezijos vakaras", "k2"),
        ("when is the next round table", "k4"),
        ("nākamais apaļais galds", "k4"),
        ("kitas apskritasis stalas", "k4"),
    ],
)
def test_a_kind_the_calendar_names_in_one_language_asked_in_another(
    coast, question, expected
) -> None:
    found = ask(coast, question, COAST_NOW)
    assert (found.intent, uids(found)) == ("next_event", [expected])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("when was the researchers night", "k6"),
        ("whn was the researchers night", "k6"),
        ("kad bija zinātnieku nakts", "k6"),
        ("kada vyko tyrėjų naktis", "k6"),
        ("when is the researchers night", "k7"),
        ("kada bus tyreju naktis", "k7"),
        ("when is the summer school", "k9"),
        ("kad būs vasaras skola", "k9"),
        ("kada vyks vasaros mokykla", "k9"),
        ("kur notika pagājušā gada vasaras skola", "k8"),
        ("where was the summer school in 2026", "k8"),
        ("kur vyko 2026 m. vasaros mokykla", "k8"),
        ("kad ir apbalvošanas ceremonija", "k10"),
        ("when is the award ceremony", "k10"),
        ("kada bus apdovanojimų ceremonija", "k10"),
        ("kad būs atvērtās piekļuves nedēļa", "k11"),
        ("when is open access week", "k11"),
        ("kada vyks atvirosios prieigos savaitė", "k11"),
        # The same event titled in another language a year before: the past tense asks it.
        ("when was open access week", "k15"),
        ("kad bija atvērtās piekļuves nedēļa", "k15"),
        ("kada vyko atvirosios prieigos savaitė", "k15"),
        ("when does the exhibition about klaipeda printing houses open", "k13"),
        ("when is the lecture series", "k14"),
        ("kad būs lekciju cikls", "k14"),
        ("kada vyks paskaitų ciklas", "k14"),
    ],
)
def test_a_named_event_this_years_or_last_in_any_language(coast, question, expected) -> None:
    found = ask(coast, question, COAST_NOW)
    assert (found.intent, uids(found)) == ("event_by_name", [expected])


# A plan of the same partnership's: a title heading, numbered chapters, numbered priorities.
COAST_PLAN = """# Kurzemes–Klaipėdos akadēmisko bibliotēku partnerības darbības plāns 2027–2030

## 1. Ievads

Partnerība apvieno četras universitāšu bibliotēkas. Sekretariāts atrodas Liepājā.

## 2. Prioritātes

Partnerībai ir trīs prioritātes.

### 2.1. 1. prioritāte: atvērtā zinātne

Atbalstām pētniekus atvērtās zinātnes jautājumos.

### 2.2. 2. prioritāte: informācijpratība

Mācām studentus meklēt un izvērtēt informāciju.

### 2.3. 3. prioritāte: digitalizācija

Digitalizējam reto grāmatu krājumus.

## 3. Partneri

Asociētie partneri: Tartu Universitātes bibliotēka un Klaipėdas apriņķa bibliotēka.

## 4. Budžets un finansējums

Partnerību finansē dalībbibliotēkas; mobilitāti atbalsta Erasmus+ programma.

## 5. Rādītāji

Rādītājus katru gadu apkopo sekretariāts.
"""


@pytest.fixture(scope="module")
def coast_plan() -> Knowledge:
    found = [replace(e, kind=kinds.classify(e.title, e.categories)) for e in COAST_EVENTS]
    return Knowledge.build(found, parse_plan(COAST_PLAN), SCHOOL.zone)


@pytest.mark.parametrize(
    ("question", "section"),
    [
        # A number next to the topic word asks the numbered sub-section, not the chapter
        # whose own numbering is that number.
        ("kas ir 2. prioritāte", "2.2. 2. prioritāte: informācijpratība"),
        ("what is priority 2", "2.2. 2. prioritāte: informācijpratība"),
        ("kas yra 2 prioritetas", "2.2. 2. prioritāte: informācijpratība"),
        ("kādas ir prioritātes", "2. Prioritātes"),
        # Or an ordinal word in any language and form.
        ("what is the third priority", "2.3. 3. prioritāte: digitalizācija"),
        ("kāda ir otrā prioritāte", "2.2. 2. prioritāte: informācijpratība"),
        ("koks yra trečiasis prioritetas", "2.3. 3. prioritāte: digitalizācija"),
        # A word of the plan's own title is the association: the other topic is asked, and
        # the title is never the section.
        ("how is the partnership funded", "4. Budžets un finansējums"),
        ("kā partnerība tiek finansēta", "4. Budžets un finansējums"),
        ("kaip finansuojama partnerystė", "4. Budžets un finansējums"),
        ("is tartu university library a partner", "3. Partneri"),
        ("vai Tartu universitātes bibliotēka ir partneris", "3. Partneri"),
        ("ar Tartu universiteto biblioteka yra partnerė", "3. Partneri"),
        ("what does the partnership do for students", "2.2. 2. prioritāte: informācijpratība"),
        ("ko partnerība dara studentiem", "2.2. 2. prioritāte: informācijpratība"),
        ("ką partnerystė daro studentams", "2.2. 2. prioritāte: informācijpratība"),
        # Money given, in any language, is the funding.
        ("kiek pinigu skiriama is Erasmus", "4. Budžets un finansējums"),
        ("how much money comes from Erasmus", "4. Budžets un finansējums"),
    ],
)
def test_numbered_priorities_title_words_and_money_in_the_plan(
    coast_plan, question, section
) -> None:
    found = ask(coast_plan, question, COAST_NOW)
    assert (found.intent, found.sections[0].heading) == ("plan", section)


@pytest.mark.parametrize(
    "question", ["kur atrodas sekretariāts", "where is the secretariat", "kur yra sekretoriatas"]
)
def test_where_of_a_body_the_plan_names_is_a_plan_question(coast_plan, question) -> None:
    found = ask(coast_plan, question, COAST_NOW)
    assert found.intent == "plan"
    assert found.sections[0].heading in {"1. Ievads", "5. Rādītāji"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # This weekend in every phrasing: Saturday 12 and Sunday 13 June.
        ("kas notiks šajās brīvdienās", ["k1"]),
        ("what's on this weekend", ["k1"]),
        ("kas vyks šį savaitgalį", ["k1"]),
        # A range across two months: each month with its own day, both ends included.
        ("nuo birželio 15 iki liepos 5", ["k4", "k12", "k10", "k3", "k13", "k9"]),
        ("kas notiks no 15. jūnija līdz 5. jūlijam", ["k4", "k12", "k10", "k3", "k13", "k9"]),
        ("events from June 15 to July 5", ["k4", "k12", "k10", "k3", "k13", "k9"]),
        ("what is on from 15 june to 5 july", ["k4", "k12", "k10", "k3", "k13", "k9"]),
    ],
)
def test_a_weekend_and_a_range_of_two_months(coast, question, expected) -> None:
    found = ask(coast, question, COAST_NOW)
    assert (found.intent, uids(found)) == ("events_in_period", expected)


def test_a_range_that_ends_in_january_ends_in_the_next_year(coast) -> None:
    found = ask(coast, "what is on from 20 December to 10 January", COAST_NOW)
    assert found.period is not None
    assert (found.period.start, found.period.end) == (date(2027, 12, 20), date(2028, 1, 11))


CLUB = [
    _coast("c1", "Knygų klubas „Banga“", (2027, 6, 22, 18), "Klaipėda", "Knygų klubas"),
    _coast("c2", "Partnerības padomes sanāksme", (2027, 6, 23), "Liepāja", "Sanāksme"),
    _coast("c3", "Knygų klubas „Banga“", (2027, 6, 29, 18), "Klaipėda", "Knygų klubas"),
]


@pytest.mark.parametrize(
    "question",
    [
        "book club meetings for the rest of the month",
        "grāmatu kluba tikšanās līdz mēneša beigām",
        "knygų klubo susitikimai iki mėnesio pabaigos",
    ],
)
def test_a_clubs_meetings_are_the_club_not_any_meeting(question) -> None:
    found_events = [
        replace(e, kind=kinds.classify(e.title, e.categories)) for e in [*COAST_EVENTS, *CLUB]
    ]
    knowledge = Knowledge.build(found_events, None, SCHOOL.zone)
    found = ask(knowledge, question, COAST_NOW)
    assert (found.intent, uids(found)) == ("events_in_period", ["c1", "c3"])


@pytest.mark.parametrize(
    "question",
    [
        "kāds laiks būs rīt Liepājā?",
        "kads laiks bus sestdien klaipeda",
        "what's the weather in Klaipėda this weekend",
        "weather forecast for the open day",
        "koks bus oras rytoj Klaipėdoje",
        "orų prognozė savaitgaliui Liepojoje",
    ],
)
def test_the_weather_stays_off_topic_whatever_day_town_or_event_it_names(coast, question) -> None:
    found = ask(coast, question, COAST_NOW)
    assert (found.intent, found.events, found.sections) == ("unknown", (), ())


def test_set_d_stays_right() -> None:
    """Set D (lv-lt-academic), measured once with its misses hidden at 84.4 %, is a tuning
    set since."""
    questions = eval_set("lv-lt-academic")
    indexed = questions.knowledge()
    wrong = [
        (q.text, problems(q, answer(q.text, indexed, questions.now), questions.now))
        for q in questions.load()
    ]
    assert [w for w in wrong if w[1]] == []


@pytest.mark.parametrize(
    "question", ["next hackathon", "nākamais hakatons", "kitas hakatonas", "kad būs hakatons"]
)
def test_a_category_the_calendar_gives_in_two_languages_names_the_kind_in_both(
    question,
) -> None:
    sprint = replace(
        _coast("h1", "Open Data Sprint 2027", (2027, 6, 19), "Liepāja", "Hakatons"),
        categories=("Hakatons", "Hackathon"),
    )
    found_events = [
        replace(e, kind=kinds.classify(e.title, e.categories)) for e in [*COAST_EVENTS, sprint]
    ]
    knowledge = Knowledge.build(found_events, None, SCHOOL.zone)
    found = ask(knowledge, question, COAST_NOW)
    assert uids(found) == ["h1"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("next online event", ["o1"]),
        ("nākamais tiešsaistes pasākums", ["o1"]),
        ("kada kitas renginys internetu", ["o1"]),
        ("online events in june", ["o1", "k12"]),
        ("kas notiks tiešsaistē jūnijā", ["o1", "k12"]),
    ],
)
def test_online_is_asked_like_a_place(question, expected) -> None:
    online = _coast(
        "o1",
        "Lekcija: atvērtie dati",
        (2027, 6, 11),
        "Tiešsaistē / nuotoliniu būdu (Zoom)",
        "Lekcija",
    )
    found_events = [
        replace(e, kind=kinds.classify(e.title, e.categories)) for e in [*COAST_EVENTS, online]
    ]
    knowledge = Knowledge.build(found_events, None, SCHOOL.zone)
    assert uids(ask(knowledge, question, COAST_NOW)) == expected


@pytest.mark.parametrize("question", ["what are the goals", "kādi ir mērķi", "kokie tikslai"])
def test_goals_of_a_plan_with_a_mission_and_priorities_are_the_priorities(question) -> None:
    plan = parse_plan(
        "# Tīkla plāns\n\n## Misija\n\nMēs vienojam bibliotēkas.\n\n"
        "## Prioritātes\n\n1. Lasīšana.\n2. Digitalizācija.\n"
    )
    knowledge = Knowledge.build([], plan, SCHOOL.zone)
    found = ask(knowledge, question, COAST_NOW)
    assert (found.intent, found.sections[0].heading) == ("plan", "Prioritātes")
