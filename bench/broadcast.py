"""Benchmark: an announcement to N Telegram subscribers plus 20 groups through a fake Bot API.

The fake server (in its own process) enforces Telegram's limits like the real one: more than
30 messages in a second overall, or a group message sooner than 3 s after the last, gets a 429
with retry_after. Prints the achieved rate against the limit, the spacing seen per group, 429s,
duplicates and losses; then the same send with the limits lifted, for the bot's own maximum
rate and CPU per message. Telegram sends go through bot/bulk.py, as in the service.

    python bench/broadcast.py [--members 10000] [--groups 20]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ratio import REPEATS, spread  # noqa: E402

os.environ.setdefault("PTB_TIMEDELTA", "1")

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def serve(
    port_queue: multiprocessing.Queue,
    stop_queue: multiprocessing.Queue,
    result_queue: multiprocessing.Queue,
    enforce: bool,
) -> None:
    """The fake Bot API with Telegram's limits; reports what it saw when told to stop. (The
    stop word comes on a queue of its own: on the one it gave its address on, it could read
    that address back before the bench did, and both would wait.)"""
    from tests.botapi import BotApi

    class Limited(BotApi):
        def _answer(self, method, params):
            if enforce and method == "sendMessage":
                chat = int(params.get("chat_id", 0))
                now = time.monotonic()
                with self.lock:
                    window = [t for t in self.recent if now - t < 1.0]
                    self.recent = window
                    last = self.group_last.get(chat)
                    too_fast = len(window) >= 30 or (
                        chat < 0 and last is not None and now - last < 3.0
                    )
                    if too_fast:
                        self.rejected += 1
                        return 429, {
                            "ok": False,
                            "error_code": 429,
                            "description": "Too Many Requests: retry after 1",
                            "parameters": {"retry_after": 1},
                        }
                    self.recent.append(now)
                    self.accepted[chat] += 1
                    if chat < 0:
                        self.group_last[chat] = now
                        self.group_times.setdefault(chat, []).append(now)
            elif method == "sendMessage":
                chat = int(params.get("chat_id", 0))
                with self.lock:
                    self.accepted[chat] += 1
                    if chat < 0:
                        self.group_times.setdefault(chat, []).append(time.monotonic())
            return super()._answer(method, params)

    server = Limited()
    server.recent, server.group_last, server.rejected = [], {}, 0
    server.accepted, server.group_times = Counter(), {}
    port_queue.put(server.base_url)
    stop_queue.get()  # wait for "stop"
    sends = [c for c in server.calls if c.method == "sendMessage"]
    result_queue.put(
        {
            "calls": len(sends),
            "rejected": server.rejected,
            "per_chat": dict(server.accepted),
            "group_times": server.group_times,
            "first": min(c.at for c in sends) if sends else 0,
            "last": max(c.at for c in sends) if sends else 0,
        }
    )
    server.stop()


async def run(base_url: str, members: int, groups: int, enforce: bool) -> dict[str, float]:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.delivery import TelegramChannel
    from bot.flood import FloodControl
    from tests.botapi import TOKEN
    from tests.conftest import running, sample_config
    from vestnesis.config import load_config
    from vestnesis.delivery import Outbox
    from vestnesis.telegram.outbox import enqueue_announcement
    from vestnesis.telegram.runtime import TELEGRAM_RETRY
    from vestnesis.wiring.parts import telegram_parts

    with tempfile.TemporaryDirectory() as folder:
        path = sample_config(Path(folder))
        config = load_config(path, {})
        async with running(config, NOW) as app:
            for n in range(members):
                await app.database.telegram.touch(10_000 + n, 10_000 + n, None, NOW)
                await app.database.telegram.set_subscription(
                    10_000 + n, weekly=True, instant=False, now=NOW
                )
            await app.database.telegram.sync_chats(
                [(-1000 - g, "lv", 0) for g in range(groups)], NOW
            )
            draft = await app.database.telegram.new_announcement(
                1, 1, "<b>Paziņojums</b> visiem biedriem", None, NOW
            )
            await app.database.telegram.set_audience(draft.id, ["chats", "subscribers"])
            await enqueue_announcement(
                telegram_parts(app), await app.database.telegram.announcement(draft.id)
            )
            # Twice the groups' messages: a second announcement shows the per-group spacing.
            second = await app.database.telegram.new_announcement(
                1, 1, "Otrais paziņojums", None, NOW
            )
            await app.database.telegram.set_audience(second.id, ["chats"])
            await enqueue_announcement(
                telegram_parts(app), await app.database.telegram.announcement(second.id)
            )
            bot = Bot(TOKEN, base_url=base_url, request=HTTPXRequest(connection_pool_size=16))
            flood = (
                FloodControl()
                if enforce
                else FloodControl(overall_per_second=0, private_interval=0, group_per_minute=0)
            )
            async with bot:
                channel = TelegramChannel(app.database, bot, flood, lambda: NOW)
                delivery = Outbox(app.database, channel, TELEGRAM_RETRY, lambda: NOW)
                cpu0 = time.process_time()
                started = time.perf_counter()
                report = await delivery.drain()
                wall = time.perf_counter() - started
                cpu = time.process_time() - cpu0
    return {
        "sent": report.sent,
        "rate_limited": report.rate_limited,
        "wall": wall,
        "cpu": cpu,
        "expected": members + 2 * groups,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(members: int, groups: int, enforce: bool) -> tuple[dict, dict]:
    ports: multiprocessing.Queue = multiprocessing.Queue()
    stop: multiprocessing.Queue = multiprocessing.Queue()
    results: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, stop, results, enforce))
    server.start()
    base_url = ports.get(timeout=30)
    ours = asyncio.run(run(base_url, members, groups, enforce))
    stop.put("stop")
    seen = results.get(timeout=60)
    server.join(timeout=10)
    return ours, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=REPEATS, help="runs with limits lifted")
    args = parser.parse_args()
    import logging

    logging.disable(logging.CRITICAL)
    print(
        f"announcement to {args.members} subscribers + {args.groups} groups (2 announcements to the groups)"
    )
    lifted_rates: list[float] = []
    lifted_cpu: list[float] = []
    capped_rate = 0.0
    for enforce in (True, *[False] * args.repeat):
        ours, seen = measure(args.members, args.groups, enforce)
        per_chat = {int(k): v for k, v in seen["per_chat"].items()}
        delivered = sum(per_chat.values())
        span = max(seen["last"] - seen["first"], 1e-9)
        wanted = {10_000 + n: 1 for n in range(args.members)} | {
            -1000 - g: 2 for g in range(args.groups)
        }
        losses = sum(max(count - per_chat.get(chat, 0), 0) for chat, count in wanted.items())
        duplicates = sum(max(per_chat.get(chat, 0) - count, 0) for chat, count in wanted.items())
        spacing = [
            b - a
            for times in seen["group_times"].values()
            for a, b in zip(sorted(times), sorted(times)[1:], strict=False)
        ]
        label = "Telegram's limits" if enforce else "limits lifted"
        print(
            f"  {label}: {delivered} delivered in {span:.1f} s = {delivered / span:.1f} msg/s"
            f"{' (limit 30/s)' if enforce else ''}; 429s received {seen['rejected']}; "
            f"duplicates {max(duplicates, 0)}; losses {losses}"
        )
        if spacing:
            print(
                f"    shortest spacing between messages to one group: {min(spacing):.2f} s (limit 3 s)"
            )
        print(
            f"    bot CPU {ours['cpu'] / max(ours['sent'], 1) * 1e6:.0f} µs/message; peak RSS {ours['rss_mb']:.0f} MB"
        )
        if enforce:
            capped_rate = delivered / span
        else:
            lifted_rates.append(delivered / span)
            lifted_cpu.append(ours["cpu"] / max(ours["sent"], 1) * 1e3)
    # The baseline here is Telegram's own cap (30 msg/s) and the goal of 1 ms of CPU a message.
    print(f"Telegram broadcast at the limits: {capped_rate / 30:.2f}× the 30 msg/s cap")
    print(f"  bot CPU per message, limits lifted: {spread(lifted_cpu, 'ms', 2)} (goal ≤ 1 ms)")
    print(f"  bot rate, limits lifted: {spread(lifted_rates, 'msg/s', 0)} (the fake server's pace)")
    # The bot's own ceiling: the messages one core would send if the server answered at once.
    ceiling = [1e3 / ms for ms in lifted_cpu]
    print(
        f"  bot's own ceiling (1 / CPU per message): {spread(ceiling, 'msg/s', 0)} (goal ≥ 1,000 msg/s)"
    )


if __name__ == "__main__":
    main()
