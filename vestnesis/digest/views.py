"""What a reader is shown, already in their words: a digest view and a notice. Renderers (the
email templates in `mailer`, Telegram HTML in `bot`) only escape and arrange these; each edge
states the fields it reads as a Protocol (`mailer.views`, `bot.views`) that these satisfy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntryView:
    """One item as a reader sees it: every label already in their language."""

    title: str
    url: str | None
    summary: str
    date: str
    note: str | None  # the original title and language, or why it is untranslated
    language: str | None  # the language the shown title and summary are in


@dataclass(frozen=True)
class SectionView:
    """A titled run of entries."""

    title: str
    entries: tuple[EntryView, ...]


@dataclass(frozen=True)
class DigestView:
    """A digest ready to lay out for one reader: renderers only escape and arrange it."""

    language: str
    subject: str
    title: str
    period: str
    count: str
    intro: str
    sections: tuple[SectionView, ...]
    website: str
    website_label: str
    labels: dict[str, str]  # footer and link texts the layouts need


@dataclass(frozen=True)
class NoticeView:
    """A short message with one action (confirm a subscription, …), worded for one reader."""

    language: str
    subject: str
    title: str
    paragraphs: tuple[str, ...]
    action_label: str
    action_url: str
    footer: str
    preheader: str = ""  # the inbox preview's one line; the first paragraph when empty
