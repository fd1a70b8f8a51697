"""A Bot API stand-in on loopback, over real HTTP, for end-to-end runs of the real bot.

:class:`BotApiServer` serves ``POST/GET {base_url}/bot<token>/<method>`` the way Telegram
does, so ``regiecoach run`` (or any python-telegram-bot ``Bot``) can be pointed at it with
``TELEGRAM_API_BASE_URL=server.base_url``. The method semantics are those of
:class:`telegram_doubles.fake_api.FakeBotApi` (limits, "message is not modified", 403 for a
user who blocked the bot, 429 floods, HTML parsing), reached by composition: every HTTP
request becomes ``(method, params)`` and goes to the same ``api_<method>`` handler, and is
recorded in ``server.api.calls``. On top of that the server has what only a real server
needs: an update queue with ``getUpdates`` offsets, redelivery and long polling, the
token check, webhook/close/logOut, and methods a test uses to play users.

Request bodies are decoded as python-telegram-bot's ``HTTPXRequest`` sends them —
``application/x-www-form-urlencoded``, or ``multipart/form-data`` when a file is uploaded —
and JSON bodies are accepted too. In forms every value is a string: PTB sends strings
as they are and JSON-encodes everything else (ints become ``"123"``, bools ``"true"``,
markups and lists JSON text), so JSON objects/arrays are decoded back and the rest stays a
string (FakeBotApi does ``int(...)`` where it needs a number). File parts go into
``params["files"][field]`` as bytes, as ``FakeBotApi.do_request`` does.

The HTTP side is a ``ThreadingHTTPServer`` (one thread per connection, so a long poll never
blocks a send); all shared state is guarded by one condition variable. Only 127.0.0.1.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tornado import httputil

from telegram_doubles.fake_api import (
    BOT_USER,
    ApiCall,
    ApiError,
    ChatMessage,
    FakeBotApi,
)

DEFAULT_TOKEN = "123456:TEST-TOKEN"
MAX_POLL_TIMEOUT = 50  # Telegram's own ceiling for getUpdates' timeout
# Update kinds Telegram leaves out unless asked for by name (allowed_updates absent or []).
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
# Form fields that are free text: never JSON-decoded, even if they look like "[1, 2]".
TEXT_FIELDS = {
    "text", "caption", "description", "short_description", "name", "title", "url", "secret_token",
    "parse_mode", "callback_query_id", "inline_message_id", "question", "explanation", "query",
    "emoji", "payload", "start_parameter", "currency", "ip_address", "business_connection_id",
    "photo", "document", "audio", "video", "voice", "sticker", "animation", "file_id", "certificate",
}
_BOT_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]*)/?")


# --- decoding requests ----------------------------------------------------------------
def decode_value(key: str, value: Any) -> Any:
    """A form value as the handlers expect it: JSON objects/arrays decoded, the rest kept."""
    if not isinstance(value, str) or key in TEXT_FIELDS:
        return value
    stripped = value.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            return value
    return value


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


def decode_params(handler: BaseHTTPRequestHandler, query: str, body: bytes) -> dict[str, Any]:
    """Query string plus body (form, multipart or JSON) as one params dict; forms are parsed by
    tornado's ``httputil`` (as tornado's own server does), which raises on a malformed body."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, bytes] = {}
    if handler.headers.get_content_type() == "application/json":
        data = json.loads(body) if body.strip() else {}
        if not isinstance(data, dict):
            raise ValueError("the JSON body must be an object")
        params.update(data)
    elif body:
        arguments: dict[str, list[bytes]] = {}
        uploads: dict[str, list[httputil.HTTPFile]] = {}
        try:
            httputil.parse_body_arguments(handler.headers.get("Content-Type", "application/x-www-form-urlencoded"),
                                          body, arguments, uploads)
        except httputil.HTTPInputError as error:
            raise ValueError(str(error)) from None
        params.update({name: values[-1].decode("utf-8") for name, values in arguments.items()})
        files = {name: parts[-1].body for name, parts in uploads.items()}
    params = {key: decode_value(key, value) for key, value in params.items()}
    if files:
        params["files"] = files
    return params


