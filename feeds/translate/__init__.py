"""Machine translation of item texts: one interface, several backends, one cache."""

from feeds.translate.base import TranslationError, TranslationUnavailable, Translator

__all__ = ["TranslationError", "TranslationUnavailable", "Translator"]
