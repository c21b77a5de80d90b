"""Benchmark: one poll pass over 300 sources on a local server, half of them unchanged (304).

Prints wall time, new items per second and peak memory for Vēstnesis' full pipeline
(fetch, parse, clean, detect language, deduplicate, store), and for the same fetches
parsed with plain feedparser and nothing else, for comparison.

    python bench/feeds.py [--sources 300] [--items 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ratio import REPEATS, print_ratio  # noqa: E402

LANGUAGES = ("en", "lv", None)  # a third of the feeds leave the language to detection
TEXT = {
    "en": "Libraries across Europe report record numbers of visitors to their autumn "
    "programmes, with reading clubs, language cafés and digital skills courses leading.",
    "lv": "Bibliotēkās visā Latvijā rudens programmas piesaistījušas rekordlielu apmeklētāju "
    "skaitu: lasītāju klubi, valodu kafejnīcas un digitālo prasmju kursi.",
    None: "Bibliotekos visoje Lietuvoje rudens programos sulaukė rekordinio lankytojų "
    "skaičiaus: skaitytojų klubai, kalbų kavinės ir skaitmeninių įgūdžių kursai.",
}


def feed(index: int, generation: int, items: int) -> bytes:
    """Feed `index` as of `generation`: a new generation brings entirely new items."""
    language = LANGUAGES[index % 3]
    start = datetime(2026, 11, 20, tzinfo=UTC)
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>']
    parts.append(f"<title>Feed {index}</title><link>https://site{index}.example/</link>")
    if language:
        parts.append(f"<language>{language}</language>")
    for n in range(items):
        when = format_datetime(start - timedelta(minutes=n * 37 + index))
        link = f"https://site{index}.example/g{generation}/post-{n}"
        body = f"&lt;p&gt;{TEXT[language]} &lt;b&gt;Item {n}&lt;/b&gt; of feed {index}.&lt;/p&gt;"
        parts.append(
            f"<item><title>Feed {index}, generation {generation}, story {n}</title>"
            f"<link>{link}</link><guid>{link}</guid><pubDate>{when}</pubDate>"
            f"<description>{body}&lt;img src='https://t.example/p.gif' width=1 height=1&gt;"
            f"</description><category>News</category></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def serve(
    port_queue: multiprocessing.Queue,
    command_queue: multiprocessing.Queue,
    sources: int,
    items: int,
) -> None:
    """The feed server, in its own process so its work is not measured."""
    from tests.feedserver import FeedServer, Route

    server = FeedServer().start()
    for index in range(sources):
        server.routes[f"/feed/{index}"] = Route(body=feed(index, 0, items))
    port_queue.put(server.base)
    while (command := command_queue.get()) != "stop":
        if command == "advance":  # half the feeds publish a new generation of items
            for index in range(0, sources, 2):
                server.routes[f"/feed/{index}"] = Route(body=feed(index, 1, items))
        port_queue.put("ok")
    server.stop()


def write_config(folder: Path, base: str, sources: int) -> Path:
    lines = ["[association]", 'name = "Bench"', 'data_dir = "data"', "[fetch]", "concurrency = 20"]
    for index in range(sources):
        lines += ["[[feeds]]", f'name = "feed-{index:03d}"', f'url = "{base}/feed/{index}"']
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


async def run_vestnesis(config_path: Path) -> dict[str, float]:
    from vestnesis.app import open_app
    from vestnesis.common.clock import SystemClock
    from vestnesis.config import load_config

    config = load_config(config_path, {})
    async with open_app(config, SystemClock()) as app:
        sources = await app.database.sources.active()
        started, cpu = time.perf_counter(), time.process_time()
        reports = await app.poller.poll(sources)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        workers = _children_peak_mb()
        workers_cpu = _children_cpu_seconds()
    return {
        "wall": wall,
        "cpu": cpu + workers_cpu,
        "main_cpu": cpu,
        "workers_rss_mb": workers,
        "new": sum(r.new for r in reports),
        "unchanged": sum(r.status == "unchanged" for r in reports),
        "failed": sum(r.status == "failed" for r in reports),
    }


async def run_plain(config_path: Path, validators_file: Path) -> dict[str, float]:
    """The same conditional fetches, each body handed to feedparser.parse with its defaults."""
    import feedparser

    from feeds.fetch import Fetcher, FetchLimits
    from vestnesis.config import load_config

    config = load_config(config_path, {})
    validators = json.loads(validators_file.read_text())
    async with Fetcher.open(FetchLimits(concurrency=20)) as fetcher:
        slots = asyncio.Semaphore(20)

        async def one(url: str) -> int:
            async with slots:
                fetched = await fetcher.fetch(url, etag=validators.get(url))
            if fetched.status != "ok":
                return -1
            return len(feedparser.parse(fetched.content).entries)

        started, cpu = time.perf_counter(), time.process_time()
        counts = await asyncio.gather(*(one(f.location) for f in config.feeds))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "wall": wall,
        "cpu": cpu,
        "new": sum(c for c in counts if c > 0),
        "unchanged": sum(c == -1 for c in counts),
        "failed": 0,
    }


def _children_peak_mb() -> float:
    """The peak resident memory of this process's live children (the parsing workers), summed."""
    total = 0
    for process in multiprocessing.active_children():
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total / 1024


