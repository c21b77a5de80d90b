"""The shape the Telegram renderer reads: a digest view already worded for one reader. A
Protocol, so that the bot knows nothing of who words it (Vēstnesis's
`vestnesis.digest.views.DigestView` satisfies it); read-only properties, so frozen records do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class EntryView(Protocol):
    """One item: title, link, summary, date and a note, in the reader's language."""

    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def summary(self) -> str: ...
    @property
    def date(self) -> str: ...
    @property
    def note(self) -> str | None: ...


class SectionView(Protocol):
    """A titled run of entries."""

    @property
    def title(self) -> str: ...
    @property
    def entries(self) -> Sequence[EntryView]: ...


class DigestView(Protocol):
    """A digest for one reader: its heading, period and count, sections, and the site link."""

    @property
    def title(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def count(self) -> str: ...
    @property
    def sections(self) -> Sequence[SectionView]: ...
    @property
    def website(self) -> str: ...
    @property
    def website_label(self) -> str: ...
