"""Faults are part of the spec: each is met through the real Application and recovered from.

A locked database, an update python-telegram-bot cannot parse, one user's flood, a broken
plan among 100 due ones, a crash between claiming and sending, sends that fail, odd updates.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from telegram import Update
from telegram.error import NetworkError

from bot.config import Settings
from bot.render import split_message
from bot.runner import DurableRunner
from bot.schedule import (
    MAX_ATTEMPTS,
    resolve_interrupted,
    send_due_checkins,
    send_due_prompts,
)
from storage import DeliveryPrompt, PlanRecord
from telegram_doubles.fake_api import parse_html
from tests.conftest import (
    ADMIN,
    TOKEN,
    FakeClock,
    current_question,
    make_coach,
    make_coachee,
    onboard,
    rows,
)


@contextmanager
def write_lock(db_path):
    """Another program (a backup, a sqlite3 shell) holds the database's write lock."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("begin immediate")
    try:
        yield
    finally:
        conn.execute("rollback")
        conn.close()


@pytest.fixture
def quick_lock(make_harness, db_path):
    """A harness whose writes give up on a lock after 50 ms (instead of seconds)."""
    def make(**options):
        harness = make_harness(**options)
        harness.application.bot_data["core"].stores.db.execute("PRAGMA busy_timeout=50")
        return harness
    return make


async def test_a_locked_database_delays_an_answer_but_loses_nothing(quick_lock, content):
    harness = quick_lock()
    async with harness.application:
        runner = DurableRunner(harness.application)
        user = harness.user(7001)
        runner.receive_updates([user.message_update("/start")])  # stored before the lock
        with write_lock(harness.db_path):
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                runner.receive_updates([harness.user(7002).message_update("/start")])  # not acknowledged
            runner.dispatch()
            await asyncio.wait(set(runner.workers))
            assert user.messages() == []  # no answer yet, and no apology either
            assert rows(harness.db_path, "select status from inbox") == [("pending",)]
            assert "database" in runner.health.faults
        await runner.drain()  # the lock is gone: tried again
        assert user.last().text == parse_html(content.text("intro", "en"))
        assert rows(harness.db_path, "select status from inbox") == [("done",)]
    assert harness.errors and all("locked" in str(error) for error in harness.errors)


async def test_an_update_the_library_cannot_parse_is_stored_and_passed_over(make_harness, content):
    broken = {"update_id": 900, "poll": {"id": "1", "question": "?"}}  # lacks fields PTB requires
    first = make_harness()
    async with first.application:
        runner = DurableRunner(first.application)
        user = first.user(7101)
        runner.receive([broken, user.message_update("/start").to_dict() | {"update_id": 901}])
        assert runner.inbox.offset() == 902  # acknowledged with the rest: it cannot block the offset
        await runner.drain()
        assert user.last().text == parse_html(content.text("intro", "en"))
    status, error = rows(first.db_path, "select status, error from inbox where update_id = 900")[0]
    assert status == "unparseable" and error
    second = make_harness()  # a restart does not meet it again
    async with second.application:
        runner = DurableRunner(second.application)
        assert runner.inbox.pending_owners() == []
        user = second.user(7102)
        runner.receive_updates([user.message_update("/start")])
        await runner.drain()
        assert user.last().text == parse_html(content.text("intro", "en"))


async def test_the_offset_confirms_a_batch_once_then_polls_without_one(harness):
    """After a week without updates Telegram may restart ids lower: an old offset would skip them."""
    runner = DurableRunner(harness.application)
    user = harness.user(7201)
    runner.receive([user.message_update("/help").to_dict() | {"update_id": 5000}])
    assert runner.inbox.offset() == 5001
    runner.inbox.acknowledged(5001)  # a getUpdates with that offset succeeded
    assert runner.inbox.offset() is None  # from now on: no offset, so any id comes through
    runner.receive([user.message_update("/help").to_dict() | {"update_id": 3}])
    assert runner.inbox.offset() == 4  # the new (lower) batch is confirmed next
    old = datetime.now(timezone.utc) + timedelta(hours=30)
    assert runner.inbox.offset(old) is None  # Telegram forgot it anyway after 24 hours


