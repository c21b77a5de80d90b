"""The answer index kept in the data folder: a fresh process reads it instead of rebuilding,
it answers exactly as a freshly built one, and it is rebuilt when the calendar, the plan or
the word tables change (vestnesis/answer_index.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import Event
from tests.conftest import NOW, running, sample_config
from vestnesis.answer_index import INDEX_FILE
from vestnesis.answering import Knowledge, answer
from vestnesis.config import load_config
from vestnesis.events.asking import Answerer, load_plan
from vestnesis.events.calendar import poll_calendars, save_board_event

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
        await poll_calendars(app)
        first = await _replies(Answerer.from_app(app))
        kept = config.database_path.with_name(INDEX_FILE)
        assert kept.is_file()
        # A new process's answerer: the index comes from the file, never from a build.
        monkeypatch.setattr(Knowledge, "build", _no_build)
        again = await _replies(Answerer.from_app(app))
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
        await poll_calendars(app)
        await Answerer.from_app(app).knowledge()
        kept = config.database_path.with_name(INDEX_FILE)
        before = kept.read_bytes().split(b"\n", 1)[0]
        start = NOW + timedelta(days=20)
        title = "Grāmatu maratons Valmierā"
        saved = await save_board_event(
            app, Event(uid="", title=title, start=start, end=start + timedelta(hours=2))
        )
        reply = await Answerer.from_app(app).ask("Kad būs grāmatu maratons?", now=NOW)
        assert reply.as_json()["events"] == [saved.uid]
        assert kept.read_bytes().split(b"\n", 1)[0] != before


async def test_the_kept_index_is_rebuilt_when_the_plan_changes(tmp_path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("# Mērķis\n\nVeicināt lasīšanu visos novados.\n", encoding="utf-8")
    config = load_config(sample_config(tmp_path, plan={"path": str(plan)}), {})
    async with running(config) as app:
        reply = await Answerer.from_app(app).ask("Kāds ir biedrības mērķis?", now=NOW)
        assert "lasīšanu" in reply.text
        plan.write_text("# Mērķis\n\nAtbalstīt skolu bibliotekārus.\n", encoding="utf-8")
        reply = await Answerer.from_app(app).ask("Kāds ir biedrības mērķis?", now=NOW)
        assert "skolu bibliotekārus" in reply.text
        assert "lasīšanu" not in reply.text


async def test_a_torn_index_file_is_rebuilt_not_fatal(tmp_path) -> None:
    config = load_config(sample_config(tmp_path), {})
    async with running(config) as app:
        await poll_calendars(app)
        first = await _replies(Answerer.from_app(app))
        kept = config.database_path.with_name(INDEX_FILE)
        key = kept.read_bytes().split(b"\n", 1)[0]
        kept.write_bytes(key + b"\nnot a pickle")
        assert await _replies(Answerer.from_app(app)) == first
        assert kept.stat().st_size > 1000  # written again, whole
