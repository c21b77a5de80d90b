"""Digests as Telegram HTML messages, each within Telegram's limits: 4,096 characters and
100 formatting entities (past the 100th, Telegram silently drops the formatting)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.views import DigestView, EntryView
from storage import safe_link

MESSAGE_LIMIT = 4096  # characters after entity parsing, counted in UTF-16 code units
ENTITY_LIMIT = 100  # formatting entities (bold, italic, links…) that take effect in a message
_SEPARATOR = "\n\n"
_TAG = re.compile(r"<[^>]+>")
_OPENING_TAG = re.compile(r"<[a-zA-Z]")  # each opening tag is one entity


@dataclass(frozen=True)
class TelegramMessage:
    """One sendMessage: HTML text, and whether Telegram should show a link preview."""

    html: str
    disable_preview: bool = True


@dataclass(frozen=True)
class _Block:
    html: str
    visible: int  # the length Telegram counts for the text it shows
    entities: int  # formatting entities in it


def telegram_length(text: str) -> int:
    """The length Telegram counts for plain text (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """The text Telegram shows for a piece of its HTML."""
    return html.unescape(_TAG.sub("", markup))


def entity_count(markup: str) -> int:
    """How many formatting entities Telegram makes of a piece of its HTML."""
    return len(_OPENING_TAG.findall(markup))


def render_digest(
    view: DigestView, *, limit: int = MESSAGE_LIMIT, entity_limit: int = ENTITY_LIMIT
) -> list[TelegramMessage]:
    """The digest as one or more messages, split between items, never inside one, so that
    each stays within `limit` characters and `entity_limit` formatting entities.

    Previews are off: a digest links many pages and Telegram would preview the first.
    """
    header = _block(f"<b>{_e(view.title)}</b>\n{_e(view.period)} · {_e(view.count)}", limit)
    messages: list[list[_Block]] = [[header]]
    for section in view.sections:
        heading = _block(f"<b>{_e(section.title)}</b>", limit)
        for index, entry in enumerate(section.entries):
            item = _block(_entry(entry), limit)
            lead = [heading, item] if index == 0 else [item]
            if _over(messages[-1] + lead, limit, entity_limit):
                messages.append([heading, item])  # a section's heading opens each message
            else:
                messages[-1].extend(lead)
    if view.website:
        footer = _block(f'<a href="{_e(view.website)}">{_e(view.website_label)}</a>', limit)
        if _over([*messages[-1], footer], limit, entity_limit):
            messages.append([])
        messages[-1].append(footer)
    return [TelegramMessage(_SEPARATOR.join(b.html for b in blocks)) for blocks in messages]


def render_news(view: DigestView) -> list[TelegramMessage]:
    """Single news items as they arrive: one message each, with the link's preview."""
    return [
        TelegramMessage(f"<b>{_e(section.title)}</b>\n{_entry(entry)}", disable_preview=False)
        for section in view.sections
        for entry in section.entries
    ]


def _entry(entry: EntryView) -> str:
    title = _e(entry.title)
    url = safe_link(entry.url)
    link = f'<a href="{_e(url)}">{title}</a>' if url else f"<b>{title}</b>"
    lines = [f"• {link} <i>{_e(entry.date)}</i>"]
    if entry.summary:
        lines.append(_e(entry.summary))
    if entry.note:
        lines.append(f"<i>{_e(entry.note)}</i>")
    return "\n".join(lines)


def _block(markup: str, limit: int) -> _Block:
    visible = telegram_length(visible_text(markup))
    if visible + 2 * telegram_length(_SEPARATOR) > limit // 2:
        # Items are short (titles and 400-character summaries); shorten a freak one as text.
        text = visible_text(markup)[: limit // 4].rstrip() + "…"
        markup, visible = _e(text), telegram_length(text)
    return _Block(markup, visible, entity_count(markup))


def _over(blocks: list[_Block], limit: int, entity_limit: int) -> bool:
    return _size(blocks) > limit or sum(b.entities for b in blocks) > entity_limit


def _size(blocks: list[_Block]) -> int:
    separators = telegram_length(_SEPARATOR) * max(len(blocks) - 1, 0)
    return sum(block.visible for block in blocks) + separators


def _e(text: str) -> str:
    return html.escape(text, quote=True)
