"""Every page of the site and every mail as delivered, scanned by axe-core in Chromium: the
pages in lv, en and lt, at a phone's and a desktop's width, in light and dark, at each step of
a member's path through them; the mails at a phone's width in light and dark.

Runs `vestnesis run` as a real process with a real SMTP server, as the end-to-end test does.
Also checked here: every form post answers in the page's language, an invalid submit puts the
error first in the title and the focus on the field, and the focus ring stands out (3:1).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

from tests.axe import EMAIL_EXEMPT, scan
from tests.conftest import sample_config, wait_for
from tests.smtpserver import MailServer, free_port
from tests.test_browser import CHROMIUM, ENV, FLAGS, up

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)"
)
LANGUAGES = ("lv", "en", "lt")
# (width, colour scheme) each page is scanned in; contrast does not depend on the width.
VIEWS = ((320, "light"), (320, "dark"), (1024, "light"))


def vestnesis(config, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "vestnesis", "--config", str(config), *args],
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


class Scanner:
    """Scans the page as it is now in every view and keeps what axe found."""

    def __init__(self, page, language: str) -> None:
        self.page = page
        self.language = language
        self.found: list[str] = []
        self.pages = 0

    def __call__(self, step: str) -> None:
        page = self.page
        page.wait_for_load_state()
        shown_in = page.evaluate("document.documentElement.lang")
        if shown_in != self.language:
            self.found.append(f"{step}: the page is in {shown_in!r}, not {self.language!r}")
        for width, scheme in VIEWS:
            page.set_viewport_size({"width": width, "height": 800})
            page.emulate_media(color_scheme=scheme)
            where = f"{self.language} {step} at {width} px, {scheme}"
            if page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth"):
                self.found.append(f"{where}: scrolls sideways")
            self.found += [f"{where}: {violation}" for violation in scan(page)]
        page.emulate_media(color_scheme="light")
        self.pages += 1


def test_axe_finds_nothing_on_any_page_in_any_language(tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    mail = MailServer().start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = sample_config(
        tmp_path,
        email={
            "from": "LBB <info@bibliotekari.lv>",
            "smtp_host": "127.0.0.1",
            "smtp_port": mail.port,
            "security": "none",
        },
        web={"listen": f"127.0.0.1:{port}", "public_url": base},
    )
    vestnesis(config, "feeds", "poll")
    vestnesis(config, "subscribers", "add", "archive@example.lv", "--confirmed")
    vestnesis(config, "digest", "send", "--now", "2026-11-23T09:00")  # one digest in the archive
    service = subprocess.Popen(
        [sys.executable, "-m", "vestnesis", "--config", str(config), "run"],
        env={**os.environ, **ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    found: list[str] = []
    scanned = 0
    try:
        wait_for(lambda: up(f"{base}/healthz"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            # The pages forbid inline scripts (CSP); the test injects axe-core all the same.
            context = browser.new_context(bypass_csp=True)
            for language in LANGUAGES:
                page = context.new_page()
                check = Scanner(page, language)
                member_path(page, check, base, language, mail)
                found += check.found
                scanned += check.pages
                page.close()
            found += mails_as_sent(context, mail)
            browser.close()
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(20)
        mail.stop()
    assert scanned >= 3 * 12
    assert found == [], "\n".join(found)


def member_path(page, check: Scanner, base: str, language: str, mail: MailServer) -> None:
    """subscribe (wrong, then right), confirm, preferences (save), unsubscribe, archive, errors."""
    address = f"reader.{language}@example.org"
    page.goto(f"{base}/subscribe?lang={language}")
    check("subscribe")
    focus_ring_stands_out(page, check)

    page.fill("#email", "not-an-address@")
    page.click("form button[type=submit]")
    check("subscribe with an error")
    error = page.inner_text("#email-error")
    assert page.title().startswith(error)
    assert page.evaluate("document.activeElement.id") == "email"

    page.fill("#email", address)
    page.click("form button[type=submit]")
    check("check your inbox")

    message = wait_for(lambda: [m for m in mail.received if address in m.recipients])[0].message
    text = message.get_body(("plain",)).get_content()
    page.goto(re.search(rf"{base}/confirm/\S+", text).group(0))
    check("confirm")
    page.click("main form button")
    check("confirmed")

    page.click('main a[href^="/preferences/"]')
    check("preferences")
    page.click('main form[action^="/preferences/"]:not([action*="/delete"]) button')
    check("preferences saved")

    page.click('main a[href^="/unsubscribe/"]')
    check("unsubscribe")
    page.click("main form button")
    check("unsubscribed")

    page.goto(f"{base}/archive?lang={language}")
    check("archive")
    page.click("ul.archive a")
    check("archived digest")
    assert page.locator("header nav").count() and page.locator("main").count() == 1

    page.goto(f"{base}/confirm/not-a-token?lang={language}")
    check("invalid link")
    page.goto(f"{base}/no/such/page?lang={language}")
    check("page not found")


def focus_ring_stands_out(page, check: Scanner) -> None:
    """The focus ring has 3:1 against the page around it (WCAG 2.2, 2.4.13 / 1.4.11)."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.focus("#email")
        ring, around = page.evaluate(
            """() => [getComputedStyle(document.activeElement).outlineColor,
                      getComputedStyle(document.querySelector('main')).backgroundColor]"""
        )
        ratio = contrast(ring, around)
        if ratio < 3:
            check.found.append(f"{check.language} focus ring {ring} on {around}: {ratio:.1f}:1")
    page.emulate_media(color_scheme="light")


def mails_as_sent(context, mail: MailServer) -> list[str]:
    """The HTML of every mail the server received (the digest and the confirmations, as
    delivered), at a phone's width in light and dark: nothing wider, nothing axe objects to."""
    found = []
    page = context.new_page()
    assert len(mail.received) >= 4
    for received in mail.received:
        html = received.message.get_body(("html",)).get_content()
        subject = received.message["Subject"]
        for scheme in ("light", "dark"):
            page.set_viewport_size({"width": 320, "height": 800})
            page.emulate_media(color_scheme=scheme)
            page.set_content(html)
            if page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth"):
                found.append(f"mail {subject!r}, {scheme}: scrolls sideways at 320 px")
            found += [f"mail {subject!r}, {scheme}: {v}" for v in scan(page, exempt=EMAIL_EXEMPT)]
    page.close()
    return found
