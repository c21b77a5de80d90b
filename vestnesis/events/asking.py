"""Members' questions at the edge: keeps the calendar and plan indexed, translates plan text
for the asker, and words the answer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import structlog

from feeds.language import LanguageDetector
from feeds.translate.base import TranslationError
from storage import Event
from vestnesis.answer_index import index_key, index_path, read_index, write_index
from vestnesis.answering.engine import Answer, Knowledge, answer
from vestnesis.answering.plan import Plan, parse_plan
from vestnesis.answering.text import Wording, answer_text
from vestnesis.app import App

log = structlog.stdlib.get_logger("vestnesis.asking")
CALENDAR_PATH = "/events.ics"
LANGUAGES = ("lv", "en", "lt")
# Titles sent to the translation backend per index build (cached, so paid for once each).
MAX_TRANSLATED_TITLES = 400
# Plan headings and paragraphs sent per plan version (cached, so paid for once each).
MAX_TRANSLATED_PARAGRAPHS = 400


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
    return _parsed_plan(_plan_text(app))


def _plan_text(app: App) -> str | None:
    """The configured plan document's text (None when there is none or it cannot be read)."""
    path = app.config.plan.path
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        log.warning("plan not read; plan questions go unanswered", reason=str(error))
        return None


def _parsed_plan(text: str | None) -> Plan | None:
    return parse_plan(text) if text is not None else None


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


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
        """The current index of events and plan: kept in memory while the calendar and the
        plan file stay as they are, and in the data folder (vestnesis/answer_index.py) for the
        next process, rebuilt only when what it is built from has changed."""
        async with self._lock:
            # The plan file may be edited while the service runs: its time is in the version.
            version = f"{await self._app.database.events.version()}/{_modified(self._app)}"
            if self._knowledge is None or version != self._version:
                self._knowledge = await self._kept_or_built()
                self._version = version
            return self._knowledge

    async def _kept_or_built(self) -> Knowledge:
        app = self._app
        events: list[Event] | None = None
        translations: dict[str, tuple[str, ...]] = {}
        if app.translator is not None:
            # The titles translated depend on the events and on the day: part of the key.
            events = await app.database.events.between()
            translations = await self._title_translations(events)
        plan_text = await asyncio.to_thread(_plan_text, app)
        plan = _parsed_plan(plan_text)
        plan_translations = await self._plan_translations(plan)
        words = app.config.answers.words
        parts = [
            (await app.database.events.content_digest()).encode(),
            (plan_text or "").encode(),
            await asyncio.to_thread(_read_bytes, words) if words else b"",
            str(app.config.association.zone).encode(),
            repr(sorted(translations.items())).encode(),
            repr(sorted(plan_translations.items())).encode(),
        ]
        key = index_key(parts)
        path = index_path(app.config.database_path)
        kept = await asyncio.to_thread(read_index, path, key)
        if kept is not None:
            return replace(kept, detector=self._detector)
        if events is None:
            events = await app.database.events.between()
        built = await asyncio.to_thread(
            Knowledge.build,
            events,
            plan,
            app.config.association.zone,
            self._detector,
            self._tables,
            translations,
            plan_translations,
        )
        await asyncio.to_thread(write_index, path, key, built)
        return built

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
                    log.warning("event titles not translated", reason=str(error))
                    return {title: tuple(texts) for title, texts in found.items()}
                for title, text in zip(batch, done, strict=True):
                    if text and text != title:
                        found.setdefault(title, []).append(text)
        return {title: tuple(texts) for title, texts in found.items()}

    async def _plan_translations(self, plan: Plan | None) -> dict[str, tuple[str, ...]]:
        """The plan's headings and paragraphs in the other languages, through the configured
        (cached) translation backend, so that a question asked in another language than the
        plan's finds what the word groups do not ("garsinės knygos" in an English plan's
        "audiobooks"); at most MAX_TRANSLATED_PARAGRAPHS texts. Nothing when there is no
        backend or it fails."""
        translator = self._app.translator
        if translator is None or plan is None:
            return {}
        source = self._app.config.plan.language or self._app.config.association.default_language
        texts: list[str] = []
        for section in plan.sections:
            for text in (section.heading, *section.paragraphs):
                if text.strip() and text not in texts:
                    texts.append(text)
        texts = texts[:MAX_TRANSLATED_PARAGRAPHS]
        found: dict[str, list[str]] = {}
        for target in LANGUAGES:
            if target == source or not texts:
                continue
            try:
                done = await translator.translate(texts, source, target)
            except TranslationError as error:
                log.warning("plan not translated for search", reason=str(error))
                break
            for text, translated in zip(texts, done, strict=True):
                if translated and translated != text:
                    found.setdefault(text, []).append(translated)
        return {text: tuple(done) for text, done in found.items()}

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
            log.warning("plan text not translated", reason=str(error))
            return {}
        return dict(zip(texts, done, strict=True))
