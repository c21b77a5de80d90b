"""The small courtesies of a good bot, tried as members and board members would through the
fake Bot API: every flow can be left with /cancel, no command or press meets silence,
private matters stay out of groups, settings change one by one, and /email tells nobody who
is on the list."""

from __future__ import annotations

import asyncio
import logging

from tests.botapi import BotApi
from tests.logged import messages
from tests.test_bot import BOARD, GROUP, MEMBER, NOW, bot, bot_config, until

MAIL = {"from": "LBB <info@bibliotekari.lv>"}


def _buttons(call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [
        b.get("callback_data") or b.get("url")
        for row in markup.get("inline_keyboard", [])
        for b in row
    ]


async def test_cancel_ends_every_flow(tmp_path, api: BotApi) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, _runtime):
        board = api.user(BOARD)
        api.send_text("/cancel", user=board)
        await until(lambda: any("Nav nekā, ko pārtraukt" in t for t in api.texts(BOARD)))

        # /announce, /cancel: the next words are a question, not an announcement draft.
        api.send_text("/announce", user=board)
        await until(lambda: any("Lai pārtrauktu, nosūtiet /cancel" in t for t in api.texts(BOARD)))
        api.send_text("/cancel", user=board)
        await until(lambda: any("paziņojums netika izveidots" in t for t in api.texts(BOARD)))
        api.send_text("Kad ir nākamais seminārs?", user=board)
        await until(lambda: len(api.texts(BOARD)) >= 4)
        await asyncio.sleep(0.2)
        assert await app.database.telegram.announcement(1) is None

        # /addevent, /cancel: the next words are not an event title.
        api.send_text("/addevent", user=board)
        await until(lambda: any("Jauns pasākums" in t for t in api.texts(BOARD)))
        api.send_text("/cancel", user=board)
        await until(lambda: any("pasākums netika mainīts" in t for t in api.texts(BOARD)))
        api.send_text("Ziemassvētku balle", user=board)
        await until(lambda: len(api.texts(BOARD)) >= 7)
        await asyncio.sleep(0.2)
        assert not any("Kad tas sākas" in t for t in api.texts(BOARD))

        # Scheduling an announcement, /cancel: the draft keeps no time.
        api.send_text("/announce", user=board)
        api.send_text("Sapulce", user=board)
        await until(lambda: any("Kam sūtīt" in t for t in api.texts(BOARD)))
        api.press("ann:1:schedule", user=board)
        await until(lambda: any("Kad izsūtīt paziņojumu" in t for t in api.texts(BOARD)))
        api.send_text("/cancel", user=board)
        await until(lambda: any("laiks netika iestatīts" in t for t in api.texts(BOARD)))
        assert (await app.database.telegram.announcement(1)).send_at is None

        # /forget, /cancel: its buttons are removed, and a press on the old one deletes nothing.
        member = api.user(MEMBER)
        api.send_text("/forget", user=member)
        await until(lambda: any("Dzēst visu" in t for t in api.texts(MEMBER)))
        api.send_text("/cancel", user=member)
        await until(lambda: any("nekas netika dzēsts" in t for t in api.texts(MEMBER)))
        assert api.sent(MEMBER, "editMessageReplyMarkup")
        api.press("forget:yes", user=member)
        await until(lambda: any("jautājums vairs nav spēkā" in t for t in api.texts(MEMBER)))
        assert await app.database.telegram.member(MEMBER) is not None


