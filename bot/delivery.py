"""Showing screens on Telegram: texts, buttons, charts, files; shared by handlers and scheduler.

A button press is answered first (Telegram wants that within seconds), then the screens go
out in order: a screen ``in_place`` edits the message the user pressed, the rest are new
messages. Transient failures are retried a few times where a repeat cannot show anything
twice: edits and callback answers always, a new message only when its request surely never
left. A send that finally fails raises; the user's next tap or message shows the current
screen again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import os
import pickle
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
)
from telegram.error import BadRequest, RetryAfter

from bot.callbacks import choice_data
from bot.content import Content
from bot.faults import network_transient, retry_seconds, surely_not_sent
from bot.flows.screens import Screen
from bot.ratelimit import PROACTIVE
from bot.render import (
    MESSAGE_LIMIT,
    chart_job,
    choice_label,
    exit_with,
    notice_text,
    report_job,
    run_job,
    screen_text,
    split_message,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
SEND_ATTEMPTS = 3
RETRY_DELAYS = (0.3, 1.0)  # seconds before the 2nd and 3rd attempt
Spawn = Callable[[Coroutine], object]


def keyboard(screen: Screen, language: str, content: Content, ref: int | None) -> InlineKeyboardMarkup | None:
    """The screen's choices as buttons: ratings and times on one row, other choices two a row
    (a wide one on a row of its own)."""
    if not screen.choices:
        return None
    buttons = [InlineKeyboardButton(choice_label(choice, screen, language, content),
                                    callback_data=choice_data(choice, screen, ref))
               for choice in screen.choices]
    if screen.question is not None:  # ratings on one row, Back/Skip below
        rows = [buttons[:5], buttons[5:]]
    elif all(choice.literal for choice in screen.choices):
        rows = [buttons[i:i + 5] for i in range(0, len(buttons), 5)]
    else:
        rows, joinable = [], False  # joinable: the last row holds one narrow button
        for choice, button in zip(screen.choices, buttons):
            if joinable and not choice.wide:
                rows[-1].append(button)
                joinable = False
            else:
                rows.append([button])
                joinable = not choice.wide
    return InlineKeyboardMarkup([row for row in rows if row])


async def attempt(call: Callable[[], Awaitable[T]], *, repeatable: bool) -> T:
    """``call()``, again after a transient failure if a repeat is harmless (bounded)."""
    for number in range(SEND_ATTEMPTS):
        try:
            return await call()
        except RetryAfter as error:  # not processed by Telegram: always safe to repeat
            if number + 1 == SEND_ATTEMPTS:
                raise
            await asyncio.sleep(retry_seconds(error))
        except Exception as error:
            if number + 1 == SEND_ATTEMPTS or not network_transient(error) or not (
                    repeatable or surely_not_sent(error)):
                raise
            log.info("send failed (%s); trying again", error)
            await asyncio.sleep(RETRY_DELAYS[number])
    raise AssertionError("unreachable")


class ChartWorker:
    """One worker process renders charts and reports, one at a time: matplotlib holds the GIL for most of
    a render, so a thread would still slow every other user's updates; a process does not.
    A worker that died is replaced once. A render is a pure function of its job, so the last
    ``CACHED`` results are kept: the same chart asked again (``/result``, a coach opening a
    coachee, two people with the same answers) is not rendered twice."""

    CACHED = 32  # renders kept (a chart is about 250 KB)

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._done: OrderedDict[bytes, bytes] = OrderedDict()
        self.rendered = 0  # renders done by the worker process (not from what was kept)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=exit_with, initargs=(os.getpid(),))
        return self._pool

    async def render(self, job: tuple) -> bytes:
        key = hashlib.sha256(pickle.dumps(job)).digest()
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        loop = asyncio.get_running_loop()
        try:
            data = await loop.run_in_executor(self._executor(), run_job, job)
        except BrokenProcessPool:
            log.warning("the chart process died; starting a new one")
            self._pool = None
            data = await loop.run_in_executor(self._executor(), run_job, job)
        self.rendered += 1
        self._remember(key, data)
        return data

    def _remember(self, key: bytes, data: bytes) -> None:
        self._done[key] = data
        while len(self._done) > self.CACHED:
            self._done.popitem(last=False)


CHARTS = ChartWorker()


class Delivery:
    """Shows one outcome's screens in one chat."""

    def __init__(self, bot: Bot, chat_id: int, language: str, content: Content, *, ref: int | None = None,
                 query: CallbackQuery | None = None, proactive: bool = False, spawn: Spawn | None = None,
                 files: dict[str, tuple[str, bytes]] | None = None) -> None:
        self.bot, self.chat_id, self.language, self.content = bot, chat_id, language, content
        self.ref, self.query, self.spawn, self.files = ref, query, spawn, files or {}
        limited = proactive and getattr(bot, "rate_limiter", None) is not None
        self.send_args: dict[str, Any] = {"rate_limit_args": PROACTIVE} if limited else {}
        self.origin = query.message if query is not None and isinstance(query.message, Message) else None

    async def show(self, screens: list[Screen]) -> list[Message]:
        """Answer the press (with the first notice as a toast), then show the other screens."""
        toast = next((s for s in screens if s.notice), None) if self.query is not None else None
        if self.query is not None:
            text = notice_text(screen_text(toast, self.language, self.content)) if toast else None
            await attempt(lambda: self.query.answer(text), repeatable=True)
        sent: list[Message] = []
        for screen in screens:
            if screen is not toast:
                sent += await self.one(screen)
        return sent

    async def one(self, screen: Screen) -> list[Message]:
        text = screen_text(screen, self.language, self.content)
        markup = keyboard(screen, self.language, self.content, self.ref)
        if screen.attachment is not None:
            name, data = self.files[screen.attachment]
            return [await attempt(lambda: self.bot.send_document(
                self.chat_id, InputFile(data, filename=name), caption=text, **self.send_args), repeatable=False)]
        if screen.document is not None:
            pdf = await CHARTS.render(report_job(screen.document, self.language, self.content))
            return [await attempt(lambda: self.bot.send_document(
                self.chat_id, InputFile(pdf, filename=screen.document.filename), caption=text, **self.send_args),
                repeatable=False)]
        if screen.chart is not None:
            sending = self._chart(screen, text, markup)
            if self.spawn is not None:
                self.spawn(sending)
                return []
            return [await sending]
        if screen.in_place and self.origin is not None and len(text) <= MESSAGE_LIMIT:
            edited = await self._edit(text, markup)
            if edited is not None:
                return [edited]
        parts = split_message(text)
        messages = []
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            messages.append(await attempt(lambda: self.bot.send_message(
                self.chat_id, part, reply_markup=markup if last else None, **self.send_args), repeatable=False))
        return messages

    async def _edit(self, text: str, markup: InlineKeyboardMarkup | None) -> Message | None:
        """Edit the pressed message; None when it cannot be edited (then a new message is sent)."""
        origin = self.origin
        assert origin is not None
        try:
            result = await attempt(lambda: origin.edit_text(text, reply_markup=markup), repeatable=True)
            return result if isinstance(result, Message) else origin
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return origin
            if "not found" in str(error).lower() or "can't be edited" in str(error).lower():
                return None
            raise

    async def _chart(self, screen: Screen, caption: str, markup: InlineKeyboardMarkup | None) -> Message:
        png = await CHARTS.render(chart_job(screen.chart, self.language, self.content))
        return await attempt(lambda: self.bot.send_photo(self.chat_id, png, caption=caption, reply_markup=markup,
                                                         **self.send_args), repeatable=False)


async def deliver(bot: Bot, chat_id: int, screens: list[Screen], language: str, content: Content,
                  **options: Any) -> list[Message]:
    """Show ``screens`` in ``chat_id`` (see :class:`Delivery` for the options)."""
    return await Delivery(bot, chat_id, language, content, **options).show(screens)
