"""DeepL's REST API (free and pro endpoints), with glossaries for fixed terms."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from feeds.translate.base import TranslationError, TranslationUnavailable, batches
from feeds.translate.protect import Protection, from_marked_html, to_marked_html
from feeds.translate.retry import Sleep, post_json, retry_options

FREE_API = "https://api-free.deepl.com"
PRO_API = "https://api.deepl.com"
# DeepL takes up to 50 texts and 128 KiB per request.
MAX_TEXTS = 50
MAX_CHARS = 100_000
# English as a target needs a variant; a European association writes British English.
_TARGET = {"en": "EN-GB", "pt": "PT-PT"}


class DeepL:
    """Translates through DeepL; a key ending in ':fx' is a free-plan key."""

    name = "deepl"

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_key: str,
        *,
        endpoint: str = "",
        keep: Sequence[str] = (),
        glossaries: Mapping[str, Mapping[str, str]] | None = None,
        retries: int = 3,
        backoff: float = 1.0,
        sleep: Sleep | None = None,
    ) -> None:
        self._client = client
        self._key = api_key
        self._base = endpoint or (FREE_API if api_key.endswith(":fx") else PRO_API)
        self._keep = tuple(keep)
        self._glossaries = {pair: dict(entries) for pair, entries in (glossaries or {}).items()}
        self._glossary_ids: dict[str, str] = {}
        self._retry = retry_options(retries, backoff, sleep)

    @property
    def endpoint(self) -> str:
        """The API's base address: the free plan's for a key ending in ':fx', else the pro
        plan's, unless one was given."""
        return self._base

    async def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate in batches within DeepL's limits."""
        if source == target:
            return list(texts)
        protection = Protection(keep=self._keep)
        marked = [to_marked_html(text, protection) for text in texts]
        glossary_id = await self._glossary(source, target)
        results: list[str] = []
        for group in batches(marked, max_texts=MAX_TEXTS, max_chars=MAX_CHARS):
            body: dict[str, Any] = {
                "text": group,
                "source_lang": source.upper(),
                "target_lang": _TARGET.get(target, target.upper()),
                "tag_handling": "html",
            }
            if glossary_id:
                body["glossary_id"] = glossary_id
            answer = await self._post("/v2/translate", body)
            translations = answer.get("translations") if isinstance(answer, dict) else None
            if not isinstance(translations, list) or len(translations) != len(group):
                raise TranslationError("DeepL answered with an unexpected shape")
            results += [from_marked_html(str(t.get("text", ""))) for t in translations]
        return results

    async def _glossary(self, source: str, target: str) -> str | None:
        entries = self._glossaries.get(f"{source}-{target}")
        if not entries:
            return None
        key = f"{source}-{target}"
        if key in self._glossary_ids:
            return self._glossary_ids[key]
        tsv = "\n".join(f"{src}\t{dst}" for src, dst in sorted(entries.items()))
        name = f"vestnesis {key} {hashlib.sha256(tsv.encode()).hexdigest()[:12]}"
        listing = await self._request("GET", "/v2/glossaries")
        for glossary in listing.get("glossaries", []) if isinstance(listing, dict) else []:
            if glossary.get("name") == name and glossary.get("ready", True):
                self._glossary_ids[key] = str(glossary["glossary_id"])
                return self._glossary_ids[key]
        created = await self._post(
            "/v2/glossaries",
            {
                "name": name,
                "source_lang": source,
                "target_lang": target,
                "entries": tsv,
                "entries_format": "tsv",
            },
        )
        self._glossary_ids[key] = str(created["glossary_id"])
        return self._glossary_ids[key]

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        return await post_json(
            self._client,
            self._base + path,
            json=body,
            headers=self._headers(),
            describe=_describe,
            **self._retry,
        )

    async def _request(self, method: str, path: str) -> Any:
        try:
            response = await self._client.request(
                method, self._base + path, headers=self._headers()
            )
        except httpx.TransportError as error:
            raise TranslationError(
                f"cannot reach DeepL: {str(error) or type(error).__name__}"
            ) from None
        if response.status_code >= 400:
            raise _describe(response)
        return response.json()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"DeepL-Auth-Key {self._key}"}


def _describe(response: httpx.Response) -> TranslationError:
    status = response.status_code
    try:
        detail = str(response.json().get("message", ""))
    except (ValueError, AttributeError):
        detail = ""
    known = {
        403: "DeepL refused the key (check VESTNESIS_TRANSLATION_API_KEY)",
        456: "DeepL quota for this billing period is used up",
        429: "DeepL asks to slow down (too many requests)",
    }
    text = known.get(status, f"DeepL answered HTTP {status}")
    if status == 400 and "not supported" in detail.lower():
        return TranslationUnavailable(f"DeepL does not support this language pair: {detail}")
    return TranslationError(f"{text}: {detail}" if detail else text)
