"""What every translation backend offers, and how they fail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class TranslationError(Exception):
    """The backend failed (network, quota, server error); the text stays in its language."""


class TranslationUnavailable(TranslationError):
    """The backend cannot translate this language pair at all (no model, not supported)."""


class Translator(Protocol):
    """Translates a batch of plain texts from one language to another."""

    name: str

    async def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """The texts in `target`, in the same order; raises TranslationError on failure."""
        ...


def batches(texts: Sequence[str], *, max_texts: int, max_chars: int) -> list[list[str]]:
    """Split texts into requests within a backend's limits on count and size."""
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for text in texts:
        if current and (len(current) >= max_texts or size + len(text) > max_chars):
            groups.append(current)
            current, size = [], 0
        current.append(text)
        size += len(text)
    if current:
        groups.append(current)
    return groups