async def test_unknown_commands_and_failures_never_meet_silence(
    tmp_path, api: BotApi, caplog
) -> None:
    async with bot(bot_config(tmp_path, api)) as (_app, runtime):
        api.send_text("/abonet", user=api.user(MEMBER))
        await until(
            lambda: any(
                "Šādu komandu nezinu. Ko es protu, uzzināsiet ar /help" in t
                for t in api.texts(MEMBER)
            )
        )

        async def broken(question: str, language: str) -> str:
            raise RuntimeError("the index is gone")

        runtime.services.answer = broken  # a fault inside the bot
        with caplog.at_level(logging.ERROR, logger="vestnesis.bot"):
            api.send_text("Kad ir seminārs?", user=api.user(MEMBER))
            await until(lambda: any("radās kļūda" in t for t in api.texts(MEMBER)))
        assert "update failed" in messages(caplog)

        async def broken_member(user_id: int):
            raise RuntimeError("storage gone")

        presses = len([c for c in api.calls if c.method == "answerCallbackQuery"])
        runtime.services.member = broken_member
        api.press("set:weekly:on", user=api.user(MEMBER))
        answers = await until(
            lambda: [c for c in api.calls if c.method == "answerCallbackQuery"][presses:]
        )
        await asyncio.sleep(0.3)
        answers = [c for c in api.calls if c.method == "answerCallbackQuery"][presses:]
        assert len(answers) == 1 and "radās kļūda" in answers[0].params["text"]


async def test_groups_get_pointers_not_private_matters(tmp_path, api: BotApi) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, _runtime):
        chat = {"id": GROUP, "type": "supergroup", "title": "LBB biedri"}
        api.send_text("/subscribe@vestnesis_bot", user=api.user(MEMBER), chat=chat)
        [pointer] = await until(lambda: api.sent(GROUP))
        assert "privātā sarakstē" in pointer.params["text"]
        assert _buttons(pointer) == ["https://t.me/vestnesis_bot?start=subscribe"]
        assert await app.database.telegram.member(MEMBER) is None  # nothing stored from a group

        api.send_text("/stats", user=api.user(BOARD), chat=chat)
        await until(lambda: len(api.sent(GROUP)) >= 2)
        stats = api.sent(GROUP)[1].params["text"]
        assert "Telegram" not in stats and "privātā sarakstē" in stats

        api.send_text("/foo", user=api.user(MEMBER), chat=chat)  # maybe another bot's
        api.send_text("/help", user=api.user(MEMBER), chat=chat)
        await until(lambda: len(api.sent(GROUP)) >= 3)
        help_text = api.sent(GROUP)[2].params["text"]
        assert "/digest" in help_text and "/subscribe" not in help_text
        assert _buttons(api.sent(GROUP)[2]) == ["https://t.me/vestnesis_bot"]
        api.send_text("/foo@vestnesis_bot", user=api.user(MEMBER), chat=chat)  # ours: answered
        await until(lambda: len(api.sent(GROUP)) >= 4)
        assert "Šādu komandu nezinu" in api.sent(GROUP)[3].params["text"]


async def test_settings_change_one_by_one(tmp_path, api: BotApi) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, _runtime):
        member = api.user(MEMBER, language_code="lt")
        api.send_text("/settings", user=member)
        [view] = await until(lambda: api.sent(MEMBER))
        assert view.params["text"].startswith("Mano nustatymai")
        assert _buttons(view) == [
            "set:lang",
            "set:weekly:on",
            "set:instant:on",
            "set:reminders:on",
            "set:email",
        ]
        api.press("set:instant:on", user=member)
        edited = await until(lambda: api.sent(MEMBER, "editMessageText"))
        stored = await app.database.telegram.member(MEMBER)
        assert (stored.weekly, stored.instant, stored.reminders) == (False, True, False)
        assert "✅ Naujienos, vos joms pasirodžius" in str(edited[-1].params["reply_markup"])
        api.press("set:reminders:on", user=member)
        await until(lambda: len(api.sent(MEMBER, "editMessageText")) >= 2)
        stored = await app.database.telegram.member(MEMBER)
        assert (stored.weekly, stored.instant, stored.reminders) == (False, True, True)
        api.press("set:weekly:on", user=member)
        await until(lambda: len(api.sent(MEMBER, "editMessageText")) >= 3)
        stored = await app.database.telegram.member(MEMBER)
        assert (stored.weekly, stored.instant, stored.reminders) == (True, True, True)
        api.press("set:instant:off", user=member)
        await until(lambda: len(api.sent(MEMBER, "editMessageText")) >= 4)
        stored = await app.database.telegram.member(MEMBER)
        assert (stored.weekly, stored.instant, stored.reminders) == (True, False, True)


