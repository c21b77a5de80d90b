"""Offline language identification for items whose feed does not say."""

from __future__ import annotations

from collections.abc import Iterable

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

# Beyond the association's own languages, those its news sources commonly publish in.
COMMON_SOURCE_LANGUAGES = ("en", "lv", "lt", "et", "de", "fr", "ru")
_MIN_LETTERS = 20
_MIN_CONFIDENCE = 0.5
# Lingua's low-accuracy mode uses its trigram models only: it starts at once and detects
# several times faster, and from about 120 characters on it is nearly as accurate as the
# full mode (lingua's README, "Low accuracy mode versus high accuracy mode"). Shorter texts
# get the full mode, whose models load on the first such text.
_LONG_TEXT = 120


def normalise_code(code: str | None) -> str | None:
    """The primary subtag of a language tag, lower-case: 'lv-LV' → 'lv'; None when empty."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


class LanguageDetector:
    """Detects the language of a text among a fixed set of candidates."""

    def __init__(self, codes: Iterable[str]) -> None:
        languages = set()
        for code in codes:
            try:
                languages.add(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
            except (AttributeError, ValueError):
                continue
        if len(languages) < 2:
            languages.update({Language.ENGLISH, Language.LATVIAN})
        builder = LanguageDetectorBuilder.from_languages(*languages)
        self._precise = builder.build()
        self._fast = builder.with_low_accuracy_mode().build()

    def detect(self, text: str) -> str | None:
        """An ISO 639-1 code, or None when the text is too short or the guess too weak."""
        if sum(map(str.isalpha, text)) < _MIN_LETTERS:
            return None
        detector = self._fast if len(text) >= _LONG_TEXT else self._precise
        values = detector.compute_language_confidence_values(text)
        if not values or values[0].value < _MIN_CONFIDENCE:
            return None
        return values[0].language.iso_code_639_1.name.lower()
