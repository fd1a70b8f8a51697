"""An offline stand-in for the Bot API, and users who talk to the real Application.

:class:`FakeBotApi` is a ``BaseRequest`` (python-telegram-bot's own offline-testing hook):
it answers the methods we use with Telegram's semantics — message ids, edits, the 4096
character and 64-byte callback-data limits, "message is not modified", 403 for a user who
blocked the bot — and records every call. No socket is opened.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl

from telegram import Update
from telegram.ext import Application
from telegram.request import RequestData

from telegram_doubles import OfflineRequest

BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Regiecoach", "username": "regiecoach_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class ChatMessage:
    message_id: int
    chat_id: int
    text: str
    reply_markup: dict | None = None
    kind: str = "text"  # text | photo | document
    edits: int = 0

    def buttons(self) -> list[dict]:
        if not self.reply_markup:
            return []
        return [button for row in self.reply_markup["inline_keyboard"] for button in row]

    def labels(self) -> list[str]:
        return [button["text"] for button in self.buttons()]


class ApiError(Exception):
    def __init__(self, code: int, description: str, **extra: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.extra = code, description, extra


ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "tg-spoiler",
                "blockquote", "span"}


class _EntityParser(HTMLParser):
    """Telegram's HTML parse mode: known tags, balanced, entities decoded to plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ALLOWED_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: unsupported start tag \"{tag}\"")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: unexpected end tag \"{tag}\"")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> str:
    parser = _EntityParser()
    parser.feed(text)
    parser.close()
    if parser.open:
        raise ApiError(400, "Bad Request: can't parse entities: unclosed start tag")
    return "".join(parser.text)


@dataclass
class FakeBotApi(OfflineRequest):
    calls: list[ApiCall] = field(default_factory=list)
    messages: dict[tuple[int, int], ChatMessage] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    floods: dict[int, int] = field(default_factory=dict)  # chat id -> 429 answers still to give
    retry_after: int = 1
    # method -> what its next calls meet: an exception (a network fault) or (HTTP status, description)
    failures: dict[str, list[Exception | tuple[int, str]]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def fail(self, method: str, failure: Exception | tuple[int, str], times: int = 1) -> None:
        """The next ``times`` calls of ``method`` fail with ``failure`` (and do nothing else)."""
        self.failures.setdefault(method, []).extend([failure] * times)


    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None) -> tuple[int, bytes]:
        name, _, query = url.rsplit("/", 1)[-1].partition("?")
        params = {key: json.loads(value) if value[:1] in "[{" else value for key, value in parse_qsl(query)}
        params |= dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            params["files"] = {key: value[1] for key, value in request_data.multipart_data.items()}
        self.calls.append(ApiCall(name, params))
        handler = getattr(self, f"api_{name}", None)
        failures = self.failures.get(name)
        if failures:
            failure = failures.pop(0)
            if isinstance(failure, Exception):
                raise failure  # as the HTTP client would: e.g. NetworkError("httpx.ReadError: …")
            code, description = failure
            return code, json.dumps({"ok": False, "error_code": code, "description": description}).encode()
        try:
            if handler is None:
                raise ApiError(404, f"Not Found: method {name} is not served by FakeBotApi")
            result = handler(params)
        except ApiError as error:
            body = {"ok": False, "error_code": error.code, "description": error.description}
            if error.extra:
                body["parameters"] = error.extra
            return error.code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # --- methods ------------------------------------------------------------------------
    def api_getMe(self, params: dict) -> dict:
        return BOT_USER

    def api_setMyCommands(self, params: dict) -> bool:
        for command in params["commands"]:
            if not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        return True

    def api_deleteMyCommands(self, params: dict) -> bool:
        return True

    def api_deleteWebhook(self, params: dict) -> bool:
        return True

    def api_getUpdates(self, params: dict) -> list:
        return []

    def api_answerCallbackQuery(self, params: dict) -> bool:
        if len(params.get("text", "")) > 200:
            raise ApiError(400, "Bad Request: text is too long")
        return True

    def _check_markup(self, params: dict) -> dict | None:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data", "")
                if not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _chat(self, params: dict) -> int:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self.floods.get(chat_id):
            self.floods[chat_id] -= 1
            raise ApiError(429, f"Too Many Requests: retry after {self.retry_after}", retry_after=self.retry_after)
        return chat_id

    def _message_json(self, message: ChatMessage) -> dict:
        chat_type = "private" if message.chat_id > 0 else "group"
        payload: dict[str, Any] = {
            "message_id": message.message_id, "date": int(time.time()),
            "chat": {"id": message.chat_id, "type": chat_type}, "from": BOT_USER,
        }
        if message.kind == "text":
            payload["text"] = message.text
        elif message.kind == "photo":
            payload["photo"] = [{"file_id": f"photo{message.message_id}", "file_unique_id": f"p{message.message_id}",
                                 "width": 1200, "height": 1200}]
            payload["caption"] = message.text
        else:
            payload["document"] = {"file_id": f"doc{message.message_id}", "file_unique_id": f"d{message.message_id}"}
            payload["caption"] = message.text
        if message.reply_markup:
            payload["reply_markup"] = message.reply_markup
        return payload

    def _store(self, chat_id: int, text: str, markup: dict | None, kind: str) -> dict:
        message = ChatMessage(next(self._ids), chat_id, text, markup, kind)
        self.messages[(chat_id, message.message_id)] = message
        return self._message_json(message)

    @staticmethod
    def _text(params: dict, key: str = "text") -> str:
        """What the user reads: the text as Telegram shows it after parsing the markup."""
        text = params.get(key, "")
        return parse_html(text) if params.get("parse_mode") == "HTML" else text

    def api_sendMessage(self, params: dict) -> dict:
        chat_id = self._chat(params)
        if len(params["text"]) > 4096:  # checked before parsing, as Telegram effectively does
            raise ApiError(400, "Bad Request: message is too long")
        text = self._text(params)
        if not text or len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long" if text else "Bad Request: message text is empty")
        return self._store(chat_id, text, self._check_markup(params), "text")

    def api_sendPhoto(self, params: dict) -> dict:
        chat_id = self._chat(params)
        caption = self._text(params, "caption")
        if len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return self._store(chat_id, caption, self._check_markup(params), "photo")

    def api_sendDocument(self, params: dict) -> dict:
        chat_id = self._chat(params)
        return self._store(chat_id, self._text(params, "caption"), self._check_markup(params), "document")

    def api_editMessageText(self, params: dict) -> dict:
        chat_id = self._chat(params)
        message = self.messages.get((chat_id, int(params["message_id"])))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if len(params["text"]) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        text, markup = self._text(params), self._check_markup(params)
        if text == message.text and markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content "
                                "and reply markup are exactly the same as a current content and reply markup")
        message.text, message.reply_markup = text, markup
        message.edits += 1
        return self._message_json(message)

    # --- reading what users see -----------------------------------------------------------
    def chat(self, chat_id: int) -> list[ChatMessage]:
        return [m for (c, _), m in sorted(self.messages.items()) if c == chat_id]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def texts_to(self, chat_id: int) -> list[str]:
        """Every text, caption and toast ever shown in ``chat_id`` (edited-away ones too), as read."""
        shown = [self._text(call.params, "caption" if "caption" in call.params else "text") for call in self.calls
                 if call.method in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")
                 and str(call.params.get("chat_id")) == str(chat_id)]
        return shown

    def callbacks_seen(self, chat_id: int) -> list[str]:
        """The callback data of every button ever shown in ``chat_id`` (edited-away ones too)."""
        seen: list[str] = []
        for call in self.calls:
            if str(call.params.get("chat_id")) != str(chat_id):
                continue
            markup = call.params.get("reply_markup")
            markup = json.loads(markup) if isinstance(markup, str) else markup
            for row in (markup or {}).get("inline_keyboard", []):
                seen += [button["callback_data"] for button in row if "callback_data" in button]
        return list(dict.fromkeys(seen))

    def menu_of(self, chat_id: int) -> list[str] | None:
        """The commands last set in ``chat_id``'s own menu (None: removed or never set)."""
        for call in reversed(self.calls):
            scope = call.params.get("scope")
            scope = json.loads(scope) if isinstance(scope, str) else scope
            if call.method in ("setMyCommands", "deleteMyCommands") and scope and scope.get("chat_id") == chat_id:
                if call.method == "deleteMyCommands":
                    return None
                commands = call.params["commands"]
                commands = json.loads(commands) if isinstance(commands, str) else commands
                return [command["command"] for command in commands]
        return None


