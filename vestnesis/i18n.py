"""gettext catalogs (lv, en, lt): the compiled `.mo` files `pybabel compile` writes beside the
`.po` files (`make catalogs`, or the package build), read when a language is first used."""

from __future__ import annotations

import io
from dataclasses import dataclass
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING

import structlog

from vestnesis.common.catalog import Gettext

if TYPE_CHECKING:  # not imported by a cold `ask` (vestnesis/kept_config.py)
    from vestnesis.config import Association, Config

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "vestnesis"
log = structlog.stdlib.get_logger("vestnesis.i18n")


class Catalogs:
    """Loaded catalogs by language; unknown languages fall back to English."""

    def __init__(self, locale_dir: Path = LOCALE_DIR) -> None:
        self._dir = locale_dir
        self._loaded: dict[str, NullTranslations] = {}

    def get(self, language: str) -> NullTranslations:
        """The catalog of `language` (English text when there is none)."""
        if language not in self._loaded:
            self._loaded[language] = self._load(language)
        return self._loaded[language]

    def _load(self, language: str) -> NullTranslations:
        source = self._dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        compiled = source.with_suffix(".mo")
        if compiled.is_file() and not _newer(source, compiled):
            with compiled.open("rb") as stream:
                # The standard library's reader: Babel's (babel.support) is the same class with
                # more methods, and importing it imports Babel's dates too (issue 18).
                return GNUTranslations(stream)
        if not source.is_file():
            return NullTranslations()
        # A source checkout before `make catalogs`, or a .po edited since: its own text, not
        # a stale or missing .mo (which would show old or English text without a word).
        log.info("catalog not compiled; compiling it in memory", language=language)
        # Imported only here: a process that finds the .mo files (an installation, or a
        # checkout after `make catalogs`) does without the .po reader and writer (issue 18).
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with source.open("rb") as text:
            catalog = read_po(text, locale=language, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return GNUTranslations(buffer)


def _newer(path: Path, than: Path) -> bool:
    return path.is_file() and path.stat().st_mtime > than.stat().st_mtime


@dataclass(frozen=True)
class Presentation:
    """Everything about one reader that shapes how text is shown to them."""

    language: str
    catalog: Gettext
    association: str
    short_name: str
    website: str
    timezone: str


def presentation(config: Config, language: str, catalogs: Catalogs) -> Presentation:
    """How to show text to a reader of `language` in this association."""
    return Presenter(config.association, catalogs)(language)


@dataclass(frozen=True)
class Presenter:
    """How to show text to readers of each language: the association and its catalogs,
    for the use cases that word things for readers (`presenter("lv")` is a `Presentation`)."""

    association: Association
    catalogs: Catalogs

    def __call__(self, language: str) -> Presentation:
        """How to show text to a reader of `language`."""
        association = self.association
        catalogs = self.catalogs
        return Presentation(
            language=language,
            catalog=catalogs.get(language),
            association=association.name,
            short_name=association.short_name or association.name,
            website=association.website,
            timezone=association.timezone,
        )
