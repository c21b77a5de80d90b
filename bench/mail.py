"""Benchmark: 10,000 personalised digests through the outbox to a local SMTP sink.

Prints messages per second, CPU seconds per message and peak memory for Vēstnesis
(enqueue, then drain: personalise, send, settle each delivery in SQLite), and beside it raw
aiosmtplib sending one prebuilt message over the same number of connections, and Postfix's
smtp-source (C) sending the same message the same number of times over as many sessions. Uses
Postfix's smtp-sink when installed (Debian package postfix), else an aiosmtpd sink in another
process; smtp-source's figure is left out when it is not installed.

    python bench/mail.py [--members 10000] [--parallel 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ratio import REPEATS, print_ratio  # noqa: E402

SEND = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
SECRET = {"VESTNESIS_WEB_SECRET": "benchmark-secret-benchmark"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def aiosmtpd_sink(port: int) -> None:
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    while True:
        time.sleep(3600)


def postfix_tool(name: str) -> str | None:
    """The path of one of Postfix's test programs, if installed (they live in /usr/sbin)."""
    return shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )


def run_smtp_source(
    port: int, total: int, parallel: int, message: bytes, folder: Path
) -> float | None:
    """Messages per second of Postfix's smtp-source sending `message` `total` times over
    `parallel` sessions (one connection each, reused); None when it is not installed."""
    tool = postfix_tool("smtp-source")
    if tool is None:
        return None
    # smtp-source reads lines and ends each with CR LF itself, and doubles leading dots.
    path = folder / "source.eml"
    path.write_bytes(message.replace(b"\r\n", b"\n"))
    started = time.perf_counter()
    subprocess.run(
        [
            tool,
            "-d",
            "-s",
            str(parallel),
            "-m",
            str(total),
            "-F",
            str(path),
            "-f",
            "info@bibliotekari.lv",
            "-t",
            "member@example.lv",
            f"127.0.0.1:{port}",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return total / (time.perf_counter() - started)


def start_sink(port: int):
    sink = postfix_tool("smtp-sink")
    if sink:
        process = subprocess.Popen(
            [sink, "-u", "nobody", "-c", f"127.0.0.1:{port}", "1000"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        name = "Postfix smtp-sink"
    else:
        process = multiprocessing.Process(target=aiosmtpd_sink, args=(port,), daemon=True)
        process.start()
        name = "aiosmtpd sink (another process)"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, name
        time.sleep(0.05)
    raise RuntimeError("the SMTP sink did not start")


async def prepare(folder: Path, port: int, members: int, parallel: int) -> Path:
    from tests.conftest import sample_config
    from vestnesis.app import open_app
    from vestnesis.common.clock import FixedClock
    from vestnesis.config import load_config

    path = sample_config(
        folder,
        email={
            "from": "LBB <info@bibliotekari.lv>",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "security": "none",
            "parallel": parallel,
        },
        web={"public_url": "https://vestnesis.example"},
    )
    config = load_config(path, SECRET)
    languages = ("lv", "lv", "en", "lt")
    async with open_app(config, FixedClock(SEND)) as app:
        await app.poller.poll(await app.database.sources.active())
        for n in range(members):
            await app.database.subscribers.add(
                f"member{n:05d}@example.lv",
                name=None,
                language=languages[n % 4],
                source="import",
                confirmed=True,
                now=SEND,
            )
    return path


async def run_vestnesis(path: Path) -> dict[str, float]:
    from vestnesis.app import open_app
    from vestnesis.common.clock import FixedClock
    from vestnesis.config import load_config
    from vestnesis.mailing.email_list import enqueue_digest
    from vestnesis.wiring.parts import email_delivery, mailing_parts

    config = load_config(path, SECRET)
    async with open_app(config, FixedClock(SEND)) as app:
        cpu0, started = cpu(), time.perf_counter()
        report = await enqueue_digest(mailing_parts(app), SEND)
        enqueue = time.perf_counter() - started
        started = time.perf_counter()
        drained = await email_delivery(app).drain()
        send = time.perf_counter() - started
        cpu_used = cpu() - cpu0
        sample = (await app.database.outbox.message(1)).body
    (path.parent / "sample.eml").write_bytes(sample)
    return {
        "messages": drained.sent,
        "enqueue_s": enqueue,
        "send_s": send,
        "cpu_s": cpu_used,
        "members": sum(report.by_language.values()),
    }


async def run_raw(port: int, total: int, parallel: int, message: bytes) -> dict[str, float]:
    import aiosmtplib

    per_worker = [total // parallel + (1 if i < total % parallel else 0) for i in range(parallel)]

    async def worker(count: int) -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        for n in range(count):
            await client.sendmail("info@bibliotekari.lv", [f"member{n:05d}@example.lv"], message)
        await client.quit()

    cpu0, started = cpu(), time.perf_counter()
    await asyncio.gather(*(worker(count) for count in per_worker))
    return {"messages": total, "send_s": time.perf_counter() - started, "cpu_s": cpu() - cpu0}


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(mode: str, path: Path, port: int, total: int, parallel: int) -> None:
    import logging

    logging.disable(logging.CRITICAL)
    if mode == "vestnesis":
        figures = asyncio.run(run_vestnesis(path))
    else:
        message = (path.parent / "sample.eml").read_bytes()
        from mailer.build import Links, personalise

        message = personalise(
            message,
            Links(
                to="member@example.lv",
                unsubscribe="https://v/u/x",
                unsubscribe_mail="mailto:x@y",
                preferences="https://v/p/x",
            ),
            "raw",
        )
        (path.parent / "personalised.eml").write_bytes(message)
        figures = asyncio.run(run_raw(port, total, parallel, message))
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measured(mode: str, path: Path, port: int, total: int, parallel: int) -> dict[str, float]:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            mode,
            str(path),
            str(port),
            str(total),
            str(parallel),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **SECRET},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=REPEATS, help="runs (fresh each time)")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, path, port, total, parallel = args.child
        child(mode, Path(path), int(port), int(total), int(parallel))
        return
    port = free_port()
    sink, sink_name = start_sink(port)
    ours_rates: list[float] = []
    raw_rates: list[float] = []
    source_rates: list[float] = []
    paired_ours: list[float] = []
    try:
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as folder:
                path = asyncio.run(prepare(Path(folder), port, args.members, args.parallel))
                ours = measured("vestnesis", path, port, args.members, args.parallel)
                raw = measured("raw", path, port, int(ours["messages"]), args.parallel)
                source = run_smtp_source(
                    port,
                    int(ours["messages"]),
                    args.parallel,
                    (path.parent / "personalised.eml").read_bytes(),
                    Path(folder),
                )
            _print_run(ours, raw, args.parallel, sink_name, source)
            ours_rates.append(ours["messages"] / ours["send_s"])
            raw_rates.append(raw["messages"] / raw["send_s"])
            if source is not None:
                source_rates.append(source)
                paired_ours.append(ours_rates[-1])
    finally:
        sink.terminate() if hasattr(sink, "terminate") else None
    print_ratio(
        f"personalised email, {args.parallel} connections (throughput)",
        ("Vēstnesis outbox", ours_rates),
        ("raw aiosmtplib, one message", raw_rates),
        "msg/s",
        0,
    )
    if source_rates:
        print_ratio(
            f"personalised email, {args.parallel} connections (throughput)",
            ("Vēstnesis outbox", paired_ours),
            ("Postfix smtp-source", source_rates),
            "msg/s",
            0,
        )
    else:
        print("Postfix smtp-source is not installed (Debian package postfix): no C baseline")


def _print_run(
    ours: dict[str, float], raw: dict[str, float], parallel: int, sink: str, source: float | None
) -> None:
    print(f"{int(ours['messages'])} personalised digests, {parallel} connections, sink: {sink}")
    print(
        f"  Vēstnesis: enqueue {ours['enqueue_s']:.2f} s (render 3 languages, "
        f"{int(ours['members'])} delivery rows); send {ours['send_s']:.2f} s = "
        f"{ours['messages'] / ours['send_s']:,.0f} msg/s; "
        f"CPU {ours['cpu_s'] / ours['messages'] * 1e6:,.0f} µs/msg; "
        f"peak RSS {ours['peak_rss_mb']:.0f} MB"
    )
    print(
        f"  raw aiosmtplib, one prebuilt message: {raw['messages'] / raw['send_s']:,.0f} msg/s; "
        f"CPU {raw['cpu_s'] / raw['messages'] * 1e6:,.0f} µs/msg; "
        f"peak RSS {raw['peak_rss_mb']:.0f} MB"
    )
    if source is not None:
        print(f"  Postfix smtp-source, the same message: {source:,.0f} msg/s")
    extra = ours["cpu_s"] / ours["messages"] - raw["cpu_s"] / raw["messages"]
    print(f"  our own work per message (CPU beyond the transport's): {extra * 1e6:,.0f} µs")


if __name__ == "__main__":
    main()
