"""Members' questions at the edge: keeps the calendar and plan indexed, translates plan text
for the asker, and words the answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import structlog

from feeds.language import LanguageDetector
from feeds.translate.base import TranslationError
from storage import Event
from vestnesis.answer_index import Kept, index_key, index_path, read_index, write_index
from vestnesis.answering.engine import Answer, Knowledge, answer
from vestnesis.answering.plan import Plan, parse_plan
from vestnesis.answering.tables import Tables
from vestnesis.answering.text import Wording, answer_text
from vestnesis.common.catalog import Gettext
from vestnesis.common.clock import Clock

if TYPE_CHECKING:  # not imported by a cold `ask` (vestnesis/kept_config.py)
    from vestnesis.config import Config

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
            "earlier": [e.uid for e in self.answer.earlier],
            "sections": [s.heading for s in self.answer.sections],
        }


def listed(answer: Answer) -> list[Event]:
    """The events an answer names, by start: for a period, the cancelled ones and those of
    its days already gone too."""
    if answer.intent != "events_in_period" or not (answer.cancelled or answer.earlier):
        return list(answer.events)
    return sorted(
        (*answer.earlier, *answer.events, *answer.cancelled), key=lambda e: (e.start, e.title)
    )


def _by_language(
    titles: Sequence[str], detector: LanguageDetector, default: str
) -> dict[str, list[str]]:
    """Titles grouped by their language (lingua; the association's own when unsure)."""
    grouped: dict[str, list[str]] = {}
    for title in titles:
        source = detector.detect(title) if len(title.split()) >= 2 else None
        grouped.setdefault(source if source in LANGUAGES else default, []).append(title)
    return grouped


class EventReader(Protocol):
    """The part of the event store answering reads (storage.events.EventStore is one)."""

    async def change_token(self) -> str: ...

    async def between(
        self, start: datetime | None = None, end: datetime | None = None, calendar: str = ""
    ) -> list[Event]: ...


class Translating(Protocol):
    """A (cached) translation backend: feeds.translate.cached.CachedTranslator is one."""

    async def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]: ...


class CatalogSource(Protocol):
    """Where the catalog of a language comes from (vestnesis.i18n.Catalogs is one)."""

    def get(self, language: str) -> Gettext: ...


@dataclass(frozen=True)
class AskingSettings:
    """What answering reads from the config: the plan file and its language, the words file
    and how to read the word tables (only when the kept answer index does not hold them), the
    association's zone and language, the public calendar's address, and where the answer index
    is kept."""

    zone: tzinfo
    default_language: str
    plan_path: str | None
    plan_language: str
    words_path: str | None
    word_tables: Callable[[], Tables]
    calendar_url: str
    index_path: Path

    @classmethod
    def from_config(cls, config: Config) -> AskingSettings:
        """The settings of `config` (the words file, which the config has checked, is read
        when the tables are first needed)."""
        association = config.association
        return cls(
            zone=association.zone,
            default_language=association.default_language,
            plan_path=config.plan.path,
            plan_language=config.plan.language or association.default_language,
            words_path=config.answers.words,
            word_tables=config.answers.tables,
            calendar_url=calendar_url(config),
            index_path=index_path(config.database_path),
        )


def load_plan(path: str | None) -> Plan | None:
    """The plan document at `path`, parsed (None when there is none or it cannot be read)."""
    return _parsed_plan(_plan_text(path))


def _plan_text(path: str | None) -> str | None:
    """The plan document's text (None when there is none or it cannot be read)."""
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


def _modified(path: str | None) -> float:
    try:
        return Path(path).stat().st_mtime if path else 0.0
    except OSError:
        return 0.0


def calendar_url(config: Config) -> str:
    """The public address of the events feed (empty when the web pages are off)."""
    if config.web.secret is None:
        return ""
    return config.web.public_url + CALENDAR_PATH


