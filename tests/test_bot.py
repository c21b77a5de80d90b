"""The bot with the real python-telegram-bot stack against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import asynccontextmanager, closing
from datetime import UTC, datetime, timedelta

from storage import SourceSpec
from tests.botapi import TOKEN, BotApi
from tests.conftest import running, sample_config
from vestnesis.config import load_config
from vestnesis.events.calendar import poll_calendars
from vestnesis.telegram.runtime import build_runtime, sync_chats
from vestnesis.wiring.calendars import calendar_parts
from vestnesis.wiring.parts import runtime_parts, service_parts

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
BOARD, SECOND, MEMBER = 1001, 1002, 42
GROUP, CHANNEL = -100500, -100600


def bot_config(tmp_path, api: BotApi, *, email: dict | None = None, **telegram):
    settings = {
        "base_url": api.base_url.removesuffix("/bot"),
        "board_user_ids": [BOARD, SECOND],
        "overall_per_second": 1000,
        "group_per_minute": 6000,
        "private_interval": "0s",
        **telegram,
    }
    path = sample_config(tmp_path, telegram=settings, **({"email": email} if email else {}))
    text = path.read_text("utf-8")
    text += f'[[telegram.chats]]\nid = {GROUP}\nlanguage = "lv"\ntopic = 7\n'
    text += f'[[telegram.chats]]\nid = {CHANNEL}\nlanguage = "en"\n'
    path.write_text(text.replace("[telegram]\n", "[telegram]\n", 1), "utf-8")
    env = {"VESTNESIS_TELEGRAM_TOKEN": TOKEN, "VESTNESIS_WEB_SECRET": "a-long-enough-test-secret"}
    return load_config(path, env)


@asynccontextmanager
async def bot(config, clock=None):
    async with running(config, NOW, clock) as app:
        runtime = build_runtime(runtime_parts(app), service_parts(app), lambda: None)
        await sync_chats(runtime_parts(app))
        await runtime.start()
        try:
            yield app, runtime
        finally:
            await runtime.stop()


async def draft(api: BotApi, text: str) -> None:
    """A board member starts /announce and sends the text; the bot asks who gets it."""
    api.send_text("/announce", user=api.user(BOARD))
    await until(lambda: any("Atsūtiet" in t for t in api.texts(BOARD)))
    api.send_text(text, user=api.user(BOARD))
    await until(lambda: any("Kam sūtīt" in t for t in api.texts(BOARD)))


async def until(predicate, seconds: float = 10.0):
    for _ in range(int(seconds / 0.02)):
        result = predicate()
        if result:
            return result
        await asyncio.sleep(0.02)
    raise AssertionError("the bot did not do it in time")


async def test_start_language_choice_and_subscribe(tmp_path, api) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, _):
        assert {
            c.params.get("language_code") for c in api.calls if c.method == "setMyCommands"
        } >= {"lv", "en", "lt"}
        api.send_text("/start", user=api.user(MEMBER, language_code="lt"))
        [welcome] = await until(lambda: api.sent(MEMBER))
        assert welcome.params["text"].startswith("Sveiki! Esu draugijos naujienų pasiuntinys.")
        buttons = [
            b["callback_data"]
            for row in welcome.params["reply_markup"]["inline_keyboard"]
            for b in row
        ]
        # Telegram's language is one we speak: no question, Subscribe first, a way to change.
        assert buttons == ["set:weekly:on", "set:lang", "set:show"]
        assert "Kalba: Lietuvių" in welcome.params["text"]
        api.press("set:lang", user=api.user(MEMBER))
        choice = await until(lambda: api.sent(MEMBER, "editMessageText"))
        assert [
            b["callback_data"]
            for row in choice[0].params["reply_markup"]["inline_keyboard"]
            for b in row
        ] == ["lang:lv", "lang:en", "lang:lt"]
        api.press("lang:en", user=api.user(MEMBER))
        edited = await until(lambda: api.sent(MEMBER, "editMessageText")[1:])
        assert edited[0].params["text"] == "Language set. /help shows what I can do."
        assert (await app.database.telegram.member(MEMBER)).language == "en"

        api.send_text("/subscribe", user=api.user(MEMBER))
        await until(lambda: any("subscribed to the weekly digest" in t for t in api.texts(MEMBER)))
        assert (await app.database.telegram.member(MEMBER)).weekly
        api.send_text("/unsubscribe", user=api.user(MEMBER))
        await until(lambda: any("no more digests" in t for t in api.texts(MEMBER)))
        assert not (await app.database.telegram.member(MEMBER)).weekly

        api.send_text("/start subscribe", user=api.user(77, language_code="lv"))
        await until(lambda: any("Turpmāk jums sūtīšu" in t for t in api.texts(77)))
        assert (await app.database.telegram.member(77)).weekly

        await poll_calendars(calendar_parts(app))
        api.send_text("next seminar?", user=api.user(MEMBER))
        answer = await until(lambda: [t for t in api.texts(MEMBER) if "The next seminar:" in t])
        assert 'Seminārs "Bibliotēkas un ilgtspējīga attīstība"' in answer[0]
        assert "When: Thursday, 3 December, 10:00–15:30" in answer[0]
        api.send_text("/events", user=api.user(MEMBER))
        listed = await until(lambda: [t for t in api.texts(MEMBER) if t.startswith("Events ")])
        assert "/events.ics" in listed[0] and "Cancelled: LBB valdes sēde" in listed[0]
        api.send_text("/next", user=api.user(77))
        await until(lambda: any(t.startswith("Tuvākais pasākums:") for t in api.texts(77)))


async def test_board_announcement_reaches_everyone_once(tmp_path, api) -> None:
    async with bot(bot_config(tmp_path, api)) as (_app, runtime):
        for user in (50, 51, 52):
            api.send_text("/start subscribe", user=api.user(user))
        await until(lambda: len([c for c in api.sent() if c.method == "sendMessage"]) >= 6)
        api.send_text("/announce", user=api.user(BOARD))
        await until(
            lambda: any(
                "Send the announcement" in t or "Atsūtiet paziņojumu" in t for t in api.texts(BOARD)
            )
        )
        text = "Svarīgi: seminārs 15. decembrī <Jelgavā> & tiešsaistē"
        api.push_update(
            {
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": BOARD, "type": "private"},
                    "from": api.user(BOARD),
                    "text": text,
                    "entities": [{"type": "bold", "offset": 0, "length": 7}],
                }
            }
        )
        await until(lambda: any("Kam sūtīt" in t for t in api.texts(BOARD)))
        [preview] = [c for c in api.sent(BOARD) if "seminārs" in c.params.get("text", "")]
        expected = "<b>Svarīgi</b>: seminārs 15. decembrī &lt;Jelgavā&gt; &amp; tiešsaistē"
        assert preview.params["text"] == expected  # exactly what members will get
        assert preview.params["parse_mode"] == "HTML"
        api.press("ann:1:send", user=api.user(BOARD))
        await until(
            lambda: any(
                "Nodots izsūtīšanai" in c.params.get("text", "")
                for c in api.sent(BOARD, "editMessageText")
            )
        )
        report = await runtime.drain()
        assert report.sent == 5  # three members and two chats
        for chat in (50, 51, 52, GROUP, CHANNEL):
            assert api.texts(chat).count(expected) == 1
        assert [c.params.get("message_thread_id") for c in api.sent(GROUP)] == ["7"]
        assert any(
            t.startswith("Jūsu paziņojums „Svarīgi: seminārs") and "ir izsūtīts" in t
            for t in api.texts(BOARD)
        )
        api.press("ann:1:send", user=api.user(BOARD))  # a second press sends nothing more
        await asyncio.sleep(0.3)
        assert (await runtime.drain()).sent == 0


async def test_cancel_and_non_board_refusal(tmp_path, api) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, runtime):
        api.send_text("/announce", user=api.user(MEMBER))
        await until(lambda: any("tikai biedrības valde" in t for t in api.texts(MEMBER)))
        assert await app.database.telegram.announcement(1) is None
        api.press("ann:1:send", user=api.user(MEMBER))
        await until(lambda: [c for c in api.calls if c.method == "answerCallbackQuery"])
        await draft(api, "Nevajadzīgs teksts")
        api.press("ann:1:cancel", user=api.user(BOARD))
        await until(
            lambda: any(
                "Atcelts" in c.params.get("text", "") for c in api.sent(BOARD, "editMessageText")
            )
        )
        assert (await app.database.telegram.announcement(1)).status == "cancelled"
        assert (await runtime.drain()).sent == 0


async def test_four_eyes(tmp_path, api) -> None:
    async with bot(bot_config(tmp_path, api, announce_approvals=2)) as (app, runtime):
        api.send_text("/start subscribe", user=api.user(60))
        await draft(api, "Kopsapulce 10. janvārī")
        api.press("ann:1:send", user=api.user(BOARD))
        await until(lambda: any("gaida jūsu apstiprinājumu" in t for t in api.texts(SECOND)))
        assert (await app.database.telegram.announcement(1)).status == "awaiting"
        api.press("ann:1:approve", user=api.user(BOARD))  # the author cannot approve alone
        await asyncio.sleep(0.3)
        assert (await app.database.telegram.announcement(1)).status == "awaiting"
        api.press("ann:1:approve", user=api.user(SECOND))
        for _ in range(100):
            if (await app.database.telegram.announcement(1)).status == "sent":
                break
            await asyncio.sleep(0.02)
        assert (await runtime.drain()).sent == 3
        assert api.texts(60).count("Kopsapulce 10. janvārī") == 1


async def test_forget_and_group_commands(tmp_path, api) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, _):
        api.send_text("/start", user=api.user(MEMBER))
        api.send_text("/forget", user=api.user(MEMBER))
        await until(lambda: any("Dzēst visu" in t for t in api.texts(MEMBER)))
        api.press("forget:yes", user=api.user(MEMBER))
        await until(
            lambda: any(
                "Visi jūsu dati ir dzēsti" in c.params.get("text", "")
                for c in api.sent(MEMBER, "editMessageText")
            )
        )
        assert await app.database.telegram.member(MEMBER) is None
        group = {"id": GROUP, "type": "supergroup", "title": "LBB biedri"}
        api.send_text("/goals@vestnesis_bot", user=api.user(MEMBER), chat=group)
        [goal] = await until(lambda: api.sent(GROUP))
        assert goal.params["text"].startswith("No plāna sadaļas „Mērķis”:")
        assert await app.database.telegram.member(MEMBER) is None  # a group message stores no one


async def test_flood_limits_429_and_blocked_members(tmp_path, api) -> None:
    config = bot_config(tmp_path, api)
    async with bot(config) as (app, runtime):
        for user in (70, 71, 72):
            api.send_text("/start subscribe", user=api.user(user))
        await until(lambda: all(api.sent(u) for u in (70, 71, 72)))
        api.fail(70, 429, "Too Many Requests: retry after 1", retry_after=1)
        api.fail(71, 403, "Forbidden: bot was blocked by the user")
        await draft(api, "Ziņa visiem")
        api.press("ann:1:toggle:chats", user=api.user(BOARD))
        await asyncio.sleep(0.2)
        api.press("ann:1:send", user=api.user(BOARD))
        await until(
            lambda: any(
                "Nodots" in c.params.get("text", "") for c in api.sent(BOARD, "editMessageText")
            )
        )
        report = await runtime.drain()
        assert report.sent == 2 and report.blocked == 1 and report.rate_limited == 1
        first_72 = next(c.at for c in api.sent(72) if c.params.get("text") == "Ziņa visiem")
        attempts_70 = [c.at for c in api.sent(70) if c.params.get("text") == "Ziņa visiem"]
        assert (
            len(attempts_70) == 2 and attempts_70[1] - attempts_70[0] >= 1.0
        )  # waited retry_after
        assert first_72 < attempts_70[1]  # the other chat did not wait for it
        assert (await app.database.telegram.member(71)).status == "blocked"
        assert (await runtime.drain()).sent == 0  # nothing retried for the blocked member


async def queue_announcement(app, chats: tuple[str, ...]) -> None:
    """Announcement 9, "Sapulce rīt", queued for `chats` as the board's /announce queues it."""
    from bot.delivery import telegram_body
    from storage import Recipient

    await app.database.outbox.enqueue(
        kind="announcement",
        key="9",
        channel="telegram",
        language="all",
        subject="",
        body=telegram_body([{"html": "Sapulce rīt"}]),
        recipients=[Recipient(chat) for chat in chats],
        now=NOW,
    )


