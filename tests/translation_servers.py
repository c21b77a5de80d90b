"""Local HTTP servers that speak DeepL's and LibreTranslate's documented APIs.

They "translate" by marking every run of text outside translate="no" elements with the
target language, so tests can see both what was translated and what passed through.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PROTECTED = re.compile(r'(<span translate="no">.*?</span>)')


def fake_translate(marked_html: str, target: str) -> str:
    """Wrap each translatable run as ⟨LV:text⟩; protected spans stay as they are."""
    parts = []
    for piece in _PROTECTED.split(marked_html):
        if piece.startswith('<span translate="no">') or not piece.strip():
            parts.append(piece)
        else:
            lead = piece[: len(piece) - len(piece.lstrip())]
            tail = piece[len(piece.rstrip()) :]
            parts.append(f"{lead}⟨{target.upper()}:{piece.strip()}⟩{tail}")
    return "".join(parts)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class ApiServer:
    """A JSON API server; `respond` decides each answer as (status, body, headers)."""

    respond: Callable[[Recorded], tuple[int, Any, dict[str, str]]]
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                record = Recorded(self.command, self.path, dict(self.headers.items()), body)
                server.requests.append(record)
                status, answer, headers = server.respond(record)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class DeepLBehaviour:
    """DeepL's /v2/translate and /v2/glossaries, with its error codes on demand."""

    def __init__(self, key: str = "test-key:fx") -> None:
        self.key = key
        self.fail_next: list[int] = []  # statuses to answer before behaving
        self.glossaries: list[dict[str, Any]] = []

    def __call__(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        if request.headers.get("Authorization") != f"DeepL-Auth-Key {self.key}":
            return 403, {"message": "Wrong endpoint or authentication key"}, {}
        if self.fail_next:
            status = self.fail_next.pop(0)
            messages = {429: "Too many requests", 456: "Quota exceeded", 500: "Internal error"}
            return status, {"message": messages.get(status, "error")}, {}
        if request.path == "/v2/glossaries" and request.method == "GET":
            return 200, {"glossaries": self.glossaries}, {}
        if request.path == "/v2/glossaries":
            glossary = {
                "glossary_id": f"g-{len(self.glossaries) + 1}",
                "name": request.body["name"],
                "ready": True,
                "source_lang": request.body["source_lang"],
                "target_lang": request.body["target_lang"],
                "entry_count": len(request.body["entries"].splitlines()),
            }
            self.glossaries.append(glossary)
            return 201, glossary, {}
        if request.path == "/v2/translate":
            body = request.body
            if not isinstance(body.get("text"), list) or not body.get("target_lang"):
                return 400, {"message": "Value for 'text' or 'target_lang' not specified"}, {}
            if len(body["text"]) > 50:
                return 413, {"message": "Request Entity Too Large"}, {}
            if body["target_lang"] == "EN":
                return 400, {"message": "targetLang='en' is deprecated, use en-GB or en-US"}, {}
            source = body.get("source_lang", "EN")
            return (
                200,
                {
                    "translations": [
                        {
                            "detected_source_language": source,
                            "text": fake_translate(text, body["target_lang"]),
                        }
                        for text in body["text"]
                    ]
                },
                {},
            )
        return 404, {"message": "Not found"}, {}


class LibreTranslateBehaviour:
    """LibreTranslate's POST /translate with string or list input and its error shape."""

    def __init__(self, api_key: str | None = None, languages: tuple[str, ...] = ("en", "lv", "lt")):
        self.api_key = api_key
        self.languages = languages
        self.always_fail = False
        # (text, target language) → a real translation; anything else is fake_translate's.
        self.known: dict[tuple[str, str], str] = {}

    def __call__(self, request: Recorded) -> tuple[int, Any, dict[str, str]]:
        if request.path != "/translate" or request.method != "POST":
            return 404, {"error": "Not Found"}, {}
        body = request.body or {}
        if self.always_fail:
            return 500, {"error": "Cannot translate text: model crashed"}, {}
        if self.api_key and body.get("api_key") != self.api_key:
            return 403, {"error": "Invalid API key"}, {}
        for key in ("q", "source", "target"):
            if key not in body:
                return 400, {"error": f"Invalid request: missing {key} parameter"}, {}
        if body["target"] not in self.languages or body["source"] not in self.languages:
            return 400, {"error": f"{body['target']} is not supported"}, {}
        query = body["q"]
        target = body["target"]

        def one(text: str) -> str:
            return self.known.get((text, target)) or fake_translate(text, target)

        if isinstance(query, list):
            return 200, {"translatedText": [one(q) for q in query]}, {}
        return 200, {"translatedText": one(query)}, {}
