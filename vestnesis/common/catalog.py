"""The part of a gettext catalog that code which words text for people uses."""

from __future__ import annotations

from typing import Protocol


class Gettext(Protocol):
    """A catalog of one language: `gettext` for a message, `ngettext` for a count."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
