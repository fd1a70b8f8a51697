"""Throughput and latency of the real Application against a bare python-telegram-bot floor.

N users take the whole assessment concurrently (onboarding + 43 answers = 47 updates each).
Two floors are fed the same stream: a bare python-telegram-bot bot that only answers the
button and edits the message, and the same bot storing each answer like for like (one
SQLite commit with fsync per update, synchronous=FULL, WAL). Charts are sent in the
background (in their worker process), as in production.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler

from bot.app import build_application
from bot.config import Settings
from bot.content import load_content
from bot.delivery import CHARTS
from storage import open_database
from telegram_doubles.canned import CannedRequest, callback, message

TOKEN = "123:BENCH"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def feed(app, payload: dict, latencies: list[float]) -> None:
    update = Update.de_json(payload, app.bot)
    began = time.perf_counter()
    await app.process_update(update)
    latencies.append(time.perf_counter() - began)


async def interleaved(app, users: int, steps, latencies: list[float]) -> float:
    """Every user's step 1, then every user's step 2, …: N users in the middle of the
    assessment at once, each update handled on its own (as the runner hands them over)."""
    ids = iter(range(1, 10**9))
    began = time.perf_counter()
    for step in steps:
        for n in range(users):
            await feed(app, step(next(ids), 10_000 + n), latencies)
    return time.perf_counter() - began


def stream(total: int, assessment_of) -> list:
    steps = [lambda i, u: message(i, u, "/start")]
    steps += [lambda i, u, d=d: callback(i, u, d) for d in ("1:n:::", "1:l:::en", "1:c:::yes")]
    steps += [lambda i, u, q=q: callback(i, u, f"1:a:{assessment_of(u)}:{q}:{q % 5 + 1}") for q in range(total)]
    return steps


async def _no_chart(job: tuple) -> bytes:
    """Charts render in their own process, outside this measure (bench/results.py times them)."""
    return b"\x89PNG\r\n\x1a\n"


async def ours(users: int, synchronous: str = "FULL") -> tuple[float, list[float], int]:
    content = load_content()
    CHARTS.render = _no_chart  # type: ignore[method-assign]  # this run only: see the finally below
    try:
        with tempfile.TemporaryDirectory() as folder:
            request = CannedRequest()
            app = build_application(Settings(token=TOKEN, db_path=Path(folder) / "b.db"),
                                    open_database(Path(folder) / "b.db", synchronous), request=request)
            latencies: list[float] = []

            def assessment_of(user_id: int) -> str:
                return request.first_button[user_id].split(":")[2]

            async with app:
                await app.start()
                app.job_queue.scheduler.pause()  # measure updates, not the check-in polling
                elapsed = await interleaved(app, users, stream(content.total, assessment_of), latencies)
                await app.stop()
    finally:
        del CHARTS.render  # the worker's own render again, for the benchmarks that follow
    return elapsed, latencies, len(latencies)


async def floor(users: int, total: int, store: bool = False) -> tuple[float, list[float], int]:
    """The bare bot; with ``store``, each update is also committed to SQLite with fsync."""
    request = CannedRequest()
    app = ApplicationBuilder().token(TOKEN).request(request).get_updates_request(request).updater(None).build()
    folder = tempfile.TemporaryDirectory()
    conn = sqlite3.connect(Path(folder.name) / "floor.db", isolation_level=None)
    conn.execute("pragma journal_mode=wal")
    conn.execute("pragma synchronous=full")
    conn.execute("create table answers (user_id int, update_id int, data text)")

    def keep(update) -> None:
        if store:
            conn.execute("begin")
            conn.execute("insert into answers values (?, ?, ?)", [update.effective_user.id, update.update_id,
                                                                 update.callback_query.data if update.callback_query
                                                                 else update.effective_message.text])
            conn.execute("commit")

    async def on_start(update, context) -> None:
        keep(update)
        await context.bot.send_message(update.effective_chat.id, "hi")

    async def on_button(update, context) -> None:
        keep(update)
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("ok")

    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CallbackQueryHandler(on_button))
    latencies: list[float] = []
    try:
        async with app:
            elapsed = await interleaved(app, users, stream(total, lambda user_id: "1"), latencies)
    finally:
        conn.close()
        folder.cleanup()
    return elapsed, latencies, len(latencies)


def run(users: int = 1000) -> list[tuple[str, str, str]]:
    total = load_content().total
    floor_time, floor_lat, floor_n = asyncio.run(floor(users, total))
    stored_time, stored_lat, stored_n = asyncio.run(floor(users, total, store=True))
    our_time, our_lat, our_n = asyncio.run(ours(users))
    normal_time, _, normal_n = asyncio.run(ours(users, "NORMAL"))
    ratio = (our_time / our_n) / (floor_time / floor_n)
    like_for_like = (our_time / our_n) / (stored_time / stored_n)
    normal_ratio = (normal_time / normal_n) / (floor_time / floor_n)
    return [
        ("throughput: updates/s (ours)", "≥ 1,000", f"{our_n / our_time:,.0f} ({users:,} users, {our_n:,} updates)"),
        ("throughput: updates/s (bare floor · floor that stores with fsync)", "—",
         f"{floor_n / floor_time:,.0f} · {stored_n / stored_time:,.0f}"),
        ("throughput: cost per update vs the floor that stores like for like", "≤ 3×", f"{like_for_like:.2f}×"),
        ("throughput: cost per update vs the bare floor", "—", f"{ratio:.2f}×"),
        ("throughput: same with synchronous=NORMAL", "—",
         f"{normal_n / normal_time:,.0f} updates/s, {normal_ratio:.2f}× the floor"),
        ("latency per update p50 / p99 (ours)", "p99 ≤ 5 ms",
         f"{percentile(our_lat, 50) * 1000:.2f} / {percentile(our_lat, 99) * 1000:.2f} ms"),
        ("latency per update p50 / p99 (floor)", "—",
         f"{percentile(floor_lat, 50) * 1000:.2f} / {percentile(floor_lat, 99) * 1000:.2f} ms"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
