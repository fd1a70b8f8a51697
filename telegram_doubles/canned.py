"""A minimal offline Bot API for benchmarks: canned answers, no parsing; per chat it keeps only
the first button's callback data of the last keyboard (the users need the assessment id)."""

from __future__ import annotations

import itertools
import json
from typing import Any

from telegram.request import RequestData

from telegram_doubles import OfflineRequest

BOT = {"id": 999000, "is_bot": True, "first_name": "Regiecoach", "username": "regiecoach_bench_bot"}


class CannedRequest(OfflineRequest):
    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.first_button: dict[int, str] = {}
        self.calls = 0


    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        self.calls += 1
        name = url.rsplit("/", 1)[-1]
        if name == "getMe":
            result: Any = BOT
        elif name in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument"):
            params = request_data.parameters if request_data else {}
            chat_id = int(params.get("chat_id", 0))
            markup = params.get("reply_markup")
            if markup:
                keyboard = markup if isinstance(markup, dict) else json.loads(markup)
                self.first_button[chat_id] = keyboard["inline_keyboard"][0][0].get("callback_data", "")
            result = {"message_id": int(params.get("message_id", 0)) or next(self.ids), "date": 1,
                      "chat": {"id": chat_id, "type": "private"}, "text": "x"}
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()


def message(update_id: int, user_id: int, text: str) -> dict:
    payload: dict = {"message_id": update_id, "date": 1, "text": text,
                     "chat": {"id": user_id, "type": "private"},
                     "from": {"id": user_id, "is_bot": False, "first_name": "U", "language_code": "en"}}
    if text.startswith("/"):
        payload["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": payload}


def callback(update_id: int, user_id: int, data: str) -> dict:
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id), "chat_instance": "c", "data": data,
        "from": {"id": user_id, "is_bot": False, "first_name": "U", "language_code": "en"},
        "message": {"message_id": 1, "date": 1, "chat": {"id": user_id, "type": "private"}, "text": "x"}}}