class Answerer:
    """Answers questions; the index is rebuilt only when the calendar has changed.

    It reads the events (`events`), translates titles and plan text with `translator` (None:
    no backend), words answers with the catalogs of `catalogs`, and takes the time from
    `clock`; `vestnesis.wiring.calendars.answerer_for` builds one from the app's parts."""

    def __init__(
        self,
        settings: AskingSettings,
        events: EventReader,
        translator: Translating | None,
        clock: Clock,
        catalogs: CatalogSource,
    ) -> None:
        self._settings = settings
        self._events = events
        self._translator = translator
        self._clock = clock
        self._catalogs = catalogs
        self._detector = LanguageDetector(("lv", "lt", "en"))
        self._tables: Tables | None = None  # the kept index's, else read at first need
        self._knowledge: Knowledge | None = None
        self._version = ""
        self._lock = asyncio.Lock()

    async def knowledge(self) -> Knowledge:
        """The current index of events and plan: kept in memory while the calendar and the
        plan file stay as they are, and in the data folder (vestnesis/answer_index.py) for the
        next process, rebuilt only when what it is built from has changed."""
        async with self._lock:
            # The plan file may be edited while the service runs: its time is in the version.
            plan = self._settings.plan_path
            version = f"{await self._events.change_token()}/{_modified(plan)}"
            if self._knowledge is None or version != self._version:
                self._knowledge = await self._kept_or_built()
                self._version = version
            return self._knowledge

    async def _kept_or_built(self) -> Knowledge:
        settings = self._settings
        events: list[Event] | None = None
        translations: dict[str, tuple[str, ...]] = {}
        if self._translator is not None:
            # The titles translated depend on the events and on the day: part of the key.
            events = await self._events.between()
            translations = await self._title_translations(events)
        plan_text = await asyncio.to_thread(_plan_text, settings.plan_path)
        plan = _parsed_plan(plan_text)
        plan_translations = await self._plan_translations(plan)
        words = settings.words_path
        parts = [
            (await self._events.change_token()).encode(),
            (plan_text or "").encode(),
            await asyncio.to_thread(_read_bytes, words) if words else b"",
            str(settings.zone).encode(),
            repr(sorted(translations.items())).encode(),
            repr(sorted(plan_translations.items())).encode(),
            settings.plan_language.encode(),
        ]
        key = index_key(parts)
        path = settings.index_path
        kept = await asyncio.to_thread(read_index, path, key)
        if kept is not None:
            # The word tables were part of the key: the kept ones are the configured ones,
            # with their stemmed lexicons worked out already.
            if self._tables is None:
                self._tables = kept.tables
            return kept.knowledge_with(self._detector)
        tables = self._word_tables()
        if events is None:
            events = await self._events.between()
        built = await asyncio.to_thread(
            Knowledge.build,
            events,
            plan,
            settings.zone,
            self._detector,
            tables,
            translations,
            plan_translations,
            settings.plan_language,
        )
        await asyncio.to_thread(write_index, path, key, Kept(built, tables))
        return built

    def _word_tables(self) -> Tables:
        if self._tables is None:
            self._tables = self._settings.word_tables()
        return self._tables

    async def _title_translations(self, events: Sequence[Event]) -> dict[str, tuple[str, ...]]:
        """Event titles in the other languages, through the configured (cached) translation
        backend, so that "the annual meeting" finds "metinis susirinkimas"; the titles nearest
        in time first, at most MAX_TRANSLATED_TITLES. Nothing when there is no backend or it
        fails (the shared word groups still apply)."""
        translator = self._translator
        if translator is None or not events:
            return {}
        now = self._clock.now()
        titles: list[str] = []
        for event in sorted(events, key=lambda e: (abs(e.start - now), e.title)):
            if event.title not in titles:
                titles.append(event.title)
            if len(titles) >= MAX_TRANSLATED_TITLES:
                break
        default = self._settings.default_language
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
        translator = self._translator
        if translator is None or plan is None:
            return {}
        source = self._settings.plan_language
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
        moment = now or self._clock.now()
        found = answer(question, await self.knowledge(), moment, language)
        tables = self._word_tables()
        settings = self._settings
        plan_language = settings.plan_language
        wording = Wording(
            catalog=self._catalogs.get(found.language),
            zone=settings.zone,
            now=moment,
            calendar_url=settings.calendar_url,
            translations=await self._translate(found, plan_language),
            plan_language=plan_language,
            tables=tables,
            links=links,
        )
        return Reply(found, answer_text(found, wording))

    async def _translate(self, found: Answer, plan_language: str) -> dict[str, str]:
        translator = self._translator
        if found.intent != "plan" or found.language == plan_language or translator is None:
            return {}
        texts = [p.text for p in found.passages] or [s.text for s in found.sections]
        try:
            done = await translator.translate(texts, plan_language, found.language)
        except TranslationError as error:
            log.warning("plan text not translated", reason=str(error))
            return {}
        return dict(zip(texts, done, strict=True))