async def test_one_bad_chat_fails_alone_and_the_others_are_sent(tmp_path, api) -> None:
    """An error Telegram's classes do not cover (a 409 from the server, a chat id that is
    not a number) is recorded on that delivery alone; every other chat still gets it."""
    async with bot(bot_config(tmp_path, api)) as (app, runtime):
        api.fail(51, 409, "Conflict: something unexpected")
        await queue_announcement(app, ("50", "51", "not-a-chat", "52"))
        report = await runtime.drain()
        assert report.sent == 2 and report.failed == 2
        assert api.texts(50) == ["Sapulce rīt"] and api.texts(52) == ["Sapulce rīt"]
        status = await app.database.outbox.status()
        assert status[("telegram", "announcement 9", "failed")] == 2
        assert ("telegram", "announcement 9", "pending") not in status
        assert (await runtime.drain()).sent == 0  # given up, not retried without end


async def test_a_long_429_pauses_telegram_until_it_ends(tmp_path, api) -> None:
    clock = MovingClock(NOW)
    async with bot(bot_config(tmp_path, api), clock) as (app, runtime):
        api.fail(60, 429, "Too Many Requests: retry after 300", retry_after=300)
        await queue_announcement(app, ("60",))
        report = await runtime.drain()  # not waited out in the drain: the channel pauses
        assert report.sent == 0 and report.rate_limited == 1
        assert report.paused.startswith("rate limited for 300 s: Flood control exceeded")
        assert (await runtime.drain()).paused == "paused"
        until = NOW + timedelta(seconds=300)
        paused_until = (await app.database.outbox.errors("telegram"))[1]
        assert datetime.fromisoformat(paused_until) == until
        clock.moment = NOW + timedelta(seconds=301)
        assert (await runtime.drain()).sent == 1
        assert len(api.texts(60)) == 2  # the try Telegram refused, then the one after the pause
        assert (await runtime.drain()).sent == 0
        assert await app.database.outbox.errors("telegram") == (0, None, None)  # pause over


class MovingClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


async def test_photo_announcement_with_a_long_caption(tmp_path, api) -> None:
    async with bot(bot_config(tmp_path, api)) as (_app, runtime):
        api.send_text("/start subscribe", user=api.user(80))
        api.send_text("/announce", user=api.user(BOARD))
        await until(lambda: any("Atsūtiet" in t for t in api.texts(BOARD)))
        caption = "Seminārs Jelgavā. " * 70  # 1,260 characters: over Telegram's 1,024
        api.push_update(
            {
                "message": {
                    "message_id": 2,
                    "date": 0,
                    "chat": {"id": BOARD, "type": "private"},
                    "from": api.user(BOARD),
                    "caption": caption,
                    "photo": [
                        {"file_id": "photo-1", "file_unique_id": "u1", "width": 800, "height": 600}
                    ],
                }
            }
        )
        await until(lambda: any("Kam sūtīt" in t for t in api.texts(BOARD)))
        api.press("ann:1:toggle:chats", user=api.user(BOARD))
        await asyncio.sleep(0.2)
        api.press("ann:1:send", user=api.user(BOARD))
        await until(
            lambda: any(
                "Nodots" in c.params.get("text", "") for c in api.sent(BOARD, "editMessageText")
            )
        )
        await runtime.drain()
        photo, text = api.sent(80)[-2:]
        assert photo.method == "sendPhoto" and photo.params["photo"] == "photo-1"
        assert "caption" not in photo.params
        assert text.method == "sendMessage" and text.params["text"] == caption


