"""End to end in a real headless browser: subscribe, confirm from the mail, unsubscribe.

Runs `vestnesis run` as a real process with its web pages and a real SMTP server, and drives
Debian's Chromium with Playwright.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import sample_config, wait_for
from tests.smtpserver import MailServer, free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)"
)
ENV = {"VESTNESIS_WEB_SECRET": "a-long-enough-test-secret"}
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def members(config: Path) -> dict[str, str]:
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "vestnesis",
            "--config",
            str(config),
            "subscribers",
            "list",
            "--json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
        check=True,
    )
    return {row["email"]: row["status"] for row in map(json.loads, listed.stdout.splitlines())}


def test_subscribe_confirm_and_unsubscribe_in_a_browser(tmp_path) -> None:
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
    service = subprocess.Popen(
        [sys.executable, "-m", "vestnesis", "--config", str(config), "run"],
        env={**os.environ, **ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: up(f"{base}/healthz"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(f"{base}/subscribe?lang=lv")
            page.get_by_label("E-pasta adrese").fill("anna.ozola@example.lv")
            page.get_by_label("Jūsu vārds (nav obligāts)").fill("Anna Ozola")
            page.get_by_role("button", name="Pieteikties").press("Enter")
            page.get_by_role("heading", name="Pārbaudiet savu e-pastu").wait_for()
            page.screenshot(path=str(tmp_path / "1-check-inbox.png"))

            confirmation = wait_for(lambda: mail.received)[0].message
            assert confirmation["To"] == "Anna Ozola <anna.ozola@example.lv>"
            text = confirmation.get_body(("plain",)).get_content()
            page.goto(re.search(rf"{base}/confirm/\S+", text).group(0))
            page.get_by_role("button", name="Apstiprināt pieteikšanos").click()
            page.get_by_role("heading", name="Pieteikšanās apstiprināta").wait_for()
            assert members(config) == {"anna.ozola@example.lv": "confirmed"}

            send = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "vestnesis",
                    "--config",
                    str(config),
                    "digest",
                    "send",
                    "--now",
                    "2026-11-23T09:00",
                ],
                env={**os.environ, **ENV},
                capture_output=True,
                text=True,
            )
            assert send.returncode == 0, send.stdout + send.stderr
            digest = wait_for(
                lambda: [m for m in mail.received if "apkopojums" in m.message["Subject"]]
            )
            body = digest[0].message.get_body(("plain",)).get_content()
            page.goto(re.search(rf"{base}/unsubscribe/\S+", body).group(0))
            page.get_by_role("button", name="Atteikties no jaunumiem").click()
            page.get_by_role("heading", name="Jaunumu sūtīšana pārtraukta").wait_for()
            page.screenshot(path=str(tmp_path / "2-unsubscribed.png"))
            browser.close()
        assert members(config) == {"anna.ozola@example.lv": "unsubscribed"}
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(20)
        mail.stop()
    assert service.returncode == 0