async def test_email_reply_does_not_tell_who_is_subscribed(tmp_path, api: BotApi) -> None:
    async with bot(bot_config(tmp_path, api, email=MAIL)) as (app, _runtime):
        from vestnesis.mailing.email_list import subscribe
        from vestnesis.wiring.parts import mailing_parts

        await subscribe(mailing_parts(app), "known@example.lv", language="lv", source="cli")
        known = await app.database.subscribers.by_email("known@example.lv")
        await app.database.subscribers.confirm(known.id, app.clock.now())
        replies = []
        for n, address in enumerate(("new@example.lv", "known@example.lv", "new@example.lv")):
            api.send_text(f"/email {address}", user=api.user(MEMBER))
            texts = await until(lambda n=n: api.texts(MEMBER)[n:] or None)
            replies.append(texts[0])
        assert len(set(replies)) == 1, replies
        assert "apstiprinājuma saite" in replies[0]
        # The work was done after the reply: one confirmation for the new address only.
        known = await app.database.subscribers.get(known.id)
        assert known.confirm_requests == 1  # the CLI's, none from the bot
        new = await app.database.subscribers.by_email("new@example.lv")
        outbox = app.database.outbox
        assert sum((await outbox.counts_for("confirm", f"{new.id}-1")).values()) == 1
        assert not await outbox.counts_for("confirm", f"{new.id}-2")  # asked twice, mailed once
        assert not await outbox.counts_for("confirm", f"{known.id}-2")
        api.send_text("/email nav-adrese", user=api.user(MEMBER))
        await until(lambda: any("neizskatās pēc e-pasta" in t for t in api.texts(MEMBER)))


async def test_short_kind_picker_and_an_all_day_event_stays_all_day(tmp_path, api: BotApi) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, _runtime):
        board = api.user(BOARD)
        api.send_text("/addevent", user=board)
        for answer in ("Bibliotēku diena", "2026-12-15", "-", "-", "-"):
            api.send_text(answer, user=board)
        [picker] = await until(
            lambda: [c for c in api.sent(BOARD) if "Kāds ir pasākuma veids?" in c.params["text"]]
        )
        rows = picker.params["reply_markup"]["inline_keyboard"]
        assert all(len(row) <= 2 for row in rows) and len(rows) <= 5
        labels = [b["text"] for row in rows for b in row]
        assert labels[:2] == ["Seminārs", "Konference"] and labels[-2:] == ["Vairāk…", "Cits"]
        api.press("ev:more:", user=board)
        [every] = await until(lambda: api.sent(BOARD, "editMessageReplyMarkup"))
        all_labels = [
            b["text"] for row in every.params["reply_markup"]["inline_keyboard"] for b in row
        ]
        from vestnesis.answering.tables import builtin

        # Every kind the tables know, and "Other".
        assert "Pieredzes apmaiņas brauciens" in all_labels
        assert len(all_labels) == len(builtin().kinds) + 1
        assert all_labels[:-1] == sorted(all_labels[:-1], key=str.casefold)
        api.press("ev:kind:festival", user=board)
        await until(
            lambda: any("Bibliotēku diena" in t and "festivāls" in t for t in api.texts(BOARD))
        )
        api.press("ev:save:", user=board)
        await until(lambda: any(t.startswith("Saglabāts.") for t in api.texts(BOARD)))
        [event] = await app.database.events.between(calendar="board")
        assert event.all_day

        api.send_text("/editevent", user=board)
        await until(lambda: any("Kurš pasākums?" in t for t in api.texts(BOARD)))
        api.press("ev:pick:0", user=board)
        await until(lambda: any("Ko vēlaties mainīt?" in t for t in api.texts(BOARD)))
        api.press("ev:field:start", user=board)
        await until(lambda: "Kad tas sākas?" in api.texts(BOARD)[-1])
        count = len(api.texts(BOARD))
        api.send_text("2026-12-16", user=board)
        await until(lambda: len(api.texts(BOARD)) > count)
        [edited] = await app.database.events.between(calendar="board")
        assert edited.all_day, "the edited event lost its whole-day form"
        zone = app.config.association.zone
        assert edited.start.astimezone(zone).date().isoformat() == "2026-12-16"
        assert (edited.end - edited.start).days == 1


