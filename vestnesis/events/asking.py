"""Members' questions at the edge: keeps the calendar and plan indexed, translates plan text
for the asker, and words the answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from feeds.language import LanguageDetector
from feeds.translate.base import TranslationError
from storage import Event
from vestnesis.answering.engine import Answer, Knowledge, answer
from vestnesis.answering.plan import Plan, parse_plan
from vestnesis.answering.text import Wording, answer_text
from vestnesis.app import App
from vestnesis.common.logs import fields

log = logging.getLogger("vestnesis.asking")
CALENDAR_PATH = "/events.ics"
LANGUAGES = ("lv", "en", "lt")
# Titles sent to the translation backend per index build (cached, so paid for once each).
MAX_TRANSLATED_TITLES = 400


@dataclass(frozen=True)
class Reply:
    """An answer and its words."""

    answer: Answer
    text: str

    def as_json(self) -> dict[str, object]:
        """The shape `vestnesis ask --json` prints."""
        return {
            "intent": self.answer.intent,
            "answer": self.text,
            "language": self.answer.language,
            # A period's events in order, the cancelled ones among them (the reply says so).
            "events": [e.uid for e in listed(self.answer)],
            "cancelled": [e.uid for e in self.answer.cancelled],
            "sections": [s.heading for s in self.answer.sections],
        }


def listed(answer: Answer) -> list[Event]:
    """The events an answer names, by start: for a period, the cancelled ones too."""
    if answer.intent != "events_in_period" or not answer.cancelled:
        return list(answer.events)
    return sorted((*answer.events, *answer.cancelled), key=lambda e: (e.start, e.title))


def _by_language(
    titles: Sequence[str], detector: LanguageDetector, default: str
) -> dict[str, list[str]]:
    """Titles grouped by their language (lingua; the association's own when unsure)."""
    grouped: dict[str, list[str]] = {}
    for title in titles:
        source = detector.detect(title) if len(title.split()) >= 2 else None
        grouped.setdefault(source if source in LANGUAGES else default, []).append(title)
    return grouped


def load_plan(app: App) -> Plan | None:
    """The configured plan document, parsed (None when there is none)."""
    path = app.config.plan.path
    if not path:
        return None
    try:
        return parse_plan(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        log.warning("plan not read; plan questions go unanswered", **fields(reason=str(error)))
        return None


def _modified(app: App) -> float:
    path = app.config.plan.path
    try:
        return Path(path).stat().st_mtime if path else 0.0
    except OSError:
        return 0.0


def calendar_url(app: App) -> str:
    """The public address of the events feed (empty when the web pages are off)."""
    if app.config.web.secret is None:
        return ""
    return app.config.web.public_url + CALENDAR_PATH


class Answerer:
    """Answers questions; the index is rebuilt only when the calendar has changed."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._detector = LanguageDetector(("lv", "lt", "en"))
        self._tables = app.config.answers.tables()
        self._knowledge: Knowledge | None = None
        self._version = ""
        self._lock = asyncio.Lock()

    async def knowledge(self) -> Knowledge:
        """The current index of events and plan."""
        async with self._lock:
            # The plan file may be edited while the service runs: its time is in the version.
            version = f"{await self._app.database.events.version()}/{_modified(self._app)}"
            if self._knowledge is None or version != self._version:
                events = await self._app.database.events.between()
                translations = await self._title_translations(events)
                self._knowledge = await asyncio.to_thread(
                    Knowledge.build,
                    events,
                    load_plan(self._app),
                    self._app.config.association.zone,
                    self._detector,
                    self._tables,
                    translations,
                )
                self._version = version
            return self._knowledge

    async def _title_translations(self, events: Sequence[Event]) -> dict[str, tuple[str, ...]]:
        """Event titles in the other languages, through the configured (cached) translation
        backend, so that "the annual meeting" finds "metinis susirinkimas"; the titles nearest
        in time first, at most MAX_TRANSLATED_TITLES. Nothing when there is no backend or it
        fails (the shared word groups still apply)."""
        translator = self._app.translator
        if translator is None or not events:
            return {}
        now = self._app.clock.now()
        titles: list[str] = []
        for event in sorted(events, key=lambda e: (abs(e.start - now), e.title)):
            if event.title not in titles:
                titles.append(event.title)
            if len(titles) >= MAX_TRANSLATED_TITLES:
                break
        default = self._app.config.association.default_language
        by_language = await asyncio.to_thread(_by_language, titles, self._detector, default)
        found: dict[str, list[str]] = {}
        for source, batch in sorted(by_language.items()):
            for target in LANGUAGES:
                if target == source:
                    continue
                try:
                    done = await translator.translate(batch, source, target)
                except TranslationError as error:
                    log.warning("event titles not translated", **fields(reason=str(error)))
                    return {title: tuple(texts) for title, texts in found.items()}
                for title, text in zip(batch, done, strict=True):
                    if text and text != title:
                        found.setdefault(title, []).append(text)
        return {title: tuple(texts) for title, texts in found.items()}

    async def ask(
        self,
        question: str,
        language: str | None = None,
        now: datetime | None = None,
        *,
        links: bool = True,
    ) -> Reply:
        """Answer a member's question in the language they asked in. With links=False a
        single event's answer leaves out its bare links (the bot shows them as buttons)."""
        moment = now or self._app.clock.now()
        found = answer(question, await self.knowledge(), moment, language)
        app = self._app
        plan_language = app.config.plan.language or app.config.association.default_language
        wording = Wording(
            catalog=app.catalogs.get(found.language),
            zone=app.config.association.zone,
            now=moment,
            calendar_url=calendar_url(app),
            translations=await self._translate(found, plan_language),
            plan_language=plan_language,
            tables=self._tables,
            links=links,
        )
        return Reply(found, answer_text(found, wording))

    async def _translate(self, found: Answer, plan_language: str) -> dict[str, str]:
        translator = self._app.translator
        if found.intent != "plan" or found.language == plan_language or translator is None:
            return {}
        texts = [p.text for p in found.passages] or [s.text for s in found.sections]
        try:
            done = await translator.translate(texts, plan_language, found.language)
        except TranslationError as error:
            log.warning("plan text not translated", **fields(reason=str(error)))
            return {}
        return dict(zip(texts, done, strict=True))
