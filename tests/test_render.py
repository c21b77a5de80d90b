"""Rendering: Telegram HTML within limits, email HTML and text, in lv, en and lt."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from bot.render import (
    ENTITY_LIMIT,
    MESSAGE_LIMIT,
    entity_count,
    render_digest,
    telegram_length,
    visible_text,
)
from mailer.render import EmailRenderer, Links
from vestnesis.digest.model import Digest, DigestEntry, DigestSection
from vestnesis.digest.views import NoticeView
from vestnesis.digest.wording import digest_view
from vestnesis.i18n import Catalogs, Presentation

END = datetime(2026, 11, 23, 7, tzinfo=UTC)
START = END - timedelta(days=7)
HOSTILE = 'Seminārs <script>alert("x")</script> & "citāts" </a><b>'
CATALOGS = Catalogs()


def reader(language: str) -> Presentation:
    return Presentation(
        language,
        CATALOGS.get(language),
        "Latvijas Bibliotekāru biedrība",
        "LBB",
        "https://bibliotekari.lv",
        "Europe/Riga",
    )


def entry(
    item_id: int, title: str = "Title", summary: str = "Summary.", language: str = "lv", **extra
) -> DigestEntry:
    return DigestEntry(
        item_id=item_id,
        source="LBB",
        title=title,
        summary=summary,
        url=extra.pop("url", f"https://bibliotekari.lv/{item_id}?a=1&b=2"),
        language=language,
        published=END - timedelta(days=1),
        **extra,
    )


def digest(*entries: DigestEntry, section: str = "LBB") -> Digest:
    return Digest(START, END, (DigestSection("source", section, entries),))


def test_telegram_escapes_hostile_text_and_links() -> None:
    view = digest_view(digest(entry(1, HOSTILE, summary="1 < 2 & 3 > 2")), reader("lv"))
    [message] = render_digest(view)
    assert "<script>" not in message.html and "</a><b>" not in message.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in message.html
    assert 'href="https://bibliotekari.lv/1?a=1&amp;b=2"' in message.html
    assert "1 &lt; 2 &amp; 3 &gt; 2" in message.html
    assert HOSTILE in visible_text(message.html)
    assert message.disable_preview


def test_telegram_splits_between_items_within_the_limit() -> None:
    # Emoji count twice in UTF-16, as Telegram counts; summaries near the 400 cut.
    summary = ("Bibliotēku nedēļa 📚 notiks visā Latvijā. " * 9)[:395]
    entries = [entry(n, f"Ziņa {n} 🎉", summary) for n in range(40)]
    view = digest_view(digest(*entries), reader("lv"))
    messages = render_digest(view)
    assert len(messages) > 1
    seen = []
    for message in messages:
        assert telegram_length(visible_text(message.html)) <= MESSAGE_LIMIT
        assert message.html.count("<a ") == message.html.count("</a>")
        assert message.html.startswith("<b>")  # the header, or the section heading again
        seen += [int(n) for n in re.findall(r"Ziņa (\d+) 🎉", message.html)]
    assert seen == list(range(40))  # every item once, in order, none cut in two


def _entities(message_html: str) -> int:
    """Formatting entities as Telegram counts them: each bold, italic and link."""

    class Count(HTMLParser):
        n = 0

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.n += 1

    counter = Count()
    counter.feed(message_html)
    return counter.n


def test_telegram_splits_by_entity_count_too() -> None:
    # Many short items: far under 4,096 characters, far over 100 entities in one message
    # (each item is a link and an italic date; Telegram would drop formatting past 100).
    entries = [entry(n, f"Ziņa {n}", "") for n in range(70)]
    view = digest_view(digest(*entries), reader("lv"))
    assert (
        sum(telegram_length(visible_text(m.html)) for m in render_digest(view, entity_limit=10**6))
        < MESSAGE_LIMIT
    )
    messages = render_digest(view)
    assert len(messages) == 2  # 144 entities: two messages, each within the limit
    seen = []
    for message in messages:
        assert _entities(message.html) == entity_count(message.html) <= ENTITY_LIMIT
        seen += [int(n) for n in re.findall(r"Ziņa (\d+)<", message.html)]
    assert seen == list(range(70))  # every item once, in order


def test_telegram_small_limit_repeats_section_heading() -> None:
    entries = [entry(n, f"Item {n}") for n in range(10)]
    messages = render_digest(digest_view(digest(*entries), reader("en")), limit=200)
    assert len(messages) >= 3
    assert all(telegram_length(visible_text(m.html)) <= 200 for m in messages)
    with_items = [m for m in messages if "Item " in m.html]
    assert all("<b>LBB</b>" in m.html for m in with_items)


class _Balance(HTMLParser):
    VOID = frozenset({"meta", "br", "img", "hr", "link", "input", "col", "area", "base", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


@pytest.mark.parametrize(
    ("language", "count", "subject", "note"),
    [
        (
            "lv",
            "3 ziņas",
            "LBB nedēļas jaunumu apkopojums, 2026. gada 23. novembris",
            "Oriģināls angļu valodā.",
        ),
        ("en", "3 news items", "LBB weekly digest, 23 November 2026", "In Latvian."),
        (
            "lt",
            "3 naujienos",
            "LBB savaitės naujienų apžvalga, 2026 m. lapkričio 23 d.",
            "Originalas anglų kalba.",
        ),
    ],
)
def test_email_in_each_language(language, count, subject, note) -> None:
    entries = (entry(1, HOSTILE), entry(2, "IFLA news", language="en"), entry(3, "Trešā"))
    content = EmailRenderer().render(
        digest_view(digest(*entries), reader(language)),
        Links(unsubscribe="https://v.example/u?t=a&b", archive="https://v.example/a/1"),
    )
    assert content.subject == subject
    assert count in content.html and count in content.text
    assert note in content.html + content.text
    checker = _Balance()
    checker.feed(content.html)
    assert checker.errors == [] and checker.stack == []
    assert content.html.lstrip().lower().startswith("<!doctype html>")
    assert f'<html lang="{language}"' in content.html
    assert "<script>" not in content.html and "&lt;script&gt;" in content.html
    assert 'href="https://v.example/u?t=a&amp;b"' in content.html
    assert "https://v.example/u?t=a&b" in content.text  # plain text is not HTML-escaped
    assert HOSTILE in content.text


def test_email_css_is_inlined_and_dark_mode_kept() -> None:
    html = EmailRenderer().render(digest_view(digest(entry(1)), reader("lv"))).html
    assert re.search(r'<h1 class="title" style="[^"]*color: ?#8a1538', html)
    assert "prefers-color-scheme: dark" in html
    assert 'name="color-scheme" content="light dark"' in html
    assert 'name="viewport"' in html


def test_translated_entries_show_the_original_title() -> None:
    translated = entry(
        7,
        "IFLA congress",
        language="en",
        title_translated="IFLA kongress",
        summary_translated="Kopsavilkums.",
    )
    failed = entry(8, "EBLIDA week", language="en", translation_failed=True)
    view = digest_view(digest(translated, failed), reader("lv"))
    [shown, kept] = view.sections[0].entries
    assert shown.title == "IFLA kongress" and shown.language == "lv"
    assert shown.note == "Mašīntulkojums no angļu valodas. Oriģināls: „IFLA congress”"
    assert kept.title == "EBLIDA week" and kept.language == "en"
    assert kept.note == "Tulkojums šobrīd nav pieejams; oriģināls angļu valodā."
    html = EmailRenderer().render(view).html
    assert 'lang="en"' in html  # the untranslated entry is marked for screen readers


def test_every_message_used_in_code_is_in_every_catalog() -> None:
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    project = Path(__file__).resolve().parent.parent
    root = project / "vestnesis"
    used = set()
    methods = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    for folder in ("vestnesis", "bot", "mailer"):
        for _, _, message, _, _ in extract_from_dir(str(project / folder), method_map=methods):
            used.add(message if isinstance(message, str) else message[0])
    assert len(used) >= 50
    for language in ("lv", "lt", "en"):
        path = root / "locale" / language / "LC_MESSAGES" / "vestnesis.po"
        with path.open("rb") as source:
            catalog = read_po(source, locale=language)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        assert used <= ids, f"{language}: missing {sorted(used - ids)}"
        if language != "en":
            strings = [m.string if isinstance(m.string, tuple) else (m.string,) for m in catalog]
            assert all(all(s) for s, m in zip(strings, catalog, strict=True) if m.id)


# --- email that every client shows as designed ------------------------------------------------

LONG_TITLE = (
    "Latvijas Nacionālās bibliotēkas un Lietuvas bibliotekāru biedrības kopīgais seminārs "
    "par bērnu lasīšanas veicināšanu mazpilsētu un lauku bibliotēkās"
)


def notices(language: str = "lv") -> dict[str, NoticeView]:
    """The three kinds of notice the service mails, as the code words them."""
    from vestnesis.digest.wording import confirmation_view

    return {
        "confirmation": confirmation_view(
            reader(language), "https://v.example/confirm/" + "Ab9_" * 40
        ),
        "announcement": NoticeView(
            language, "LBB: paziņojums", "No valdes", (LONG_TITLE, "Otrā rindkopa."), "", "", "x"
        ),
        "reminder": NoticeView(
            language,
            "LBB: rīt",
            "Rīt: Seminārs",
            ("Otrdien, 1. decembrī, 10.00 · Rīga",),
            "Pasākuma lapa",
            "https://bibliotekari.lv/pasākumi/seminārs?id=1&x=ā b",
            "Atteikties",
        ),
    }


def text_lines_fit(text: str) -> list[str]:
    """Lines over 72 characters that are not a URL alone (a URL is never cut)."""
    return [
        line for line in text.splitlines() if len(line) > 72 and not re.fullmatch(r"\s*\S+", line)
    ]


def test_digest_preheader_shows_the_first_headlines_first() -> None:
    entries = (
        entry(1, "Pirmā ziņa"),
        entry(2, "Otrā ziņa"),
        entry(3, "Trešā"),
        entry(4, "Ceturtā"),
    )
    html = EmailRenderer().render(digest_view(digest(*entries), reader("lv"))).html
    body = html.split("<body", 1)[1]
    first_text = re.sub(r"<[^>]+>", "", body.split("</div>", 1)[0].split(">", 1)[1]).strip()
    assert first_text.startswith("Pirmā ziņa · Otrā ziņa · Trešā")
    assert "Ceturtā" not in first_text
    preheader = re.search(r'<div class="preheader" style="([^"]*)"', html).group(1)
    assert "display: none" in preheader and "mso-hide: all" in preheader


def test_notice_preheader_is_its_purpose() -> None:
    views = notices()
    html = EmailRenderer().render_notice(views["confirmation"]).html
    assert re.search(
        r'class="preheader"[^>]*>Apstipriniet pieteikšanos LBB nedēļas jaunumiem\.', html
    )
    html = EmailRenderer().render_notice(views["reminder"]).html
    assert re.search(r'class="preheader"[^>]*>Otrdien, 1\. decembrī', html)


@pytest.mark.parametrize("kind", ["digest", "confirmation", "announcement", "reminder"])
def test_every_email_declares_dark_mode_and_phone_rules_that_win(kind) -> None:
    renderer = EmailRenderer()
    if kind == "digest":
        html = renderer.render(digest_view(digest(entry(1)), reader("lv"))).html
    else:
        html = renderer.render_notice(notices()[kind]).html
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert ":root { color-scheme: light dark; supported-color-schemes: light dark; }" in style
    assert 'name="supported-color-schemes" content="light dark"' in html
    for query in ("@media (prefers-color-scheme: dark)", "@media (max-width: 480px)"):
        rules = style.split(query, 1)[1].split("\n  }", 1)[0]
        declarations = re.findall(r"[a-z-]+: [^;}]+", rules)
        assert declarations and all(d.endswith("!important") for d in declarations), rules
    # Outlook for Windows: a fixed-width centred table only it reads, and cells with padding.
    assert re.search(r'<!--\[if mso\]><table role="presentation" width="(600|560)"', html)
    assert re.search(
        r'<td class="card"[^>]*bgcolor="#ffffff"[^>]*style="[^"]*padding: 24px 20px', html
    )


def test_confirmation_has_a_table_cell_button_and_no_unbreakable_link_text() -> None:
    view = notices()["confirmation"]
    content = EmailRenderer().render_notice(view)
    html = content.html
    assert re.search(
        r'<td class="button-cell"[^>]*bgcolor="#8a1538"[^>]*><a class="action" href="https://v\.example/confirm/',
        html,
    )
    visible = re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1])
    assert view.action_url not in visible  # the button is the action; the text part has the link
    assert view.action_url in content.text
    assert "button" not in content.text.lower()
    assert text_lines_fit(content.text) == []


def test_plain_text_is_wrapped_and_urls_are_encoded_in_both_parts() -> None:
    long = entry(
        1,
        LONG_TITLE,
        summary=LONG_TITLE,
        url="https://bibliotekari.lv/jaunumi/seminārs par lasīšanu?a=1&b=ā",
        language="en",
        translation_failed=True,
    )
    content = EmailRenderer().render(
        digest_view(digest(long), reader("lv")),
        Links(unsubscribe="https://v.example/u?t=a&b", archive="https://v.example/a/1"),
    )
    encoded = (
        "https://bibliotekari.lv/jaunumi/semin%C4%81rs%20par%20las%C4%AB%C5%A1anu?a=1&b=%C4%81"
    )
    assert encoded in content.text
    assert f'href="{encoded.replace("&", "&amp;")}"' in content.html
    assert text_lines_fit(content.text) == []
    assert "\n  [Tulkojums šobrīd nav pieejams;" in content.text  # a note indented like its item
    reminder = EmailRenderer().render_notice(notices()["reminder"])
    assert "pas%C4%81kumi/semin%C4%81rs?id=1&x=%C4%81%20b" in reminder.text
    assert text_lines_fit(reminder.text) == []


def test_uri_keeps_encoded_urls_and_placeholders() -> None:
    from mailer.render import uri

    assert uri("https://example.lv/a%20b?q=%C4%81") == "https://example.lv/a%20b?q=%C4%81"
    assert uri("%%VST-UNSUB%%") == "%%VST-UNSUB%%"
    assert uri("https://bibliotēka.lv/ā") == "https://xn--bibliotka-hhb.lv/%C4%81"
    assert uri(None) == ""