async def test_event_answers_carry_buttons(tmp_path, api: BotApi) -> None:
    from datetime import datetime

    from tests.conftest import SteppingClock
    from vestnesis.events.calendar import poll_calendars
    from vestnesis.service.reminders import send_reminders
    from vestnesis.wiring.calendars import calendar_parts
    from vestnesis.wiring.parts import reminder_parts

    clock = SteppingClock(NOW)
    async with bot(bot_config(tmp_path, api), clock) as (app, _runtime):
        await poll_calendars(calendar_parts(app))
        member = api.user(MEMBER, language_code="lt")
        api.send_text("Kada kitas seminaras?", user=member)
        [reply] = await until(lambda: api.sent(MEMBER))
        assert reply.params["text"].startswith("Artimiausias seminaras:")
        keys = _buttons(reply)
        assert keys[0].startswith("evc:ics:") and keys[1].startswith("evc:remind:")
        labels = [b["text"] for row in reply.params["reply_markup"]["inline_keyboard"] for b in row]
        assert labels == [
            "📅 Įtraukti į kalendorių",
            "🔔 Priminti man",
            "🔗 Renginio puslapis",
        ]
        assert keys[2] == "https://bibliotekari.lv/seminars-ilgtspeja"
        # The links are buttons, not bare links in the text.
        assert "https://" not in reply.params["text"]
        api.press(keys[0], user=member)
        [document] = await until(lambda: api.sent(MEMBER, "sendDocument"))
        ics = document.params["document"]["content"].decode()
        assert ics.count("BEGIN:VEVENT") == 1
        assert "Bibliotēkas un ilgtspējīga attīstība" in ics.replace("\r\n ", "")
        assert document.params["document"]["filename"] == "event.ics"
        api.press(keys[1], user=member)
        alert = await until(
            lambda: [
                c.params["text"]
                for c in api.calls
                if c.method == "answerCallbackQuery" and c.params.get("text")
            ]
        )
        assert alert[0].startswith("Apie „Seminārs") and "priminsiu" in alert[0]
        # This event only: the member did not turn on reminders of every event.
        assert not (await app.database.telegram.member(MEMBER)).reminders
        # A forged key names no event: the member is told, nothing is sent.
        api.press("evc:ics:0000000000000000", user=member)
        await until(
            lambda: any(
                "nebėra kalendoriuje" in (c.params.get("text") or "")
                for c in api.calls
                if c.method == "answerCallbackQuery"
            )
        )
        assert len(api.sent(MEMBER, "sendDocument")) == 1

        # Two days before, at the reminder hour, the reminder goes to this member.
        clock.moment = datetime(2026, 12, 1, 8, 30, tzinfo=app.config.association.zone)
        assert await send_reminders(reminder_parts(app)) >= 1
        counts = await app.database.outbox.counts_for("reminder", f"{event_key_of(app)}/before")
        assert counts == {("telegram", "pending"): 1}


def event_key_of(app) -> str:
    """The seminar's occurrence key in the sample calendar."""
    calendar = app.config.calendars[0].name
    return f"{calendar}/seminars-ilgtspeja-2026@bibliotekari.lv/"
