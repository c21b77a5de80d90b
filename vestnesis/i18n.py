"""gettext catalogs (lv, en, lt), compiled from the .po files in memory when first used."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from vestnesis.common.catalog import Gettext
from vestnesis.config import Config

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "vestnesis"


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
        path = self._dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.is_file():
            return NullTranslations()
        with path.open("rb") as source:
            catalog = read_po(source, locale=language, domain=DOMAIN)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        return Translations(compiled, domain=DOMAIN)


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
    association = config.association
    return Presentation(
        language=language,
        catalog=catalogs.get(language),
        association=association.name,
        short_name=association.short_name or association.name,
        website=association.website,
        timezone=association.timezone,
    )
