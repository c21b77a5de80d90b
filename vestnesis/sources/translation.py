"""The configured translation backend, behind the cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from feeds.translate.cached import CachedTranslator

if TYPE_CHECKING:
    import httpx

    from feeds.translate import Translator
    from storage import Database
    from vestnesis.common.clock import Clock
    from vestnesis.config import Config

# Each backend (and httpx under the HTTP ones) is imported only when configured: with none,
# a command such as `vestnesis ask` loads no HTTP library (issue 18).

# The backends that need an HTTP client (the others: none, argos offline).
HTTP_BACKENDS = frozenset({"deepl", "libretranslate"})


def build_translator(
    config: Config, client: httpx.AsyncClient | None, database: Database, clock: Clock
) -> CachedTranslator | None:
    """The backend of `[translation]` with the persistent cache in front; None for 'none'."""
    backend = build_backend(config, client)
    if backend is None:
        return None
    return CachedTranslator(backend, database.translations, clock.now)


def build_backend(config: Config, client: httpx.AsyncClient | None) -> Translator | None:
    """The backend of `[translation]` alone (no cache); None for 'none'."""
    settings = config.translation
    key = settings.api_key.get_secret_value() if settings.api_key else None
    backend: Translator
    if settings.backend == "none":
        return None
    if settings.backend == "deepl":
        from feeds.translate.deepl import DeepL

        assert key is not None  # the config requires it
        assert client is not None
        backend = DeepL(
            client,
            key,
            endpoint=settings.url,
            keep=settings.keep,
            glossaries=settings.glossary,
            retries=settings.retries,
        )
    elif settings.backend == "libretranslate":
        from feeds.translate.libretranslate import LibreTranslate

        assert client is not None  # open_app makes one for an HTTP backend
        backend = LibreTranslate(
            client,
            settings.url,
            api_key=key,
            keep=settings.keep,
            glossaries=settings.glossary,
            retries=settings.retries,
        )
    else:
        from feeds.translate.argos import ArgosTranslator

        backend = ArgosTranslator(settings.models_dir, keep=settings.keep)
    return backend
