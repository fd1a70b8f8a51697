"""Telegram's webhook endpoint, on tornado's HTTP server running in the asyncio loop.

Tornado parses HTTP; this module only decides the status. A request is judged on its header
first (431, 404, 405, 403, 413 by Content-Length) and answered 200 only after ``receive`` has
returned, so Telegram is told an update arrived only once it is committed.

What tornado does by itself, before any code here sees the request (not counted in
``WebhookServer.rejected``; tornado logs one INFO line each on ``tornado.general``, no
traceback, not rate-limited):

* a header block without its terminating blank line within ``HEADER_HARD_LIMIT`` (1 MiB)
  bytes: tornado closes the connection without any response ("Unsatisfiable read"; the
  client reads EOF, or a TCP reset if it is still sending). Tornado's
  own default limit is 64 KiB, so it is raised to 1 MiB here and a header block over
  ``MAX_HEADER`` (64 KiB) is answered 431 by this module instead;
* a malformed request line or header field (a control byte, a byte over 0x7F in a field
  *name*, a line without a colon, obsolete line folding, a non-numeric Content-Length, an
  HTTP version other than 1.x): tornado writes a bare ``HTTP/1.1 400 Bad Request`` and
  closes the connection; the same for a malformed chunk in a chunked body;
* no complete header within ``IDLE_TIMEOUT`` or no complete body within ``BODY_TIMEOUT``:
  the connection is closed without a response.

Bytes 0x80-0xFF in a header *value* are legal for tornado (RFC 9110 obs-text); they reach this
module decoded as latin-1, are compared as those raw bytes, and a secret containing them
simply does not match (403).
"""

from __future__ import annotations

import collections
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from http.client import responses
from time import monotonic
from typing import Any, cast

from tornado import httputil
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.config import WEBHOOK_SECRET_MIN

log = logging.getLogger(__name__)

MAX_HEADER = 64 * 1024  # a larger header block is answered 431
HEADER_HARD_LIMIT = 1024 * 1024  # beyond this tornado closes the connection unanswered
IDLE_TIMEOUT = 60.0  # seconds a connection may take to send the next request's header
BODY_TIMEOUT = 30.0  # seconds a request may take to send its body
RETRY_AFTER = "5"  # seconds, sent with 503
SUMMARY_EVERY = 60.0  # seconds between two log lines about one rejected status
NO_LIMIT = 1 << 256  # above any length tornado can parse: body limits are enforced here
SECRET = re.compile(r"[A-Za-z0-9_-]{%d,256}" % WEBHOOK_SECRET_MIN)  # Telegram's alphabet; too long to guess