async def test_one_users_flood_does_not_delay_another(harness, content):
    runner = DurableRunner(harness.application)
    flooder, other = harness.user(7301), harness.user(7302)
    runner.receive_updates([flooder.message_update("/help") for _ in range(700)])
    runner.receive_updates([other.message_update("/start")])
    await runner.drain()
    chats = [int(call.params["chat_id"]) for call in harness.api.calls_to("sendMessage")]
    assert len(chats) == 701
    assert chats.index(other.id) < 40  # users take turns: not behind the 700
    helps = [m.text for m in flooder.messages()]
    assert len(helps) == 700 and set(helps) == {helps[0]} and "/help" in helps[0]  # each one answered


async def test_one_broken_plan_among_100_due_ones(make_harness, content, db_path):
    clock = FakeClock(datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc))
    harness = make_harness(clock=clock)
    stores = harness.application.bot_data["core"].stores
    focus = [content.competencies[0].id]
    for user_id in range(8000, 8100):
        stores.users.ensure_user(user_id, "en", "2026-12-01T00:00:00+00:00")
        stores.plans.save(PlanRecord(user_id, focus, 2, "09:00", True, "idle", "2026-12-02T07:00:00+00:00"),
                                 "2026-12-01T00:00:00+00:00")
    with sqlite3.connect(db_path) as conn:  # as an older version could leave it
        conn.execute("update plans set focus = '[]' where user_id = 8042")
    async with harness.application:
        assert await send_due_checkins(harness.application) == 99
        assert rows(db_path, "select failures, active, last_error is not null from plans where user_id = 8042") \
            == [(1, 1, 1)]
        for _ in range(MAX_ATTEMPTS):
            clock.now += timedelta(hours=2)
            await send_due_checkins(harness.application)
        assert rows(db_path, "select active from plans where user_id = 8042") == [(0,)]  # marked failed
        assert rows(db_path, "select count(*) from checkins where status = 'sent'") == [(99,)]
    assert harness.errors == []


async def test_a_check_in_that_fails_to_send_is_retried_then_marked_failed(make_harness, content, db_path):
    clock = FakeClock(datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc))
    harness = make_harness(clock=clock)
    stores = harness.application.bot_data["core"].stores
    stores.users.ensure_user(8200, "en", "2026-12-01T00:00:00+00:00")
    stores.plans.save(PlanRecord(8200, [content.competencies[0].id], 2, "09:00", True, "idle",
                                        "2026-12-02T07:00:00+00:00"), "2026-12-01T00:00:00+00:00")
    harness.api.fail("sendMessage", (502, "Bad Gateway"), times=1)
    async with harness.application:
        assert await send_due_checkins(harness.application) == 0
        assert rows(db_path, "select status, attempts from checkins") == [("pending", 1)]
        clock.now += timedelta(minutes=1)
        assert await send_due_checkins(harness.application) == 1  # the retry
        harness.api.fail("sendMessage", (502, "Bad Gateway"), times=100)
        stores.plans.save(PlanRecord(8200, [content.competencies[0].id], 2, "09:00", True, "idle",
                                            iso(clock.now)), iso(clock.now))
        for _ in range(MAX_ATTEMPTS + 1):
            await send_due_checkins(harness.application)
            clock.now += timedelta(hours=1)
        status = rows(db_path, "select status, attempts, last_error from checkins order by id")[-1]
        assert status[:2] == ("failed", MAX_ATTEMPTS) and "Bad Gateway" in status[2]
    assert harness.errors == []


def iso(moment):
    return moment.isoformat(timespec="seconds")


async def test_a_delivery_interrupted_while_sending_is_never_sent_twice(make_harness, content, db_path):
    first = make_harness(Settings(token=TOKEN, db_path=db_path, admin_ids=frozenset({ADMIN})))
    async with first.application:
        coach = await make_coach(first, content)
        coachee = await make_coachee(first, content, coach)
        stores = first.application.bot_data["core"].stores
        stores.coaching.create_schedule({
            "coach_id": coach.id, "coachee_id": coachee.id, "competency": content.competencies[0].id,
            "prompt_index": 0, "own_text": None, "kind": "once", "weekday": None, "time": None,
            "next_due_at": "2000-01-01T00:00:00+00:00", "active": 1, "created_at": "2000-01-01T00:00:00+00:00"})
        stores.coaching.claim_schedule(1, "2100-01-01T00:00:00+00:00", lambda schedule: None,
                                       lambda schedule, coachee, language: DeliveryPrompt(schedule.competency, 0))
        delivery = stores.coaching.sendable_deliveries("2100-01-01T00:00:00+00:00")[0]
        assert stores.coaching.start_sending(delivery)  # … and the process dies here
    before = len(first.api.calls_to("sendMessage"))
    second = make_harness()
    async with second.application:
        assert await resolve_interrupted(second.application) == 1
        assert await send_due_prompts(second.application) == 0
        told = [m.text for m in second.user(coach.id).messages()][-1]
        assert told == parse_html(content.text("prompt_unknown", "en", name="Kees"))
    assert rows(db_path, "select status from prompt_deliveries") == [("unknown",)]
    sent = first.api.calls_to("sendMessage")[before:]
    assert [int(c.params["chat_id"]) for c in sent] == [coach.id]  # the coachee got nothing twice


