"""A progress display on a terminal, and silence when output is piped."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Tick(Protocol):
    """Advance the display by one unit, naming what was just done."""

    def __call__(self, label: str = "") -> None: ...


@contextmanager
def progress(description: str, total: int, *, enabled: bool | None = None) -> Iterator[Tick]:
    """Show a bar on stderr while the block runs, when stderr is a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled or total < 2:
        yield lambda label="": None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[label]}"),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task(description, total=total, label="")

        def tick(label: str = "") -> None:
            bar.update(task, advance=1, label=label)

        yield tick
