"""Starting the bot against Bot API servers that differ from Telegram's: a server that
refuses the command menu, the description or webhook deletion is served anyway (one log
line each); only a server that cannot be reached is 'unreachable'."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

from tests.botapi import BotApi
from tests.conftest import running
from tests.logged import events, messages
from tests.test_bot import MEMBER, NOW, bot_config, until
from vestnesis.telegram.runtime import build_runtime
from vestnesis.wiring.parts import runtime_parts, service_parts


@contextlib.asynccontextmanager
async def serving(config):
    """The bot the way `vestnesis run` starts it: keep_running until stopped."""
    async with running(config, NOW) as app:
        runtime = build_runtime(runtime_parts(app), service_parts(app), lambda: None)
        stop = asyncio.Event()
        task = asyncio.create_task(runtime.keep_running(stop))
        try:
            yield runtime
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
            await runtime.stop()


async def test_a_server_without_the_courtesy_methods_is_served(
    tmp_path, api: BotApi, caplog
) -> None:
    api.refusing = {"setMyCommands": 404, "setMyDescription": 500, "deleteWebhook": 404}
    # telegram.base_url written the way python-telegram-bot spells it, with /bot.
    config = bot_config(tmp_path, api, base_url=api.base_url)
    assert config.telegram.base_url == api.base_url.removesuffix("/bot")
    with caplog.at_level(logging.INFO, logger="vestnesis"):
        async with serving(config):
            api.send_text("/start", user=api.user(MEMBER))
            [welcome] = await until(lambda: api.sent(MEMBER))
            assert welcome.params["text"].startswith("Sveiki! Esmu biedrības ziņnesis.")
            assert any(c.method == "getUpdates" for c in api.calls)
    names = messages(caplog)
    assert not any("unreachable" in m for m in names)
    refused = [e for e in events(caplog) if "non-essential" in e["message"]]
    methods = sorted(e["method"] for e in refused)
    assert methods == ["deleteWebhook", "setMyCommands", "setMyDescription"]  # once each
    assert "Telegram bot running" in names


async def test_only_a_network_failure_is_unreachable(tmp_path, api: BotApi, caplog) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = bot_config(tmp_path, api, base_url=f"http://127.0.0.1:{port}")
    with caplog.at_level(logging.WARNING, logger="vestnesis"):
        async with serving(config):
            await until(lambda: [m for m in messages(caplog) if "unreachable" in m])


async def test_a_refused_token_is_said_plainly(tmp_path, api: BotApi, caplog) -> None:
    api.refusing = {"getMe": 401}
    config = bot_config(tmp_path, api)
    with caplog.at_level(logging.WARNING, logger="vestnesis"):
        async with serving(config):
            refused = await until(
                lambda: [e for e in events(caplog) if "refused the bot's token" in e["message"]]
            )
    assert not any("unreachable" in m for m in messages(caplog))
    assert "TEST-TOKEN" not in str(refused[0])
