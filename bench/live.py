"""What the benchmarks over HTTP share: the real `regiecoach run` in a subprocess against the
loopback stand-in, users onboarded by tapping, and a coach seeded with coachees and a prompt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.content import load_content
from storage import CoachStore, Database, UserStore
from telegram_doubles.server import BotApiServer

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    """`regiecoach run` in a subprocess against ``server``, polling once this returns."""

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


def question_number(text: str) -> int | None:
    """The question number a message shows ("12/43 ▰▰…"), if it is a question."""
    head = text.split(" ", 1)[0]
    number, _, total = head.partition("/")
    return int(number) if number.isdigit() and total.isdigit() else None


def onboard(server: BotApiServer, users: list[int]) -> None:
    """Each user starts, picks English, agrees, and sees question 1."""
    content = load_content()
    for user in users:
        server.send_text(user, "/start")
    for label in (content.text("btn_next", "en"), "🇬🇧 English", content.text("btn_agree", "en")):
        for user in users:
            server.wait_for(lambda u=user: server.messages(u) and label in server.last(u).labels(), timeout=60)
            server.tap(user, label)
    for user in users:
        server.wait_for(lambda u=user: question_number(server.last_text(u)) == 1, timeout=60)


def seed_coach(db: Database, coach_id: int, coachee_ids: range, prompt: dict) -> None:
    """A coach sharing with ``coachee_ids`` and a prompt to all of them (``prompt``: the
    schedule's competency or own text, kind and when it is due)."""
    sessions, coaches = UserStore(db), CoachStore(db)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    sessions.ensure_user(coach_id, "en", stamp)
    coaches.create_coach_invite("bench", coach_id, stamp)
    coaches.redeem_coach_invite("bench", coach_id, "Coach", "coachee-code-bench", stamp)
    with db.atomic():
        for user_id in coachee_ids:
            sessions.ensure_user(user_id, "nl", stamp)
            coaches.connect(coach_id, user_id, f"K{user_id}", stamp)
    coaches.create_schedule({"coach_id": coach_id, "coachee_id": None, "competency": None, "prompt_index": None,
                             "own_text": None, "active": 1, "created_at": stamp} | prompt)


def most_in_one_second(times: list[float]) -> int:
    """The most moments that fall within any one second."""
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best