@pytest.mark.parametrize("failures", [1, 2])
async def test_a_failed_next_question_comes_back(harness, content, failures):
    """The edit that shows the next question meets a network error once, or twice; a retry
    or the user's next tap brings it."""
    user = harness.user(7400 + failures)
    await onboard(user, content)
    await user.tap("3")
    read_error = NetworkError("httpx.ReadError: ")
    harness.api.fail("editMessageText", read_error, times=failures + (1 if failures == 2 else 0))
    question = user.last()
    await user.tap("4", message=question)
    if failures == 1:
        assert current_question(user).startswith("3/43")  # retried at once: nothing to notice
        return
    harness.errors.clear()  # the edit failed for good: logged, the user told
    assert user.last().text == parse_html(content.text("send_failed", "en"))
    assert current_question_message(user).text.startswith("2/43")
    await user.tap("4", message=current_question_message(user))  # the user taps again
    assert current_question_message(user).text.startswith("3/43")
    assert rows(harness.db_path, "select value from answers order by rowid") == [(3,), (4,)]


def current_question_message(user):
    return next(m for m in reversed(user.messages()) if "/43" in m.text.splitlines()[0])


async def test_channel_posts_business_messages_and_anonymous_senders_get_no_reply(harness):
    user = harness.user(7501)
    channel = {"id": -100777, "type": "channel", "title": "News"}
    for update in (
        {"update_id": 1, "channel_post": {"message_id": 1, "date": 0, "chat": channel, "text": "/start"}},
        {"update_id": 2, "edited_channel_post": {"message_id": 1, "date": 0, "edit_date": 1, "chat": channel,
                                                 "text": "hi"}},
        {"update_id": 3, "business_message": {"message_id": 2, "date": 0, "business_connection_id": "b1",
                                              "chat": {"id": 42, "type": "private"}, "from": user.profile,
                                              "text": "/start"}},
        {"update_id": 4, "message": {"message_id": 3, "date": 0, "chat": {"id": 43, "type": "private"},
                                     "sender_chat": channel, "text": "/start"}},
    ):
        await harness.application.process_update(Update.de_json(update, harness.application.bot))
    assert [c.method for c in harness.api.calls if c.method not in ("getMe",)] == []


def test_long_text_is_split_between_entities_and_tags():
    text = ("a" * 4090) + " &amp; <b>bold &lt;x&gt;</b> " + "b" * 100
    parts = split_message(text)
    assert all(len(part) <= 4096 for part in parts)
    for part in parts:
        parse_html(part)  # each part is valid Telegram HTML on its own
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")
    tight = "x" * 4094 + "&amp;&amp;"
    assert split_message(tight) == ["x" * 4094, "&amp;&amp;"]


async def test_an_empty_focus_cannot_be_saved_into_a_live_plan(make_harness, content):
    from bot.flows.scoring import heaviest
    from tests.conftest import answer_all, make_plan, plan_row, say

    harness = make_harness()
    async with harness.application:
        user = harness.user(7601)
        await onboard(user, content)
        await answer_all(user, content, lambda i: 3)
        focus = await make_plan(user, content, picks=1)
        await user.send("/plan")
        await user.tap(content.text("btn_change_focus", "en"))
        await user.tap(content.text("selected_mark", "en", label=focus[0]), message=user.last())  # untick it
        await user.tap(content.text("btn_done", "en"), message=user.last())
        assert user.toasts()[-1] == say(content, "plan_need_focus")
        await user.send("/help")  # … and leave
        assert json.loads(plan_row(harness.db_path, user.id)["focus"]) == list(heaviest(content, 1))  # flat
    assert harness.errors == []
