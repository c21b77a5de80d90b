"""Benchmark: the command line, cold, as a person waits for it: `vestnesis --help`, a
command's `--help`, and `vestnesis ask` over a calendar of 10,000 events (with the example
plan), each a fresh process, against `python -c pass` in the same run.

Each command runs in turn with the baseline (A B A B …), 3 times after one warm-up; the
figures are wall seconds, min/median/max, and the ratio of medians. The first `ask` after
the calendar changed builds the answer index and keeps it in the data folder; the timed runs
show the cold start of a process that finds it there.

    python bench/cli.py [--events 10000] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answers import generated  # noqa: E402
from bench.ratio import REPEATS, print_ratio  # noqa: E402
from storage import Database  # noqa: E402

NOW = "2026-11-23T09:00"
QUESTION = "Kad ir nākamais seminārs Liepājā?"


def prepare(folder: Path, count: int) -> Path:
    """A data folder with a config, the example plan and calendar, and `count` more events
    stored; returns the config file."""
    config = folder / "config.toml"
    config.write_text(
        f"""[association]
name = "Latvijas Bibliotekāru biedrība"
timezone = "Europe/Riga"
languages = ["lv", "en", "lt"]
data_dir = "{folder / "data"}"

[[calendars]]
name = "LBB pasākumi"
path = "{ROOT / "examples" / "events.ics"}"

[plan]
path = "{ROOT / "examples" / "plan.md"}"
""",
        encoding="utf-8",
    )
    (folder / "data").mkdir(exist_ok=True)

    async def store() -> None:
        database = await Database.open(folder / "data" / "vestnesis.sqlite3")
        try:
            moment = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
            await database.events.replace_calendar("bench", generated(count), moment)
        finally:
            await database.close()

    asyncio.run(store())
    return config


def timed(command: list[str]) -> float:
    """Wall seconds of one run of `command` (its output thrown away; it must succeed)."""
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def compare(name: str, product: list[str], baseline: list[str], runs: int) -> None:
    """Run product and baseline in turn (after one warm-up each); print the ratio."""
    timed(product)
    timed(baseline)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        ours.append(timed(product))
        theirs.append(timed(baseline))
    print_ratio(name, ("vestnesis", ours), ("python -c pass", theirs), "s wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=REPEATS)
    parser.add_argument("--keep", type=Path, help="build the data folder here and keep it")
    args = parser.parse_args()
    vestnesis = [sys.executable, "-m", "vestnesis"]
    baseline = [sys.executable, "-c", "pass"]
    compare("vestnesis --help", [*vestnesis, "--help"], baseline, args.runs)
    compare("vestnesis ask --help", [*vestnesis, "ask", "--help"], baseline, args.runs)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        config = prepare(folder, args.events)
        ask = [*vestnesis, "--config", str(config), "ask", QUESTION, "--now", NOW]
        print(f"\ncalendar of {args.events:,} events (plus the example calendar and plan)")
        began = time.perf_counter()
        subprocess.run(ask, check=True, stdout=subprocess.DEVNULL)
        print(
            f"first ask after the calendar changed (builds the index): "
            f"{time.perf_counter() - began:.3f} s"
        )
        compare("vestnesis ask, cold", ask, baseline, args.runs)


if __name__ == "__main__":
    main()