class TelegramUser:
    """A person in a private chat with the bot, who only reads what it sends."""

    _update_ids = itertools.count(1)
    _message_ids = itertools.count(10_000_000)

    def __init__(self, application: Application, api: FakeBotApi, user_id: int,
                 language_code: str | None = "en", first_name: str = "Alex") -> None:
        self.application, self.api, self.id = application, api, user_id
        self.profile = {"id": user_id, "is_bot": False, "first_name": first_name}
        self.query_ids: list[str] = []
        if language_code:
            self.profile["language_code"] = language_code

    # --- building updates -------------------------------------------------------------
    def _chat(self, chat: dict | None = None) -> dict:
        return chat or {"id": self.id, "type": "private", "first_name": self.profile["first_name"]}

    def message_update(self, text: str | None = None, *, chat: dict | None = None,
                       edited: bool = False, **extra: Any) -> Update:
        message: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                                   "chat": self._chat(chat), "from": self.profile, **extra}
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if edited:
            message["edit_date"] = int(time.time())
        key = "edited_message" if edited else "message"
        return Update.de_json({"update_id": next(self._update_ids), key: message}, self.application.bot)

    def callback_update(self, data: str, message: ChatMessage | None = None) -> Update:
        self.query_ids.append(str(next(self._update_ids)))
        query: dict[str, Any] = {"id": self.query_ids[-1], "from": self.profile,
                                 "chat_instance": f"ci{self.id}", "data": data}
        if message is not None:
            query["message"] = self.api._message_json(message)
        return Update.de_json({"update_id": next(self._update_ids), "callback_query": query},
                              self.application.bot)

    # --- acting -----------------------------------------------------------------------
    async def send(self, text: str | None = None, **kwargs: Any) -> None:
        await self.application.process_update(self.message_update(text, **kwargs))

    async def press(self, data: str, message: ChatMessage | None = None) -> None:
        await self.application.process_update(self.callback_update(data, message))

    async def tap(self, label: str, message: ChatMessage | None = None) -> ChatMessage:
        """Tap the button ``label`` on ``message`` (default: the newest message that has it)."""
        candidates = [message] if message else reversed(self.messages())
        for candidate in candidates:
            for button in candidate.buttons():
                if button["text"] == label:
                    await self.press(button["callback_data"], candidate)
                    return candidate
        raise AssertionError(f"no button {label!r} in the chat; last: {self.last().text!r}")

    # --- reading ----------------------------------------------------------------------
    def messages(self) -> list[ChatMessage]:
        return self.api.chat(self.id)

    def last(self) -> ChatMessage:
        return self.messages()[-1]

    def toasts(self) -> list[str]:
        """The notices shown for this user's button presses, '' where none was shown."""
        return [call.params.get("text", "") for call in self.api.calls_to("answerCallbackQuery")
                if call.params["callback_query_id"] in self.query_ids]
