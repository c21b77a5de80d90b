"""The answer index kept in the data folder: a fresh process reads it instead of rebuilding,
it answers exactly as a freshly built one, and it is rebuilt when the calendar, the plan or
the word tables change (vestnesis/answer_index.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from datetime import timedelta

import pytest

from storage import Event
from tests.conftest import NOW, running, sample_config
from vestnesis.answer_index import INDEX_FILE
from vestnesis.answering import Knowledge, answer
from vestnesis.config import load_config
from vestnesis.events.asking import Answerer, load_plan
from vestnesis.events.calendar import poll_calendars, save_board_event
from vestnesis.wiring.calendars import answerer_for, calendar_parts

QUESTIONS = (
    "Kad ir nākamais seminārs?",
    "What events are there in December?",
    "Kada vyks kitas renginys?",
    "What is the association's goal?",
    "Kādi ir biedrības mērķi?",
    "When is the annual meeting?",
)


class Rebuilt(Exception):
    """Raised by a Knowledge.build that must not run."""


def _no_build(*_args: object, **_kwargs: object) -> Knowledge:
    raise Rebuilt


async def _replies(answerer: Answerer) -> list[tuple[dict[str, object], str]]:
    found = []
    for question in QUESTIONS:
        reply = await answerer.ask(question, now=NOW)
        found.append((reply.as_json(), reply.text))
    return found


async def test_a_fresh_answerer_reads_the_kept_index_and_answers_the_same(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(sample_config(tmp_path), {})
    async with running(config) as app:
        await poll_calendars(calendar_parts(app))
        first = await _replies(answerer_for(app))
        kept = config.database_path.with_name(INDEX_FILE)
        assert kept.is_file()
        # A new process's answerer: the index comes from the file, never from a build.
        monkeypatch.setattr(Knowledge, "build", _no_build)
        again = await _replies(answerer_for(app))
        monkeypatch.undo()
        assert again == first
        # …and the same as the engine answers over an index built here and now.
        fresh = Knowledge.build(
            await app.database.events.between(),
            load_plan(app.config.plan.path),
            config.association.zone,
            None,
            config.answers.tables(),
        )
        for question, (shape, _text) in zip(QUESTIONS, first, strict=True):
            found = answer(question, fresh, NOW)
            assert found.intent == shape["intent"], question
            assert [e.uid for e in found.events] == [
                uid for uid in shape["events"] if uid not in {e.uid for e in found.cancelled}
            ], question


async def test_the_kept_index_is_rebuilt_when_the_calendar_changes(tmp_path) -> None:
    config = load_config(sample_config(tmp_path), {})
    async with running(config) as app:
        await poll_calendars(calendar_parts(app))
        await answerer_for(app).knowledge()
        kept = config.database_path.with_name(INDEX_FILE)
        before = kept.read_bytes().split(b"\n", 1)[0]
        start = NOW + timedelta(days=20)
        title = "Grāmatu maratons Valmierā"
        saved = await save_board_event(
            calendar_parts(app),
            Event(uid="", title=title, start=start, end=start + timedelta(hours=2)),
        )
        reply = await answerer_for(app).ask("Kad būs grāmatu maratons?", now=NOW)
        assert reply.as_json()["events"] == [saved.uid]
        assert kept.read_bytes().split(b"\n", 1)[0] != before


async def test_the_kept_index_is_rebuilt_when_another_writer_changes_the_events(
    tmp_path,
) -> None:
    """The kept index is current by the events' change token, which triggers renew on every
    write to the table by anyone: here a plain SQLite connection, as another process (the
    service, `events import`) would be, retitles an event behind the answerer's back."""
    config = load_config(sample_config(tmp_path), {})
    async with running(config) as app:
        await poll_calendars(calendar_parts(app))
        await answerer_for(app).knowledge()
        kept = config.database_path.with_name(INDEX_FILE)
        before = kept.read_bytes().split(b"\n", 1)[0]
        token = await app.database.events.change_token()
        with sqlite3.connect(config.database_path) as other:
            uid = other.execute("SELECT uid FROM events ORDER BY start DESC LIMIT 1").fetchone()[0]
            other.execute(
                "UPDATE events SET title = 'Grāmatu maratons Valmierā' WHERE uid = ?", (uid,)
            )
        other.close()
        assert await app.database.events.change_token() != token
        reply = await answerer_for(app).ask("Kad būs grāmatu maratons?", now=NOW)
        assert uid in reply.as_json()["events"], reply.text
        assert kept.read_bytes().split(b"\n", 1)[0] != before


