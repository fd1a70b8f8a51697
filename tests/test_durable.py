"""The durable inbox: updates committed before acknowledgement, done once, finished after restart."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.runner import DurableRunner, WebhookServer
from storage.lock import AlreadyRunning, single_instance


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
    runner.receive(updates)
    assert [status for _, status in inbox(harness.db_path)] == ["pending"] * 3
    assert runner.inbox.offset() == updates[-1].update_id + 1  # the next getUpdates acknowledges them
    runner.receive(updates[:2])  # Telegram delivers them again: ignored
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
        runner.receive(presses)
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
    runner.receive([update])
    conversations = harness.application.bot_data["conversations"]
    await conversations.handle(33, "start", update_id=update.update_id)
    assert conversations.inbox.is_done(update.update_id)  # marked by the save itself


async def _http(port: int, body: bytes, secret: str | None, path: str = "/telegram") -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    headers = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
    if secret is not None:
        headers += f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
    writer.write(headers.encode() + b"\r\n" + body)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    writer.close()
    return status


async def test_the_webhook_checks_the_secret_and_answers_200_only_after_the_commit(harness):
    runner = DurableRunner(harness.application)
    server = await asyncio.start_server(WebhookServer(runner, "s3cret").serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    update = harness.user(34).message_update("/start")
    body = update.to_json().encode()
    try:
        assert await _http(port, body, None) == 403
        assert await _http(port, body, "wrong") == 403
        assert await _http(port, body, "s3cret", path="/other") == 404
        assert await _http(port, b"{not json", "s3cret") == 400
        assert inbox(harness.db_path) == []
        assert await _http(port, body, "s3cret") == 200
        assert inbox(harness.db_path) == [(update.update_id, "pending")]
    finally:
        server.close()
        await server.wait_closed()


def test_a_second_instance_on_the_same_database_is_refused(tmp_path):
    with single_instance(tmp_path / "a.db"):
        with pytest.raises(AlreadyRunning, match="already using"):
            with single_instance(tmp_path / "a.db"):
                pass
    with single_instance(tmp_path / "a.db"):  # free again afterwards
        pass
