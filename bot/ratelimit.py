"""Telegram's flood limits, kept in code: a window of sends, replies first.

Telegram allows a bot about 30 messages a second in all, and about one a second per chat
for what the bot sends on its own. Only sends to a chat count (``answerCallbackQuery`` and
``getUpdates`` do not).

- **A window, not a pacer.** Up to ``per_second`` counted sends may be under way or done
  within the last second; under the limit nothing waits. A send leaves the window one second
  after its answer came back (not after it started), so however the network delays requests,
  Telegram never receives more than the limit in any second.
- **Replies first.** A reply to a user's own action may use the whole window; a send the bot
  makes on its own (``rate_limit_args=PROACTIVE``: prompts, check-ins, notices to others)
  only what is left after a small reserve, never while a reply is waiting, and evenly
  spaced (never in bursts), so slots keep coming free. A broadcast to a thousand coachees
  thus delays a reply by at most a few sends' time.
- **Per chat.** Proactive sends to one chat are at least a second apart.
- **429.** A ``RetryAfter`` from Telegram waits its time and tries again (bounded).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.faults import retry_seconds

PER_SECOND = 30  # Telegram: about 30 messages a second in all
WINDOW = 1.0  # seconds, counted from each send's answer
RESERVE = 0.1  # share of the window proactive sends leave free for replies
CHAT_PERIOD = 1.0  # seconds between proactive messages to one chat
MAX_RETRIES = 5  # on 429


class Proactive:
    """Marks a send the bot makes on its own: it yields to replies and is paced per chat."""

    def __repr__(self) -> str:
        return "PROACTIVE"


PROACTIVE = Proactive()


class SendWindow:
    """At most ``limit`` sends under way or answered within ``period`` seconds; interactive
    grants go first. ``acquire`` returns a ticket to ``release`` when the answer came back."""

    def __init__(self, limit: int, period: float = WINDOW, reserve: float = RESERVE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1:
            raise ValueError("the window needs room for at least one send")
        self.limit, self.period, self.clock = limit, period, clock
        self.proactive_limit = max(1, limit - max(1, round(limit * reserve)))
        self.spacing = period / self.proactive_limit  # between two proactive grants
        self.next_proactive = 0.0
        self.granted: list[list[float]] = []  # [started, answered or inf] of each send in the window
        self.replies_waiting = 0
        self._turns = {False: asyncio.Lock(), True: asyncio.Lock()}  # FIFO within each kind

    def _room(self, proactive: bool, now: float) -> float:
        """0 if a send may start now, else how long until one of the window's sends ages out."""
        self.granted = [entry for entry in self.granted if now - entry[1] < self.period]
        if proactive and self.replies_waiting:
            return 0.005  # a reply is waiting: it goes first
        if proactive and now < self.next_proactive:
            return self.next_proactive - now
        cap = self.proactive_limit if proactive else self.limit
        if len(self.granted) < cap:
            return 0.0
        ends = sorted(entry[1] for entry in self.granted)
        ready = ends[len(ends) - cap] + self.period - now  # when enough have aged out
        return ready if ready != float("inf") else 0.005  # all still under way: look again shortly

    async def acquire(self, proactive: bool = False) -> list[float]:
        if not proactive:
            self.replies_waiting += 1
        try:
            async with self._turns[proactive]:
                while (wait := self._room(proactive, self.clock())) > 0:
                    await asyncio.sleep(wait)
                now = self.clock()
                ticket = [now, float("inf")]
                self.granted.append(ticket)
                if proactive:
                    self.next_proactive = now + self.spacing
                return ticket
        finally:
            if not proactive:
                self.replies_waiting -= 1

    def release(self, ticket: list[float]) -> None:
        """The send's answer came back: it leaves the window ``period`` seconds from now."""
        ticket[1] = self.clock()


class WindowRateLimiter(BaseRateLimiter[Proactive]):
    """python-telegram-bot's rate-limiter hook with the rules above."""

    def __init__(self, per_second: int = PER_SECOND, chat_period: float = CHAT_PERIOD,
                 max_retries: int = MAX_RETRIES, max_chats: int = 10_000) -> None:
        self.window = SendWindow(per_second)
        self.chat_period, self.max_retries, self.max_chats = chat_period, max_retries, max_chats
        self._chats: OrderedDict[int, float] = OrderedDict()  # chat -> when its next proactive send may start

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def _pace_chat(self, chat_id: int) -> None:
        now = time.monotonic()
        start = max(now, self._chats.pop(chat_id, now))
        self._chats[chat_id] = start + self.chat_period
        while len(self._chats) > self.max_chats:
            self._chats.popitem(last=False)
        if start > now:
            await asyncio.sleep(start - now)

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: Proactive | None) -> Any:
        chat_id = data.get("chat_id")
        proactive = isinstance(rate_limit_args, Proactive)
        if proactive and chat_id is not None:
            await self._pace_chat(int(chat_id))
        for attempt in range(self.max_retries + 1):
            ticket = await self.window.acquire(proactive) if chat_id is not None else None
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == self.max_retries:
                    raise
                delay = retry_seconds(error)
            finally:
                if ticket is not None:
                    self.window.release(ticket)  # answered, also with a 429: it counts from now
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")
