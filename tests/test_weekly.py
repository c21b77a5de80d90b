"""A weekly period is decided once; catch-up after downtime polls first; the dry run, the
preview and the real send agree in every state."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import running, sample_config
from tests.smtpserver import Behaviour, MailServer
from vestnesis.cli.main import cli
from vestnesis.config import load_config
from vestnesis.service.courier import Courier, catch_up, send_weekly_digest
from vestnesis.wiring.parts import (
    courier_parts,
    digest_parts,
    email_delivery,
    mailing_parts,
    send_parts,
)

SECRET = {"VESTNESIS_WEB_SECRET": "a-long-enough-test-secret"}
SEND_TIME = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 09:00 in Riga
SEND = "2026-11-23T09:00"
WEEK = "the week to Mon 23 Nov 2026 09:00"


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


def config_file(tmp_path: Path, server: MailServer, **sections: dict) -> Path:
    email = {
        "from": "LBB <info@bibliotekari.lv>",
        "smtp_host": "127.0.0.1",
        "smtp_port": server.port,
        "security": "none",
        "retry_base": "0s",
        **sections.pop("email", {}),
    }
    tmp_path.mkdir(parents=True, exist_ok=True)
    return sample_config(tmp_path, email=email, web={"public_url": "https://v.example"}, **sections)


async def add_members(app, members: dict[str, str]) -> None:
    for address, language in members.items():
        await app.database.subscribers.add(
            address, name=None, language=language, source="cli", confirmed=True, now=SEND_TIME
        )


async def poll(app) -> None:
    await app.poller.poll(await app.database.sources.active())


async def test_an_empty_week_stays_decided_when_news_turns_up_later(tmp_path, mail_server) -> None:
    config = load_config(config_file(tmp_path, mail_server), SECRET)
    members = {"a@example.lv": "lv"}
    # At Monday 09:00 nothing had been read yet: nothing new, and that is stored.
    async with running(config, SEND_TIME) as app:
        await add_members(app, members)
        decision = await send_weekly_digest(send_parts(app), Courier(courier_parts(app)), SEND_TIME)
        assert (decision.action, decision.reason) == ("nothing", "empty")
    # On Wednesday a feed with last week's news is read and the service restarts.
    wednesday = SEND_TIME + timedelta(days=2)
    async with running(config, wednesday) as app:
        await poll(app)
        assert (
            await catch_up(send_parts(app), Courier(courier_parts(app)), poll=lambda: poll(app))
            is None
        )
        assert await app.database.outbox.pending_count("email") == 0
        assert await app.database.digests.empty_since(SEND_TIME) == SEND_TIME
    assert mail_server.received == []
    # The dry run and the real send say the same thing, and send nothing either.
    path = tmp_path / "config.toml"
    wed = "2026-11-25T09:00"
    dry = await asyncio.to_thread(run, path, "digest", "send", "--dry-run", "--now", wed)
    real = await asyncio.to_thread(run, path, "digest", "send", "--now", wed)
    line = f"Nothing new for {WEEK} when it was decided Mon 23 Nov 2026 09:00: no digest."
    assert dry.stdout.startswith(line) and real.stdout.startswith(line)
    assert mail_server.received == []


async def test_catch_up_polls_first_so_news_of_the_downtime_goes_out_once(
    tmp_path, mail_server
) -> None:
    config = load_config(config_file(tmp_path, mail_server), SECRET)
    members = {"a@example.lv": "lv", "b@example.com": "en"}
    async with running(config, SEND_TIME - timedelta(days=6)) as app:
        await add_members(app, members)  # the service ran, then went down before any news
        await app.database.digests.mark_empty(SEND_TIME - timedelta(days=7), app.clock.now())
    restart = SEND_TIME + timedelta(hours=5)
    polled: list[int] = []

    async def poll_first() -> None:
        await poll(app)
        polled.append(len(await app.database.items.list()))

    async with running(config, restart) as app:
        decision = await catch_up(send_parts(app), Courier(courier_parts(app)), poll=poll_first)
        assert decision is not None and decision.action == "send"
        assert polled and polled[0] > 0  # the poll ran before the decision…
        assert decision.prepared.digest is not None  # …and its news is in the digest
        await email_delivery(app).drain()
    async with running(config, restart + timedelta(hours=2)) as app:
        assert await catch_up(send_parts(app), Courier(courier_parts(app)), poll=poll_first) is None
        await email_delivery(app).drain()
    assert mail_server.per_recipient() == dict.fromkeys(members, 1)
    text = mail_server.received[0].message.get_body(("plain",)).get_content()
    assert "http" in text and len(polled) == 1  # the second start neither polled nor sent


def run(config: Path, *args: str):
    return CliRunner(env=SECRET).invoke(cli, ["--config", str(config), *args])


def setup_members(config: Path, members: dict[str, str]) -> None:
    async def add() -> None:
        async with running(load_config(config, SECRET), SEND_TIME) as app:
            await add_members(app, members)

    asyncio.run(add())


def agree(config: Path) -> tuple[str, str]:
    """The dry run's and the real send's first lines, after checking the preview says the
    same as the dry run."""
    dry = run(config, "digest", "send", "--dry-run", "--now", SEND)
    preview = run(config, "digest", "preview", "--now", SEND)
    assert dry.exit_code == 0 and preview.exit_code == 0, dry.output + preview.output
    assert f"`digest send` now: {dry.stdout.strip()}" in preview.stderr
    real = run(config, "digest", "send", "--now", SEND)
    assert real.exit_code == 0, real.output
    return dry.stdout.strip(), real.stdout.splitlines()[0]


def test_dry_run_and_send_agree_in_every_state(tmp_path, mail_server) -> None:
    members = {"a@example.lv": "lv", "b@example.com": "en"}
    # An empty week.
    empty = config_file(tmp_path / "empty", mail_server)
    setup_members(empty, members)
    dry, real = agree(empty)
    assert dry == f"Nothing new for {WEEK}: no digest. (dry run: nothing sent.)"
    assert real == f"Nothing new for {WEEK}: no digest."
    # Held by the board.
    held = config_file(tmp_path / "held", mail_server, digest={"review": "board"})
    setup_members(held, members)
    run(held, "feeds", "poll")
    run(held, "digest", "draft", "--now", SEND)
    run(held, "digest", "hold", "--now", SEND)
    dry, real = agree(held)
    assert dry == f"The board holds the digest for {WEEK}: nothing sent. (dry run: nothing sent.)"
    assert real == f"The board holds the digest for {WEEK}: nothing sent."
    # Waiting for a board that did not answer, with digest.unreviewed = "hold".
    waiting = config_file(
        tmp_path / "waiting", mail_server, digest={"review": "board", "unreviewed": "hold"}
    )
    setup_members(waiting, members)
    run(waiting, "feeds", "poll")
    run(waiting, "digest", "draft", "--now", SEND)
    dry, real = agree(waiting)
    assert "waits for the board's approval" in dry and real in dry
    assert mail_server.received == []
    # To be sent: the same members, the same languages.
    ready = config_file(tmp_path / "ready", mail_server)
    setup_members(ready, members)
    run(ready, "feeds", "poll")
    dry, real = agree(ready)
    assert dry == (
        f"Would send the digest for {WEEK} to 2 members (lv: 1, en: 1, lt: 0). Nothing sent."
    )
    assert real == f"Digest for {WEEK} queued for 2 members (lv: 1, en: 1)."
    assert len(mail_server.received) == 2
    # Already sent: both say when, and that nothing is left.
    dry, real = agree(ready)
    went = f"The digest for {WEEK} went out Mon 23 Nov 2026 09:00; 0 deliveries left to send."
    assert dry == f"{went} (dry run: nothing sent.)" and real == went
    assert len(mail_server.received) == 2


def test_a_partly_sent_digest_is_described_and_finished_alike(tmp_path) -> None:
    server = MailServer(Behaviour(mailbox_full={"b@example.com"})).start()
    try:
        config = config_file(tmp_path, server, email={"retry_base": "1h"})
        setup_members(config, {"a@example.lv": "lv", "b@example.com": "en"})
        run(config, "feeds", "poll")
        first = run(config, "digest", "send", "--now", SEND)
        assert "Sent 1; 1 to retry later; 0 failed." in first.stdout
        dry, real = agree(config)
        went = f"The digest for {WEEK} went out Mon 23 Nov 2026 09:00; 1 delivery left to send."
        assert dry == f"{went} (dry run: nothing sent.)" and real == went
        assert len(server.received) == 1
    finally:
        server.stop()


def test_preview_of_the_coming_week(tmp_path, mail_server) -> None:
    config = config_file(tmp_path, mail_server)
    run(config, "feeds", "poll")
    result = run(config, "digest", "preview", "--next", "--now", "2026-11-20T12:00")
    assert result.exit_code == 0 and "LBB" in result.stdout
    assert "The next digest goes out Mon 23 Nov 2026 09:00" in result.stderr


def test_a_draft_made_mid_week_is_the_one_that_goes_out(tmp_path, mail_server) -> None:
    config = config_file(tmp_path, mail_server, digest={"review": "board", "unreviewed": "hold"})
    setup_members(config, {"a@example.lv": "lv"})
    run(config, "feeds", "poll")
    drafted = run(config, "digest", "draft", "--now", "2026-11-20T12:00")  # a Friday
    assert "Digest for 2026-11-23 09:00: draft" in drafted.stdout
    dry = run(config, "digest", "send", "--dry-run", "--now", SEND).stdout
    assert "waits for the board's approval" in dry
    assert "approved" in run(config, "digest", "approve").stdout
    dry = run(config, "digest", "send", "--dry-run", "--now", SEND).stdout
    assert dry.startswith(f"Would send the digest for {WEEK} to 1 members (lv: 1")


async def test_a_first_start_mid_week_sends_nothing_until_the_next_send_time(
    tmp_path, mail_server
) -> None:
    config = load_config(config_file(tmp_path, mail_server), SECRET)
    wednesday = SEND_TIME + timedelta(days=2)
    async with running(config, wednesday) as app:  # a new installation, members imported
        await add_members(app, {"a@example.lv": "lv"})
        assert (
            await catch_up(send_parts(app), Courier(courier_parts(app)), poll=lambda: poll(app))
            is None
        )
        assert await app.database.outbox.pending_count("email") == 0
        # Nothing was decided for that week: the installation starts with the next one.
        assert await app.database.digests.for_period(SEND_TIME) is None
        assert await app.database.digests.empty_since(SEND_TIME) is None
    assert mail_server.received == []


async def test_a_send_composes_its_digest_once_for_every_channel(tmp_path, mail_server) -> None:
    from vestnesis.digest.compose import ItemFilter
    from vestnesis.digest.edition import Edition
    from vestnesis.digest.weekly import decide
    from vestnesis.mailing.email_list import digest_record

    config = load_config(config_file(tmp_path, mail_server), SECRET)
    async with running(config, SEND_TIME) as app:
        await poll(app)
        decision = await decide(digest_parts(app), SEND_TIME)
        assert decision.action == "send"
        record = await digest_record(mailing_parts(app), decision.prepared, SEND_TIME)
        edition = await Edition.of(digest_parts(app), decision.prepared, record)
        # The decision's digest is the one every unfiltered destination gets (email's empty
        # filter included), and each language's view is made once and shared.
        assert edition.digest() is decision.prepared.digest
        assert edition.digest(ItemFilter()) is decision.prepared.digest
        lv = await edition.view("lv")
        assert lv is not None and await edition.view("lv", ItemFilter()) is lv
        # A destination's own filter gets a digest of just its items, from the same ones.
        source = decision.prepared.digest.entries[0].source
        own = edition.digest(ItemFilter(include_sources=frozenset({source})))
        assert own is not None and {e.source for e in own.entries} == {source}
        assert edition.digest(ItemFilter(include_sources=frozenset({"nowhere"}))) is None
