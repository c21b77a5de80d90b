"""The README's quick start on a copy of the example config: the service runs on the sample
data, its pages answer, and mail lands in a folder (email.transport = "file")."""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from click.testing import CliRunner

from tests.conftest import ROOT, wait_for
from tests.smtpserver import free_port
from vestnesis.cli.main import cli

SECRET = {"VESTNESIS_WEB_SECRET": "demo-only-secret-not-for-real-use"}
SEND = "2026-11-23T09:00"


def example_copy(tmp_path: Path, port: int) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    text = (ROOT / "config.example.toml").read_text("utf-8")
    text = text.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
    config = tmp_path / "config.example.toml"
    config.write_text(text, "utf-8")
    return config


def run(config: Path, *args: str):
    result = CliRunner(env=SECRET).invoke(cli, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result


def test_the_quick_start_shows_the_running_service(tmp_path) -> None:
    port = free_port()
    config = example_copy(tmp_path, port)
    run(config, "feeds", "poll")
    run(config, "subscribers", "add", "anna@example.org", "--name", "Anna Ozola", "--confirmed")
    sent = run(config, "digest", "send", "--now", SEND)
    assert "queued for 1 member (lv: 1)" in sent.stdout and "Sent 1;" in sent.stdout
    [mail] = (tmp_path / "data" / "mail").glob("*.eml")
    message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    assert message["To"] == "Anna Ozola <anna@example.org>"
    text = message.get_body(("plain",)).get_content()
    # No translation backend: the Latvian digest says once, at the top, that foreign news
    # (IFLA, EBLIDA in English) is shown as written.
    assert text.count("mašīntulkošana ir izslēgta") == 1

    service = subprocess.Popen(
        [sys.executable, "-m", "vestnesis", "--config", str(config), "run"],
        env={**os.environ, **SECRET},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up)
        archive = httpx.get(f"{base}/archive?lang=lv").text
        assert re.search(r'href="/archive/\d+\?lang=lv">2026\. gada 23\. novembris', archive)
        assert "Pieteikties" in httpx.get(f"{base}/subscribe?lang=lv").text
        assert "BEGIN:VCALENDAR" in httpx.get(f"{base}/events.ics").text
    finally:
        service.send_signal(signal.SIGTERM)
        output, _ = service.communicate(timeout=30)
    assert service.returncode == 0
    assert f"subscribe={base}/subscribe" in output  # the log says what to open
    assert "no mail is sent; each message is written to a folder" in output
    assert "no translation backend" in output


def test_mail_to_a_domain_outside_ascii_lands_in_the_folder(tmp_path) -> None:
    # The folder stands in for a relay that takes any address as written; asking it whether
    # it does (as the sender asks a relay) once failed every such delivery.
    config = example_copy(tmp_path, free_port())
    run(config, "feeds", "poll")
    run(config, "subscribers", "add", "anna@piemērs.lv", "--name", "Anna Ozola", "--confirmed")
    sent = run(config, "digest", "send", "--now", SEND)
    assert "Sent 1; 0 to retry later; 0 failed." in sent.stdout
    [mail] = (tmp_path / "data" / "mail").glob("*.eml")
    message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    assert message["To"] == "Anna Ozola <anna@piemērs.lv>"
