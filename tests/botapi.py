"""A fake Telegram Bot API server on 127.0.0.1 for the real python-telegram-bot stack.

It serves getUpdates from a script of updates, records every call, answers the send methods
like Telegram does, and can answer 429 with retry_after, 403 and 400 for chosen chats. Like
Telegram, it answers 400 to a text over 4,096 characters (a caption over 1,024) and to HTML it
could not parse, so that a rendering bug fails a test.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as default_policy
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

TOKEN = "123456:TEST-TOKEN"
BOT = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Vēstnesis",
    "username": "vestnesis_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


# What Telegram refuses with 400 (https://core.telegram.org/bots/api#formatting-options):
# a text over 4,096 characters or a caption over 1,024 after entity parsing (counted in
# UTF-16 code units), and HTML it cannot parse: a tag it does not know, an end tag that does
# not match, a tag left open. Refusing them here makes a rendering bug fail a test.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"tg-emoji", "code", "pre", "blockquote"}
)


class _TelegramHtml(HTMLParser):
    """Reads Telegram HTML as Telegram does: the visible text, or the first problem."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.parts: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS or (tag == "span" and dict(attrs).get("class") != "tg-spoiler"):
            self.problem = self.problem or f'Unsupported start tag "{tag}"'
            return
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problem = self.problem or f'Unsupported start tag "{tag}/"'

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problem = self.problem or f'Unmatched end tag "{tag}"'
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def telegram_refusal(params: dict[str, Any]) -> str | None:
    """Telegram's 400 description for a text or caption it would refuse; None if it is fine."""
    for key, limit in (("text", TEXT_LIMIT), ("caption", CAPTION_LIMIT)):
        value = params.get(key)
        if not isinstance(value, str):
            continue
        visible = value
        if str(params.get("parse_mode", "")).upper() == "HTML":
            reader = _TelegramHtml()
            reader.feed(value)
            reader.close()
            if reader.problem is None and reader.open:
                reader.problem = (
                    f'Can\'t find end tag corresponding to start tag "{reader.open[-1]}"'
                )
            if reader.problem is not None:
                return f"Bad Request: can't parse entities: {reader.problem}"
            visible = "".join(reader.parts)
        if len(visible.strip().encode("utf-16-le")) // 2 > limit:
            return (
                f"Bad Request: message {key} is too long"
                if key == "caption"
                else ("Bad Request: message is too long")
            )
    return None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class BotApi:
    """The server; `calls` holds every request in order."""

    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[int, list[tuple[int, str, dict[str, Any]]]] = field(default_factory=dict)
    always: dict[int, tuple[int, str, dict[str, Any]]] = field(default_factory=dict)
    # Methods this server does not implement or fails on, like some third-party emulators:
    # method name -> HTTP status (404: unknown method, 500: a server error).
    refusing: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.next_update = 1
        self.next_message = 1000
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle's algorithm the second waits
            # for the client's delayed ACK (40 ms), which Telegram's servers never make us wait.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                content_type = self.headers.get("Content-Type", "")
                if content_type.startswith("multipart/form-data"):
                    params = api._multipart(body, content_type)
                else:
                    params = api._params(body.decode(), content_type)
                method = self.path.rsplit("/", 1)[-1]
                if not self.path.startswith(f"/bot{TOKEN}/"):
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                status, body = api._answer(method, params)
                self._reply(status, body)

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # A long poll the bot gave up at shutdown has nobody left to read it.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/bot"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- scripting ---------------------------------------------------------------------

    def user(self, user_id: int = 42, first_name: str = "Ilze", language_code: str = "lv") -> dict:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    def send_text(self, text: str, *, user: dict | None = None, chat: dict | None = None) -> None:
        """A member writes to the bot (a private chat unless `chat` is given)."""
        user = user or self.user()
        chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        message = {
            "message_id": self._message_id(),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self.push_update({"message": message})

    def press(self, data: str, *, user: dict | None = None, message: dict | None = None) -> None:
        """A member presses an inline button."""
        user = user or self.user()
        message = message or {
            "message_id": self._message_id(),
            "date": int(time.time()),
            "chat": {"id": user["id"], "type": "private"},
            "text": "…",
        }
        self.push_update(
            {
                "callback_query": {
                    "id": str(self._message_id()),
                    "from": user,
                    "chat_instance": "1",
                    "data": data,
                    "message": message,
                }
            }
        )

    def fail(
        self, chat_id: int, status: int, description: str, times: int = 1, **parameters: Any
    ) -> None:
        """The next `times` sends to the chat fail like Telegram would."""
        self.failures.setdefault(chat_id, []).extend([(status, description, parameters)] * times)

    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[Call]:
        with self.lock:
            return [
                c
                for c in self.calls
                if c.method.startswith(("send", "edit", "copy"))
                and (method is None or c.method == method)
                and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
            ]

    def texts(self, chat_id: int) -> list[str]:
        return [c.params.get("text") or c.params.get("caption") or "" for c in self.sent(chat_id)]

    # --- answering ---------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update of any shape for the bot's next getUpdates."""
        with self.lock:
            update["update_id"] = self.next_update
            self.next_update += 1
            self.updates.append(update)

    def _message_id(self) -> int:
        with self.lock:
            self.next_message += 1
            return self.next_message

    @staticmethod
    def _multipart(body: bytes, content_type: str) -> dict[str, Any]:
        """A file upload: fields as text, files as {"filename": …, "content": bytes}."""
        message = BytesParser(policy=default_policy).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            content = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename:
                params[name] = {"filename": filename, "content": content}
            else:
                text = content.decode()
                try:
                    params[name] = json.loads(text) if text[:1] in "[{" else text
                except ValueError:
                    params[name] = text
        return params

    @staticmethod
    def _params(raw: str, content_type: str) -> dict[str, Any]:
        if "json" in content_type:
            return json.loads(raw or "{}")
        params: dict[str, Any] = {}
        for key, value in parse_qsl(raw, keep_blank_values=True):
            try:
                params[key] = json.loads(value) if value[:1] in "[{" else value
            except ValueError:
                params[key] = value
        return params

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append(Call(method, params, time.monotonic()))
        if method in self.refusing:
            status = self.refusing[method]
            return status, {"ok": False, "error_code": status, "description": "Not Implemented"}
        if method == "getUpdates":
            offset = int(params.get("offset", 0) or 0)
            deadline = time.monotonic() + min(float(params.get("timeout", 0) or 0), 0.2)
            while True:
                with self.lock:
                    pending = [u for u in self.updates if u["update_id"] >= offset]
                if pending or time.monotonic() >= deadline:
                    return 200, {"ok": True, "result": pending}
                time.sleep(0.02)
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method in (
            "setMyCommands",
            "setMyDescription",
            "deleteWebhook",
            "answerCallbackQuery",
            "setWebhook",
            "deleteMessage",
            "setChatMenuButton",
        ):
            return 200, {"ok": True, "result": True}
        chat_id = int(params.get("chat_id", 0) or 0)
        with self.lock:
            queued = self.failures.get(chat_id)
            failure = queued.pop(0) if queued else self.always.get(chat_id)
        if failure is not None:
            status, description, parameters = failure
            body = {"ok": False, "error_code": status, "description": description}
            if parameters:
                body["parameters"] = parameters
            return status, body
        refusal = telegram_refusal(params)
        if refusal is not None:
            return 400, {"ok": False, "error_code": 400, "description": refusal}
        message = {
            "message_id": self._message_id(),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT,
        }
        if "text" in params:
            message["text"] = params["text"]
        if "caption" in params:
            message["caption"] = params["caption"]
        return 200, {
            "ok": True,
            "result": message,
        }
