"""Over real HTTP against the loopback Bot API stand-in: broadcast pacing and round trips."""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.live import BotProcess, most_in_one_second, onboard, seed_coach
from bench.throughput import percentile
from bot.app import build_application
from bot.config import Settings
from bot.content import load_content
from bot.ratelimit import WindowRateLimiter
from bot.schedule import send_due_prompts
from storage import open_database
from telegram_doubles.server import BotApiServer

COACH = 42
THINK = 0.25  # seconds a person takes to read and tap (faster tappers queue behind the pacing)


async def _broadcast(server: BotApiServer, folder: Path, coachees: int) -> tuple[float, int, int, int]:
    path = folder / "broadcast.db"
    db = open_database(path)
    ids = range(100_000, 100_000 + coachees)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    seed_coach(db, COACH, ids, {"competency": load_content().competencies[0].id, "prompt_index": 0, "kind": "now",
                                "next_due_at": stamp})
    settings = Settings(token=server.token, db_path=path, api_base_url=server.base_url)
    app = build_application(settings, db, rate_limiter=WindowRateLimiter())
    async with app:
        began = time.monotonic()
        await send_due_prompts(app)
        elapsed = time.monotonic() - began
    sends = [c for c in server.calls_to("sendMessage") if int(c.params["chat_id"]) in ids]
    window = most_in_one_second([c.at for c in sends])
    per_chat: dict[int, int] = {}
    for call in sends:
        per_chat[int(call.params["chat_id"])] = per_chat.get(int(call.params["chat_id"]), 0) + 1
    return elapsed, len({int(c.params["chat_id"]) for c in sends}), window, max(per_chat.values())


def _round_trips(server: BotApiServer, folder: Path) -> list[float]:
    content = load_content()
    bot = BotProcess(server, folder / "rt.db")
    trips: list[float] = []
    try:
        user = 7
        onboard(server, [user])
        for question in range(1, content.total):  # the last one ends in the result; not a plain reply
            time.sleep(THINK)
            began = time.perf_counter()
            server.tap(user, "3")  # the question message becomes the next question
            server.wait_for(lambda: server.last_text(user).startswith(f"{question + 1}/"), timeout=30,
                            interval=0.0005)
            trips.append(time.perf_counter() - began)
    finally:
        bot.stop()
    return trips


def run(coachees: int = 1000) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as name, BotApiServer() as server:
        elapsed, delivered, window, per_chat = asyncio.run(_broadcast(server, Path(name), coachees))
    with tempfile.TemporaryDirectory() as name, BotApiServer() as server:
        trips = _round_trips(server, Path(name))
    ideal = coachees * WindowRateLimiter().window.spacing  # proactive sends leave a tenth of the window to replies
    return [
        (f"broadcast: prompt to {coachees:,} coachees, total time", f"within 10% of {ideal:.1f} s",
         f"{elapsed:.1f} s ({(elapsed / ideal - 1) * 100:+.0f}%)"),
        ("broadcast: most sends in any 1 s / to one chat", "≤ 30 / ≤ 1", f"{window} / {per_chat}"),
        ("broadcast: delivered", f"{coachees:,}, none lost", f"{delivered:,}"),
        (f"round trip: user tap → bot reply p50 / p99 ({THINK:.2f} s between taps)", "—",
         f"{percentile(trips, 50) * 1000:.1f} / {percentile(trips, 99) * 1000:.1f} ms ({len(trips)} taps)"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
