"""The mailing list against a real SMTP server: opt-in, exactly-once digests, failures."""

from __future__ import annotations

import email.utils
import re
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mailer.smtp import SmtpSettings
from storage import Recipient
from tests.conftest import running, sample_config
from tests.smtpserver import Behaviour, MailServer, self_signed
from vestnesis.config import load_config
from vestnesis.mailing.email_list import confirm, enqueue_digest, subscribe, unsubscribe
from vestnesis.wiring.parts import email_delivery, mailing_parts

SECRET = {"VESTNESIS_WEB_SECRET": "a-long-enough-test-secret"}
SEND_TIME = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 09:00 in Riga


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


def mail_config(tmp_path: Path, server: MailServer, **email_extra):
    settings = {
        "from": "LBB <info@bibliotekari.lv>",
        "smtp_host": "127.0.0.1",
        "smtp_port": server.port,
        "security": "none",
        "retry_base": "0s",
        "parallel": 2,
        **email_extra,
    }
    path = sample_config(tmp_path, email=settings, web={"public_url": "https://vestnesis.example"})
    return load_config(path, SECRET)


async def poll_and_add(app, members: dict[str, str]) -> None:
    await app.poller.poll(await app.database.sources.active())
    for address, language in members.items():
        await app.database.subscribers.add(
            address,
            name=None,
            language=language,
            source="import",
            confirmed=True,
            now=app.clock.now(),
        )


def link(message, pattern: str) -> str:
    text = message.get_body(("plain",)).get_content()
    found = re.search(pattern, text)
    assert found, text
    return found.group(0)


async def test_double_opt_in_with_rate_limits(tmp_path, mail_server) -> None:
    config = mail_config(tmp_path, mail_server)
    now = datetime(2026, 11, 20, 10, tzinfo=UTC)
    async with running(config, now) as app:
        result = await subscribe(
            mailing_parts(app), "  Janis@Example.LV ", language="lv", source="web"
        )
        assert result.status == "sent" and result.email == "janis@example.lv"
        assert (await app.database.subscribers.by_email("janis@example.lv")).status == "pending"
        await email_delivery(app).drain()
        again = await subscribe(mailing_parts(app), "janis@example.lv", language="lv", source="web")
        assert again.status == "limited"  # a second mail minutes later would be a nuisance
        invalid = await subscribe(
            mailing_parts(app), "not-an-address@", language="lv", source="web"
        )
        assert invalid.status == "invalid"
    [mail] = mail_server.received
    message = mail.message
    assert message["Subject"] == "Lūdzu, apstipriniet pieteikšanos LBB jaunumiem"
    assert message["List-Unsubscribe"] is None  # a confirmation is not list mail
    url = link(message, r"https://vestnesis\.example/confirm/\S+")
    token = url.rsplit("/", 1)[1]
    async with running(config, now + timedelta(hours=1)) as app:
        subscriber = await confirm(mailing_parts(app), token)
        assert subscriber is not None and subscriber.status == "confirmed"
        assert subscriber.confirmed_at == now + timedelta(hours=1)
    async with running(config, now + timedelta(days=8)) as app:
        assert await confirm(mailing_parts(app), token) is None  # expired after 7 days
        assert await confirm(mailing_parts(app), token[:-2] + "xx") is None  # forged


async def test_confirmation_requests_are_capped_per_day(tmp_path, mail_server) -> None:
    config = mail_config(tmp_path, mail_server)
    start = datetime(2026, 11, 20, 10, tzinfo=UTC)
    statuses = []
    for minutes in (0, 10, 20, 30, 60 * 24 + 40):
        async with running(config, start + timedelta(minutes=minutes)) as app:
            statuses.append(
                (
                    await subscribe(mailing_parts(app), "a@example.lv", language="en", source="web")
                ).status
            )
    assert statuses == ["sent", "sent", "sent", "limited", "sent"]


