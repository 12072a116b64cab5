"""A small stand-in for Meta's Graph API on a loopback port, for the tests.

It speaks only the documented endpoints Sigap uses, over real HTTP in a thread:

- `POST /{version}/{phone-number-id}/messages`: a text, interactive or template message; answers
  `{"messaging_product", "contacts": [{"input", "wa_id"}], "messages": [{"id"}]}`;
- `GET /{version}/{media-id}`: `{"messaging_product", "url", "mime_type", "sha256",
  "file_size", "id"}`;
- `GET <url>`: the media file's bytes.

Every call needs `Authorization: Bearer <token>` (code 190 otherwise). Errors have
Graph's shape: `{"error": {"message", "type", "code", "error_data", "fbtrace_id"}}`.
A test programmes what goes wrong with `fail_next(...)` or by closing a number's
customer-service window (`window_closed`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

VERSION = "v21.0"


@dataclass
class Call:
    method: str
    path: str
    authorization: str
    body: dict[str, Any] | None


@dataclass
class FakeGraph:
    token: str = "test-access-token"
    phone_number_id: str = "106540352242922"
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    window_closed: set[str] = field(default_factory=set)  # numbers that get 131047 for text
    calls: list[Call] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # messages WhatsApp accepted
    _failures: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    _counter: int = 0

    # -- what a test programmes and reads ----------------------------------------
    def fail_next(self, status: int, code: int = 1, message: str = "An unknown error occurred"):
        """The next request (any endpoint) answers `status` with a Graph error body."""
        self._failures.append((status, _error(code, message)))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/{VERSION}"

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> FakeGraph:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- the endpoints -----------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return _answer(handler, 400, _error(100, "Invalid JSON"))
        path = urlsplit(handler.path).path
        call = Call(method, path, handler.headers.get("Authorization", ""), body)
        self.calls.append(call)
        if call.authorization != f"Bearer {self.token}":
            return _answer(handler, 401, _error(190, "Invalid OAuth access token."))
        if self._failures:
            status, error = self._failures.pop(0)
            return _answer(handler, status, error)
        parts = path.strip("/").split("/")
        if method == "POST" and parts == [VERSION, self.phone_number_id, "messages"]:
            return self._message(handler, call)
        if method == "GET" and len(parts) == 2 and parts[0] == VERSION:
            return self._media_info(handler, parts[1])
        if method == "GET" and len(parts) == 2 and parts[0] == "media":
            return self._media_file(handler, parts[1])
        return _answer(handler, 400, _error(100, f"Unsupported {method} request: {path}"))

    def _message(self, handler: BaseHTTPRequestHandler, call: Call) -> None:
        body = call.body or {}
        to, kind = body.get("to"), body.get("type")
        if body.get("messaging_product") != "whatsapp" or not to:
            return _answer(handler, 400, _error(100, "Invalid parameter"))
        if kind == "text":
            if not (body.get("text") or {}).get("body"):
                return _answer(handler, 400, _error(100, "text.body is required"))
            if to in self.window_closed:
                return _answer(
                    handler,
                    400,
                    _error(
                        131047,
                        "Re-engagement message",
                        "More than 24 hours have passed since the recipient last replied.",
                    ),
                )
        elif kind == "template":
            template = body.get("template") or {}
            if not template.get("name") or not (template.get("language") or {}).get("code"):
                return _answer(handler, 400, _error(132000, "Template name or language missing"))
        elif kind == "interactive":
            interactive = body.get("interactive") or {}
            if interactive.get("type") not in ("list", "button") or not (
                (interactive.get("body") or {}).get("text") and interactive.get("action")
            ):
                return _answer(handler, 400, _error(100, "interactive type, body and action"))
            if to in self.window_closed:
                return _answer(handler, 400, _error(131047, "Re-engagement message"))
        else:
            return _answer(handler, 400, _error(100, f"Unsupported message type {kind!r}"))
        self._counter += 1
        self.sent.append(body)
        wamid = f"wamid.FAKE{self._counter:06d}"
        return _answer(
            handler,
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid}],
            },
        )

    def _media_info(self, handler: BaseHTTPRequestHandler, media_id: str) -> None:
        if media_id not in self.media:
            return _answer(
                handler, 400, _error(100, f"Unsupported get request. Object {media_id} not found")
            )
        content, mime = self.media[media_id]
        port = self._server.server_address[1]
        return _answer(
            handler,
            200,
            {
                "messaging_product": "whatsapp",
                "url": f"http://127.0.0.1:{port}/media/{media_id}",
                "mime_type": mime,
                "sha256": hashlib.sha256(content).hexdigest(),
                "file_size": len(content),
                "id": media_id,
            },
        )

    def _media_file(self, handler: BaseHTTPRequestHandler, media_id: str) -> None:
        if media_id not in self.media:
            return _answer(handler, 404, _error(100, "Not found"))
        content, mime = self.media[media_id]
        handler.send_response(200)
        handler.send_header("Content-Type", mime)
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)


def _error(code: int, message: str, details: str = "") -> dict[str, Any]:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfGhIjK",
    }
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


def _answer(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
    data = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