async def test_the_kept_index_is_rebuilt_when_the_plan_changes(tmp_path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("# Mērķis\n\nVeicināt lasīšanu visos novados.\n", encoding="utf-8")
    config = load_config(sample_config(tmp_path, plan={"path": str(plan)}), {})
    async with running(config) as app:
        reply = await answerer_for(app).ask("Kāds ir biedrības mērķis?", now=NOW)
        assert "lasīšanu" in reply.text
        plan.write_text("# Mērķis\n\nAtbalstīt skolu bibliotekārus.\n", encoding="utf-8")
        reply = await answerer_for(app).ask("Kāds ir biedrības mērķis?", now=NOW)
        assert "skolu bibliotekārus" in reply.text
        assert "lasīšanu" not in reply.text


async def test_a_torn_index_file_is_rebuilt_not_fatal(tmp_path) -> None:
    config = load_config(sample_config(tmp_path), {})
    async with running(config) as app:
        await poll_calendars(calendar_parts(app))
        first = await _replies(answerer_for(app))
        kept = config.database_path.with_name(INDEX_FILE)
        key = kept.read_bytes().split(b"\n", 1)[0]
        kept.write_bytes(key + b"\nnot a pickle")
        assert await _replies(answerer_for(app)) == first
        assert kept.stat().st_size > 1000  # written again, whole


async def test_an_index_others_may_write_is_never_loaded(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pickle runs code on load: a kept index that another user could have written is
    rebuilt, not read; the index is written readable by its owner alone."""
    config = load_config(sample_config(tmp_path), {})
    async with running(config) as app:
        await poll_calendars(calendar_parts(app))
        first = await _replies(answerer_for(app))
        kept = config.database_path.with_name(INDEX_FILE)
        assert kept.stat().st_mode & 0o777 == 0o600
        kept.chmod(0o666)
        monkeypatch.setattr(Knowledge, "build", _no_build)
        with pytest.raises(Rebuilt):
            await answerer_for(app).knowledge()
        monkeypatch.undo()
        assert await _replies(answerer_for(app)) == first
        assert kept.stat().st_mode & 0o777 == 0o600  # written again, for its owner only


def test_shared_copies_keep_every_value_and_make_one_object_of_equals() -> None:
    from vestnesis.answer_index import shared

    start = NOW + timedelta(days=1)
    events = [
        Event(uid=f"e{n}", title="".join(["Semi", "nārs"]), start=start, end=start, place="Rīga")
        for n in range(3)
    ]
    words = [frozenset({"".join(["sem", "in"])}) for _ in range(3)]
    root = {"events": events, "words": words, "by": {events[0]: {1, 2}}}
    same = shared(root)
    assert same is root and same["events"] == events and same["words"] == words
    assert [e.uid for e in same["events"]] == ["e0", "e1", "e2"]
    assert same["events"][0].title is same["events"][2].title
    assert same["words"][0] is same["words"][1]
    assert same["by"] == {events[0]: {1, 2}}


@pytest.mark.parametrize(
    "name", ["team", "lt-school", "en-network", "lv-regional", "lv-lt-academic", "lv-children"]
)
def test_every_question_set_is_answered_alike_from_the_kept_index(tmp_path, name: str) -> None:
    """The kept index (shared copies, pickled, read back) answers every question of the
    question sets exactly as the index it was made from: the same Answer, field by field."""
    from tests.question_set import SETS, question_set
    from vestnesis.answer_index import Kept, read_index, write_index

    if name not in SETS:
        pytest.skip(f"no question set {name}")
    chosen = question_set(name)
    built = chosen.knowledge()
    asked = [q.text for q in chosen.load()]
    expected = [answer(text, built, chosen.now) for text in asked]
    path = tmp_path / INDEX_FILE
    write_index(path, "key", Kept(built, built.tables))
    read = read_index(path, "key")
    assert read is not None
    for part in fields(built.tables):  # Tables compare by identity: field by field
        assert getattr(read.tables, part.name) == getattr(built.tables, part.name), part.name
    kept = read.knowledge_with(built.detector)  # its later parts are read as questions need
    assert [answer(text, kept, chosen.now) for text in asked] == expected


def test_the_parts_only_some_questions_use_are_read_at_first_use(tmp_path) -> None:
    """The series and what is kept per series are a section of their own: absent from the
    objects read until something asks for one, then all there, holding the very event
    objects of the index (not copies)."""
    from tests.question_set import question_set
    from vestnesis.answer_index import Kept, read_index, write_index

    built = question_set("team").knowledge()
    path = tmp_path / INDEX_FILE
    write_index(path, "key", Kept(built, built.tables))
    read = read_index(path, "key")
    assert read is not None
    knowledge = read.knowledge_with(None)
    assert "series" not in vars(knowledge.titles)
    assert "_kind_series" not in vars(knowledge)
    series = knowledge.titles.series  # the first use reads the section
    assert "_kind_series" in vars(knowledge)
    assert [s.uid for s in series] == [s.uid for s in built.titles.series]
    events = {id(event) for event in knowledge.events}
    assert all(id(event) in events for s in series for event in s.occurrences)
    assert knowledge._kind_series.keys() == built._kind_series.keys()
    with pytest.raises(AttributeError):
        _ = knowledge.titles.no_such_part


def test_shared_copies_never_merge_equals_that_print_or_type_differently() -> None:
    """An instant in UTC equals the same instant in Riga, 1 equals True and 0.0 equals -0.0:
    each keeps its own object, zone and type."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from vestnesis.answer_index import shared

    utc = NOW.astimezone(UTC)
    riga = NOW.astimezone(ZoneInfo("Europe/Riga"))
    assert utc == riga
    root = [utc, riga, (utc,), (riga,), (1, "a"), (True, "a"), (0.0,), (-0.0,), ("x",), ("x",)]
    same = shared(root)
    assert same[0].tzinfo is UTC and same[1].tzinfo == ZoneInfo("Europe/Riga")
    assert same[2][0].tzinfo is UTC and same[3][0].tzinfo == ZoneInfo("Europe/Riga")
    assert type(same[4][0]) is int and type(same[5][0]) is bool
    assert str(same[6][0]) == "0.0" and str(same[7][0]) == "-0.0"
    assert same[8] is same[9]


def test_the_title_words_are_kept_packed_and_read_back_as_the_same_sets(tmp_path) -> None:
    """Each title word's series numbers are kept as bytes and made a set at first look-up:
    the same numbers, iterated in the same order as the built index's set (answers that
    tie keep their order)."""
    from tests.question_set import question_set
    from vestnesis.answer_index import Kept, read_index, write_index

    built = question_set("team").knowledge()
    path = tmp_path / INDEX_FILE
    write_index(path, "key", Kept(built, built.tables))
    read = read_index(path, "key")
    assert read is not None
    packed = read.knowledge_with(None).titles._index
    index = built.titles._index
    assert packed.keys() == index.keys()
    word = next(iter(index))
    assert isinstance(dict.__getitem__(packed, word), bytes)  # not made until looked up
    for word, numbers in index.items():
        assert list(packed[word]) == list(numbers), word
    assert isinstance(dict.__getitem__(packed, word), set)  # made once, then kept
    assert packed.get("no such word") is None