async def test_digest_goes_to_each_confirmed_member_exactly_once(tmp_path, mail_server) -> None:
    config = mail_config(tmp_path, mail_server, reply_to="biedriba@bibliotekari.lv")
    members = {
        "a@example.lv": "lv",
        "b@example.lv": "lv",
        "c@example.com": "en",
        "d@example.lt": "lt",
    }
    async with running(config, SEND_TIME) as app:
        await poll_and_add(app, members)
        await app.database.subscribers.add(
            "pending@example.lv",
            name=None,
            language="lv",
            source="web",
            confirmed=False,
            now=SEND_TIME,
        )
        report = await enqueue_digest(mailing_parts(app), SEND_TIME)
        assert report.by_language == {"lv": 2, "en": 1, "lt": 1}
        before = datetime.now(UTC)
        drained = await email_delivery(app).drain()
        after = datetime.now(UTC)
        assert drained.sent == 4
        again = await enqueue_digest(mailing_parts(app), SEND_TIME)
        assert again.already and again.by_language == {}
        assert (await email_delivery(app).drain()).sent == 0
    assert mail_server.per_recipient() == dict.fromkeys(members, 1)
    ids = set()
    for received in mail_server.received:
        message = received.message
        [recipient] = received.recipients
        assert received.sender == "info@bibliotekari.lv"
        assert message["To"] == recipient
        assert message["From"] == "LBB <info@bibliotekari.lv>"
        assert message["Reply-To"] == "biedriba@bibliotekari.lv"
        assert message["List-Id"] == "LBB <digest.bibliotekari.lv>"
        assert message["List-Archive"] == "<https://vestnesis.example/archive>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        https, mailto = [part.strip(" <>") for part in message["List-Unsubscribe"].split(",")]
        assert https.startswith("https://vestnesis.example/unsubscribe/")
        assert mailto.startswith("mailto:info@bibliotekari.lv?subject=unsubscribe%20")
        # Dated when handed to the relay (the real time), not the period's end.
        dated = email.utils.parsedate_to_datetime(message["Date"])
        assert before - timedelta(seconds=1) <= dated <= after
        ids.add(message["Message-ID"])
        assert message.get_content_type() == "multipart/alternative"
        plain, html = message.iter_parts()
        assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
        assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
        assert https in plain.get_content() and https.replace("&", "&amp;") in html.get_content()
        language = members[recipient]
        subject = {
            "lv": "LBB nedēļas jaunumu apkopojums, 2026. gada 23. novembris",
            "en": "LBB weekly digest, 23 November 2026",
            "lt": "LBB savaitės naujienų apžvalga, 2026 m. lapkričio 23 d.",
        }[language]
        assert message["Subject"] == subject and message["Content-Language"] == language
        assert max(len(line) for line in received.data.split(b"\r\n")) <= 998
    assert len(ids) == 4  # unique Message-IDs


async def test_one_click_unsubscribe_stops_the_next_digest(tmp_path, mail_server) -> None:
    config = mail_config(tmp_path, mail_server)
    async with running(config, SEND_TIME) as app:
        await poll_and_add(app, {"a@example.lv": "lv", "b@example.lv": "lv"})
        await enqueue_digest(mailing_parts(app), SEND_TIME)
        await email_delivery(app).drain()
    header = next(r for r in mail_server.received if r.recipients == ("a@example.lv",)).message
    token = header["List-Unsubscribe"].split(",")[0].strip(" <>").rsplit("/", 1)[1]
    later = SEND_TIME + timedelta(days=7)
    async with running(config, later) as app:
        assert (await unsubscribe(mailing_parts(app), token)).email == "a@example.lv"
        await app.database.items.store(
            (await app.database.sources.get("LBB")).id,
            [_new_item("fresh", later - timedelta(days=1))],
            later,
        )
        report = await enqueue_digest(mailing_parts(app), later)
        assert report.by_language == {"lv": 1}
        await email_delivery(app).drain()
    assert mail_server.per_recipient() == {"a@example.lv": 1, "b@example.lv": 2}


def _new_item(key: str, published: datetime):
    from storage import NewItem

    return NewItem(
        entry_key=key,
        url=f"https://x.lv/{key}",
        url_key=f"x.lv/{key}",
        content_key=key,
        title=f"Jaunums {key}",
        summary="Teksts.",
        language="lv",
        published=published,
    )


