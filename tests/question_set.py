"""The members' question set (tests/fixtures/questions.toml) and how an answer is judged;
shared by the tests and bench/answers.py."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from feeds.ics import parse_calendar
from feeds.language import LanguageDetector
from storage import Event
from vestnesis.answering import kinds
from vestnesis.answering.engine import Answer, Knowledge
from vestnesis.answering.plan import parse_plan

ROOT = Path(__file__).resolve().parent.parent
ZONE = ZoneInfo("Europe/Riga")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)
CALENDARS = {
    "LBB": ROOT / "examples" / "events.ics",
    "LBD": ROOT / "tests" / "fixtures" / "lbd.ics",
}


@dataclass(frozen=True)
class Question:
    """One question and what a right answer gives."""

    text: str
    language: str
    intent: str
    events: tuple[str, ...] | None
    sections: tuple[str, ...] | None


def questions() -> list[Question]:
    """The whole set."""
    data = tomllib.loads((ROOT / "tests" / "fixtures" / "questions.toml").read_text("utf-8"))
    return [
        Question(
            q["text"],
            q["language"],
            q["intent"],
            tuple(q["events"]) if "events" in q else None,
            tuple(q["sections"]) if "sections" in q else None,
        )
        for q in data["question"]
    ]


def calendar_events(now: datetime = NOW) -> list[Event]:
    """The fixture calendars' occurrences, kinds recognised, as an import stores them."""
    found: list[Event] = []
    for name, path in CALENDARS.items():
        parsed = parse_calendar(
            path.read_bytes(),
            zone=ZONE,
            start=now - timedelta(days=180),
            end=now + timedelta(days=366),
            calendar=name,
        )
        found += [replace(e, kind=kinds.classify(e.title, e.categories)) for e in parsed.events]
    return found


def knowledge(extra: Sequence[Event] = ()) -> Knowledge:
    """The fixture calendars (plus `extra` events) and the example plan, indexed."""
    plan = parse_plan((ROOT / "examples" / "plan.md").read_text("utf-8"))
    detector = LanguageDetector(("lv", "lt", "en"))
    return Knowledge.build([*calendar_events(), *extra], plan, ZONE, detector)


def problems(question: Question, answer: Answer) -> list[str]:
    """What is wrong with an answer (empty when it is right)."""
    wrong = []
    if answer.intent != question.intent:
        wrong.append(f"intent {answer.intent}, expected {question.intent}")
    if answer.language != question.language:
        wrong.append(f"language {answer.language}, expected {question.language}")
    uids = tuple(e.uid for e in answer.events)
    if question.events is not None and uids != question.events:
        wrong.append(f"events {list(uids)}, expected {list(question.events)}")
    if question.sections is not None and (
        not answer.sections or answer.sections[0].heading not in question.sections
    ):
        got = [s.heading for s in answer.sections]
        wrong.append(f"sections {got}, expected one of {list(question.sections)}")
    offered = [e for e in answer.events if e.cancelled and answer.intent != "event_by_name"]
    if offered or any(e.end <= NOW for e in answer.events if answer.intent != "event_by_name"):
        wrong.append("a cancelled or past event offered as upcoming")
    return wrong


def utc(moment: datetime) -> datetime:
    """The moment in UTC."""
    return moment.astimezone(UTC)