class WebhookServer(httputil.HTTPServerConnectionDelegate):
    """Receives Telegram's webhook POSTs; answers 200 only after `receive` has committed the update.

    ``receive`` is called on the event loop (SQLite connections belong to their thread) with
    a list holding one raw update dict; if it raises, the answer is 503 with Retry-After and
    one warning line. Every 4xx answer is counted in ``rejected`` by status and summarised in
    the log at most once per status per minute.
    """

    def __init__(self, receive: Callable[[list[dict[str, Any]]], object], secret: str, *, path: str = "/telegram",
                 max_body: int = 1_000_000) -> None:
        if not SECRET.fullmatch(secret):
            raise ValueError(f"the webhook secret must be {WEBHOOK_SECRET_MIN}-256 characters of A-Z, a-z, 0-9, _ and -")
        self.receive = receive
        self.secret = secret.encode("ascii")
        self.path = path
        self.max_body = max_body
        self.rejected: collections.Counter[int] = collections.Counter()
        self._unlogged: collections.Counter[int] = collections.Counter()
        self._logged_at: dict[int, float] = {}
        self._started_at = monotonic()
        self._server: HTTPServer | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port in the running loop; returns the bound port (port 0: any free one)."""
        if self._server is not None:
            raise RuntimeError("the webhook server is already running")
        sockets = bind_sockets(port, host)
        # Size limits are enforced here, not by tornado, so that they are answered 413/431;
        # tornado's own limits answer 400 (body) or nothing at all (header).
        server = HTTPServer(self, max_header_size=HEADER_HARD_LIMIT, max_body_size=NO_LIMIT,
                            idle_connection_timeout=IDLE_TIMEOUT, body_timeout=BODY_TIMEOUT)
        server.add_sockets(sockets)
        self._server, self._started_at = server, monotonic()
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening, close every connection and log what is left of the summaries."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        await server.close_all_connections()
        now = monotonic()
        for status in sorted(s for s, n in self._unlogged.items() if n):
            self._summarise(status, now)

    # --- tornado's HTTPServerConnectionDelegate ------------------------------------------------
    def start_request(self, server_conn: object,
                      request_conn: httputil.HTTPConnection) -> httputil.HTTPMessageDelegate:
        return _Request(self, request_conn)

    # --- decisions ----------------------------------------------------------------------------
    def screen(self, start_line: httputil.RequestStartLine, headers: httputil.HTTPHeaders) -> int | None:
        """The status a request is refused with, judged on its header alone; None: read the body."""
        size = len(start_line.method) + len(start_line.path) + len(start_line.version) + 4
        size += sum(len(name) + len(value) + 4 for name, value in headers.get_all())
        if size > MAX_HEADER:
            return 431
        if start_line.path.partition("?")[0] != self.path:
            return 404
        if start_line.method != "POST":
            return 405
        token = headers.get("X-Telegram-Bot-Api-Secret-Token")
        # tornado decoded the header bytes as latin-1: encoding back gives the bytes sent
        if token is None or not hmac.compare_digest(token.encode("latin-1", "replace"), self.secret):
            return 403
        return None

    def accept(self, body: bytes) -> int:
        """Validate one update and hand it to ``receive``; returns the status to answer."""
        try:
            update = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
            return 400
        if not isinstance(update, dict) or type(update.get("update_id")) is not int:
            return 400
        try:
            self.receive([update])
        except Exception as error:  # the update is not stored: Telegram must send it again
            log.warning("webhook: update %s not stored, answered 503 (%s: %s)",
                        update["update_id"], type(error).__name__, error)
            return 503
        return 200

    def count(self, status: int) -> None:
        """Count a rejected request; log a summary if this status had none for a minute."""
        self.rejected[status] += 1
        self._unlogged[status] += 1
        now = monotonic()
        if now - self._logged_at.get(status, -SUMMARY_EVERY) >= SUMMARY_EVERY:
            self._summarise(status, now)

    def _summarise(self, status: int, now: float) -> None:
        since = self._logged_at.get(status, self._started_at)
        log.warning("webhook: %d request(s) rejected with %d %s in the last %.0f s", self._unlogged[status],
                    status, responses.get(status, ""), now - since)
        self._unlogged[status] = 0
        self._logged_at[status] = now


def _declares_more_than(content_length: str | None, limit: int) -> bool:
    digits = (content_length or "").strip().lstrip("0")
    return digits.isascii() and digits.isdigit() and (len(digits) > len(str(limit)) or int(digits) > limit)


class _Request(httputil.HTTPMessageDelegate):
    """One request: screened on its header, answered when its body is complete or too large.

    A request refused on its header alone is still read to its end (at most ``max_body``
    bytes) so that the connection stays usable; one whose body is too large is answered at
    once and its connection closed.
    """

    def __init__(self, server: WebhookServer, conn: httputil.HTTPConnection) -> None:
        self.server, self.conn = server, conn
        self.status: int | None = None
        self.body = bytearray()
        self.size = 0
        self.answered = False

    def headers_received(self, start_line: httputil.RequestStartLine | httputil.ResponseStartLine,
                         headers: httputil.HTTPHeaders) -> Awaitable[None] | None:
        self.status = self.server.screen(cast(httputil.RequestStartLine, start_line), headers)
        if self.status == 431 or _declares_more_than(headers.get("Content-Length"), self.server.max_body):
            return self.answer(self.status or 413, close=True)
        return None

    def data_received(self, chunk: bytes) -> Awaitable[None] | None:
        if self.answered:
            return None
        self.size += len(chunk)
        if self.size > self.server.max_body:
            self.body.clear()
            return self.answer(self.status or 413, close=True)
        if self.status is None:
            self.body += chunk
        return None

    def finish(self) -> None:
        if not self.answered:
            self.answer(self.status or self.server.accept(bytes(self.body)))

    def on_connection_close(self) -> None:
        self.body.clear()

    def answer(self, status: int, *, close: bool = False) -> Awaitable[None]:
        """Send an empty response; ``close`` when the body is left unread (tornado then closes).

        The returned future resolves once the response is written and, with ``close``, the
        connection closed, so tornado reads nothing more of this request.
        """
        self.answered = True
        if 400 <= status < 500:
            self.server.count(status)
        headers = httputil.HTTPHeaders({"Content-Length": "0"})
        if status == 503:
            headers["Retry-After"] = RETRY_AFTER
        if close:
            headers["Connection"] = "close"
        written = self.conn.write_headers(
            httputil.ResponseStartLine("HTTP/1.1", status, responses.get(status, "Unknown")), headers)
        self.conn.finish()
        return written
