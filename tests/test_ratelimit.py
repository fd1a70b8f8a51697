"""The flood limits as a window: no waiting under the limit, never over it, replies first."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.error import NetworkError, RetryAfter

from bot.ratelimit import PROACTIVE, SendWindow, WindowRateLimiter


def most_in_any_window(times: list[float], period: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start < period) for i, start in enumerate(times))


async def send(window: SendWindow, proactive: bool = False, takes: float = 0.0) -> float:
    """A send through the window whose answer comes back after ``takes``; returns its start."""
    ticket = await window.acquire(proactive)
    await asyncio.sleep(takes)
    window.release(ticket)
    return ticket[0]


async def test_under_the_limit_nothing_waits_and_over_it_no_window_holds_more():
    window = SendWindow(10, period=0.3)
    began = time.monotonic()
    first = [await send(window) for _ in range(10)]
    assert time.monotonic() - began < 0.05  # a burst up to the limit goes at once
    rest = await asyncio.gather(*(send(window) for _ in range(25)))
    assert most_in_any_window(first + list(rest), 0.3) <= 10
    assert time.monotonic() - began >= 0.6  # 35 sends at 10 per 0.3 s take two more windows


async def test_a_slow_answer_keeps_its_send_in_the_window():
    """However late a request arrives, it counts until a period after its answer."""
    window = SendWindow(2, period=0.2)
    slow = asyncio.create_task(send(window, takes=0.3))
    await send(window)
    began = time.monotonic()
    await send(window)  # waits for the quick one to age out, not for the slow one's start
    assert 0.15 < time.monotonic() - began < 0.3
    await slow
    began = time.monotonic()
    await send(window)
    await send(window)  # both earlier ones age out a period after their answers
    assert time.monotonic() - began >= 0.1


async def test_replies_go_before_a_broadcast_and_leave_it_what_is_left():
    window = SendWindow(10, period=0.3)
    order: list[str] = []

    async def tagged(kind: str) -> float:
        start = await send(window, proactive=kind == "proactive")
        order.append(kind)
        return start

    broadcast = [asyncio.create_task(tagged("proactive")) for _ in range(30)]
    await asyncio.sleep(0.25)
    assert window.proactive_limit < 10  # it leaves a reserve …
    assert 0 < order.count("proactive") <= window.proactive_limit  # … and goes evenly, not in a burst
    replies = []
    for _ in range(3):
        began = time.monotonic()
        replies.append(await tagged("reply"))  # a reply goes at once, or within a slot's time
        assert time.monotonic() - began < window.spacing + 0.02
    starts = await asyncio.gather(*broadcast)
    assert order.count("proactive") == 30
    assert most_in_any_window(list(starts) + replies, 0.3) <= 10


async def test_proactive_sends_to_one_chat_are_a_second_apart_and_a_429_waits():
    limiter = WindowRateLimiter(per_second=30, chat_period=0.2)
    calls: list[float] = []

    async def ok() -> str:
        calls.append(time.monotonic())
        return "sent"

    for _ in range(3):
        assert await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 5}, PROACTIVE) == "sent"
    assert [round(b - a, 1) for a, b in zip(calls, calls[1:])] == [0.2, 0.2]
    failures = [RetryAfter(1)]

    async def flooded() -> str:
        if failures:
            raise failures.pop()
        return "sent"

    began = time.monotonic()
    assert await limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": 6}, None) == "sent"
    assert time.monotonic() - began >= 1.0


async def test_callback_answers_do_not_count():
    limiter = WindowRateLimiter(per_second=1)

    async def ok() -> bool:
        return True

    began = time.monotonic()
    for _ in range(20):
        await limiter.process_request(ok, (), {}, "answerCallbackQuery", {"callback_query_id": "1"}, None)
    assert time.monotonic() - began < 0.1 and not limiter.window.granted


async def test_a_send_that_fails_or_is_cancelled_leaves_the_window_a_period_later():
    """A failed Bot API call must not hold its place for ever: that would make the bot deaf."""
    limiter = WindowRateLimiter(per_second=2)
    limiter.window = SendWindow(2, period=0.2)

    async def broken() -> None:
        raise NetworkError("connection reset")

    async def hangs() -> None:
        await asyncio.sleep(10)

    with pytest.raises(NetworkError):
        await limiter.process_request(broken, (), {}, "sendMessage", {"chat_id": 7}, None)
    stuck = asyncio.create_task(limiter.process_request(hangs, (), {}, "sendMessage", {"chat_id": 8}, None))
    await asyncio.sleep(0.01)
    stuck.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stuck
    assert all(answered != float("inf") for _, answered in limiter.window.granted)
    began = time.monotonic()

    async def ok() -> str:
        return "sent"

    assert await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 9}, None) == "sent"
    assert time.monotonic() - began < 0.5  # waited for the failed ones to age out, not for ever
