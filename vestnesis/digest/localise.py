"""A digest in one reader's language: foreign entries translated, failures noted."""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict

from feeds.translate import TranslationError, Translator
from vestnesis.common.logs import fields
from vestnesis.digest.model import Digest, DigestEntry

log = logging.getLogger("vestnesis.translate")


async def localise(digest: Digest, language: str, translator: Translator | None) -> Digest:
    """The digest for readers of `language`; without a translator, entries stay original."""
    translated: dict[int, DigestEntry] = {}
    if translator is not None:
        by_language: dict[str, list[DigestEntry]] = defaultdict(list)
        for entry in digest.entries:
            if entry.language and entry.language != language:
                by_language[entry.language].append(entry)
        for source, entries in by_language.items():
            translated.update(await _translate(entries, source, language, translator))
    sections = tuple(
        dataclasses.replace(
            section,
            entries=tuple(translated.get(entry.item_id, entry) for entry in section.entries),
        )
        for section in digest.sections
    )
    return dataclasses.replace(digest, sections=sections, language=language)


async def _translate(
    entries: list[DigestEntry], source: str, target: str, translator: Translator
) -> dict[int, DigestEntry]:
    texts = [entry.title for entry in entries] + [entry.summary for entry in entries]
    try:
        result = await translator.translate(texts, source, target)
    except TranslationError as error:
        # A failing backend never holds a digest back: these entries go out as written.
        log.warning(
            "translation failed; originals shown",
            **fields(backend=translator.name, pair=f"{source}-{target}", reason=str(error)),
        )
        return {e.item_id: dataclasses.replace(e, translation_failed=True) for e in entries}
    count = len(entries)
    return {
        entry.item_id: dataclasses.replace(
            entry, title_translated=result[index], summary_translated=result[count + index]
        )
        for index, entry in enumerate(entries)
    }
