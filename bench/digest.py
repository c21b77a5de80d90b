"""Benchmark: compose and render the weekly digest in lv, en and lt from 5,000 stored items.

Prints the time of each step and the peak memory (tracemalloc) with translation off, and
again with a LibreTranslate backend (a local fake server) after its cache is warm.

Each is set beside a baseline measured in the same run, in turn with it, 3 rounds: the same
week's items (all of them, about 1,250, as the digest weighs them all) read with one plain
sqlite3 query, and the newest 40 (as many as the digest holds) written as one HTML list by a
bare Jinja2 template, once per language: the reading and writing any digest needs, without
choosing, grouping, translating, Telegram's messages or the email's inlined CSS. The ratio (product / baseline, pair by pair: lower is better) comes first,
then min/median/max of each.

    python bench/digest.py [--items 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jinja2 import Environment  # noqa: E402

from bench.ratio import REPEATS, print_ratio  # noqa: E402
from bot.render import render_digest  # noqa: E402
from mailer.render import EmailRenderer  # noqa: E402
from storage import NewItem  # noqa: E402
from storage.timefmt import to_db  # noqa: E402
from tests.conftest import config_text  # noqa: E402
from tests.translation_servers import ApiServer, LibreTranslateBehaviour  # noqa: E402
from vestnesis.app import open_app  # noqa: E402
from vestnesis.common.clock import FixedClock  # noqa: E402
from vestnesis.config import load_config  # noqa: E402
from vestnesis.digest.weekly import prepare, view_for  # noqa: E402
from vestnesis.wiring.parts import digest_parts  # noqa: E402

SEND = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
SOURCES = [
    ("LBB", "lv"),
    ("IFLA", "en"),
    ("EBLIDA", "en"),
    ("LBD", "lt"),
    ("LNB", "lv"),
    ("CILIP", "en"),
    ("Kultūra", "lv"),
    ("LMBA", "lt"),
]
TEXT = {
    "lv": "Bibliotēkas visā Latvijā aicina uz semināriem, lasītāju klubiem un digitālo prasmju "
    "kursiem; pieteikšanās līdz mēneša beigām. Sīkāka informācija biedrības tīmekļvietnē.",
    "en": "Libraries across Europe report record numbers of visitors to reading clubs, language "
    "cafés and digital skills courses; associations are invited to share their experience.",
    "lt": "Bibliotekos visoje Lietuvoje kviečia į seminarus, skaitytojų klubus ir skaitmeninių "
    "įgūdžių kursus; registracija iki mėnesio pabaigos. Daugiau informacijos svetainėje.",
}


def items_for(source: int, language: str, count: int) -> list[NewItem]:
    # Spread over four weeks, so a quarter fall into the digest's week.
    return [
        NewItem(
            entry_key=f"s{source}-{n}",
            url=f"https://site{source}.example/{n}",
            url_key=f"site{source}.example/{n}",
            content_key=f"c{source}-{n}",
            title=f"{SOURCES[source][0]} story {n}: IFLA and EBLIDA on libraries",
            summary=TEXT[language],
            language=language,
            published=SEND - timedelta(minutes=(n * 37 + source * 5) % (28 * 24 * 60) + 1),
            categories=("News",),
        )
        for n in range(count)
    ]


async def fill(config_path: Path, total: int) -> None:
    config = load_config(config_path, {})
    async with open_app(config, FixedClock(SEND)) as app:
        for index, source in enumerate(await app.database.sources.active()):
            language = SOURCES[index][1]
            await app.database.items.store(
                source.id, items_for(index, language, total // len(SOURCES)), SEND
            )


BASELINE = Environment(autoescape=True).from_string(
    "<h1>{{ title }}</h1><ul>{% for title, url, summary, source in items %}"
    '<li><a href="{{ url }}">{{ title }}</a> ({{ source }})<p>{{ summary }}</p></li>'
    "{% endfor %}</ul>"
)
BASELINE_ITEMS = 40


def baseline(database: Path, start: datetime, end: datetime) -> float:
    """Seconds to read the week's items with plain sqlite3 and write the newest as HTML in
    each of the three languages (the same list each time: there is nothing to translate)."""
    began = time.perf_counter()
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT items.title, items.url, items.summary, sources.name, items.published "
            "FROM items JOIN sources ON sources.id = items.source_id "
            "WHERE items.published >= ? AND items.published < ?",
            (to_db(start), to_db(end)),
        ).fetchall()
    newest = sorted(rows, key=lambda row: row[4], reverse=True)[:BASELINE_ITEMS]
    for language in ("lv", "en", "lt"):
        BASELINE.render(title=f"Digest ({language})", items=[row[:4] for row in newest])
    connection.close()
    return time.perf_counter() - began


async def measure(config_path: Path, rounds: int) -> dict[str, object]:
    config = load_config(config_path, {})
    timings: dict[str, list[float]] = {
        "compose": [],
        "localise+word": [],
        "telegram": [],
        "email": [],
    }
    totals: list[float] = []
    baselines: list[float] = []
    renderer = EmailRenderer()
    async with open_app(config, FixedClock(SEND)) as app:
        for _ in range(rounds):
            began = started = time.perf_counter()
            prepared = await prepare(digest_parts(app), SEND)
            timings["compose"].append(time.perf_counter() - started)
            for language in ("lv", "en", "lt"):
                started = time.perf_counter()
                view = await view_for(digest_parts(app), prepared.digest, language)
                timings["localise+word"].append(time.perf_counter() - started)
                started = time.perf_counter()
                messages = render_digest(view)
                timings["telegram"].append(time.perf_counter() - started)
                started = time.perf_counter()
                renderer.render(view)
                timings["email"].append(time.perf_counter() - started)
            totals.append(time.perf_counter() - began)
            period = prepared.period
            baselines.append(baseline(config.database_path, period.start, period.end))
        entries = prepared.digest.total
    result: dict[str, object] = {
        step: statistics.median(values) * 1000 for step, values in timings.items()
    }
    result["entries"] = entries
    result["messages"] = len(messages)
    result["totals"] = totals
    result["baselines"] = baselines
    return result


def report(label: str, figures: dict[str, object], peak: int) -> None:
    steps = {k: float(v) for k, v in figures.items() if isinstance(v, (int, float))}
    print_ratio(
        f"  {label}, compose + all three languages",
        ("Vestnesis", [t * 1000 for t in figures["totals"]]),  # type: ignore[attr-defined]
        ("sqlite3 + bare Jinja2", [t * 1000 for t in figures["baselines"]]),  # type: ignore[attr-defined]
        "ms",
        1,
    )
    print(
        f"    {int(steps['entries'])} entries, {int(steps['messages'])} Telegram message(s); "
        f"medians: compose (load + select) {steps['compose']:.1f} ms; per language: "
        f"translate+word {steps['localise+word']:.1f} ms, Telegram {steps['telegram']:.1f} ms, "
        f"email {steps['email']:.1f} ms; peak traced memory {peak / 1_048_576:.1f} MB"
    )


def peak_memory(config_path: Path) -> int:
    """Peak traced memory of one round, measured apart: tracing slows Python down a lot."""
    tracemalloc.start()
    asyncio.run(measure(config_path, 1))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=REPEATS)
    args = parser.parse_args()
    feeds = [
        {"name": name, "url": f"https://feed{n}.example/rss"} for n, (name, _) in enumerate(SOURCES)
    ]
    server = ApiServer(LibreTranslateBehaviour())
    try:
        with tempfile.TemporaryDirectory() as folder:
            plain = Path(folder) / "plain.toml"
            plain.write_text(config_text(feeds, digest={"max_per_section": 6, "max_items": 40}))
            asyncio.run(fill(plain, args.items))
            print(
                f"digest from {args.items} stored items (8 sources, 4 weeks), {args.rounds} rounds"
            )
            figures = asyncio.run(measure(plain, args.rounds))
            report("translation off", figures, peak_memory(plain))

            translated = Path(folder) / "translated.toml"
            translated.write_text(
                config_text(
                    feeds,
                    digest={"max_per_section": 6, "max_items": 40},
                    translation={"backend": "libretranslate", "url": server.url},
                )
            )
            asyncio.run(measure(translated, 1))  # fills the translation cache
            sent = len(server.requests)
            figures = asyncio.run(measure(translated, args.rounds))
            report("LibreTranslate, warm cache", figures, peak_memory(translated))
            print(
                f"    requests to the translation server: {sent} to fill the cache, "
                f"{len(server.requests) - sent} afterwards"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
