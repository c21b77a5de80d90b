"""Question sets and how an answer is judged; shared by the tests and bench/answers.py.

A question set is a calendar (one or more ICS files), a plan, a clock (NOW), a time zone and
questions.toml with the expected answers. The team's own set (tests/fixtures/questions.toml,
the one the answerer was built on) and the independent evaluation sets written by someone who
had not read the answerer (tests/fixtures/eval/<name>/, see its README) are read the same way.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from feeds.ics import parse_calendar
from feeds.language import LanguageDetector
from storage import Event
from vestnesis.answering import kinds
from vestnesis.answering.engine import Answer, Knowledge
from vestnesis.answering.plan import parse_plan
from vestnesis.answering.tables import Tables

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "fixtures" / "eval"
ZONE = ZoneInfo("Europe/Riga")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)
CALENDARS = {
    "LBB": ROOT / "examples" / "events.ics",
    "LBD": ROOT / "tests" / "fixtures" / "lbd.ics",
}
# As `events import` keeps them (vestnesis.events.calendar.KEEP_PAST, [events] horizon).
KEEP_PAST = timedelta(days=366)
HORIZON = timedelta(days=366)


@dataclass(frozen=True)
class Question:
    """One question and what a right answer gives."""

    text: str
    language: str
    intent: str
    events: tuple[str, ...] | None
    sections: tuple[str, ...] | None


@dataclass(frozen=True)
class QuestionSet:
    """A calendar, a plan, a clock and the questions asked of them."""

    name: str
    calendars: dict[str, Path]
    plan: Path
    questions: Path
    now: datetime
    zone: ZoneInfo

    def load(self) -> list[Question]:
        """The questions."""
        data = tomllib.loads(self.questions.read_text("utf-8"))
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

    def events(self, tables: Tables | None = None) -> list[Event]:
        """The calendars' occurrences as an import stores them: kinds recognised, past ones
        kept a year."""
        found: list[Event] = []
        for name, path in self.calendars.items():
            parsed = parse_calendar(
                path.read_bytes(),
                zone=self.zone,
                start=self.now - KEEP_PAST,
                end=self.now + HORIZON,
                calendar=name,
            )
            found += [
                replace(e, kind=kinds.classify(e.title, e.categories, tables))
                for e in parsed.events
            ]
        return found

    def knowledge(self, extra: Sequence[Event] = (), tables: Tables | None = None) -> Knowledge:
        """The calendars (plus `extra` events) and the plan, indexed."""
        plan = parse_plan(self.plan.read_text("utf-8"))
        return Knowledge.build([*self.events(tables), *extra], plan, self.zone, _detector(), tables)


@cache
def _detector() -> LanguageDetector:
    return LanguageDetector(("lv", "lt", "en"))


TEAM = QuestionSet(
    "team",
    CALENDARS,
    ROOT / "examples" / "plan.md",
    ROOT / "tests" / "fixtures" / "questions.toml",
    NOW,
    ZONE,
)


def eval_set(name: str) -> QuestionSet:
    """An independent evaluation set, tests/fixtures/eval/<name>/ (its spec.toml gives the
    clock and the zone)."""
    folder = EVAL / name
    spec = tomllib.loads((folder / "spec.toml").read_text("utf-8"))
    zone = ZoneInfo(spec["timezone"])
    now = datetime.fromisoformat(spec["now"]).astimezone(zone)
    return QuestionSet(
        name,
        {name: folder / "events.ics"},
        folder / "plan.md",
        folder / "questions.toml",
        now,
        zone,
    )


SETS = (
    "team",
    "lt-school",
    "en-network",
    "lv-regional",
    "lv-lt-academic",
    "lv-children",
    "lt-music",
    "lv-health",
    "lv-ee-border",
    "lt-conservation",
    "lv-systems",
    "lt-academic-libs",
    "lv-rural",
    "en-directors",
    "lt-public-libs",
)


def question_set(name: str) -> QuestionSet:
    """A set by name: "team" or an evaluation set's folder name."""
    return TEAM if name == "team" else eval_set(name)


