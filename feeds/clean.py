"""Turn feed HTML into plain text, and cut summaries to length."""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

# Tags whose end means a break in the text; everything else is inline and simply dropped.
_BLOCK_TAGS = frozenset(
    {
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "hr",
    }
)
# Content that is never text: it goes with its tag.
_DROP_CONTENT = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "head",
        "title",
        "form",
        "select",
        "textarea",
        "button",
    }
)
_BREAK = re.compile(rf"</?(?:{'|'.join(sorted(_BLOCK_TAGS))})\b[^>]*>", re.IGNORECASE)
_TAG_LIKE = re.compile(
    r"<[/!?a-zA-Z]|&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_SENTENCE_END = re.compile(r"[.!?…](?=\s)")


def html_to_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment: markup, scripts and styles gone, entities decoded.

    Markup or entities that arrive escaped once more (``&lt;b&gt;``, ``&amp;amp;``) are
    unwrapped and cleaned again, so nothing survives whatever layer of encoding a feed used.
    """
    # Control characters go first: removed after the markup, "<\x1fa" would become "<a".
    text = _CONTROL.sub("", fragment or "")
    if "<" not in text and "&" not in text:
        return _tidy(text)  # plain already: most titles
    for _ in range(3):
        text = _strip_once(text)
        if not _TAG_LIKE.search(text):
            break
    else:
        text = text.replace("<", "‹").replace(">", "›")
    return _tidy(text)


def plain_text(text: str | None) -> str:
    """Text that is text already (a feed typed it so): tidied, never read as markup, so
    "the <aside> element" keeps its words."""
    return _tidy(text or "")


def one_line(fragment: str | None, *, html: bool = True) -> str:
    """Plain text on a single line, for titles and names (`html=False`: `fragment` is text)."""
    return " ".join((html_to_text(fragment) if html else plain_text(fragment)).split())


def shorten(text: str, limit: int = 400) -> str:
    """Cut text to at most `limit` characters at a sentence end, else a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    window = text[: limit + 1]
    ends = [match.end() for match in _SENTENCE_END.finditer(window) if match.end() <= limit]
    if ends and ends[-1] >= limit // 2:
        return window[: ends[-1]]
    cut = window[:limit].rsplit(" ", 1)[0] if " " in window[:limit] else window[: limit - 1]
    return cut.rstrip(" ,;:-–—") + "…"


def _strip_once(text: str) -> str:
    sanitized = nh3.clean(
        text,
        tags=set(_BLOCK_TAGS),
        clean_content_tags=set(_DROP_CONTENT),
        attributes={},
        strip_comments=True,
        link_rel=None,
    )
    # nh3 re-serialises the HTML with only block tags left, well-formed and safe to match:
    # turning each into a line break leaves no markup, just escaped text.
    return html.unescape(_BREAK.sub("\n", sanitized))


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if line:
            paragraphs.append(line)
        elif paragraphs and paragraphs[-1] != "":
            paragraphs.append("")
    return "\n".join(paragraphs).strip()
