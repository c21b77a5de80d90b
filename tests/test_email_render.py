"""Every email as members' clients show it, rendered by Chromium and scanned by axe-core.

Each email (the digest in three languages, the confirmation, an announcement, a reminder) is
rendered at 320 and 600 px light, dark (prefers-color-scheme) and with its <style> stripped as
Gmail does in some views; at 390 px light; and at 800 px as Outlook for Windows' Word engine
reads it (the Outlook-only tables in; max-width, media queries and link padding out). What the layout
computes (widths, paddings, font sizes, colours; never text heights, which depend on the
machine's fonts) is compared with tests/golden/email/*.json, and axe-core scans the light and
dark renders. After an intended change:
    VESTNESIS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_email_render.py
and review the diff of the golden files; VESTNESIS_SHOTS=DIR also keeps a screenshot of each.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mailer.render import EmailRenderer, Links
from tests.axe import EMAIL_EXEMPT, scan
from tests.test_browser import CHROMIUM, FLAGS
from vestnesis.digest.model import Digest, DigestEntry, DigestSection
from vestnesis.digest.views import EntryView, NoticeView, SectionView
from vestnesis.digest.wording import confirmation_view, digest_view
from vestnesis.i18n import Catalogs, Presentation

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)"
)
GOLDEN = Path(__file__).parent / "golden" / "email"
UPDATE = os.environ.get("VESTNESIS_UPDATE_GOLDEN") == "1"
# Outlook for Windows is a desktop client: its render is checked on a desktop-wide window.
RENDERS = [(w, m) for w in (320, 600) for m in ("light", "dark", "stripped")]
RENDERS += [(390, "light"), (800, "outlook")]  # a larger phone; Outlook on a desktop
END = datetime(2026, 11, 23, 7, tzinfo=UTC)
CATALOGS = Catalogs()
LONG = (
    "Latvijas Nacionālās bibliotēkas un Lietuvas bibliotekāru biedrības kopīgais seminārs par "
    "bērnu lasīšanas veicināšanu mazpilsētu un lauku bibliotēkās"
)
TOKEN = "eyJpZCI6MTIsImUiOiJhbm5hLm96b2xhQGV4YW1wbGUubHYifQ.Z1x9kA.Qm9vbGVhbkZhbHNlVHJ1ZQ" * 2


def reader(language: str) -> Presentation:
    return Presentation(
        language,
        CATALOGS.get(language),
        "Latvijas Bibliotekāru biedrība",
        "LBB",
        "https://bibliotekari.lv",
        "Europe/Riga",
    )


def digest_email(language: str) -> str:
    def entry(number: int, title: str, source_language: str = "lv", **extra) -> DigestEntry:
        return DigestEntry(
            item_id=number,
            source="LBB",
            title=title,
            summary=extra.pop("summary", LONG + ". " + LONG + "."),
            url=extra.pop(
                "url", f"https://bibliotekari.lv/2026/11/{number}/jaunums-ar-garu-adresi/"
            ),
            language=source_language,
            published=END - timedelta(days=number),
            **extra,
        )

    sections = (
        DigestSection(
            "source",
            "LBB",
            (
                entry(1, LONG, url="https://bibliotekari.lv/jaunumi/seminārs par lasīšanu?a=1&b=2"),
                entry(2, "Bibliotēku nedēļa 2027: tēma „Bibliotēka – kopienas sirds”"),
            ),
        ),
        DigestSection(
            "source",
            "IFLA",
            (
                entry(3, "IFLA congress 2027", "en", title_translated="IFLA kongress 2027"),
                entry(4, "EBLIDA statement on library funding", "en", translation_failed=True),
            ),
        ),
    )
    view = digest_view(Digest(END - timedelta(days=7), END, sections), reader(language))
    events = SectionView(
        "Upcoming events",
        (
            EntryView(
                "Zemgales reģionālais seminārs",
                None,
                "15. dec. 10.00 · Jelgava",
                "15. dec.",
                None,
                None,
            ),
        ),
    )
    view = dataclasses.replace(view, sections=(*view.sections, events))
    links = Links(
        unsubscribe=f"https://vestnesis.example/unsubscribe/{TOKEN}",
        preferences=f"https://vestnesis.example/preferences/{TOKEN}",
        archive="https://vestnesis.example/archive/12?lang=" + language,
    )
    return EmailRenderer().render(view, links).html


def notice_emails() -> dict[str, str]:
    renderer = EmailRenderer()
    confirmation = confirmation_view(reader("lv"), f"https://vestnesis.example/confirm/{TOKEN}")
    announcement = NoticeView(
        "en",
        "LBB: an announcement",
        "From the board",
        (LONG, "The general meeting is on 12 December in Riga; the agenda follows next week."),
        "",
        "",
        "Unsubscribe",
    )
    reminder = NoticeView(
        "lt",
        "LBB: rytoj",
        "Rytoj: Zemgalės regioninis seminaras",
        ("Antradienis, gruodžio 15 d., 10.00 · Jelgava", LONG),
        "Renginio puslapis",
        "https://bibliotekari.lv/pasākumi/zemgales-seminārs?id=15",
        "Atsisakyti prenumeratos",
    )
    unsubscribe = Links(unsubscribe=f"https://vestnesis.example/unsubscribe/{TOKEN}")
    return {
        "confirmation": renderer.render_notice(confirmation).html,
        "announcement": renderer.render_notice(announcement, unsubscribe).html,
        "reminder": renderer.render_notice(reminder, unsubscribe).html,
    }


def emails() -> dict[str, str]:
    found = {f"digest-{language}": digest_email(language) for language in ("lv", "en", "lt")}
    return {**found, **notice_emails()}


def stripped(html: str) -> str:
    """What a client that drops <style> shows: only the inline styles are left."""
    return re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)


def outlook(html: str) -> str:
    """An approximation of Outlook for Windows (Word's engine): its conditional tables are
    read, <style> and media queries are not, max-width is unknown, padding and margins of links
    are dropped, and mso-padding-alt is a cell's padding."""
    html = re.sub(r"<!--\[if mso\]>(.*?)<!\[endif\]-->", r"\1", html, flags=re.DOTALL)

    def restyle(match: re.Match[str]) -> str:
        tag, before, style = match.groups()
        style = re.sub(r"max-width:[^;]*;?", "", style)
        if tag == "a":
            style = re.sub(r"(?:padding|margin)[a-z-]*:[^;]*;?", "", style) + ";display:inline"
        style = style.replace("mso-padding-alt:", "padding:")
        return f'<{tag}{before}style="{style}"'

    return re.sub(r'<(\w+)([^>]*?)style="([^"]*)"', restyle, stripped(html))


FACTS = """() => {
  const px = (element, property) => element ? getComputedStyle(element)[property] : null;
  const card = document.querySelector('.card');
  const title = document.querySelector('.title');
  const button = document.querySelector('.button-cell');
  const action = document.querySelector('.action');
  const preheader = document.querySelector('.preheader');
  const body = document.body;
  const root = document.scrollingElement;
  return {
    fits: root.scrollWidth <= window.innerWidth,
    card_width: Math.round(card.getBoundingClientRect().width),
    card_padding: px(card, 'paddingLeft') + ' ' + px(card, 'paddingRight'),
    card_background: px(card, 'backgroundColor'),
    card_color: px(card, 'color'),
    card_radius: px(card, 'borderTopLeftRadius'),
    body_background: px(document.querySelector('.outer'), 'backgroundColor'),
    title_size: px(title, 'fontSize'),
    title_color: px(title, 'color'),
    link_color: px(document.querySelector('.card a'), 'color'),
    preheader_shown: preheader.getBoundingClientRect().height > 0 && px(preheader, 'display') !== 'none',
    button: button ? {
      cell: button.tagName,
      background: px(button, 'backgroundColor'),
      padding: px(button, 'paddingTop') + ' ' + px(button, 'paddingLeft'),
      link_padding: px(action, 'paddingTop') + ' ' + px(action, 'paddingLeft'),
      color: px(action, 'color'),
      height_at_least_40: action.getBoundingClientRect().height >= 40
        || button.getBoundingClientRect().height >= 40,
    } : null,
  };
}"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def render(browser, html: str, width: int, mode: str):
    scheme = "dark" if mode == "dark" else "light"
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    shown = {"stripped": stripped, "outlook": outlook}.get(mode, lambda h: h)(html)
    page.set_content(shown)
    return context, page


@pytest.mark.parametrize("name", sorted(emails()))
def test_email_renders_as_designed_and_axe_finds_nothing(browser, name) -> None:
    html = emails()[name]
    found: dict[str, dict] = {}
    shots = os.environ.get("VESTNESIS_SHOTS")  # a folder: keep a screenshot of each render
    for width, mode in RENDERS:
        context, page = render(browser, html, width, mode)
        facts = page.evaluate(FACTS)
        if shots:
            page.screenshot(path=f"{shots}/{name}-{width}-{mode}.png", full_page=True)
        violations = scan(page, exempt=EMAIL_EXEMPT) if mode in ("light", "dark") else []
        context.close()
        found[f"{width}-{mode}"] = facts
        where = f"{name} at {width} px, {mode}"
        assert violations == [], f"{where}: {violations}"
        assert facts["fits"], f"{where}: the page scrolls sideways"
        assert not facts["preheader_shown"], f"{where}: the preheader shows"
        assert facts["card_width"] <= 600, f"{where}: text runs wider than 600 px"
        if facts["button"]:
            assert facts["button"]["cell"] == "TD" and facts["button"]["height_at_least_40"]
    phone, wide = found["320-light"], found["600-light"]
    assert phone["card_padding"] == "14px 14px" and wide["card_padding"] == "20px 20px"
    assert found["390-light"]["card_padding"] == "14px 14px"
    assert found["390-light"]["title_size"] == phone["title_size"]
    assert phone["card_width"] == 320 and phone["card_radius"] == "0px"
    assert phone["title_size"] != wide["title_size"]  # the phone rules won over inline styles
    assert found["600-dark"]["card_background"] == "rgb(32, 35, 41)"
    assert found["600-stripped"]["card_background"] == "rgb(255, 255, 255)"  # inline kept
    assert found["800-outlook"]["card_width"] <= 600  # lines of at most about 75 characters
    if found["800-outlook"]["button"]:
        assert found["800-outlook"]["button"]["padding"] != "0px 0px"  # a button, not a link
    golden = GOLDEN / f"{name}.json"
    if UPDATE or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", "utf-8")
        if not UPDATE:
            pytest.fail(f"wrote the missing golden {golden.name}; review and commit it")
    assert found == json.loads(golden.read_text("utf-8"))
