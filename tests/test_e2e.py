"""End to end: the real `regiecoach run` as a subprocess, over HTTP, against a loopback Bot API.

Users only read what the bot sends. Includes kill -9 during bursts of answers, a blocked user,
a 429 storm, a second instance, SIGTERM and the webhook.
"""

from __future__ import annotations

import random
import socket
import time

import pytest

from tests.conftest import CONTENT, TOTAL, onboard_http, stored, wait_question

pytestmark = pytest.mark.slow  # the real `regiecoach run`: production durability (FULL)

















def test_a_full_assessment_over_http(server, bots, tmp_path):
    bot = bots().start()
    user = 501
    onboard_http(server, user)
    for n in range(1, TOTAL + 1):
        wait_question(server, user, n)
        server.tap(user, str(n % 5 + 1))
    server.wait_for(lambda: any(m.kind == "photo" for m in server.messages(user)), timeout=30)
    server.wait_for(lambda: any("Start here" in m.text for m in server.messages(user)), timeout=30)
    assert len(stored(bot.db, user)) == TOTAL
    assert bot.stop() == 0
    assert "stopped cleanly" in bot.logs()
    assert all(len(c.params.get("text", "")) <= 4096 for c in server.api.calls)


def test_kill_9_during_bursts_loses_no_acknowledged_answer(server, bots):
    """Several users fire bursts of answers; the bot is killed at random moments and restarted."""
    rng = random.Random(2026)
    bot = bots().start()
    users = [601, 602, 603]
    for user in users:
        onboard_http(server, user)
    assessment = {u: int(server.last(u).buttons()[0]["callback_data"].split(":")[2]) for u in users}
    given: dict[int, dict[int, int]] = {u: {} for u in users}
    next_question = {u: 0 for u in users}
    queries: list[tuple[str, int, int, int]] = []  # (callback query id, user, question, value)
    kills = 0
    while any(q < TOTAL for q in next_question.values()):
        burst = []
        for user in users:  # a burst: each user taps the next few answers as fast as they can
            for _ in range(rng.randint(3, 6)):
                q = next_question[user]
                if q >= TOTAL:
                    break
                value = rng.randint(1, 5)
                burst.append(server.press(user, f"1:a:{assessment[user]}:{q}:{value}"))
                given[user][q] = value
                queries.append((server._query_ids[user][-1], user, q, value))
                next_question[user] += 1
        time.sleep(rng.uniform(0.0, 0.4))
        bot.kill()
        kills += 1
        bot = bots().start()
        for update_id in burst:
            server.wait_confirmed(update_id, timeout=30)
    for user in users:
        wait_question(server, user, TOTAL, timeout=30) if next_question[user] < TOTAL else None
    server.wait_for(lambda: all(len(stored(bot.db, u)) == TOTAL for u in users), timeout=60,
                    message="not every answer was stored")
    answered = {str(c.params.get("callback_query_id")) for c in server.calls_to("answerCallbackQuery")}
    acknowledged = [(user, q, value) for query, user, q, value in queries if query in answered]
    for user, q, value in acknowledged:  # every answer the bot acknowledged is stored, with its value
        assert stored(bot.db, user)[CONTENT.questions[q].id] == value
    for user in users:
        answers = stored(bot.db, user)
        assert [answers[q.id] for q in CONTENT.questions] == [given[user][i] for i in range(TOTAL)]
        sent = [str(c.params.get("text", "")).split(" ")[0] for c in server.calls_to("sendMessage")
                if str(c.params.get("chat_id")) == str(user) and f"/{TOTAL} " in str(c.params.get("text", ""))[:8]]
        assert len(sent) == len(set(sent)), f"user {user} was sent a question twice: {sent}"
    assert acknowledged and kills >= 5
    bot.stop()
    print(f"\nkill -9 runs: {kills}; answers sent: {len(queries)}; acknowledged: {len(acknowledged)}; "
          f"stored: {sum(len(stored(bot.db, u)) for u in users)}; duplicates: 0")


def test_a_blocked_user_and_a_429_storm(server, bots):
    bot = bots().start()
    blocked, flooded, other = 701, 702, 703
    for user in (blocked, flooded, other):
        onboard_http(server, user)
    server.block(blocked)
    server.tap(blocked, "3")
    server.flood(flooded, times=3, retry_after=1)
    server.tap(flooded, "4")
    server.tap(other, "5")
    wait_question(server, other, 2)
    wait_question(server, flooded, 2, timeout=30)  # waited out the 429s, nothing lost
    assert stored(bot.db, flooded) == {CONTENT.questions[0].id: 4}
    assert stored(bot.db, blocked) == {CONTENT.questions[0].id: 3}  # stored; the reply could not go out
    assert bot.process.poll() is None
    assert bot.stop() == 0


def test_a_second_instance_is_refused_and_sigterm_stops_cleanly(server, bots):
    first = bots().start()
    second = bots().start(wait=False)
    assert second.process.wait(timeout=30) == 3
    assert "already using" in second.logs()
    assert first.stop() == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webhook_mode(server, bots):
    port = free_port()
    bot = bots("--webhook", REGIECOACH_WEBHOOK_URL="https://bot.example.org/telegram",
               REGIECOACH_WEBHOOK_SECRET="s3cret-token-of-24-chars", REGIECOACH_WEBHOOK_LISTEN=f"127.0.0.1:{port}").start()
    server.wait_for(lambda: server.webhook_url, timeout=30, message="no setWebhook")
    import httpx

    update = {"update_id": 1, "message": {"message_id": 1, "date": int(time.time()), "text": "/start",
                                          "chat": {"id": 801, "type": "private"},
                                          "from": {"id": 801, "is_bot": False, "first_name": "W", "language_code": "en"},
                                          "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
    url = f"http://127.0.0.1:{port}/telegram"
    for _ in range(100):  # the listener may still be starting
        try:
            refused = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            break
        except httpx.ConnectError:
            time.sleep(0.1)
    assert refused.status_code == 403
    accepted = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token-of-24-chars"})
    assert accepted.status_code == 200
    server.wait_for(lambda: server.messages(801), timeout=15)
    assert "Welcome" in server.last_text(801)
    assert bot.stop() == 0
