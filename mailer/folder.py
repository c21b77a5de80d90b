"""A stand-in for the SMTP relay on trial installs: each message becomes a file in a folder."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from mailer.smtp import Result

_UNSAFE = re.compile(r"[^A-Za-z0-9@._-]+")


class FolderConnection:
    """Writes each message, as sent, to `folder/<time>-<recipient>-<id>.eml` (openable in any
    mail program); the same interface as `SmtpConnection`."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    async def offers_smtputf8(self) -> bool:
        """A file takes any address as written."""
        return True

    async def send(self, sender: str, recipient: str, message: bytes) -> Result:
        """Write one message; never raises (a full disk is reported like a relay error)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{_UNSAFE.sub('_', recipient)[:80]}-{uuid.uuid4().hex[:8]}.eml"
        try:
            await asyncio.to_thread(_write, self._folder, name, message)
        except OSError as error:
            return Result("retry", f"cannot write to {self._folder}: {error}", True)
        return Result("sent", f"written to {self._folder / name}")

    async def close(self) -> None:
        """Nothing to close."""


def _write(folder: Path, name: str, message: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{name}.part"
    partial.write_bytes(message)
    partial.replace(folder / name)  # a reader never sees half a message