async def test_news_as_it_arrives(tmp_path, api) -> None:
    from tests.feedgen import rss
    from tests.feedserver import FeedServer, Route
    from vestnesis.telegram.outbox import enqueue_news
    from vestnesis.wiring.parts import telegram_parts

    feeds = FeedServer().start()
    try:
        fresh = {
            "title": "Jauns seminārs Jelgavā",
            "link": "https://bibliotekari.lv/jauns",
            "description": "Pieteikšanās līdz 8. decembrim.",
            "pubDate": "Mon, 23 Nov 2026 06:00:00 GMT",
        }
        old = {
            "title": "Sena ziņa",
            "link": "https://bibliotekari.lv/sena",
            "pubDate": "Mon, 02 Nov 2026 06:00:00 GMT",
        }
        feeds.routes["/lbb"] = Route(body=rss([fresh, old], language="lv"))
        config = bot_config(tmp_path, api)
        async with bot(config) as (app, runtime):
            api.send_text("/subscribe", user=api.user(90))
            await until(lambda: api.sent(90))
            api.press("instant:on", user=api.user(90))
            for _ in range(100):
                member = await app.database.telegram.member(90)
                if member.instant:
                    break
                await asyncio.sleep(0.02)
            spec_source = await app.database.sources.add(
                SourceSpec("News", feeds.url("/lbb"), "lv", "cli"), NOW
            )
            # With events coming up, news as it arrives is still just the news item.
            await poll_calendars(calendar_parts(app))
            started = app.clock.now()
            await app.poller.poll([spec_source])
            assert (
                await enqueue_news(telegram_parts(app), started) == 1
            )  # the old item is not "news as it arrives"
            await runtime.drain()
        [news] = [c for c in api.sent(90) if "Jauns seminārs" in c.params.get("text", "")]
        assert (
            '<a href="https://bibliotekari.lv/jauns">Jauns seminārs Jelgavā</a>'
            in news.params["text"]
        )
        assert news.params["link_preview_options"] == {"is_disabled": False}
    finally:
        feeds.stop()


