"""The long-lived email sender keeps only what deliveries in flight need."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import pytest

from mailer.build import Template
from storage import OutboxMessage
from tests.conftest import running
from tests.smtpserver import MailServer
from tests.test_mail import mail_config, poll_and_add
from vestnesis.mailing.email_list import enqueue_digest, subscribe
from vestnesis.wiring.parts import email_delivery, mailing_parts

SEND_TIME = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


def alive(kind: type) -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, kind))


async def test_sent_messages_do_not_stay_in_memory(tmp_path, mail_server) -> None:
    config = mail_config(tmp_path, mail_server)
    async with running(config, SEND_TIME) as app:
        await poll_and_add(app, {f"m{n}@example.lv": "lv" for n in range(6)})
        delivery = email_delivery(app)  # one sender for the whole run, as in the service
        baseline = alive(OutboxMessage)
        held: list[int] = []
        for round_ in range(3):
            for n in range(12):  # confirmation mails: one message each
                result = await subscribe(
                    mailing_parts(app), f"new{round_}-{n}@example.lv", language="en", source="web"
                )
                assert result.status == "sent"
            report = await delivery.drain(on_progress=lambda _: held.append(len(delivery.held)))
            assert report.sent == 12
            assert len(delivery.held) == 0
            assert alive(OutboxMessage) == baseline and alive(Template) == 0
        await enqueue_digest(mailing_parts(app), SEND_TIME)  # one message shared by six deliveries
        report = await delivery.drain(on_progress=lambda _: held.append(len(delivery.held)))
        assert report.sent == 6
        assert len(delivery.held) == 0
        assert alive(OutboxMessage) == baseline and alive(Template) == 0
    assert len(mail_server.received) == 3 * 12 + 6
    # While sending, only messages of claimed deliveries were held (a claim is 8 per worker).
    assert 1 <= max(held) <= 2 * 8
    assert held[-1] <= 1


def test_held_messages_are_counted_per_claim() -> None:
    import asyncio

    from vestnesis.delivery.held import HeldMessages

    loads: list[int] = []

    async def load(message_id: int) -> OutboxMessage:
        loads.append(message_id)
        return OutboxMessage(message_id, "digest", "k", "email", "lv", "s", b"body")

    async def scenario() -> None:
        held = HeldMessages(load)
        for _ in range(3):
            held.claim(1)
        held.claim(2)
        assert (await held.get(1)).id == 1 and (await held.get(1)).id == 1
        await held.get(2)
        assert loads == [1, 2] and len(held) == 2
        held.settle(2)
        assert len(held) == 1
        held.settle(1)
        held.settle(1)
        assert len(held) == 1  # one delivery of message 1 is still on its way
        held.settle(1)
        assert len(held) == 0
        await held.get(3)  # read without a claim: not kept
        assert len(held) == 0 and loads == [1, 2, 3]

    asyncio.run(scenario())
