"""The mailing list from the command line, including a send killed halfway and restarted."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage import DATABASE_FILE, Database, Recipient
from tests.conftest import sample_config
from tests.smtpserver import Behaviour, MailServer
from vestnesis.cli.main import cli

SEND = "2026-11-23T09:00"
ENV = {"VESTNESIS_WEB_SECRET": "a-long-enough-test-secret"}


def config_for(tmp_path: Path, server: MailServer, **email) -> Path:
    settings = {
        "from": "LBB <info@bibliotekari.lv>",
        "smtp_host": "127.0.0.1",
        "smtp_port": server.port,
        "security": "none",
        "retry_base": "0s",
        **email,
    }
    return sample_config(tmp_path, email=settings, web={"public_url": "https://v.example"})


def run(config: Path, *args: str):
    return CliRunner(env=ENV).invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


@pytest.fixture
def server():
    mail = MailServer().start()
    yield mail
    mail.stop()


def test_import_reports_bad_rows_and_keeps_good_ones(tmp_path, server) -> None:
    config = config_for(tmp_path, server)
    table = tmp_path / "members.csv"
    table.write_text(
        "email,name,language\n"
        "janis@example.lv,Jānis Bērziņš,lv\n"
        "not-an-address,Bad Row,lv\n"
        "ruta@example.lt,Rūta,lt\n"
        "anna@example.com,Anna,de\n"
        "JANIS@example.lv,Jānis again,lv\n"
        ",Nobody,en\n"
        "mary@example.com,,\n",
        "utf-8",
    )
    result = run(config, "subscribers", "import", str(table), "--confirmed")
    assert "Imported 3 new members (confirmed); 1 already listed; 3 rows rejected." in result.stdout
    assert "line 3: not-an-address:" in result.stderr
    assert "line 5: language 'de' is not one of lv, en, lt" in result.stderr
    assert "line 7: (empty):" in result.stderr
    again = run(config, "subscribers", "import", str(table), "--confirmed")
    assert "Imported 0 new members" in again.stdout
    members = [
        json.loads(line)
        for line in run(config, "subscribers", "list", "--json").stdout.splitlines()
    ]
    assert {(m["email"], m["language"], m["status"]) for m in members} == {
        ("janis@example.lv", "lv", "confirmed"),
        ("ruta@example.lt", "lt", "confirmed"),
        ("mary@example.com", "lv", "confirmed"),  # no language: the association's first
    }
    exported = run(config, "subscribers", "export").stdout.splitlines()
    assert exported[0] == "email,name,language" and "janis@example.lv,Jānis Bērziņš,lv" in exported


def test_import_without_consent_sends_confirmations(tmp_path, server) -> None:
    config = config_for(tmp_path, server)
    table = tmp_path / "members.csv"
    table.write_text("email,name,language\na@example.lv,A,lv\nb@example.com,B,en\n", "utf-8")
    result = run(config, "subscribers", "import", str(table))
    assert "Imported 2 new members (pending confirmation)" in result.stdout
    assert sorted(r.recipients[0] for r in server.received) == ["a@example.lv", "b@example.com"]
    subjects = {r.message["Subject"] for r in server.received}
    assert subjects == {
        "Lūdzu, apstipriniet pieteikšanos LBB jaunumiem",
        "Please confirm your subscription to LBB news",
    }


def test_send_dry_run_status_privacy_and_removal(tmp_path, server) -> None:
    config = config_for(tmp_path, server)
    run(config, "feeds", "poll")
    run(config, "subscribers", "add", "a@example.lv", "--confirmed", "--name", "A")
    run(config, "subscribers", "add", "b@example.com", "--confirmed", "--lang", "en")
    dry = run(config, "digest", "send", "--dry-run", "--now", SEND)
    week = "the week to Mon 23 Nov 2026 09:00"
    assert f"Would send the digest for {week} to 2 members (lv: 1, en: 1, lt: 0)." in dry.stdout
    assert server.received == []
    sent = run(config, "digest", "send", "--now", SEND)
    assert f"Digest for {week} queued for 2 members (lv: 1, en: 1)." in sent.stdout
    assert "Sent 2; 0 to retry later; 0 failed." in sent.stdout
    assert (
        "email     last digest 23 Nov 2026: 2 sent, 0 failed, 0 pending"
        in run(config, "outbox", "status").stdout
    )
    listed = run(config, "subscribers", "list").stdout.splitlines()
    assert listed[0].split() == ["EMAIL", "STATUS", "LANG", "DIGEST", "NAME"]
    assert listed[-1] == "2 members: 2 confirmed, 0 pending, 0 unsubscribed, 0 bounced."
    again = run(config, "digest", "send", "--now", SEND)
    assert (
        f"The digest for {week} went out Mon 23 Nov 2026 09:00; 0 deliveries left" in again.stdout
    )
    assert len(server.received) == 2
    data = json.loads(run(config, "subscribers", "show", "a@example.lv").stdout)
    assert data["email"] == "a@example.lv" and data["deliveries"][0]["status"] == "sent"
    left = run(config, "subscribers", "unsubscribe", "b@example.com")
    assert (
        "b@example.com: unsubscribed; nothing more is sent. Their history is kept." in left.stdout
    )
    assert (
        "was already unsubscribed"
        in run(config, "subscribers", "unsubscribe", "b@example.com").stdout
    )
    data = json.loads(run(config, "subscribers", "show", "b@example.com").stdout)
    assert data["status"] == "unsubscribed" and data["deliveries"]  # the history stays
    asked = CliRunner(env=ENV).invoke(
        cli, ["--config", str(config), "subscribers", "remove", "a@example.lv"], input="n\n"
    )
    assert asked.exit_code == 1 and "cannot be undone" in asked.output
    assert "a@example.lv" in run(config, "subscribers", "list").stdout
    erased = run(config, "subscribers", "remove", "a@example.lv", "--yes")
    assert "Erased a@example.lv" in erased.stdout
    assert "no member" in run(config, "subscribers", "show", "a@example.lv").output


def test_missing_secret_is_a_clear_error(tmp_path, server) -> None:
    config = config_for(tmp_path, server)
    result = CliRunner().invoke(
        cli, ["--config", str(config), "subscribers", "add", "a@example.lv"]
    )
    assert result.exit_code == 1 and "set VESTNESIS_WEB_SECRET" in result.output


def test_a_send_killed_halfway_completes_on_restart_with_nothing_lost(tmp_path) -> None:
    server = MailServer(Behaviour(delay=0.02)).start()
    try:
        config = config_for(tmp_path, server, parallel=2)
        table = tmp_path / "members.csv"
        rows = [f"m{n:03d}@example.lv,,lv" for n in range(120)]
        table.write_text("email,name,language\n" + "\n".join(rows) + "\n", "utf-8")
        run(config, "feeds", "poll")
        run(config, "subscribers", "import", str(table), "--confirmed")
        command = [
            sys.executable,
            "-m",
            "vestnesis",
            "--config",
            str(config),
            "digest",
            "send",
            "--now",
            SEND,
        ]
        env = {**os.environ, **ENV}
        first = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while len(server.received) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        at_kill = len(server.received)
        assert 40 <= at_kill < 120, "the kill should land mid-send"
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stdout + second.stderr
        counts = server.per_recipient()
        assert set(counts) == {f"m{n:03d}@example.lv" for n in range(120)}  # nothing lost
        repeated = sum(count - 1 for count in counts.values())
        assert repeated <= 2  # at most the messages in flight (2 workers) went twice
    finally:
        server.stop()


def test_digest_send_has_the_upcoming_events_its_preview_shows(tmp_path, server) -> None:
    """No `events list` or service run first: the send reads the configured calendar itself."""
    config = config_for(tmp_path, server)
    run(config, "feeds", "poll")
    run(config, "subscribers", "add", "a@example.lv", "--confirmed")
    sent = run(config, "digest", "send", "--now", SEND)
    assert "Sent 1;" in sent.stdout
    [mail] = server.received
    text = mail.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    preview = run(config, "digest", "preview", "--lang", "lv", "--now", SEND).stdout
    sections = re.findall(r"^== (.+) ==$", preview, re.MULTILINE)
    assert "Gaidāmie pasākumi" in sections
    assert re.findall(r"^== (.+) ==$", text, re.MULTILINE) == sections
    events = preview.split("== Gaidāmie pasākumi ==", 1)[1].split("\n--\n", 1)[0]
    assert events.strip() and events in text


def test_outbox_retry_checks_the_mail_settings_before_saying_anything(tmp_path, server) -> None:
    config = config_for(tmp_path, server)
    result = CliRunner().invoke(cli, ["--config", str(config), "outbox", "retry"])
    assert result.exit_code == 1 and "set VESTNESIS_WEB_SECRET" in result.output
    assert "queued again" not in result.output


def test_outbox_retry_queues_failed_telegram_messages_again_and_lifts_their_pause(
    tmp_path, server
) -> None:
    config = config_for(tmp_path, server)
    now = datetime.now(UTC)

    async def seed() -> None:
        async with await Database.open(tmp_path / "data" / DATABASE_FILE) as db:
            await db.outbox.enqueue(
                kind="announcement",
                key="a1",
                channel="telegram",
                language="lv",
                subject="",
                body=b"Sveiki",
                recipients=[Recipient("chat:-100"), Recipient("chat:-200")],
                now=now,
            )
            for delivery in await db.outbox.claim("telegram", now, 10):
                await db.outbox.failed(delivery.id, "Forbidden: bot was blocked")
            await db.outbox.set_errors("telegram", 5, now + timedelta(hours=1), "flood")

    async def after() -> tuple[int, tuple[int, str | None, str | None]]:
        async with await Database.open(tmp_path / "data" / DATABASE_FILE) as db:
            return await db.outbox.pending_count("telegram"), await db.outbox.errors("telegram")

    asyncio.run(seed())
    result = run(config, "outbox", "retry")
    assert result.exit_code == 0, result.output
    assert "2 failed Telegram messages queued again; the service sends them." in result.output
    assert asyncio.run(after()) == (2, (0, None, None))
