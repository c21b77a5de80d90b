"""A client for telegram-test-api (npm), the third-party Bot API emulator in
tools/telegram-emulator: starts it, writes and presses as a member would, and reads what
the bot sent. Its client API is the emulator's own (not the Bot API)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

FOLDER = Path(__file__).resolve().parent.parent / "tools" / "telegram-emulator"
TOKEN = "123456:EMULATOR-TOKEN"


def available() -> str:
    """Why the emulator cannot run here ('' when it can)."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (FOLDER / "node_modules" / "telegram-test-api").is_dir():
        return "run `make emulator-deps` (npm install in tools/telegram-emulator)"
    return ""


class Emulator:
    """One emulator process on 127.0.0.1."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._process = subprocess.Popen(
            ["node", str(FOLDER / "server.js"), str(self.port)],
            cwd=FOLDER,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("ready"):
            self.stop()
            raise RuntimeError(f"the emulator did not start: {line}")
        self.url = f"http://127.0.0.1:{self.port}"
        self._http = httpx.Client(base_url=self.url, timeout=5)
        self._date = int(time.time())

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(10)
        for pipe in (self._process.stdout, self._process.stderr):
            if pipe is not None:
                pipe.close()
        if hasattr(self, "_http"):
            self._http.close()

    # --- as a member ---------------------------------------------------------------------

    @staticmethod
    def _common(user_id: int, first_name: str, language: str) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language}
        chat = {"id": user_id, "type": "private", "first_name": first_name}
        return {"from": user, "chat": chat}

    def write(
        self, text: str, user_id: int, first_name: str = "Ilze", language: str = "lv"
    ) -> None:
        """A member writes to the bot in a private chat (a command if it starts with /)."""
        message = {
            **self._common(user_id, first_name, language),
            "botToken": TOKEN,
            "date": self._date,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
            self._http.post("/sendCommand", json=message).raise_for_status()
        else:
            self._http.post("/sendMessage", json=message).raise_for_status()

    def press(self, data: str, on: dict[str, Any], user_id: int, language: str = "lv") -> None:
        """A member presses a button under one of the bot's messages (as read by `sent`)."""
        common = self._common(user_id, "Ilze", language)
        message = {
            "message_id": on["message_id"],
            "date": self._date,
            "chat": common["chat"],
            "text": on.get("text", ""),
        }
        body = {"botToken": TOKEN, "from": common["from"], "message": message, "data": data}
        self._http.post("/sendCallback", json=body).raise_for_status()

    # --- what the bot did ----------------------------------------------------------------

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages to a chat as they stand now (edits applied), oldest first."""
        history = self._http.post("/getUpdatesHistory", json={"token": TOKEN}).json()["result"]
        found = []
        for update in history:
            message = update.get("message") or {}
            if "chat_id" in message and str(message["chat_id"]) == str(chat_id):
                found.append({**message, "message_id": update["messageId"]})
        return found

    def texts(self, chat_id: int) -> list[str]:
        return [m.get("text", "") for m in self.sent(chat_id)]
