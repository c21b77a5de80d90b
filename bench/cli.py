"""Benchmark: the command line, cold, as a person waits for it: `vestnesis --help`, a
command's `--help`, every command's `--help` once each, and `vestnesis ask` over a calendar
of 10,000 events (with the example plan), each a fresh process, against `python -c pass` in
the same run.

Each command runs in turn with the baseline (A B A B …), 3 times after one warm-up; the
figures are wall seconds and, apart, the processor seconds of the child (user + system, which
a machine shared with other jobs inflates far less than wall time), min/median/max, and the
ratio pair by pair. The first `ask` after the calendar changed builds the answer index and
keeps it in the data folder; the timed runs show the cold start of a process that finds it
there. The project's modules are compiled to bytecode first, as an installation does (with
PYTHONDONTWRITEBYTECODE set, an editable checkout would otherwise compile them from source in
every process).

    python bench/cli.py [--events 10000] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import resource
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


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and processor seconds (user + system) of one run of `command` (its output thrown
    away; it must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def compare(name: str, product: list[str], baseline: list[str], runs: int) -> None:
    """Run product and baseline in turn (after one warm-up each); print the ratios."""
    timed(product)
    timed(baseline)
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for _ in range(runs):
        ours.append(timed(product))
        theirs.append(timed(baseline))
    for index, unit in ((0, "s wall"), (1, "s CPU")):
        print_ratio(
            f"{name} ({unit.split()[1]})",
            ("vestnesis", [pair[index] for pair in ours]),
            ("python -c pass", [pair[index] for pair in theirs]),
            unit,
        )


def every_help(vestnesis: list[str], baseline: list[str]) -> None:
    """Every command's --help once, each followed by the baseline; the spread is over the
    commands, and the slowest is named."""
    import click

    from vestnesis.cli.main import cli

    def paths(command: click.Command, path: list[str]) -> list[list[str]]:
        found = [path]
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                found += paths(sub, [*path, name])
        return found

    timings: list[tuple[str, tuple[float, float], tuple[float, float]]] = []
    for path in paths(cli, []):
        timings.append((" ".join(path), timed([*vestnesis, *path, "--help"]), timed(baseline)))
    for index, unit in ((0, "s wall"), (1, "s CPU")):
        print_ratio(
            f"every command's --help, {len(timings)} commands once each ({unit.split()[1]})",
            ("vestnesis … --help", [ours[index] for _, ours, _ in timings]),
            ("python -c pass", [theirs[index] for _, _, theirs in timings]),
            unit,
        )
    slowest = max(timings, key=lambda t: t[1][1])
    print(f"  slowest (CPU): vestnesis {slowest[0]} --help, {slowest[1][1]:.3f} s CPU")


def compiled() -> None:
    """Bytecode for the project's packages, as `pip install` leaves it."""
    for package in ("vestnesis", "storage", "feeds", "bot", "mailer"):
        compileall.compile_dir(ROOT / package, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=REPEATS)
    parser.add_argument("--keep", type=Path, help="build the data folder here and keep it")
    args = parser.parse_args()
    compiled()
    vestnesis = [sys.executable, "-m", "vestnesis"]
    baseline = [sys.executable, "-c", "pass"]
    compare("vestnesis --help", [*vestnesis, "--help"], baseline, args.runs)
    compare("vestnesis ask --help", [*vestnesis, "ask", "--help"], baseline, args.runs)
    every_help(vestnesis, baseline)
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
