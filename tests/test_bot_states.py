"""The announcement state machine, attacked the way an outsider (or a stale button) would:
every button pressed on an announcement in every state, through the fake Bot API. A button
acts only on the state it was shown for; any other press changes nothing and sends nothing,
and every press is answered exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from storage import Announcement
from tests.botapi import BotApi
from tests.test_bot import BOARD, NOW, SECOND, bot, bot_config, until

STATES = ("draft", "awaiting", "approved", "sent", "cancelled")
BUTTONS = ("toggle:email", "schedule", "send", "approve", "cancel")
# (state, button) -> the status afterwards, when the press is one the state was shown with.
# Send and the audience belong to the author's draft; Approve to another board member while
# it awaits approval; Cancel to a draft or an awaiting one, and to the author of an approved
# one still waiting for its time.
MOVES = {
    ("draft", "send"): "awaiting",
    ("awaiting", "approve"): "sent",
    ("draft", "cancel"): "cancelled",
    ("awaiting", "cancel"): "cancelled",
    ("approved", "cancel"): "cancelled",
}


async def _in_state(app, status: str) -> Announcement:
    store = app.database.telegram
    made = await store.new_announcement(BOARD, BOARD, f"Paziņojums {status}", None, NOW)
    await store.set_audience(made.id, ["subscribers"])
    if status in ("approved", "awaiting"):
        await store.schedule(made.id, NOW + timedelta(days=2) if status == "approved" else None)
    if status != "draft":
        await store.move(made.id, status, expect={"draft"}, approvals=[BOARD])
    found = await store.announcement(made.id)
    assert found is not None and found.status == status
    return found


async def test_every_button_in_every_state(tmp_path, api: BotApi) -> None:
    async with bot(bot_config(tmp_path, api, announce_approvals=2)) as (app, runtime):
        api.send_text("/start subscribe", user=api.user(70))
        await until(lambda: api.sent(70))
        made = {}
        for status in STATES:
            for button in BUTTONS:
                made[status, button] = await _in_state(app, status)
        presses = 0
        for (_status, button), announcement in made.items():
            presser = SECOND if button == "approve" else BOARD
            api.press(f"ann:{announcement.id}:{button}", user=api.user(presser))
            presses += 1
        # Another board member's forged presses on the author's draft change nothing.
        stranger = await _in_state(app, "draft")
        for button in ("toggle:email", "schedule", "send", "cancel"):
            api.press(f"ann:{stranger.id}:{button}", user=api.user(SECOND))
            presses += 1
        await until(
            lambda: len([c for c in api.calls if c.method == "answerCallbackQuery"]) >= presses
        )
        await asyncio.sleep(0.3)  # a second answer to any press would have arrived by now
        answers = [
            c.params["callback_query_id"] for c in api.calls if c.method == "answerCallbackQuery"
        ]
        assert len(answers) == len(set(answers)) == presses  # each press answered once
        await runtime.drain()
        for (status, button), announcement in made.items():
            now = await app.database.telegram.announcement(announcement.id)
            expected = MOVES.get((status, button), status)
            assert now.status == expected, (status, button, now.status)
            counts = await app.database.outbox.counts_for("announcement", str(announcement.id))
            sent = sum(counts.values())
            assert sent == (1 if expected == "sent" and status != "sent" else 0), (status, button)
            if (status, button) == ("draft", "toggle:email"):
                assert now.audience == ("email", "subscribers")
            elif button == "toggle:email":
                assert now.audience == ("subscribers",)
        assert api.texts(70).count("Paziņojums awaiting") == 1  # only the approved one went out
        untouched = await app.database.telegram.announcement(stranger.id)
        assert (untouched.status, untouched.audience, untouched.send_at) == (
            "draft",
            ("subscribers",),
            None,
        )


async def test_cancelled_announcement_stays_cancelled(tmp_path, api: BotApi) -> None:
    """The reported attack: the author cancels, then presses Send on the old preview, and a
    second board member presses Approve on their old request; nothing goes out, and both are
    told the truth."""
    async with bot(bot_config(tmp_path, api, announce_approvals=2)) as (app, runtime):
        api.send_text("/start subscribe", user=api.user(71))
        api.send_text("/announce", user=api.user(BOARD))
        await until(lambda: any("Atsūtiet" in t for t in api.texts(BOARD)))
        api.send_text("Kopsapulce atcelta", user=api.user(BOARD))
        await until(lambda: any("Kam sūtīt" in t for t in api.texts(BOARD)))
        api.press("ann:1:send", user=api.user(BOARD))
        request = await until(
            lambda: [t for t in api.texts(SECOND) if "gaida jūsu apstiprinājumu" in t]
        )
        assert (
            "No: Ilze" in request[0]
            and "Kam: Grupas un kanāls, Pieteikušies Telegram lietotāji" in request[0]
        )
        api.press("ann:1:cancel", user=api.user(BOARD))
        await until(lambda: any("Atcelts" in t for t in api.texts(BOARD)))
        # The second member's copy of the request now says it was cancelled.
        await until(
            lambda: any(
                "ir atcelts" in c.params.get("text", "")
                for c in api.sent(SECOND, "editMessageText")
            )
        )
        api.press("ann:1:send", user=api.user(BOARD))
        api.press("ann:1:approve", user=api.user(SECOND))
        alerts = await until(
            lambda: (
                [
                    c.params.get("text", "")
                    for c in api.calls
                    if c.method == "answerCallbackQuery" and c.params.get("text")
                ][-2:]
                if len([c for c in api.calls if c.method == "answerCallbackQuery"]) >= 4
                else None
            )
        )
        assert all("ir atcelts; nekas netika izsūtīts" in a for a in alerts)
        assert (await app.database.telegram.announcement(1)).status == "cancelled"
        assert (await runtime.drain()).sent == 0
        assert "Kopsapulce atcelta" not in api.texts(71)


async def test_after_approval_cancel_says_so(tmp_path, api: BotApi) -> None:
    async with bot(bot_config(tmp_path, api, announce_approvals=2)) as (app, _runtime):
        api.send_text("/announce", user=api.user(BOARD))
        await until(lambda: any("Atsūtiet" in t for t in api.texts(BOARD)))
        api.send_text("Valdes sēde", user=api.user(BOARD))
        await until(lambda: any("Kam sūtīt" in t for t in api.texts(BOARD)))
        api.press("ann:1:send", user=api.user(BOARD))
        await until(lambda: any("gaida jūsu apstiprinājumu" in t for t in api.texts(SECOND)))
        api.press("ann:1:approve", user=api.user(SECOND))
        await until(lambda: any("Nodots izsūtīšanai" in t for t in api.texts(SECOND)))
        api.press("ann:1:cancel", user=api.user(BOARD))
        alert = await until(
            lambda: [
                c.params["text"]
                for c in api.calls
                if c.method == "answerCallbackQuery" and c.params.get("text")
            ]
        )
        assert "jau ir izsūtīts biedriem; to vairs nevar atcelt" in alert[-1]
        assert "nekas netika izsūtīts" not in alert[-1]
        assert (await app.database.telegram.announcement(1)).status == "sent"


async def test_scheduled_lists_and_lets_the_author_cancel(tmp_path, api: BotApi) -> None:
    from tests.conftest import SteppingClock

    clock = SteppingClock(NOW)
    async with bot(bot_config(tmp_path, api), clock) as (app, runtime):
        board = api.user(BOARD)
        api.send_text("/scheduled", user=board)
        await until(lambda: any("Nav neviena ieplānota paziņojuma" in t for t in api.texts(BOARD)))
        api.send_text("/announce", user=board)
        api.send_text("Pusdienu sapulce", user=board)
        await until(lambda: any("Kam sūtīt" in t for t in api.texts(BOARD)))
        api.press("ann:1:schedule", user=board)
        await until(lambda: any("Kad izsūtīt paziņojumu" in t for t in api.texts(BOARD)))
        api.send_text("2026-11-24 12:00", user=board)
        await until(lambda: any("kad nospiedīsiet" in t for t in api.texts(BOARD)))
        api.press("ann:1:send", user=board)
        await until(lambda: any("Izsūtīšana ieplānota" in t for t in api.texts(BOARD)))
        assert (await app.database.telegram.announcement(1)).status == "approved"

        # Another board member sees it listed, without a Cancel button of their own.
        api.send_text("/scheduled", user=api.user(SECOND))
        [listing] = await until(lambda: api.sent(SECOND))
        assert (
            "„Pusdienu sapulce”" in listing.params["text"]
            and "apstiprināts" in listing.params["text"]
        )
        assert not (listing.params.get("reply_markup") or {}).get("inline_keyboard")
        api.press("ann:1:cancel", user=api.user(SECOND))  # forged: not the author's to cancel
        await until(lambda: [c for c in api.calls if c.method == "answerCallbackQuery"])
        await asyncio.sleep(0.2)
        assert (await app.database.telegram.announcement(1)).status == "approved"

        api.send_text("/scheduled", user=board)
        listing = await until(
            lambda: [c for c in api.sent(BOARD) if "Ieplānotie paziņojumi" in c.params["text"]]
        )
        [[button]] = listing[0].params["reply_markup"]["inline_keyboard"]
        assert button["callback_data"] == "ann:1:cancel"
        api.press("ann:1:cancel", user=board)
        await until(lambda: any("Atcelts" in t for t in api.texts(BOARD)))
        assert (await app.database.telegram.announcement(1)).status == "cancelled"
        clock.moment = NOW + timedelta(days=2)
        assert await runtime.services.release_due() == 0  # its time came: nothing goes out


async def test_a_conversation_left_alone_ends_by_itself(tmp_path, api: BotApi) -> None:
    from tests.conftest import SteppingClock

    clock = SteppingClock(NOW)
    async with bot(bot_config(tmp_path, api), clock) as (app, _runtime):
        api.send_text("/announce", user=api.user(BOARD))
        await until(lambda: any("Atsūtiet" in t for t in api.texts(BOARD)))
        clock.moment = NOW + timedelta(minutes=31)
        api.send_text("Kas ir biedrības mērķis?", user=api.user(BOARD))
        await until(lambda: any("pārstāju gaidīt atbildi" in t for t in api.texts(BOARD)))
        assert await app.database.telegram.announcement(1) is None


async def test_the_delivery_report_is_in_the_authors_language(tmp_path, api: BotApi) -> None:
    async with bot(bot_config(tmp_path, api)) as (app, runtime):
        author = api.user(BOARD, language_code="lt")
        api.send_text("/announce", user=author)
        await until(lambda: any("Atsiųskite pranešimą" in t for t in api.texts(BOARD)))
        api.send_text("Susirinkimas sausio 10 d.", user=author)
        await until(lambda: any("Kam siųsti" in t for t in api.texts(BOARD)))
        api.press("ann:1:send", user=author)
        for _ in range(100):
            if (await app.database.telegram.announcement(1)).status == "sent":
                break
            await asyncio.sleep(0.02)
        await runtime.drain()
        report = await until(lambda: [t for t in api.texts(BOARD) if "išsiųstas" in t])
        assert report[0].startswith("Jūsų pranešimas „Susirinkimas sausio 10 d.“ išsiųstas:")
