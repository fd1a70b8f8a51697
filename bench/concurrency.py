"""Many managers at once, over real HTTP: the real `regiecoach run` against the loopback stand-in.

N users each tap `3` a think time after their next question appears. Measured at the
stand-in (one clock): taps achieved per second, tap → next question p50/p99, sends Telegram
counts per tap (everything to a chat; callback answers are free), and the most counted sends
that arrived in any one second. A second run measures the replies' p99 while a coach's
prompt goes to 1,000 coachees.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.live import (
    BotProcess,
    most_in_one_second,
    onboard,
    question_number,
    seed_coach,
)
from bench.throughput import percentile
from bot.content import load_content
from storage import open_database
from telegram_doubles.server import BotApiServer

COUNTED = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto", "sendDocument"}
FIRST_USER = 300_000
COACH = 299_999
FIRST_COACHEE = FIRST_USER + 10_000


@dataclass
class Measure:
    taps: int = 0
    latencies: list[float] = field(default_factory=list)
    tapped_at: list[float] = field(default_factory=list)  # when each measured tap was made
    counted: list[float] = field(default_factory=list)  # arrival times of counted sends
    seconds: float = 0.0

    def most_in_a_second(self) -> int:
        return most_in_one_second(self.counted)


def _three(params: dict) -> str | None:
    markup = params.get("reply_markup") or {}
    return next((b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
                 if b.get("text") == "3"), None)


def drive(server: BotApiServer, users: list[int], think: float, seconds: float, rng: random.Random) -> Measure:
    """Each user taps `3` a think time after their next question appeared, for ``seconds``
    (after a pause in which the sends of onboarding leave the flood window)."""
    time.sleep(1.5)
    measure = Measure()
    seen = len(server.api.calls)
    with server.lock:
        state = {u: (m.message_id, _three({"reply_markup": m.reply_markup}), 1) for u in users
                 for m in [server.api.chat(u)[-1]]}
    due = {u: time.monotonic() + rng.uniform(0, think) for u in users}  # not all in step
    tapped: dict[int, float] = {}
    last_question = load_content().total - 1  # the last one ends in the result: not a plain reply
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        with server.lock:
            new = server.api.calls[seen:]
            seen += len(new)
        for call in new:
            if call.method not in COUNTED:
                continue
            measure.counted.append(call.at)
            user = int(call.params.get("chat_id", 0))
            number = question_number(str(call.params.get("text", "")))
            if user in tapped and number is not None and number > state[user][2]:
                moment = tapped.pop(user)
                measure.latencies.append(call.at - moment)
                measure.tapped_at.append(moment)
                state[user] = (state[user][0], _three(call.params), number)
                due[user] = call.at + think
        now = time.monotonic()
        for user, moment in due.items():
            if moment <= now and user not in tapped and state[user][2] < last_question:
                message_id, data, _ = state[user]
                tapped[user] = time.monotonic()
                server.press(user, data, message_id)
                measure.taps += 1
                due[user] = float("inf")
        time.sleep(0.005)
    measure.seconds = time.monotonic() - began
    measure.counted = [t for t in measure.counted if began <= t]
    return measure


def users_at_once(users: int, think: float = 2.0, seconds: float = 30.0) -> Measure:
    with tempfile.TemporaryDirectory() as name, BotApiServer() as server:
        bot = BotProcess(server, Path(name) / "load.db")
        try:
            ids = list(range(FIRST_USER, FIRST_USER + users))
            onboard(server, ids)
            return drive(server, ids, think, seconds, random.Random(users))
        finally:
            bot.stop()


def replies_during_a_broadcast(users: int = 30, coachees: int = 1000, think: float = 2.0,
                               seconds: float = 30.0) -> tuple[Measure, int]:
    """Users answering while a coach's prompt goes to ``coachees`` (the scheduler picks it up at
    its next run); returns the users' measure and how many prompts went out meanwhile."""
    with tempfile.TemporaryDirectory() as name, BotApiServer() as server:
        db = Path(name) / "broadcast.db"
        due = datetime.now(timezone.utc) + timedelta(seconds=5)
        seeded = open_database(db)
        seed_coach(seeded, COACH, range(FIRST_COACHEE, FIRST_COACHEE + coachees), {
            "own_text": "How did the week go?", "kind": "once", "next_due_at": due.isoformat(timespec="seconds")})
        seeded.conn.close()
        bot = BotProcess(server, db)
        try:
            ids = list(range(FIRST_USER, FIRST_USER + users))
            onboard(server, ids)

            def prompts() -> int:
                return sum(1 for c in server.calls_to("sendMessage") if int(c.params["chat_id"]) >= FIRST_COACHEE)

            server.wait_for(lambda: prompts() > 0, timeout=60, message="the broadcast never started")
            measure = drive(server, ids, think, seconds, random.Random(7))
            return measure, prompts()
        finally:
            bot.stop()


def row(users: int, think: float, measure: Measure) -> tuple[str, str, str]:
    goals = {60: "≥ 27 taps/s, p99 ≤ 1 s, ≤ 1.05, ≤ 30", 10: "p50 ≤ 20 ms"}
    return (f"{users} users at once ({think:.0f} s think): taps/s · p50 / p99 · sends per tap · most in 1 s",
            goals.get(users, "—"),
            f"{measure.taps / measure.seconds:.1f} · {percentile(measure.latencies, 50) * 1000:.0f} / "
            f"{percentile(measure.latencies, 99) * 1000:.0f} ms · {len(measure.counted) / max(measure.taps, 1):.2f}"
            f" · {measure.most_in_a_second()}")


def run(sizes: tuple[int, ...] = (10, 30, 60, 120), seconds: float = 30.0) -> list[tuple[str, str, str]]:
    rows = [row(users, 2.0, users_at_once(users, seconds=seconds)) for users in sizes]
    measure, prompts = replies_during_a_broadcast(seconds=seconds)
    rows.append(("30 users' replies during a prompt to 1,000 coachees: p50 / p99 · prompts sent meanwhile",
                 "p99 ≤ 1 s",
                 f"{percentile(measure.latencies, 50) * 1000:.0f} / {percentile(measure.latencies, 99) * 1000:.0f} ms"
                 f" · {prompts}"))
    return rows


if __name__ == "__main__":
    for line in run(tuple(int(n) for n in sys.argv[1:]) or (10, 30, 60, 120)):
        print(" | ".join(line))
