"""Members' questions at the edge: keeps the calendar and plan indexed, translates plan text
for the asker, and words the answer."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from feeds.language import LanguageDetector
from feeds.translate.base import TranslationError
from vestnesis.answer_text import Wording, answer_text
from vestnesis.answers import Answer, Knowledge, answer
from vestnesis.app import App
from vestnesis.logs import fields
from vestnesis.plan import Plan, parse_plan

log = logging.getLogger("vestnesis.asking")
CALENDAR_PATH = "/events.ics"


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
            "events": [e.uid for e in self.answer.events],
            "sections": [s.heading for s in self.answer.sections],
        }


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
                self._knowledge = await asyncio.to_thread(
                    Knowledge.build,
                    events,
                    load_plan(self._app),
                    self._app.config.association.zone,
                    self._detector,
                )
                self._version = version
            return self._knowledge

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
