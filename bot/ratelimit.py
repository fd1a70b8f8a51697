"""Telegram's flood limits, kept in code: python-telegram-bot's AIORateLimiter, made strict.

AIORateLimiter's overall limiter lets a burst of its whole rate through before pacing (about
59 messages in the first second of a trial). Here the overall bucket holds one message and
refills every 1/29 s, so no one-second window sees more than 30 sends; and messages the bot
sends on its own (prompts, check-ins: ``rate_limit_args=PROACTIVE``) are paced to one a second
per chat. Replies to a user's own action are not held back per chat. A 429 waits
``retry_after`` and retries (AIORateLimiter's own handling).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

OVERALL_PER_SECOND = 29  # Telegram: about 30 messages a second overall
CHAT_PERIOD = 1.0  # seconds between proactive messages to one chat
MAX_RETRIES = 5  # on 429


class Proactive:
    """Marks a send the bot makes on its own, paced per chat."""

    def __repr__(self) -> str:
        return "PROACTIVE"


PROACTIVE = Proactive()


class StrictRateLimiter(AIORateLimiter):
    def __init__(self, overall_per_second: float = OVERALL_PER_SECOND, chat_period: float = CHAT_PERIOD,
                 max_retries: int = MAX_RETRIES, max_chats: int = 10_000) -> None:
        super().__init__(overall_max_rate=1, overall_time_period=1 / overall_per_second, max_retries=max_retries)
        self.chat_period = chat_period
        self.max_chats = max_chats
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None) or AsyncLimiter(1, self.chat_period)
        self._chats[chat_id] = limiter
        while len(self._chats) > self.max_chats:
            self._chats.popitem(last=False)
        return limiter

    async def process_request(self, callback: Any, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: Any) -> Any:
        if isinstance(rate_limit_args, Proactive) and data.get("chat_id") is not None:
            async with self._chat_limiter(int(data["chat_id"])):
                return await super().process_request(callback, args, kwargs, endpoint, data, None)
        if isinstance(rate_limit_args, Proactive):
            rate_limit_args = None
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