async def test_webhook_mode_checks_the_secret_token(tmp_path, api) -> None:
    import httpx

    from vestnesis.web.pages import create_web_app
    from vestnesis.wiring.parts import web_parts

    async with bot(bot_config(tmp_path, api, mode="webhook")) as (app, runtime):
        [registered] = [c for c in api.calls if c.method == "setWebhook"]
        assert registered.params["url"].endswith("/telegram/webhook")
        secret = registered.params["secret_token"]
        assert secret == runtime.webhook_secret and len(secret) >= 32
        assert not [c for c in api.calls if c.method == "getUpdates"]  # no polling
        web = create_web_app(web_parts(app), None, (runtime.feed, runtime.webhook_secret))
        update = {
            "update_id": 1,
            "message": {
                "message_id": 5,
                "date": 0,
                "chat": {"id": 95, "type": "private"},
                "from": api.user(95),
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web), base_url="http://t"
        ) as client:
            refused = await client.post(
                "/telegram/webhook",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            )
            assert refused.status_code == 403
            taken = await client.post(
                "/telegram/webhook",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": secret},
            )
            assert taken.status_code == 200
        await until(lambda: any("Ko es protu" in t for t in api.texts(95)))
        assert len(api.sent(95)) == 1  # the refused copy did nothing


async def test_a_paused_feed_is_reported_to_the_board_chat(tmp_path, api) -> None:
    from tests.feedserver import FeedServer, Route

    feeds = FeedServer().start()
    try:
        feeds.routes["/down"] = Route(status=500, body=b"broken", content_type="text/plain")
        config = bot_config(tmp_path, api, board_chat=-100999)
        async with bot(config) as (app, runtime):
            poller = app.poller.notifying(runtime.notify_board)
            source = await app.database.sources.add(
                SourceSpec("Broken", feeds.url("/down"), None, "cli"), NOW
            )
            for _ in range(20):  # pause_after defaults to 20 failures in a row
                source = await app.database.sources.get("Broken")
                await poller.poll_one(source)
        [report] = api.texts(-100999)
        assert "'Broken' is paused after 20 failures" in report and "HTTP 500" in report
        assert api.sent(MEMBER) == []  # members hear nothing of it
    finally:
        feeds.stop()


async def test_a_scheduled_announcement_waits_for_its_time(tmp_path, api) -> None:
    from datetime import timedelta

    from tests.conftest import SteppingClock

    clock = SteppingClock(NOW)  # 09:00 in Riga
    async with bot(bot_config(tmp_path, api), clock) as (_app, runtime):
        api.send_text("/start subscribe", user=api.user(85))
        await draft(api, "Pusdienu sapulce")
        api.press("ann:1:schedule", user=api.user(BOARD))
        await until(lambda: any("Kad izsūtīt paziņojumu" in t for t in api.texts(BOARD)))
        api.send_text("vakar", user=api.user(BOARD))
        await until(lambda: any("Nevarēju to saprast" in t for t in api.texts(BOARD)))
        api.send_text("2026-11-23 12:00", user=api.user(BOARD))
        # The time reads like every other date: Latvian locative, no seconds, no year.
        await until(
            lambda: any("izsūtīts 23. novembrī plkst. 12.00, kad" in t for t in api.texts(BOARD))
        )
        api.press("ann:1:send", user=api.user(BOARD))
        await until(
            lambda: any(
                "Izsūtīšana ieplānota" in c.params.get("text", "")
                for c in api.sent(BOARD, "editMessageText")
            )
        )
        assert await runtime.services.release_due() == 0
        assert (await runtime.drain()).sent == 0  # not yet
        clock.moment = NOW + timedelta(hours=3)  # 12:00 in Riga
        assert await runtime.services.release_due() == 1
        assert (await runtime.drain()).sent == 3  # the member and both chats
        assert await runtime.services.release_due() == 0  # once only
        assert api.texts(85).count("Pusdienu sapulce") == 1


