"""Digests as email: HTML from Jinja2 templates with CSS inlined, and a plain-text twin."""

from __future__ import annotations

from dataclasses import dataclass

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from storage import DigestView, NoticeView, safe_link


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
        # Every href in the templates goes through it: only http(s) and mailto links live.
        self._env.filters["link"] = safe_link
        self._html = self._env.get_template("digest.html")
        self._text = self._env.get_template("digest.txt")
        self._notice_html = self._env.get_template("notice.html")
        self._notice_text = self._env.get_template("notice.txt")
        # Mail clients ignore <style> for layout, so rules go inline; the dark-mode media
        # query cannot be inlined and stays in a <style> block for clients that honour it.
        self._inliner = css_inline.CSSInliner(keep_style_tags=True, keep_link_tags=False)

    def render(self, view: DigestView, links: Links | None = None) -> EmailContent:
        """The subject, HTML and plain text of the digest for one reader."""
        context = {"view": view, "links": links or Links()}
        html = self._inliner.inline(self._html.render(context))
        text = self._text.render(context).strip() + "\n"
        return EmailContent(subject=view.subject, html=html, text=text)

    def render_notice(self, view: NoticeView, links: Links | None = None) -> EmailContent:
        """A short message: a confirmation (one action) or an announcement (none)."""
        context = {"view": view, "links": links or Links()}
        html = self._inliner.inline(self._notice_html.render(context))
        text = self._notice_text.render(context).strip() + "\n"
        return EmailContent(subject=view.subject, html=html, text=text)
