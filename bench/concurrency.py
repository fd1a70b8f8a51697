"""Many managers at once, over real HTTP: the real `regiecoach run` against the loopback stand-in.

N users each tap `3` a think time after their next question appears. Measured at the
stand-in (one clock): taps achieved per second, tap → next question p50/p99, sends Telegram
counts per tap (everything to a chat; callback answers are free), and the most counted sends
that arrived in any one second. A second run measures the replies' p99 while a coach's
prompt goes to 1,000 coachees.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.throughput import percentile
from bot.content import load_content
from storage import CoachStore, SessionStore, open_database
from telegram_doubles.server import BotApiServer

ROOT = Path(__file__).resolve().parent.parent
COUNTED = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto", "sendDocument"}
FIRST_USER = 300_000
COACH = 299_999


@dataclass
class Measure:
    taps: int = 0
    latencies: list[float] = field(default_factory=list)
    counted: list[float] = field(default_factory=list)  # arrival times of counted sends
    when: list[float] = field(default_factory=list)  # seconds into the run of each latency
    seconds: float = 0.0

    def most_in_a_second(self) -> int:
        times = sorted(self.counted)
        best, start = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best


class Bot:
    """`regiecoach run` in a subprocess against ``server``."""

    def __init__(self, server: BotApiServer, db: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REGIECOACH_"))}
        env |= {"TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_API_BASE_URL": server.base_url,
                "REGIECOACH_DB": str(db), "PYTHONPATH": str(ROOT), "REGIECOACH_LOG_FORMAT": "text"}
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=db.parent,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server.wait_for(lambda: server.calls_to("getUpdates"), timeout=60, message="the bot never polled")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _question(text: str) -> int | None:
    """The question number a message shows ("12/43 ▰▰…"), if it is a question."""
    head = text.split(" ", 1)[0]
    number, _, total = head.partition("/")
    return int(number) if number.isdigit() and total.isdigit() else None


def _three(params: dict) -> str | None:
    markup = params.get("reply_markup") or {}
    return next((b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
                 if b.get("text") == "3"), None)


def onboard(server: BotApiServer, users: list[int]) -> None:
    content = load_content()
    for user in users:
        server.send_text(user, "/start")
    for label in (content.text("btn_next", "en"), "🇬🇧 English", content.text("btn_agree", "en")):
        for user in users:
            server.wait_for(lambda u=user: server.messages(u) and label in server.last(u).labels(), timeout=60)
            server.tap(user, label)
    for user in users:
        server.wait_for(lambda u=user: _question(server.last_text(u)) == 1, timeout=60)


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
            number = _question(str(call.params.get("text", "")))
            if user in tapped and number is not None and number > state[user][2]:
                measure.latencies.append(call.at - tapped.pop(user))
                measure.when.append(call.at - began)
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
        bot = Bot(server, Path(name) / "load.db")
        try:
            ids = list(range(FIRST_USER, FIRST_USER + users))
            onboard(server, ids)
            return drive(server, ids, think, seconds, random.Random(users))
        finally:
            bot.stop()


def _seed_broadcast(db_path: Path, coachees: int, due: datetime) -> None:
    """A coach with ``coachees`` coachees and a prompt to all of them due at ``due``."""
    db = open_database(db_path)
    sessions, coaches = SessionStore(db), CoachStore(db)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    sessions.ensure_user(COACH, "en", stamp)
    coaches.create_coach_invite("bench", COACH, stamp)
    coaches.redeem_coach_invite("bench", COACH, "Coach", "coachee-code-bench-0000", stamp)
    with db.atomic():
        for user_id in range(FIRST_USER + 10_000, FIRST_USER + 10_000 + coachees):
            sessions.ensure_user(user_id, "nl", stamp)
            coaches.connect(COACH, user_id, f"K{user_id}", stamp)
    coaches.create_schedule({"coach_id": COACH, "coachee_id": None, "competency": None, "prompt_index": None,
                             "own_text": "How did the week go?", "kind": "once",
                             "next_due_at": due.isoformat(timespec="seconds"), "active": 1, "created_at": stamp})
    db.conn.close()


def replies_during_a_broadcast(users: int = 30, coachees: int = 1000, think: float = 2.0,
                               seconds: float = 30.0) -> tuple[Measure, int]:
    """Users answering while a coach's prompt goes to ``coachees`` (the scheduler picks it up at
    its next run); returns the users' measure and how many prompts went out meanwhile."""
    with tempfile.TemporaryDirectory() as name, BotApiServer() as server:
        db = Path(name) / "broadcast.db"
        _seed_broadcast(db, coachees, datetime.now(timezone.utc) + timedelta(seconds=5))
        bot = Bot(server, db)
        try:
            ids = list(range(FIRST_USER, FIRST_USER + users))
            onboard(server, ids)

            def prompts() -> int:
                return sum(1 for c in server.calls_to("sendMessage") if int(c.params["chat_id"]) >= FIRST_USER + 10_000)

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