async def test_feeds_and_categories_routed_to_forum_topics(tmp_path, api) -> None:
    from tests.feedgen import rss
    from tests.feedserver import FeedServer, Route
    from vestnesis.telegram.outbox import enqueue_news
    from vestnesis.wiring.parts import telegram_parts

    feeds = FeedServer().start()
    try:
        items = [
            {
                "title": "IFLA ziņa",
                "link": "https://ifla.example/1",
                "pubDate": "Mon, 23 Nov 2026 06:00:00 GMT",
            },
            {
                "title": "Seminārs Rīgā",
                "link": "https://lbb.example/2",
                "category": "Semināri",
                "pubDate": "Mon, 23 Nov 2026 06:10:00 GMT",
            },
            {
                "title": "Cits jaunums",
                "link": "https://lbb.example/3",
                "pubDate": "Mon, 23 Nov 2026 06:20:00 GMT",
            },
        ]
        feeds.routes["/mix"] = Route(body=rss(items, language="lv"))
        config = bot_config(tmp_path, api, routes=[])
        text = (tmp_path / "config.toml").read_text("utf-8")
        text += f'[[telegram.routes]]\nchat = {GROUP}\ntopic = 11\nsources = ["IFLA-feed"]\n'
        text += f'[[telegram.routes]]\nchat = {GROUP}\ntopic = 12\ncategories = ["seminari"]\n'
        (tmp_path / "config.toml").write_text(text.replace("routes = []\n", ""), "utf-8")
        config = load_config(tmp_path / "config.toml", {"VESTNESIS_TELEGRAM_TOKEN": TOKEN})
        async with bot(config) as (app, runtime):
            source = await app.database.sources.add(
                SourceSpec("IFLA-feed", feeds.url("/mix"), "lv", "cli"), NOW
            )
            started = app.clock.now()
            await app.poller.poll([source])
            assert (
                await enqueue_news(telegram_parts(app), started) == 3
            )  # the IFLA-feed route takes every item
            await runtime.drain()
        by_topic = {}
        for call in api.sent(GROUP):
            by_topic.setdefault(call.params.get("message_thread_id"), []).append(
                call.params["text"]
            )
        assert len(by_topic["11"]) == 3
        assert len(by_topic["12"]) == 1 and "Seminārs Rīgā" in by_topic["12"][0]
    finally:
        feeds.stop()


async def test_supergroup_migration_and_membership(tmp_path, api) -> None:
    new_id = -1009876
    async with bot(bot_config(tmp_path, api)) as (app, runtime):
        api.fail(
            GROUP,
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=new_id,
        )
        await draft(api, "Pēc migrācijas")
        api.press("ann:1:send", user=api.user(BOARD))
        await until(
            lambda: any(
                "Nodots" in c.params.get("text", "") for c in api.sent(BOARD, "editMessageText")
            )
        )
        report = await runtime.drain()
        assert report.sent == 2  # the channel, and the group at its new id
        assert api.texts(new_id) == ["Pēc migrācijas"]
        assert {c.chat_id for c in await app.database.telegram.chats()} == {new_id, CHANNEL}

        left = {
            "chat": {"id": -100777, "type": "supergroup", "title": "Vecā grupa"},
            "from": api.user(BOARD),
            "date": 0,
            "old_chat_member": {
                "status": "member",
                "user": {"id": 123456, "is_bot": True, "first_name": "V"},
            },
            "new_chat_member": {
                "status": "left",
                "user": {"id": 123456, "is_bot": True, "first_name": "V"},
            },
        }
        api.push_update({"my_chat_member": left})
        for _ in range(100):
            with closing(sqlite3.connect(app.config.database_path)) as raw:  # beside the app
                rows = raw.execute(
                    "SELECT active, title FROM telegram_chats WHERE chat_id = -100777"
                ).fetchall()
            if rows and rows[0][0] == 0:
                break
            await asyncio.sleep(0.02)
        assert tuple(rows[0]) == (0, "Vecā grupa")


async def test_weekly_digest_in_telegram_honours_chat_filters(tmp_path, api) -> None:
    from vestnesis.service.courier import send_weekly_digest
    from vestnesis.wiring.parts import send_parts

    config = bot_config(tmp_path, api)
    text = (tmp_path / "config.toml").read_text("utf-8")
    text = text.replace(
        f'id = {CHANNEL}\nlanguage = "en"\n',
        f'id = {CHANNEL}\nlanguage = "en"\nfilter = {{ include_sources = ["IFLA"] }}\n',
    )
    (tmp_path / "config.toml").write_text(text, "utf-8")
    config = load_config(tmp_path / "config.toml", {"VESTNESIS_TELEGRAM_TOKEN": TOKEN})
    async with bot(config) as (app, runtime):
        await app.poller.poll(await app.database.sources.active())
        api.send_text("/start subscribe", user=api.user(88, language_code="en"))
        await until(lambda: api.sent(88))
        await send_weekly_digest(send_parts(app), None, NOW, runtime)
        await send_weekly_digest(
            send_parts(app), None, NOW, runtime
        )  # the same week: nothing twice
        await runtime.drain()
    member = "\n".join(api.texts(88))
    channel = "\n".join(api.texts(CHANNEL))
    group = "\n".join(api.texts(GROUP))
    assert "LBB — news of the week" in member and "<b>EBLIDA</b>" in member
    assert (
        "<b>IFLA</b>" in channel and "<b>EBLIDA</b>" not in channel and "<b>LBB</b>" not in channel
    )
    assert "LBB — nedēļas jaunumi" in group and [
        c.params.get("message_thread_id") for c in api.sent(GROUP)
    ] == ["7"]
    assert member.count("news of the week") == 1