async def test_bounces_retries_and_dropped_connections(tmp_path) -> None:
    behaviour = Behaviour(
        reject={"gone@example.lv"}, mailbox_full={"full@example.lv"}, busy_data=2, drop_after=2
    )
    server = MailServer(behaviour).start()
    try:
        config = mail_config(tmp_path, server, max_attempts=3, soft_bounce_limit=1)
        members = {f"m{n}@example.lv": "lv" for n in range(8)}
        members |= {"gone@example.lv": "lv", "full@example.lv": "lv"}
        async with running(config, SEND_TIME) as app:
            await poll_and_add(app, members)
            await enqueue_digest(mailing_parts(app), SEND_TIME)
            report = await email_delivery(app).drain()
            gone = await app.database.subscribers.by_email("gone@example.lv")
            full = await app.database.subscribers.by_email("full@example.lv")
        counts = server.per_recipient()
        assert counts == {f"m{n}@example.lv": 1 for n in range(8)}  # none lost, none twice
        assert report.sent == 8 and report.failed == 2 and report.bounced == 2
        assert gone.status == "bounced" and "550" in gone.last_bounce  # hard: disabled at once
        assert full.status == "bounced" and "452" in full.last_bounce  # soft: after the limit
    finally:
        server.stop()


async def test_starttls_and_auth(tmp_path) -> None:
    cert, key = self_signed(tmp_path)
    server = MailServer(tls=(cert, key), credentials=("lbb", "s3cret")).start()
    trust = ssl.create_default_context(cafile=str(cert))
    try:
        config = mail_config(tmp_path, server, security="starttls", pause_after_errors=3)
        settings = SmtpSettings("127.0.0.1", server.port, "starttls", "lbb", "s3cret", 10, trust)
        async with running(config, SEND_TIME) as app:
            await poll_and_add(app, {"a@example.lv": "lv"})
            await enqueue_digest(mailing_parts(app), SEND_TIME)
            assert (await email_delivery(app, settings).drain()).sent == 1
        wrong = SmtpSettings("127.0.0.1", server.port, "starttls", "lbb", "nope", 10, trust)
        async with running(config, SEND_TIME) as app:
            await app.database.outbox.enqueue(
                kind="test",
                key="1",
                channel="email",
                language="lv",
                subject="x",
                body=(await app.database.outbox.message(1)).body,
                recipients=[Recipient("a@example.lv", 1)],
                now=SEND_TIME,
            )
            report = await email_delivery(app, wrong).drain()
            assert report.sent == 0 and report.failed == 0 and report.bounced == 0
            assert "refused the login" in report.paused  # the relay's fault: pause, keep it
            [(_, _, state)] = [k for k in (await app.database.outbox.status()) if k[1] == "test 1"]
            assert state == "pending"
            assert (await app.database.subscribers.get(1)).status == "confirmed"
        assert len(server.received) == 1
    finally:
        server.stop()


async def test_sender_pauses_after_errors_and_resumes(tmp_path, mail_server) -> None:
    config = mail_config(tmp_path, mail_server, pause_after_errors=3, pause_for="10m")
    dead = SmtpSettings("127.0.0.1", 9, "none", timeout=2)  # nothing listens on port 9
    async with running(config, SEND_TIME) as app:
        await poll_and_add(app, {f"m{n}@example.lv": "lv" for n in range(6)})
        await enqueue_digest(mailing_parts(app), SEND_TIME)
        report = await email_delivery(app, dead).drain()
        # The streak reaches 3; the other worker's attempt in flight may make it 4.
        assert report.paused and re.match(r"[34] errors in a row", report.paused)
        assert report.sent == 0
        assert (await email_delivery(app).drain()).paused == "paused"  # still paused
    async with running(config, SEND_TIME + timedelta(minutes=11)) as app:
        resumed = await email_delivery(app).drain()  # the pause ended by itself
        assert resumed.sent == 6 and resumed.paused is None
    assert mail_server.per_recipient() == {f"m{n}@example.lv": 1 for n in range(6)}


