"""End to end: `regiecoach backup` while users answer the real `regiecoach run`, restored.

Users tap their answers over HTTP; a backup is taken meanwhile; they go on answering. The
copy is restored into a new place (as docs/operations.md says: put the copy in place, start)
and served by a new `regiecoach run`, Telegram's side going on as it would: every user gets exactly
the question they had reached when the backup was taken, with the answers they had given
(an answer the bot had received but not yet stored is in the copy's inbox, and handled first).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import CONTENT, ROOT, TOTAL, onboard_http, stored, wait_question

pytestmark = pytest.mark.slow

USERS = list(range(901, 907))


def regiecoach(db, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REGIECOACH_"))}
    env |= {"REGIECOACH_DB": str(db), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=60)


def progress(db) -> dict[int, int]:
    """Answers each user has given the bot: stored, or received and waiting in the inbox (the
    bot acknowledged those to Telegram, so a restored bot must still handle them)."""
    with sqlite3.connect(db) as conn:
        waiting = dict(conn.execute("select user_id, count(*) from inbox where status = 'pending' "
                                    "group by user_id").fetchall())
    return {user: len(stored(db, user)) + waiting.get(user, 0) for user in USERS}


def question_numbers(messages) -> list[int]:
    """The numbers of the questions among ``messages``, in order (first lines like "12/43 …")."""
    heads = (m.text.split(" ", 1)[0] for m in messages if m.text)
    return [int(head.split("/")[0]) for head in heads if head.endswith(f"/{TOTAL}") and head.split("/")[0].isdigit()]


def test_a_backup_taken_while_users_answer_restores_and_serves_each_user_where_they_were(server, bots, tmp_path):
    bot = bots().start()
    for user in USERS:
        onboard_http(server, user)
    given = {user: [random.Random(user).randint(1, 5) for _ in range(TOTAL)] for user in USERS}
    stop, failures = threading.Event(), []

    def answer(user: int) -> None:
        pause = random.Random(-user)
        try:
            for n in range(1, TOTAL):  # all but the last: everyone stays mid-assessment
                wait_question(server, user, n, timeout=30)
                if stop.is_set():
                    return
                time.sleep(pause.uniform(0.05, 0.25))
                server.tap(user, str(given[user][n - 1]))
        except Exception as error:  # noqa: BLE001 - reported by the test thread
            failures.append(error)

    threads = [threading.Thread(target=answer, args=(user,)) for user in USERS]
    for thread in threads:
        thread.start()
    server.wait_for(lambda: min(progress(bot.db).values()) >= 4, timeout=60, message="users never got going")
    before = progress(bot.db)
    made = regiecoach(bot.db, "backup", str(tmp_path / "backups" / "regiecoach.db"))
    after = progress(bot.db)
    assert made.returncode == 0, made.stderr
    server.wait_for(lambda: all(n >= min(after[u] + 4, TOTAL - 1) for u, n in progress(bot.db).items()),
                    timeout=60, message="users did not go on answering after the backup")
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    server.wait_for(lambda: not server.pending(), timeout=30, message="the bot did not take every tap")
    final = progress(bot.db)
    assert bot.stop() == 0

    copy = tmp_path / "backups" / "regiecoach.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    reached = progress(copy)
    for user in USERS:  # the copy is one moment between the two looks, with the answers given by then
        assert before[user] <= reached[user] <= after[user] < final[user], (user, before, reached, after, final)
        answers = stored(copy, user)
        assert answers == {CONTENT.questions[i].id: given[user][i] for i in range(len(answers))}
    with sqlite3.connect(copy) as conn:
        cursors = dict(conn.execute("select user_id, cursor from assessments where status = 'in_progress'").fetchall())
    assert cursors == {user: len(stored(copy, user)) for user in USERS}

    restored = tmp_path / "elsewhere" / "regiecoach.db"
    restored.parent.mkdir()
    shutil.copy(copy, restored)
    status = regiecoach(restored, "status")
    assert status.returncode == 0 and status.stdout.startswith("regiecoach: idle"), status.stdout
    shown = {user: len(server.messages(user)) for user in USERS}
    again = bots(db=restored).start()  # the same Telegram (its update ids go on), the database restored
    for user in USERS:
        server.send_text(user, "/resume")
    for user in USERS:
        server.wait_for(lambda u=user: question_numbers(server.messages(u)[shown[u]:]), timeout=30,
                        message=f"user {user} was not shown a question after /resume")
        assert question_numbers(server.messages(user)[shown[user]:]) == [reached[user] + 1]
        server.tap(user, str(given[user][reached[user]]))  # and the restored bot serves on
    for user in USERS:
        wait_question(server, user, reached[user] + 2)
    for user in USERS:  # what they had given when the backup was taken, and the one answer since
        assert stored(restored, user) == {CONTENT.questions[i].id: given[user][i] for i in range(reached[user] + 1)}
    assert again.stop() == 0
    print(f"\nbackup: {made.stdout.strip()}\nanswered before / in the copy / after / at the end: "
          f"{sum(before.values())} / {sum(reached.values())} / {sum(after.values())} / {sum(final.values())}")