async def test_stats_for_the_board_only(tmp_path, api) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, _):
        await app.poller.poll(await app.database.sources.active())
        api.send_text("/start subscribe", user=api.user(93))
        api.send_text("/stats", user=api.user(BOARD))
        stats = await until(lambda: [t for t in api.texts(BOARD) if "Telegram lietotāji" in t])
        assert (
            "saņem apkopojumu (lv): 1" in stats[0]
            and "Ziņu avoti: 4 darbojas, 0 ar kļūdām" in stats[0]
        )
        api.send_text("/stats", user=api.user(93))
        await until(lambda: any("tikai biedrības valde" in t for t in api.texts(93)))


async def test_board_approves_or_holds_the_digest_draft_in_telegram(tmp_path, api) -> None:
    from vestnesis.service.courier import send_weekly_digest
    from vestnesis.service.run import prepare_draft
    from vestnesis.wiring.parts import send_parts

    config = bot_config(tmp_path, api, board_chat=-100999)
    text = (tmp_path / "config.toml").read_text(
        "utf-8"
    ) + '[digest]\nreview = "board"\nunreviewed = "hold"\n'
    (tmp_path / "config.toml").write_text(text, "utf-8")
    config = load_config(tmp_path / "config.toml", {"VESTNESIS_TELEGRAM_TOKEN": TOKEN})
    from datetime import timedelta

    from tests.conftest import SteppingClock

    clock = SteppingClock(NOW - timedelta(days=1))  # Sunday: the draft is prepared
    async with bot(config, clock) as (app, runtime):
        await app.poller.poll(await app.database.sources.active())
        api.send_text("/start subscribe", user=api.user(97))
        await until(lambda: api.sent(97))
        await prepare_draft(app, runtime)
        offer = await until(lambda: [c for c in api.sent(-100999) if c.params.get("reply_markup")])
        buttons = [
            b["callback_data"]
            for row in offer[0].params["reply_markup"]["inline_keyboard"]
            for b in row
        ]
        assert buttons == ["digest:1:approved", "digest:1:held"]
        assert any("LBB — nedēļas jaunumi" in t for t in api.texts(-100999))

        board_chat = {"id": -100999, "type": "supergroup"}
        message = {"message_id": 9, "date": 0, "chat": board_chat, "text": "…"}
        api.press("digest:1:held", user=api.user(BOARD), message=message)
        await until(
            lambda: any(
                "Aizturēts" in c.params.get("text", "")
                for c in api.sent(-100999, "editMessageText")
            )
        )
        clock.moment = NOW
        await send_weekly_digest(send_parts(app), None, NOW, runtime)
        assert (await runtime.drain()).sent == 0  # held: nothing goes out

        api.press("digest:1:approved", user=api.user(MEMBER), message=message)  # not board
        await asyncio.sleep(0.3)
        assert (await app.database.digests.get(1)).status == "held"
        api.press("digest:1:approved", user=api.user(SECOND), message=message)
        await until(
            lambda: any(
                "Apstiprināts" in c.params.get("text", "")
                for c in api.sent(-100999, "editMessageText")
            )
        )
        await send_weekly_digest(send_parts(app), None, NOW, runtime)
        assert (await runtime.drain()).sent == 3  # the member, the group and the channel
        assert (await app.database.digests.get(1)).decided_by == f"telegram:{SECOND}"


