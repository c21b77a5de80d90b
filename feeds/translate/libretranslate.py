"""A self-hosted LibreTranslate server's HTTP API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from feeds.translate.base import TranslationError, TranslationUnavailable, batches
from feeds.translate.protect import Protection, from_marked_html, to_marked_html
from feeds.translate.retry import Sleep, post_json, retry_options

MAX_TEXTS = 20
MAX_CHARS = 4_000  # many servers set a per-request character limit near 5,000


class LibreTranslate:
    """Translates through LibreTranslate's POST /translate; the API key is optional."""

    name = "libretranslate"

    def __init__(
        self,
        client: httpx.AsyncClient,
        url: str,
        *,
        api_key: str | None = None,
        keep: Sequence[str] = (),
        glossaries: Mapping[str, Mapping[str, str]] | None = None,
        retries: int = 3,
        backoff: float = 1.0,
        sleep: Sleep | None = None,
    ) -> None:
        self._client = client
        self._url = url.rstrip("/") + "/translate"
        self._key = api_key
        self._keep = tuple(keep)
        self._glossaries = glossaries or {}
        self._retry = retry_options(retries, backoff, sleep)

    async def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate in batches; glossary terms are put in place and protected."""
        if source == target:
            return list(texts)
        protection = Protection(keep=self._keep, fixed=self._glossaries.get(f"{source}-{target}"))
        marked = [to_marked_html(text, protection) for text in texts]
        results: list[str] = []
        for group in batches(marked, max_texts=MAX_TEXTS, max_chars=MAX_CHARS):
            body: dict[str, Any] = {
                "q": group,
                "source": source,
                "target": target,
                "format": "html",
            }
            if self._key:
                body["api_key"] = self._key
            answer = await post_json(
                self._client, self._url, json=body, describe=_describe, **self._retry
            )
            translated = answer.get("translatedText") if isinstance(answer, dict) else None
            if isinstance(translated, str) and len(group) == 1:
                translated = [translated]
            if not isinstance(translated, list) or len(translated) != len(group):
                raise TranslationError("LibreTranslate answered with an unexpected shape")
            results += [from_marked_html(str(text)) for text in translated]
        return results


def _describe(response: httpx.Response) -> TranslationError:
    try:
        detail = str(response.json().get("error", ""))
    except (ValueError, AttributeError):
        detail = ""
    if response.status_code == 400 and "not supported" in detail.lower():
        return TranslationUnavailable(f"LibreTranslate cannot translate this pair: {detail}")
    text = f"LibreTranslate answered HTTP {response.status_code}"
    return TranslationError(f"{text}: {detail}" if detail else text)
