"""The command line answers at once: `--help` loads none of the heavy libraries (they are
imported in the commands that use them). Checked by the modules loaded, never by a timing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Each costs tens to hundreds of milliseconds to import; none is needed to print help.
HEAVY = (
    "httpx",
    "numpy",
    "bm25s",
    "icalendar",
    "recurring_ical_events",
    "feedparser",
    "jinja2",
    "lingua",
    "babel",
    "aiosqlite",
    "telegram",
    "starlette",
    "uvicorn",
    "css_inline",
    "dateparser",
    "pydantic",
    # rich's own package is a few small modules (structlog imports it for its tracebacks);
    # its console, with markup, styles and pygments, is what costs.
    "rich.console",
    "email_validator",
    "apscheduler",
    "aiosmtplib",
    "asyncio",
)

PROBE = """
import json, sys
from vestnesis.cli.main import cli
try:
    cli(args=sys.argv[1:], prog_name="vestnesis")
except SystemExit:
    pass
loaded = sorted({name.split(".")[0] for name in sys.modules} | {"rich.console"} & set(sys.modules))
print(json.dumps(loaded), file=sys.stderr)
"""


def loaded_by(*args: str) -> set[str]:
    """The top-level modules loaded by `vestnesis ARGS`, run in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    assert "Usage:" in done.stdout
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("ask", "--help"),
        ("feeds", "poll", "--help"),
        ("events", "list", "--help"),
        ("digest", "preview", "--help"),
        ("subscribers", "import", "--help"),
        ("outbox", "--help"),
        ("run", "--help"),
    ],
)
def test_help_imports_no_heavy_module(args: tuple[str, ...]) -> None:
    heavy = loaded_by(*args) & set(HEAVY)
    assert heavy == set(), f"`vestnesis {' '.join(args)}` imported {sorted(heavy)}"


# What `vestnesis ask` needs: the database (asyncio, aiosqlite), the answering engine and its
# word tools (stemmers, rapidfuzz), and lingua's module (a few milliseconds; its models load
# only for a question it must detect). Not the config's validator (pydantic): the first `ask`
# keeps what answering reads of the validated config (vestnesis/kept_config.py). Not Babel:
# the names in dates come from the CLDR snapshot, the catalogs through the standard library.
ASK_NEEDS = {"asyncio", "aiosqlite", "lingua"}


def test_ask_imports_only_what_answering_needs(tmp_path) -> None:
    """A cold `vestnesis ask` (calendar unchanged, answer index and config kept, no
    translation backend) loads no config validator, HTTP client, feed parser, calendar
    parser, template engine, bot or web library."""
    from tests.conftest import sample_config

    config = str(sample_config(tmp_path))
    question = ["--config", config, "ask", "Kad ir nākamais seminārs?", "--now", "2026-11-23T09:00"]
    first = subprocess.run(
        [sys.executable, "-m", "vestnesis", *question], capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr  # imports the calendar, builds the index
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *question], capture_output=True, text=True, check=True
    )
    assert done.stdout == first.stdout and "Tuvākais seminārs:" in done.stdout
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert loaded >= ASK_NEEDS  # the probe sees what the command does load
    heavy = loaded & (set(HEAVY) - ASK_NEEDS)
    assert heavy == set(), f"`vestnesis ask` imported {sorted(heavy)}"


def test_the_probe_sees_a_heavy_import() -> None:
    """The check can fail: a command that runs imports the libraries it needs."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys, vestnesis.app; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'aiosqlite'" in done.stdout


def test_structlog_loads_without_rich_and_rich_stays_usable() -> None:
    """structlog's first import skips rich's console (vestnesis.common.quiet_imports); the
    progress bars still import rich afterwards."""
    probe = (
        "import sys, vestnesis, structlog; console = 'rich.console' in sys.modules; "
        "from rich.console import Console; print(console, Console is not None)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
