"""The fake Bot API refuses what Telegram refuses, so that a rendering bug fails a test."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest

from tests.botapi import TOKEN, BotApi


async def send(api: BotApi, text: str, parse_mode: str | None = ParseMode.HTML) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        await bot.send_message(42, text, parse_mode=parse_mode)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>Seminārs", 'end tag corresponding to start tag "b"'),
        ("<b>Seminārs</i>", 'Unmatched end tag "i"'),
        ("<p>Seminārs</p>", 'Unsupported start tag "p"'),
        ("Rinda<br>otrā", 'Unsupported start tag "br"'),
        ('<span class="x">Seminārs</span>', 'Unsupported start tag "span"'),
    ],
)
async def test_html_telegram_cannot_parse_is_refused(api: BotApi, text: str, reason: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)parse entities") as refused:
        await send(api, text)
    assert reason.lower() in str(refused.value).lower()


async def test_a_text_over_4096_characters_is_refused_and_4096_is_not(api: BotApi) -> None:
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await send(api, "ā" * 4097, parse_mode=None)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await send(api, "😀" * 2049)  # 4,098 UTF-16 code units, as Telegram counts
    # The limit counts the text a reader sees: tags and entities do not count.
    fits = "<b>" + "&amp;" * 4000 + "</b>" + "ā" * 96
    await send(api, fits)
    await send(api, "<i>Lasītava</i> &lt;3 <a href='https://bibliotekari.lv'>LBB</a>")
    assert api.texts(42)[-2:] == [
        fits,
        "<i>Lasītava</i> &lt;3 <a href='https://bibliotekari.lv'>LBB</a>",
    ]
