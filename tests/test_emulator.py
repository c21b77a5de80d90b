"""A member's journey and a board announcement through telegram-test-api, a third-party Bot
API emulator from npm (tools/telegram-emulator; `make emulator-test`), with the small adapter
described in its server.js. It does not implement setMyCommands or setMyDescription (500):
the bot must serve anyway."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from tests import emulator
from tests.conftest import running, sample_config
from tests.test_bot import NOW
from vestnesis.config import load_config
from vestnesis.events.calendar import poll_calendars
from vestnesis.telegram.runtime import build_runtime
from vestnesis.wiring.calendars import calendar_parts
from vestnesis.wiring.parts import runtime_parts, service_parts

pytestmark = pytest.mark.skipif(bool(emulator.available()), reason=emulator.available())
BOARD, MEMBER = 1001, 42


@pytest.fixture
def emu():
    server = emulator.Emulator()
    yield server
    server.stop()


async def until(predicate, seconds: float = 15.0):
    for _ in range(int(seconds / 0.05)):
        result = await asyncio.to_thread(predicate)
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not do it in time")


@contextlib.asynccontextmanager
async def serving(tmp_path, emu: emulator.Emulator):
    settings = {"base_url": emu.url, "board_user_ids": [BOARD], "private_interval": "0s"}
    path = sample_config(tmp_path, telegram=settings)
    env = {
        "VESTNESIS_TELEGRAM_TOKEN": emulator.TOKEN,
        "VESTNESIS_WEB_SECRET": "a-long-enough-test-secret",
    }
    async with running(load_config(path, env), NOW) as app:
        await poll_calendars(calendar_parts(app))
        runtime = build_runtime(runtime_parts(app), service_parts(app), lambda: None)
        stop = asyncio.Event()
        task = asyncio.create_task(runtime.keep_running(stop))
        try:
            yield app, runtime
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
            await runtime.stop()


async def test_member_journey_through_the_emulator(tmp_path, emu) -> None:
    async with serving(tmp_path, emu) as (app, _runtime):
        emu.write("/start", MEMBER)
        [welcome] = await until(lambda: emu.sent(MEMBER))
        assert welcome["text"].startswith("Sveiki! Esmu biedrības ziņnesis.")
        buttons = [
            b["callback_data"] for row in welcome["reply_markup"]["inline_keyboard"] for b in row
        ]
        assert buttons[0] == "set:weekly:on"
        emu.press("set:weekly:on", welcome, MEMBER)
        await until(lambda: "Nedēļas apkopojums" in str(emu.sent(MEMBER)[0].get("reply_markup")))
        assert (await app.database.telegram.member(MEMBER)).weekly

        emu.write("Kad ir nākamais seminārs?", MEMBER)
        answer = await until(lambda: [t for t in emu.texts(MEMBER) if t.startswith("Tuvākais")])
        assert "Bibliotēkas un ilgtspējīga attīstība" in answer[0]

        emu.write("/cancel", MEMBER)
        await until(lambda: any("Nav nekā, ko pārtraukt" in t for t in emu.texts(MEMBER)))
        emu.write("/nezinama", MEMBER)
        await until(lambda: any("Šādu komandu nezinu" in t for t in emu.texts(MEMBER)))


async def test_announcement_through_the_emulator(tmp_path, emu) -> None:
    async with serving(tmp_path, emu) as (app, _runtime):
        emu.write("/start subscribe", MEMBER)
        await until(lambda: any("Turpmāk jums sūtīšu" in t for t in emu.texts(MEMBER)))
        emu.write("/announce", BOARD)
        await until(lambda: any("Atsūtiet paziņojumu" in t for t in emu.texts(BOARD)))
        emu.write("Kopsapulce 10. janvārī Rīgā", BOARD)
        question = await until(lambda: [m for m in emu.sent(BOARD) if "Kam sūtīt" in m["text"]])
        emu.press("ann:1:send", question[0], BOARD)
        await until(lambda: any("Nodots izsūtīšanai" in t for t in emu.texts(BOARD)))
        await until(lambda: "Kopsapulce 10. janvārī Rīgā" in emu.texts(MEMBER))
        assert emu.texts(MEMBER).count("Kopsapulce 10. janvārī Rīgā") == 1
        await until(lambda: any("ir izsūtīts" in t for t in emu.texts(BOARD)))
        assert (await app.database.telegram.announcement(1)).status == "sent"
