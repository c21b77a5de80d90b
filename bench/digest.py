"""Benchmark: compose and render the weekly digest in lv, en and lt from 5,000 stored items.

Prints the time of each step and the peak memory (tracemalloc) with translation off, and
again with a LibreTranslate backend (a local fake server) after its cache is warm.

    python bench/digest.py [--items 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.render import render_digest  # noqa: E402
from mailer.render import EmailRenderer  # noqa: E402
from storage import NewItem  # noqa: E402
from tests.conftest import config_text  # noqa: E402
from tests.translation_servers import ApiServer, LibreTranslateBehaviour  # noqa: E402
from vestnesis.app import open_app  # noqa: E402
from vestnesis.common.clock import FixedClock  # noqa: E402
from vestnesis.config import load_config  # noqa: E402
from vestnesis.digest.weekly import prepare, view_for  # noqa: E402

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


async def measure(config_path: Path, rounds: int) -> dict[str, float]:
    config = load_config(config_path, {})
    timings: dict[str, list[float]] = {
        "compose": [],
        "localise+word": [],
        "telegram": [],
        "email": [],
    }
    renderer = EmailRenderer()
    async with open_app(config, FixedClock(SEND)) as app:
        for _ in range(rounds):
            started = time.perf_counter()
            prepared = await prepare(app, SEND)
            timings["compose"].append(time.perf_counter() - started)
            for language in ("lv", "en", "lt"):
                started = time.perf_counter()
                view = await view_for(app, prepared.digest, language)
                timings["localise+word"].append(time.perf_counter() - started)
                started = time.perf_counter()
                messages = render_digest(view)
                timings["telegram"].append(time.perf_counter() - started)
                started = time.perf_counter()
                renderer.render(view)
                timings["email"].append(time.perf_counter() - started)
        entries = prepared.digest.total
    result = {step: statistics.median(values) * 1000 for step, values in timings.items()}
    result["entries"] = entries
    result["messages"] = len(messages)
    return result


def report(label: str, figures: dict[str, float], peak: int) -> None:
    per_language = figures["localise+word"] + figures["telegram"] + figures["email"]
    print(
        f"  {label}: {int(figures['entries'])} entries, {int(figures['messages'])} Telegram message(s)"
    )
    print(
        f"    compose (load + select) {figures['compose']:.1f} ms; per language: "
        f"translate+word {figures['localise+word']:.1f} ms, Telegram {figures['telegram']:.1f} ms, "
        f"email {figures['email']:.1f} ms"
    )
    print(
        f"    all three languages: {figures['compose'] + 3 * per_language:.1f} ms; "
        f"peak traced memory {peak / 1_048_576:.1f} MB"
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
    parser.add_argument("--rounds", type=int, default=5)
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
                f"digest from {args.items} stored items (8 sources, 4 weeks), median of {args.rounds}"
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
