"""The flood limits as a window: no waiting under the limit, never over it, replies first."""

from __future__ import annotations

import asyncio
import time

from telegram.error import RetryAfter

from bot.ratelimit import PROACTIVE, SendWindow, WindowRateLimiter


def most_in_any_window(times: list[float], period: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start < period) for i, start in enumerate(times))


async def test_under_the_limit_nothing_waits_and_over_it_no_window_holds_more():
    window = SendWindow(10, period=0.3)
    began = time.monotonic()
    for _ in range(10):
        await window.acquire()
    assert time.monotonic() - began < 0.05  # a burst up to the limit goes at once
    stamps: list[float] = []

    async def send() -> None:
        await window.acquire()
        stamps.append(time.monotonic())

    await asyncio.gather(*(send() for _ in range(25)))
    assert most_in_any_window(list(window.granted) + stamps, 0.3) <= 10
    assert time.monotonic() - began >= 0.6  # 35 sends at 10 per 0.3 s take two more windows


async def test_replies_go_before_a_broadcast_and_leave_it_what_is_left():
    window = SendWindow(10, period=0.3)
    order: list[str] = []

    async def send(kind: str) -> None:
        await window.acquire(proactive=kind == "proactive")
        order.append(kind)

    broadcast = [asyncio.create_task(send("proactive")) for _ in range(30)]
    await asyncio.sleep(0.25)
    assert window.proactive_limit < 10  # it leaves a reserve …
    assert 0 < order.count("proactive") <= window.proactive_limit  # … and goes evenly, not in a burst
    for _ in range(3):
        began = time.monotonic()
        await send("reply")  # a reply goes at once, or within a slot's time
        assert time.monotonic() - began < window.spacing + 0.02
    await asyncio.gather(*broadcast)
    assert order.count("proactive") == 30
    stamps = sorted(window.granted)
    assert most_in_any_window(stamps, 0.3) <= 10


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