def flag(value: Any) -> bool:
    return value is True or (isinstance(value, (str, int)) and str(value).lower() in ("true", "1"))


def envelope_error(code: int, description: str, **parameters: Any) -> dict:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


# --- HTTP plumbing ----------------------------------------------------------------------
class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # Python's default listen backlog of 5 resets connections under load
    owner: BotApiServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-answer (a killed bot) is normal here; anything else is
        # a bug in the stand-in, kept where a test can see it.
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            self.owner.errors.append(error)  # type: ignore[arg-type]
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms ACK stall
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        return None

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._track(self.connection, add=False)

    def do_POST(self) -> None:
        self.server.owner._serve_http(self)

    do_GET = do_POST

    def answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # the client hung up (e.g. the bot was killed mid long poll)
            self.close_connection = True


# --- the server ---------------------------------------------------------------------------
class BotApiServer:
    """The Bot API on ``http://127.0.0.1:<port>``, with users a test can play.

    Use as ``with BotApiServer() as server:`` (or ``start()``/``stop()``), point the bot at
    ``server.base_url``, then drive it with :meth:`send_text`, :meth:`tap`, :meth:`press`
    and read what users see with :meth:`messages`/:meth:`last_text`, waiting with
    :meth:`wait_for`. ``server.api`` is the :class:`FakeBotApi` behind it
    (``api.blocked``, ``api.floods``, ``api.retry_after``, ``api.calls``); hold
    ``server.lock`` when changing it from the test thread, or use :meth:`block`/:meth:`flood`.
    """

    def __init__(self, token: str = DEFAULT_TOKEN, *, port: int = 0, api: FakeBotApi | None = None) -> None:
        self.token = token
        self.api = api or FakeBotApi()
        self.lock = threading.Condition(threading.RLock())
        self.errors: list[BaseException] = []  # unexpected exceptions inside the stand-in
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._closing = False
        # updates
        self._update_ids = itertools.count(1)
        self._pending: list[dict] = []  # not yet confirmed, oldest first
        self.deliveries: dict[int, int] = {}  # update_id -> times handed out by getUpdates
        self.confirmed_below = 1  # every update_id < this was confirmed by an offset
        self._allowed: list[str] | None = None  # None: Telegram's default selection
        self._poll_generation = 0
        # webhook / commands / injected failures
        self.webhook_url = ""
        self.commands: list[dict] = []
        self._failures: dict[str, list[tuple[int, str, dict]]] = {}
        # users
        self._profiles: dict[int, dict] = {}
        self._query_ids: dict[int, list[str]] = {}
        self._query_counter = itertools.count(1)
        self._handlers: dict[str, tuple[str, Callable[[dict], Any]]] = {}
        own = {
            "getUpdates": self._get_updates, "getMe": self._get_me, "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook, "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands, "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands, "close": self._ok, "logOut": self._ok,
        }
        for name in dir(self.api):
            if name.startswith("api_"):
                self._handlers[name[4:].lower()] = (name[4:], getattr(self.api, name))
        for name, handler in own.items():
            self._handlers[name.lower()] = (name, handler)

    # --- life cycle ---------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def bot_url(self) -> str:
        """What PTB's ``Bot(base_url=...)`` takes: the root plus ``/bot``."""
        return f"{self.base_url}/bot"

    def start(self) -> BotApiServer:
        """Listen (again, on the same port after a :meth:`stop`) in a background thread."""
        if self._httpd is not None:
            return self
        self._closing = False
        httpd = _HTTPServer(("127.0.0.1", self._port), _Handler)
        httpd.owner = self
        self._port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"botapi-server-{self._port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, end long polls and drop open connections; the state is kept."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        with self.lock:
            self._closing = True
            self.lock.notify_all()
        httpd.shutdown()
        with self.lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _track(self, connection: socket.socket, *, add: bool) -> None:
        with self.lock:
            (self._connections.add if add else self._connections.discard)(connection)

    # --- HTTP -> (method, params) -----------------------------------------------------------
    def _serve_http(self, handler: _Handler) -> None:
        arrived = time.monotonic()  # before the body is read and parsed: when Telegram would count it
        url = urlsplit(handler.path)
        try:
            body = read_body(handler)
        except (OSError, ValueError):
            handler.close_connection = True
            return
        match = _BOT_PATH.fullmatch(url.path)
        if match is None or not match["method"]:
            handler.answer(404, envelope_error(404, "Not Found"))
            return
        if match["token"] != self.token:
            handler.answer(401, envelope_error(401, "Unauthorized"))
            return
        try:
            params = decode_params(handler, url.query, body)
        except (ValueError, UnicodeDecodeError) as error:
            handler.answer(400, envelope_error(400, f"Bad Request: can't parse request: {error}"))
            return
        status, payload = self.dispatch(match["method"], params, arrived)
        handler.answer(status, payload)

    def dispatch(self, method: str, params: dict[str, Any], arrived: float) -> tuple[int, dict]:
        """Answer one Bot API call as ``(HTTP status, JSON envelope)``; records it."""
        name, handler = self._handlers.get(method.lower(), (method, None))
        with self.lock:
            self.api.calls.append(ApiCall(name, params, arrived))
            try:
                failures = self._failures.get(name)
                if failures:
                    code, description, parameters = failures.pop(0)
                    raise ApiError(code, description, **parameters)
                if handler is None:
                    raise ApiError(404, "Not Found")
                result = handler(params)
                # serialise under the lock: results may be live objects of the fake
                payload = json.loads(json.dumps({"ok": True, "result": result}))
                status = 200
            except ApiError as error:
                status, payload = error.code, envelope_error(error.code, error.description, **error.extra)
            except KeyError as error:
                status, payload = 400, envelope_error(400, f"Bad Request: parameter {error.args[0]} is required")
            except (ValueError, TypeError) as error:
                status, payload = 400, envelope_error(400, f"Bad Request: {error}")
            except Exception as error:  # a bug in the stand-in: visible to the test
                self.errors.append(error)
                status, payload = 500, envelope_error(500, f"Internal Server Error: {error!r}")
            self.lock.notify_all()
        return status, payload

    # --- methods the fake lacks ------------------------------------------------------------
    @staticmethod
    def _ok(params: dict) -> bool:
        return True

    def _get_me(self, params: dict) -> dict:
        return dict(BOT_USER)

    def _set_webhook(self, params: dict) -> bool:
        self.webhook_url = str(params.get("url", ""))
        if "allowed_updates" in params:
            self._set_allowed(params["allowed_updates"])
        if flag(params.get("drop_pending_updates")):
            self._pending.clear()
        return True

    def _delete_webhook(self, params: dict) -> bool:
        self.webhook_url = ""
        if flag(params.get("drop_pending_updates")):
            self._pending.clear()
        return True

    def _get_webhook_info(self, params: dict) -> dict:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._pending)}

    def _set_my_commands(self, params: dict) -> bool:
        self.api.api_setMyCommands(params)  # its checks
        self.commands = list(params["commands"])
        return True

    def _get_my_commands(self, params: dict) -> list:
        return self.commands

    def _delete_my_commands(self, params: dict) -> bool:
        self.commands = []
        return True

    # --- updates -------------------------------------------------------------------------------
    def _set_allowed(self, allowed: Any) -> None:
        self._allowed = list(allowed) if allowed else None

    def _wanted(self, update: dict) -> bool:
        kind = next(key for key in update if key != "update_id")
        return kind in self._allowed if self._allowed is not None else kind not in NOT_BY_DEFAULT

    def _confirm(self, offset: int) -> None:
        if offset < 0:  # Telegram: keep only the last -offset updates, forget the rest
            keep = self._pending[offset:]
            if keep:
                self.confirmed_below = max(self.confirmed_below, keep[0]["update_id"])
            self._pending = keep
            return
        self.confirmed_below = max(self.confirmed_below, offset)
        self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def _get_updates(self, params: dict) -> list:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        if params.get("offset") not in (None, ""):
            self._confirm(int(params["offset"]))
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), MAX_POLL_TIMEOUT)
        if "allowed_updates" in params:
            self._set_allowed(params["allowed_updates"])
        # A newer getUpdates ends an older one still waiting, as Telegram does.
        self._poll_generation += 1
        generation = self._poll_generation
        self.lock.notify_all()
        deadline = time.monotonic() + timeout
        while not self._pending and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self.lock.wait(remaining)
            if generation != self._poll_generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                    "make sure that only one bot instance is running")
        if self._closing:
            return []
        batch = self._pending[:limit]
        for update in batch:
            self.deliveries[update["update_id"]] = self.deliveries.get(update["update_id"], 0) + 1
        return batch

    def add_update(self, payload: dict) -> int | None:
        """Queue a raw update (``{"message": {...}}`` etc.); returns its update_id, or None
        if the bot's ``allowed_updates`` excludes that kind (Telegram drops it)."""
        with self.lock:
            update = {"update_id": next(self._update_ids), **copy.deepcopy(payload)}
            if not self._wanted(update):
                return None
            self._pending.append(update)
            self.lock.notify_all()
            return update["update_id"]

    def reset_update_ids(self, start: int) -> None:
        """Telegram after a week without updates: the next update_id is chosen anew (here
        ``start``, possibly lower than every earlier one)."""
        with self.lock:
            self._update_ids = itertools.count(start)

    def pending(self) -> list[dict]:
        """Updates not yet confirmed by an offset (delivered or not), oldest first."""
        with self.lock:
            return copy.deepcopy(self._pending)

    def is_confirmed(self, update_id: int) -> bool:
        with self.lock:
            return update_id < self.confirmed_below

    def wait_confirmed(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until the bot confirmed ``update_id`` with a later getUpdates offset."""
        self.wait_for(lambda: self.is_confirmed(update_id), timeout,
                      f"update {update_id} was not confirmed within {timeout} s")

    # --- playing users -----------------------------------------------------------------------
    def _profile(self, user_id: int, language_code: str | None = None, first_name: str | None = None) -> dict:
        profile = self._profiles.setdefault(user_id, {"id": user_id, "is_bot": False, "first_name": "Alex",
                                                      "language_code": "en"})
        if first_name is not None:
            profile["first_name"] = first_name
        if language_code is not None:
            profile["language_code"] = language_code
        return dict(profile)

    def _private_chat(self, user_id: int) -> dict:
        return {"id": user_id, "type": "private", "first_name": self._profiles[user_id]["first_name"]}

    def send_text(self, user_id: int, text: str, *, language_code: str | None = "en",
                  first_name: str | None = None, **extra: Any) -> int:
        """The user writes ``text`` in their private chat; returns the update_id.

        ``language_code=None`` keeps what the user had (``"en"`` for a new user); pass
        ``language_code=""`` for a user whose client sends none.
        """
        with self.lock:
            profile = self._profile(user_id, language_code, first_name)
            if profile.get("language_code") == "":
                profile.pop("language_code")
            message: dict[str, Any] = {"message_id": next(self.api._ids), "date": int(time.time()),
                                       "chat": self._private_chat(user_id), "from": profile, "text": text,
                                       **extra}
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            update_id = self.add_update({"message": message})
            assert update_id is not None, "the bot's allowed_updates exclude messages"
            return update_id

    def press(self, user_id: int, callback_data: str, message_id: int | None = None) -> int:
        """The user presses a button with ``callback_data`` on the bot's message ``message_id``
        (default: the newest bot message in the chat); returns the update_id."""
        with self.lock:
            profile = self._profile(user_id)
            if profile.get("language_code") == "":
                profile.pop("language_code")
            if message_id is None:
                chat = self.api.chat(user_id)
                message = chat[-1] if chat else None
            else:
                message = self.api.messages.get((user_id, int(message_id)))
                if message is None:
                    raise AssertionError(f"no bot message {message_id} in the chat with {user_id}")
            query_id = str(next(self._query_counter))
            self._query_ids.setdefault(user_id, []).append(query_id)
            query: dict[str, Any] = {"id": query_id, "from": profile, "chat_instance": f"ci{user_id}",
                                     "data": callback_data}
            if message is not None:
                query["message"] = self.api._message_json(message)
            update_id = self.add_update({"callback_query": query})
            assert update_id is not None, "the bot's allowed_updates exclude callback queries"
            return update_id

    def tap(self, user_id: int, label: str) -> ChatMessage:
        """Press the button ``label`` on the newest bot message in the chat that has one;
        returns (a copy of) that message."""
        with self.lock:
            chat = self.api.chat(user_id)
            for message in reversed(chat):
                for button in message.buttons():
                    if button["text"] == label and "callback_data" in button:
                        self.press(user_id, button["callback_data"], message.message_id)
                        return copy.deepcopy(message)
            last = repr(chat[-1].text) if chat else "nothing (the chat is empty)"
            raise AssertionError(f"no button {label!r} in the chat with {user_id}; last: {last}")

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends to them give 403; the bot gets a my_chat_member update."""
        with self.lock:
            self.api.blocked.add(user_id)
            if notify:
                self._member_update(user_id, "member", "kicked")

    def unblock(self, user_id: int, *, notify: bool = True) -> None:
        with self.lock:
            self.api.blocked.discard(user_id)
            if notify:
                self._member_update(user_id, "kicked", "member")

    def _member_update(self, user_id: int, old: str, new: str) -> None:
        profile = self._profile(user_id)
        self.add_update({"my_chat_member": {
            "chat": self._private_chat(user_id), "from": profile, "date": int(time.time()),
            "old_chat_member": {"status": old, "user": BOT_USER, **({"until_date": 0} if old == "kicked" else {})},
            "new_chat_member": {"status": new, "user": BOT_USER, **({"until_date": 0} if new == "kicked" else {})},
        }})

    def flood(self, chat_id: int, times: int = 1, retry_after: int | None = None) -> None:
        """The next ``times`` sends/edits to ``chat_id`` get 429 with ``retry_after``."""
        with self.lock:
            self.api.floods[chat_id] = self.api.floods.get(chat_id, 0) + times
            if retry_after is not None:
                self.api.retry_after = retry_after

    def fail(self, method: str, code: int, description: str, *, times: int = 1, **parameters: Any) -> None:
        """The next ``times`` calls of ``method`` (any chat) fail with this error, e.g.
        ``fail("getUpdates", 429, "Too Many Requests: retry after 2", retry_after=2)`` or
        ``fail("sendMessage", 502, "Bad Gateway")``."""
        name = self._handlers.get(method.lower(), (method, None))[0]
        with self.lock:
            self._failures.setdefault(name, []).extend([(code, description, parameters)] * times)

    # --- reading what users see -------------------------------------------------------------
    def messages(self, user_id: int) -> list[ChatMessage]:
        """Snapshots of the bot's messages in the chat, oldest first (edits applied)."""
        with self.lock:
            return copy.deepcopy(self.api.chat(user_id))

    def last(self, user_id: int) -> ChatMessage:
        chat = self.messages(user_id)
        if not chat:
            raise AssertionError(f"the bot has sent nothing to {user_id}")
        return chat[-1]

    def last_text(self, user_id: int) -> str:
        return self.last(user_id).text

    def toasts(self, user_id: int) -> list[str]:
        """The notices answered to this user's button presses, '' where none was shown."""
        with self.lock:
            ids = set(self._query_ids.get(user_id, []))
            return [call.params.get("text", "") for call in self.api.calls_to("answerCallbackQuery")
                    if str(call.params.get("callback_query_id")) in ids]

    def calls_to(self, method: str) -> list[ApiCall]:
        with self.lock:
            return list(self.api.calls_to(method))

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, message: str | None = None,
                 interval: float = 0.02) -> Any:
        """Poll until ``predicate()`` is truthy and return it; AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(message or f"condition not met within {timeout} s")
            time.sleep(interval)

    def wait_for_message(self, user_id: int, count: int, timeout: float = 10.0) -> ChatMessage:
        """Wait until the chat holds at least ``count`` bot messages; returns the newest."""
        def enough() -> bool:
            return len(self.messages(user_id)) >= count
        try:
            self.wait_for(enough, timeout)
        except AssertionError:
            chat = self.messages(user_id)
            raise AssertionError(f"{user_id} got {len(chat)} messages, not {count}, within {timeout} s; "
                                 f"last: {chat[-1].text if chat else None!r}") from None
        return self.last(user_id)