async def test_only_one_process_sends_at_a_time(tmp_path, mail_server) -> None:
    from vestnesis.delivery import exclusive

    config = mail_config(tmp_path, mail_server)
    async with running(config, SEND_TIME) as app:
        await poll_and_add(app, {"a@example.lv": "lv"})
        await enqueue_digest(mailing_parts(app), SEND_TIME)
        lock = config.association.data_dir / "email-sender.lock"
        with exclusive(lock) as held:  # as if the service's courier were mid-drain
            assert held
            report = await email_delivery(app).drain()
            assert report.busy and report.sent == 0
            [(_, _, state)] = (await app.database.outbox.status()).keys()
            assert state == "pending"  # the other sender's rows are left alone
        assert (await email_delivery(app).drain()).sent == 1


async def test_a_missed_digest_is_sent_once_after_downtime(tmp_path, mail_server) -> None:
    from vestnesis.service.courier import Courier, catch_up, previous_send_time
    from vestnesis.wiring.parts import courier_parts, digest_parts, send_parts

    config = mail_config(tmp_path, mail_server)
    members = {"a@example.lv": "lv", "b@example.com": "en"}
    async with running(config, SEND_TIME - timedelta(days=1)) as app:
        await poll_and_add(app, members)
        # The service had been running: it decided last week (a quiet one).
        await app.database.digests.mark_empty(SEND_TIME - timedelta(days=7), app.clock.now())
    # The service was down at Monday 09:00 and starts at 14:00: the digest goes out now…
    restart = SEND_TIME + timedelta(hours=5)
    async with running(config, restart) as app:
        assert previous_send_time(digest_parts(app).settings, restart) == SEND_TIME
        await catch_up(send_parts(app), Courier(courier_parts(app)))
        await email_delivery(app).drain()
    # …and a second restart the same week sends nothing more.
    async with running(config, restart + timedelta(hours=3)) as app:
        await catch_up(send_parts(app), Courier(courier_parts(app)))
        await email_delivery(app).drain()
    assert mail_server.per_recipient() == dict.fromkeys(members, 1)
    # Down for longer than digest.catch_up: that week is skipped, not sent late.
    async with running(config, SEND_TIME + timedelta(days=13)) as app:
        await catch_up(send_parts(app), Courier(courier_parts(app)))
        assert await app.database.outbox.pending_count("email") == 0


async def test_dkim_signature_verifies(tmp_path, mail_server) -> None:
    import dkim
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "dkim.pem").write_bytes(pem)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    record = b"v=DKIM1; k=rsa; p=" + __import__("base64").b64encode(public)
    config = mail_config(
        tmp_path, mail_server, dkim_selector="vestnesis", dkim_key=str(tmp_path / "dkim.pem")
    )
    async with running(config, SEND_TIME) as app:
        await poll_and_add(app, {"a@example.lv": "lv"})
        await enqueue_digest(mailing_parts(app), SEND_TIME)
        await email_delivery(app).drain()
    [received] = mail_server.received
    assert received.data.startswith(b"DKIM-Signature: ")

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"vestnesis._domainkey.bibliotekari.lv."
        return record

    assert dkim.verify(received.data, dnsfunc=dns)
    assert not dkim.verify(received.data.replace(b"LBB", b"XXX", 1), dnsfunc=dns)


async def test_rate_limit_spaces_the_sends(tmp_path, mail_server) -> None:
    import time

    config = mail_config(tmp_path, mail_server, per_second=10)
    async with running(config, SEND_TIME) as app:
        await poll_and_add(app, {f"m{n}@example.lv": "lv" for n in range(16)})
        await enqueue_digest(mailing_parts(app), SEND_TIME)
        started = time.monotonic()
        assert (await email_delivery(app).drain()).sent == 16
        elapsed = time.monotonic() - started
    # A burst of 10 is allowed, the other 6 wait their turn at 10 a second.
    assert elapsed >= 0.5