async def test_the_board_adds_edits_and_removes_an_event(tmp_path, api) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, _runtime):
        api.send_text("/addevent", user=api.user(MEMBER))
        await until(lambda: any("Atvainojiet" in t for t in api.texts(MEMBER)))
        api.send_text("/addevent", user=api.user(BOARD))
        await until(lambda: any("Jauns pasākums" in t for t in api.texts(BOARD)))
        steps = [
            ("Digitālo prasmju darbnīca", "Kad tas sākas?"),
            ("rīt", "Nevarēju saprast šo datumu"),
            ("15.12.2026 10.00", "Kad tas beidzas?"),
            ("9:00", "Nevarēju to saprast kā beigu laiku"),
            ("12:30", "Kur tas notiek?"),
            ("Liepājas Centrālā zinātniskā bibliotēka", "saite (https://…)"),
            ("not a link", "Tā nav saite"),
            ("https://bibliotekari.lv/darbnica", "Kāds ir pasākuma veids?"),
        ]
        for answer, expected in steps:
            api.send_text(answer, user=api.user(BOARD))
            await until(lambda expected=expected: any(expected in t for t in api.texts(BOARD)))
        api.press("ev:kind:workshop", user=api.user(BOARD))
        await until(lambda: any("plkst. 10.00–12.30" in t for t in api.texts(BOARD)))
        api.press("ev:save:", user=api.user(BOARD))
        await until(lambda: any(t.startswith("Saglabāts.") for t in api.texts(BOARD)))
        [event] = await app.database.events.between(calendar="board")
        assert event.kind == "workshop" and event.place.startswith("Liepājas")
        assert event.url == "https://bibliotekari.lv/darbnica"

        # Members find it at once.
        api.send_text("Kad būs nākamā darbnīca?", user=api.user(MEMBER))
        await until(lambda: any("Digitālo prasmju darbnīca" in t for t in api.texts(MEMBER)))

        api.send_text("/editevent", user=api.user(BOARD))
        await until(lambda: any("Kurš pasākums?" in t for t in api.texts(BOARD)))
        api.press("ev:pick:0", user=api.user(BOARD))
        await until(lambda: any("Ko vēlaties mainīt?" in t for t in api.texts(BOARD)))
        api.press("ev:field:place", user=api.user(BOARD))
        await until(lambda: any("Kur tas notiek?" in t for t in api.texts(BOARD)[-1:]))
        api.send_text("Ventspils bibliotēka", user=api.user(BOARD))
        await until(lambda: any("Kur: Ventspils bibliotēka" in t for t in api.texts(BOARD)))
        [edited] = await app.database.events.between(calendar="board")
        assert edited.uid == event.uid and edited.place == "Ventspils bibliotēka"

        api.send_text("/editevent", user=api.user(BOARD))
        api.press("ev:pick:0", user=api.user(BOARD))
        api.press("ev:field:remove", user=api.user(BOARD))
        await until(lambda: any("Dzēst šo pasākumu?" in t for t in api.texts(BOARD)))
        api.press("ev:remove:yes", user=api.user(MEMBER))  # a member's press does nothing
        api.press("ev:remove:yes", user=api.user(BOARD))
        await until(lambda: any(t == "Izdzēsts." for t in api.texts(BOARD)))
        assert await app.database.events.between(calendar="board") == []


async def test_reminders_before_on_the_day_and_when_cancelled(tmp_path, api) -> None:
    from tests.conftest import SteppingClock
    from vestnesis.service.reminders import send_reminders
    from vestnesis.wiring.parts import reminder_parts

    clock = SteppingClock(NOW)
    async with bot(bot_config(tmp_path, api), clock) as (app, runtime):
        riga = app.config.association.zone
        await poll_calendars(calendar_parts(app))
        api.send_text("/start", user=api.user(MEMBER, language_code="en"))
        api.send_text("/remind", user=api.user(MEMBER))
        await until(lambda: any("Reminders on" in t for t in api.texts(MEMBER)))
        api.send_text("/start", user=api.user(77))  # not opted in: gets nothing

        clock.moment = datetime(2026, 11, 23, 7, 30, tzinfo=riga)  # before 08:00
        assert await send_reminders(reminder_parts(app)) == 0
        clock.moment = datetime(2026, 11, 23, 8, 5, tzinfo=riga)
        assert await send_reminders(reminder_parts(app)) == 1  # the webinar on Thursday the 26th
        assert await send_reminders(reminder_parts(app)) == 0  # once
        await runtime.drain()
        [before] = [t for t in api.texts(MEMBER) if t.startswith("<b>Coming up:")]
        assert 'Vebinārs "IFLA jaunumi"' in before and "Thursday, 26 November" in before

        clock.moment = datetime(2026, 11, 26, 8, 0, tzinfo=riga)
        assert await send_reminders(reminder_parts(app)) == 1
        await runtime.drain()
        assert any(t.startswith("<b>Today: Vebinārs") for t in api.texts(MEMBER))

        clock.moment = datetime(2026, 12, 14, 9, 0, tzinfo=riga)
        assert (
            await send_reminders(reminder_parts(app)) == 1
        )  # the cancelled board meeting on the 17th
        await runtime.drain()
        [notice] = [t for t in api.texts(MEMBER) if t.startswith("<b>Cancelled:")]
        assert "LBB valdes sēde" in notice and "This event is cancelled." in notice
        assert not [t for t in api.texts(77) if "Vebinārs" in t]

        api.send_text("/remind off", user=api.user(MEMBER))
        await until(lambda: any(t == "Reminders off." for t in api.texts(MEMBER)))
        assert not (await app.database.telegram.member(MEMBER)).reminders
