"""The durable inbox: updates committed before acknowledgement, done once, finished after restart."""

from __future__ import annotations

import sqlite3

import pytest

from bot.runner import DurableRunner
from bot.turn import Turn
from bot.turns import handle
from storage.lock import AlreadyRunning, single_instance

pytestmark = pytest.mark.durable


def inbox(db_path):
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select update_id, status from inbox order by update_id").fetchall()


def answers(db_path):
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select count(*) from answers").fetchone()[0]


async def test_updates_are_stored_before_acknowledgement_and_handled_once(harness, content):
    runner = DurableRunner(harness.application)
    user = harness.user(31)
    updates = [user.message_update("/start"), user.message_update("/help"), user.message_update("hello")]
    assert runner.inbox.offset() is None
    runner.receive_updates(updates)
    assert [status for _, status in inbox(harness.db_path)] == ["pending"] * 3
    assert runner.inbox.offset() == updates[-1].update_id + 1  # the next getUpdates acknowledges them
    runner.receive_updates(updates[:2])  # Telegram delivers them again: ignored
    await runner.drain()
    assert [status for _, status in inbox(harness.db_path)] == ["done"] * 3
    sent = [m.text for m in user.messages()]
    assert len(sent) == 3 and sent[0].startswith("👋")  # intro, help, a hint: each once
    await runner.drain()
    assert len(user.messages()) == 3


async def test_pending_updates_are_finished_after_a_restart(make_harness, content):
    first = make_harness()
    async with first.application:
        user = first.user(32)
        for text in ("/start",):
            await user.send(text)
        await user.tap(content.text("btn_next", "en"))
        await user.tap("🇬🇧 English")
        await user.tap(content.text("btn_agree", "en"))
        question = user.last()
        runner = DurableRunner(first.application)
        # three answers arrive and are committed to the inbox, then the process dies
        presses = [user.callback_update(button["callback_data"], question)
                   for button in question.buttons() if button["text"] == "4"]
        runner.receive_updates(presses)
    assert answers(first.db_path) == 0
    second = make_harness()
    async with second.application:
        await DurableRunner(second.application).drain()
        assert answers(second.db_path) == 1
        assert [status for _, status in inbox(second.db_path)] == ["done"]
    assert second.errors == []


async def test_a_state_change_and_its_done_mark_are_one_transaction(harness, content):
    runner = DurableRunner(harness.application)
    user = harness.user(33)
    update = user.message_update("/start")
    runner.receive_updates([update])
    core = harness.application.bot_data["core"]
    handle(core, Turn.of(33, update_id=update.update_id), "start", {})
    assert core.stores.inbox.is_done(update.update_id)  # marked by the save itself


def test_a_second_instance_on_the_same_database_is_refused(tmp_path):
    with single_instance(tmp_path / "a.db"):
        with pytest.raises(AlreadyRunning, match="already using"):
            with single_instance(tmp_path / "a.db"):
                pass
    with single_instance(tmp_path / "a.db"):  # free again afterwards
        pass