def questions() -> list[Question]:
    """The team's set."""
    return TEAM.load()


def calendar_events(now: datetime = NOW) -> list[Event]:
    """The team's fixture calendars' occurrences."""
    return replace(TEAM, now=now).events()


def knowledge(extra: Sequence[Event] = ()) -> Knowledge:
    """The team's calendars (plus `extra` events) and the example plan, indexed."""
    return TEAM.knowledge(extra)


def listed(answer: Answer) -> tuple[str, ...]:
    """The UIDs an answer lists, in order: for a period, its events, the cancelled ones and
    those of its days already gone that it mentions, by start (the reply lists them all; the
    cancelled ones as cancelled, the gone ones as having taken place)."""
    if answer.intent == "events_in_period" and (answer.cancelled or answer.earlier):
        every = sorted(
            (*answer.earlier, *answer.events, *answer.cancelled), key=lambda e: (e.start, e.title)
        )
        return tuple(e.uid for e in every)
    return tuple(e.uid for e in answer.events)


def problems(question: Question, answer: Answer, now: datetime = NOW) -> list[str]:
    """What is wrong with an answer (empty when it is right)."""
    wrong = []
    if answer.intent != question.intent:
        wrong.append(f"intent {answer.intent}, expected {question.intent}")
    if answer.language != question.language:
        wrong.append(f"language {answer.language}, expected {question.language}")
    if question.events is not None:
        # The team's set lists a period's live events; the evaluation sets list cancelled
        # ones too (they are named in the reply, as cancelled).
        uids = tuple(e.uid for e in answer.events)
        if uids != question.events and listed(answer) != question.events:
            wrong.append(f"events {list(listed(answer))}, expected {list(question.events)}")
    if question.sections is not None and (
        not answer.sections or answer.sections[0].heading not in question.sections
    ):
        got = [s.heading for s in answer.sections]
        wrong.append(f"sections {got}, expected one of {list(question.sections)}")
    if question.intent == "unknown" and (answer.events or answer.sections):
        wrong.append("an event or a plan section offered for an off-topic question")
    # Worded in the past (vestnesis.answering.text): a period over, or one under way whose
    # listed events are all over ("which exhibitions were there in August" on the 24th).
    past_period = answer.period is not None and (
        answer.period.bounds(now.tzinfo or UTC)[1] <= now
        or bool(answer.events and all(e.end <= now for e in answer.events))
    )
    offered = [e for e in answer.events if e.cancelled and answer.intent != "event_by_name"]
    if offered or (
        not past_period
        and any(e.end <= now for e in answer.events if answer.intent != "event_by_name")
    ):
        wrong.append("a cancelled or past event offered as upcoming")
    return wrong


def utc(moment: datetime) -> datetime:
    """The moment in UTC."""
    return moment.astimezone(UTC)


def event_on(
    uid: str,
    title: str,
    day: tuple[int, int, int],
    place: str,
    *categories: str,
    zone: ZoneInfo,
    hour: int = 10,
    status: str = "confirmed",
) -> Event:
    """An event of two hours from `hour` on `day` in `zone`, as a calendar gives it."""
    start = datetime(*day, hour, tzinfo=zone)
    return Event(
        uid=uid,
        title=title,
        start=start,
        end=start + timedelta(hours=2),
        place=place,
        categories=categories,
        status=status,
    )


def indexed(events: Sequence[Event], plan: str, zone: ZoneInfo) -> Knowledge:
    """The events as `events import` stores them (each kind from the built-in tables; the
    calendar's own categories become kinds when the knowledge is built) and the plan,
    indexed."""
    classified = [replace(e, kind=kinds.classify(e.title, e.categories)) for e in events]
    return Knowledge.build(classified, parse_plan(plan), zone)
