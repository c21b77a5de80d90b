"""Digests as email: HTML from Jinja2 templates with CSS inlined, and a plain-text twin."""

from __future__ import annotations

import textwrap
import urllib.parse
from dataclasses import dataclass

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from mailer.views import DigestView, NoticeView
from storage import safe_link

TEXT_WIDTH = 72  # plain-text lines, the width mail readers and RFC 3676 expect
PREHEADER_ITEMS = 3  # headlines shown in the inbox preview
PREHEADER_LENGTH = 140
# Invisible filler after the preheader, so the inbox preview does not go on into the body.
_PREHEADER_PADDING = "\u034f\u200c\u00a0" * 90  # combining grapheme joiner, ZWNJ, NBSP
# Characters a URI may hold as they are (RFC 3986 reserved and unreserved, and "%" so that
# an already-encoded URL and our %%VST-…%% placeholders are kept).
_URI_SAFE = "/:?#[]@!$&'()*+,;=%~-._"


@dataclass(frozen=True)
class EmailContent:
    """What goes into one digest email, before addressing."""

    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class Links:
    """Per-recipient or archive links; any may be missing (a preview has none)."""

    unsubscribe: str | None = None
    preferences: str | None = None
    archive: str | None = None


class EmailRenderer:
    """Renders digests with the package's templates; build once, use for every language."""

    def __init__(self) -> None:
        self._env = Environment(
            loader=PackageLoader("mailer", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # Every href from a source goes through "link": only http(s) and mailto links live.
        self._env.filters["link"] = safe_link
        self._env.filters["uri"] = uri
        self._env.filters["wrap"] = wrap
        self._html = self._env.get_template("digest.html")
        self._text = self._env.get_template("digest.txt")
        self._notice_html = self._env.get_template("notice.html")
        self._notice_text = self._env.get_template("notice.txt")
        # Mail clients ignore <style> for layout, so rules go inline; the dark-mode media
        # query cannot be inlined and stays in a <style> block for clients that honour it.
        self._inliner = css_inline.CSSInliner(keep_style_tags=True, keep_link_tags=False)

    def render(self, view: DigestView, links: Links | None = None) -> EmailContent:
        """The subject, HTML and plain text of the digest for one reader."""
        context = {
            "view": view,
            "links": links or Links(),
            "preheader": digest_preheader(view),
            "preheader_padding": _PREHEADER_PADDING,
        }
        html = self._inliner.inline(self._html.render(context))
        text = self._text.render(context).strip() + "\n"
        return EmailContent(subject=view.subject, html=html, text=text)

    def render_notice(self, view: NoticeView, links: Links | None = None) -> EmailContent:
        """A short message: a confirmation (one action) or an announcement (none)."""
        context = {
            "view": view,
            "links": links or Links(),
            "preheader": _shorten(view.preheader or (view.paragraphs or ("",))[0]),
            "preheader_padding": _PREHEADER_PADDING,
        }
        html = self._inliner.inline(self._notice_html.render(context))
        text = self._notice_text.render(context).strip() + "\n"
        return EmailContent(subject=view.subject, html=html, text=text)


def digest_preheader(view: DigestView) -> str:
    """The inbox preview: the first few headlines, or the intro of a digest without any."""
    titles = [entry.title for section in view.sections for entry in section.entries]
    shown = " · ".join(titles[:PREHEADER_ITEMS])
    return _shorten(shown or view.intro or view.period)


def uri(address: str | None) -> str:
    """`address` as a URI: non-ASCII and spaces percent-encoded (UTF-8), an international
    host name in IDNA; what is already encoded stays as it is. None gives ''."""
    if not address:
        return ""
    parts = urllib.parse.urlsplit(address.strip())
    netloc = parts.netloc
    if not netloc.isascii():
        user, at, host = netloc.rpartition("@")
        name, colon, port = host.partition(":")
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            name = urllib.parse.quote(name, safe="")
        netloc = f"{user}{at}{name}{colon}{port}"
    quoted = [urllib.parse.quote(part, safe=_URI_SAFE) for part in parts[2:]]
    return urllib.parse.urlunsplit((parts.scheme, netloc, *quoted))


def wrap(text: str, width: int = TEXT_WIDTH, indent: str = "") -> str:
    """`text` wrapped at `width` characters, continuation lines prefixed with `indent` (the
    first line's own indent is the template's); long words such as URLs are never cut."""
    lines = textwrap.wrap(
        " ".join(text.split()),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines)[len(indent) :]


def _shorten(text: str) -> str:
    return textwrap.shorten(" ".join(text.split()), PREHEADER_LENGTH, placeholder=" …")
