"""End to end, the real `regiecoach run` against the loopback Bot API: faults while serving.

Each fault is met while users are served, and a new user's /start must be answered soon
after it ends, without a restart and after one; `regiecoach status` tells the fault while
it lasts and is healthy again afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import ROOT, onboard_http, wait_question

pytestmark = pytest.mark.slow


def answered_start(server, user: int) -> bool:
    return any("Welcome" in m.text for m in server.messages(user))


def status(bot) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REGIECOACH_"))}
    env |= {"REGIECOACH_DB": str(bot.db), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot", "status"], env=env, capture_output=True, text=True,
                          timeout=30)
    return done.returncode, done.stdout


def wait_until(bot, predicate, timeout: float = 20.0) -> str:
    """Run `regiecoach status` until ``predicate(exit code, output)`` holds; returns the output."""
    deadline = time.monotonic() + timeout
    while True:
        returned, output = status(bot)
        if predicate(returned, output):
            return output
        if time.monotonic() > deadline:
            raise AssertionError(f"status never got there; last ({returned}):\n{output}")
        time.sleep(0.3)


def wait_status(bot, code: int, timeout: float = 20.0) -> str:
    return wait_until(bot, lambda returned, output: returned == code, timeout)


def test_a_7_second_write_lock_during_traffic(server, bots):
    bot = bots().start()
    onboard_http(server, 1001)
    wait_status(bot, 0)
    locked, released = threading.Event(), threading.Event()

    def hold_lock() -> None:
        conn = sqlite3.connect(bot.db, isolation_level=None)
        conn.execute("begin immediate")
        locked.set()
        time.sleep(7)
        conn.execute("rollback")
        conn.close()
        released.set()

    threading.Thread(target=hold_lock, daemon=True).start()
    locked.wait(5)
    server.tap(1001, "4")  # traffic during the lock
    server.send_text(1002, "/start")  # and a new user
    output = wait_status(bot, 1, timeout=15)  # told while it lasts
    assert "locked" in output, output
    released.wait(15)
    end = time.monotonic()
    server.wait_for(lambda: answered_start(server, 1002), timeout=15, message="no answer within 15 s of the fault")
    wait_question(server, 1001, 2, timeout=15)
    print(f"\nanswered {time.monotonic() - end:.1f} s after a 7 s lock ended")
    wait_status(bot, 0)
    assert bot.process.poll() is None
    assert bot.stop() == 0
    bot = bots().start()  # and after a restart as well
    server.send_text(1003, "/start")
    server.wait_for(lambda: answered_start(server, 1003), timeout=15)
    assert bot.stop() == 0


def test_an_unparseable_update_and_a_failed_delete_webhook_at_start_up(server, bots):
    server.fail("deleteWebhook", 502, "Bad Gateway", times=2)  # two prove the retry; each waits out a backoff
    bot = bots().start(wait=False)
    output = wait_until(bot, lambda code, text: code == 1 and "receiving failing" in text)
    assert "Bad Gateway" in output, output
    server.wait_for(lambda: len(server.calls_to("deleteWebhook")) >= 3, timeout=30, message="never retried")
    server.add_update({"poll": {"id": "p1", "question": "?"}})  # python-telegram-bot cannot parse this
    server.send_text(1101, "/start")
    server.wait_for(lambda: answered_start(server, 1101), timeout=15)
    assert "cannot be parsed" in bot.logs()
    assert bot.stop() == 0
    bot = bots().start()  # the restart does not meet it again
    server.send_text(1102, "/start")
    server.wait_for(lambda: answered_start(server, 1102), timeout=15)
    with sqlite3.connect(bot.db) as conn:
        assert conn.execute("select count(*) from inbox where status = 'unparseable'").fetchone() == (1,)
    output = wait_status(bot, 0)
    assert "1 unparseable" in output, output
    assert bot.stop() == 0


def test_update_ids_that_restart_lower_after_a_quiet_week(server, bots):
    server.reset_update_ids(500_000)
    bot = bots().start()
    server.send_text(1201, "/start")
    server.wait_for(lambda: answered_start(server, 1201), timeout=15)
    server.reset_update_ids(7)  # Telegram chose a new, lower id
    server.send_text(1202, "/start")
    server.wait_for(lambda: answered_start(server, 1202), timeout=15, message="the update after the reset was lost")
    assert bot.stop() == 0


def test_one_users_700_queued_updates_delay_another_by_less_than_a_second(server, bots):
    bot = bots().start()
    for _ in range(700):
        server.send_text(1301, "/help")
    time.sleep(1.0)  # the flood is being served
    sent = time.monotonic()
    server.send_text(1302, "/start")
    server.wait_for(lambda: answered_start(server, 1302), timeout=10)
    delay = time.monotonic() - sent
    served = len(server.messages(1301))
    print(f"\nanother user's answer after {delay * 1000:.0f} ms while {served} of 700 flood replies were out")
    assert delay < 1.0 and served < 700
    bot.stop()
