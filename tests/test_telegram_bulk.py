"""Bulk Telegram sends (bot/bulk.py) say what python-telegram-bot says and understand Telegram's
refusals as it does: 429 with retry_after, 403 blocked, 400 chat not found, a group migrated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.bulk import BulkSender, bulk_possible
from bot.delivery import send_part
from tests.botapi import TOKEN, BotApi
from tests.test_bot import BOARD, GROUP, bot, bot_config, draft, until

PARTS = [
    ({"html": "<b>Sveiki</b> &amp; ā?=+&x=1 %20"}, None, None),
    ({"html": "Ar priekšskatījumu", "disable_preview": False}, None, 7),
    ({"html": "<i>Foto</i> paraksts"}, {"kind": "photo", "id": "AgAD-photo"}, None),
    ({"html": "Garš paraksts. " * 80}, {"kind": "photo", "id": "AgAD-long"}, None),
    ({"html": "Dokuments"}, {"kind": "document", "id": "BQAD-doc"}, 9),
]


async def _both(api: BotApi, chat: int, other: int, part, media, thread) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as ptb:
        options = {"media": media, "thread": thread}
        await send_part(ptb, chat, part["html"], **options, **_preview(part))
    bulk = BulkSender(api.base_url + TOKEN)
    try:
        await bulk.send_part(other, part["html"], **options, **_preview(part))
    finally:
        await bulk.close()


def _preview(part) -> dict:
    return {"disable_preview": part.get("disable_preview", True)}


def _calls(api: BotApi, chat: int) -> list[tuple[str, dict]]:
    return [
        (call.method, {k: v for k, v in call.params.items() if k != "chat_id"})
        for call in api.sent(chat)
    ]


@pytest.mark.parametrize(("part", "media", "thread"), PARTS)
async def test_the_requests_are_python_telegram_bots(part, media, thread) -> None:
    api = BotApi()
    try:
        await _both(api, 501, 502, part, media, thread)
    finally:
        api.stop()
    ours, theirs = _calls(api, 502), _calls(api, 501)
    assert ours == theirs and ours  # the same methods with the same parameters, in order
    assert all(int(call.params["chat_id"]) == 502 for call in api.sent(502))


async def _refusal(send) -> TelegramError:
    with pytest.raises(TelegramError) as raised:
        await send()
    return raised.value


@pytest.mark.parametrize(
    ("status", "description", "parameters", "kind"),
    [
        (429, "Too Many Requests: retry after 3", {"retry_after": 3}, RetryAfter),
        (403, "Forbidden: bot was blocked by the user", {}, Forbidden),
        (400, "Bad Request: chat not found", {}, BadRequest),
        (400, "Bad Request: group chat was upgraded", {"migrate_to_chat_id": -1009}, ChatMigrated),
    ],
)
async def test_refusals_raise_what_python_telegram_bot_raises(
    status, description, parameters, kind, monkeypatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as the service runs it (telegram/runtime.py)
    api = BotApi()
    try:
        api.fail(-601, status, description, **parameters)
        api.fail(-602, status, description, **parameters)
        async with Bot(TOKEN, base_url=api.base_url) as ptb:
            theirs = await _refusal(lambda: send_part(ptb, -601, "x"))
        bulk = BulkSender(api.base_url + TOKEN)
        try:
            ours = await _refusal(lambda: bulk.send_part(-602, "x"))
            # The connection stays usable after a refusal.
            assert await bulk.send_part(-602, "pēc tam") > 0
        finally:
            await bulk.close()
    finally:
        api.stop()
    assert type(ours) is type(theirs) is kind
    assert ours.message == theirs.message
    if kind is RetryAfter:
        assert _seconds(ours) == _seconds(theirs) == 3
    if kind is ChatMigrated:
        assert ours.new_chat_id == theirs.new_chat_id == -1009


def _seconds(error: RetryAfter) -> float:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def test_an_unreachable_server_is_a_network_error_and_close_reconnects() -> None:
    from telegram.error import NetworkError

    from tests.smtpserver import free_port

    nowhere = BulkSender(f"http://127.0.0.1:{free_port()}/bot{TOKEN}")
    with pytest.raises(NetworkError):  # the delivery is retried later, never lost
        await nowhere.send_part(7, "x")
    api = BotApi()
    bulk = BulkSender(api.base_url + TOKEN)
    try:
        assert await bulk.send_part(7, "viens") > 0
        await bulk.close()
        assert await bulk.send_part(7, "divi") > 0  # a new connection after close
    finally:
        await bulk.close()
        api.stop()
    assert api.texts(7) == ["viens", "divi"]


def test_a_proxy_in_the_environment_leaves_sends_to_python_telegram_bot() -> None:
    assert bulk_possible({}) and not bulk_possible({"HTTPS_PROXY": "http://proxy:3128"})


async def test_a_broadcast_survives_every_refusal_once(tmp_path, api) -> None:
    """Through the outbox: a 429 waits and goes, a blocked member is marked, a missing chat
    fails alone, a migrated group gets it at its new id; each chat gets one copy."""
    new_id = -1004321
    async with bot(bot_config(tmp_path, api)) as (app, runtime):
        members = (70, 71, 72, 73)
        for user in members:
            api.send_text("/start subscribe", user=api.user(user))
        await until(lambda: all(api.sent(u) for u in members))
        assert bulk_possible()  # no proxy here: the channel sends through bot/bulk.py
        api.fail(70, 429, "Too Many Requests: retry after 1", retry_after=1)
        api.fail(71, 403, "Forbidden: bot was blocked by the user")
        api.fail(72, 400, "Bad Request: chat not found")
        api.fail(GROUP, 400, "Bad Request: group chat was upgraded", migrate_to_chat_id=new_id)
        await draft(api, "Visiem vienreiz")
        api.press("ann:1:send", user=api.user(BOARD))
        await until(
            lambda: any(
                "Nodots" in c.params.get("text", "") for c in api.sent(BOARD, "editMessageText")
            )
        )
        report = await runtime.drain()
        assert report.rate_limited == 1 and report.blocked == 1 and report.failed == 1
        for chat in (73, new_id):
            assert api.texts(chat).count("Visiem vienreiz") == 1
        # The 429 answered the first try; the second came after retry_after, and only it.
        tries = [c.at for c in api.sent(70) if c.params.get("text") == "Visiem vienreiz"]
        assert len(tries) == 2 and tries[1] - tries[0] >= 1.0
        assert api.texts(72).count("Visiem vienreiz") == 1  # tried once, refused, not retried
        assert (await app.database.telegram.member(71)).status == "blocked"
        assert new_id in {c.chat_id for c in await app.database.telegram.chats()}
        assert (await runtime.drain()).sent == 0  # nothing sent twice


class _Time:
    """A clock that only moves when the flood control sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 100.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


async def test_sends_count_until_a_second_after_their_reply() -> None:
    """However late replies come, no one-second window at the server can hold 30 messages:
    a send counts from its request until a second after its reply."""
    from bot.flood import FloodControl

    time = _Time()
    flood = FloodControl(clock=time.clock, sleep=time.sleep)
    replies = []
    for chat in range(1, 29):  # 28 = 95% of 30 may be counted at once
        await flood.turn(chat)
    first_request = time.now
    time.now += 2.0  # slow replies: all 28 are still in flight...
    for chat in range(1, 29):
        flood.finished(chat)
        replies.append(time.now)
    await flood.turn(99)  # ...so the 29th waits a second past their replies
    assert time.now >= replies[0] + 1.0 > first_request + 1.0


async def test_a_groups_next_message_waits_its_interval_from_the_reply() -> None:
    from bot.flood import FloodControl

    time = _Time()
    flood = FloodControl(clock=time.clock, sleep=time.sleep)
    await flood.turn(-100500)
    time.now += 0.7  # the reply took 0.7 s
    flood.finished(-100500)
    replied = time.now
    await flood.turn(-100500)
    assert time.now >= replied + 3.0  # 20 a minute, counted from the reply