def _children_cpu_seconds() -> float:
    """Processor time (user + system) of this process's live children (the parsing workers,
    which start during the pass, so all of it is the pass's), summed."""
    import os

    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for process in multiprocessing.active_children():
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def child(mode: str, config_path: Path, validators: Path) -> None:
    """Run one measured pass in this (fresh) process and print its figures as JSON."""
    import logging

    logging.disable(logging.CRITICAL)
    if mode == "vestnesis":
        figures = asyncio.run(run_vestnesis(config_path))
    else:
        figures = asyncio.run(run_plain(config_path, validators))
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measured(mode: str, config_path: Path, validators: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(config_path), str(validators)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=REPEATS, help="runs (fresh each time)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return

    print(f"poll pass over {args.sources} sources × {args.items} items on a local server")
    ours_rates: list[float] = []
    plain_rates: list[float] = []
    ours_cpu: list[float] = []
    plain_cpu: list[float] = []
    for _ in range(args.repeat):
        primed, ours, plain = one_run(args.sources, args.items)
        print(
            f"  first pass (everything new):   {primed['wall']:.2f} s, "
            f"{primed['new'] / primed['wall']:,.0f} new items/s, "
            f"peak RSS {primed['peak_rss_mb']:.0f} MB"
            f" + parsing workers {primed.get('workers_rss_mb', 0):.0f} MB"
        )
        for label, row in (("Vēstnesis pipeline", ours), ("plain feedparser only", plain)):
            rate = row["new"] / row["wall"] if row["wall"] else 0
            workers = row.get("workers_rss_mb", 0)
            per_item = row["cpu"] / row["new"] * 1000 if row["new"] else 0
            split = (
                f" = main {row['main_cpu']:.2f} + workers {row['cpu'] - row['main_cpu']:.2f}"
                if "main_cpu" in row
                else ""
            )
            print(
                f"  {label:<24} half 304: {row['wall']:.2f} s wall, {row['cpu']:.2f} s CPU{split} "
                f"({per_item:.2f} ms/item), {int(row['new'])} new items "
                f"({rate:,.0f}/s), {int(row['unchanged'])} unchanged, {int(row['failed'])} "
                f"failed, peak RSS {row['peak_rss_mb']:.0f} MB"
                + (f" + parsing workers {workers:.0f} MB" if workers else "")
            )
        ours_rates.append(ours["new"] / ours["wall"])
        plain_rates.append(plain["new"] / plain["wall"])
        ours_cpu.append(ours["cpu"] / ours["new"] * 1000)
        plain_cpu.append(plain["cpu"] / plain["new"] * 1000)
    print_ratio(
        f"feed poll pass, {args.sources} sources, half 304 (throughput)",
        ("Vēstnesis pipeline", ours_rates),
        ("plain feedparser.parse", plain_rates),
        "new items/s",
        0,
    )
    print_ratio(
        "  processor time per new item (main process + parsing workers; lower is better)",
        ("Vēstnesis pipeline", ours_cpu),
        ("plain feedparser.parse", plain_cpu),
        "ms",
        2,
    )


def one_run(
    sources: int, items: int
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """A fresh server and data folder: the priming pass, then the half-304 pass through the
    pipeline and through plain feedparser."""
    ports: multiprocessing.Queue = multiprocessing.Queue()
    commands: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, commands, sources, items))
    server.start()
    base = ports.get(timeout=60)
    try:
        with tempfile.TemporaryDirectory() as folder:
            config_path = write_config(Path(folder), base, sources)
            # Prime: the first pass stores every source's validators and items.
            primed = measured("vestnesis", config_path, Path(folder) / "none.json")
            validators = Path(folder) / "validators.json"
            validators.write_text(json.dumps(_stored_etags(Path(folder))))
            commands.put("advance")
            ports.get(timeout=60)
            ours = measured("vestnesis", config_path, validators)
            plain = measured("plain", config_path, validators)
    finally:
        commands.put("stop")
        server.join(timeout=10)
    return primed, ours, plain


def _stored_etags(folder: Path) -> dict[str, str]:
    import sqlite3

    with sqlite3.connect(folder / "data" / "vestnesis.sqlite3") as db:
        return dict(db.execute("SELECT location, etag FROM sources WHERE etag IS NOT NULL"))


if __name__ == "__main__":
    main()
