"""The loopback Bot API stand-in, tested over real HTTP (httpx and a real PTB ``Bot``)."""

from __future__ import annotations

import datetime as dtm
import json
import struct
import threading
import time
import zlib
from collections.abc import Iterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, InvalidToken, RetryAfter

from telegram_doubles.server import BotApiServer

TOKEN = "123456:TEST-TOKEN"
USER = 4242


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    with BotApiServer(TOKEN) as running:
        yield running
    assert not running.errors


@pytest.fixture
def client(server: BotApiServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.base_url}/bot{TOKEN}", timeout=10) as http:
        yield http


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def test_listens_on_loopback_and_answers_get_me(server: BotApiServer, client: httpx.Client) -> None:
    assert server.base_url.startswith("http://127.0.0.1:") and server.port > 0
    response = client.post("/getMe")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["result"]["is_bot"] is True


def test_only_the_configured_token_is_served(server: BotApiServer) -> None:
    wrong = httpx.post(f"{server.base_url}/bot999:WRONG/getMe", timeout=5)
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert httpx.post(f"{server.base_url}/getMe", timeout=5).status_code == 404
    assert server.calls_to("getMe") == []


def test_unknown_method_is_404_and_method_names_are_case_insensitive(client: httpx.Client) -> None:
    assert client.post("/noSuchMethod").status_code == 404
    assert client.post("/getme").json()["ok"] is True


def test_send_message_with_a_form_body_and_reply_markup(server: BotApiServer, client: httpx.Client) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    response = client.post("/sendMessage", data={"chat_id": str(USER), "text": "[1] <b>Hi</b>",
                                                 "parse_mode": "HTML", "reply_markup": json.dumps(markup)})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["text"] == "[1] Hi" and result["chat"]["id"] == USER
    assert isinstance(result["date"], int) and abs(result["date"] - time.time()) < 60
    assert result["reply_markup"] == markup
    call = server.calls_to("sendMessage")[-1]
    assert call.params["reply_markup"] == markup  # decoded from the form
    assert call.params["text"] == "[1] <b>Hi</b>"  # free text is never JSON-decoded
    assert server.last(USER).labels() == ["Go"]


def test_send_message_with_a_json_body(server: BotApiServer, client: httpx.Client) -> None:
    response = client.post("/sendMessage", json={"chat_id": USER, "text": "hello",
                                                 "reply_markup": {"inline_keyboard": [[{"text": "A",
                                                                                        "callback_data": "a"}]]}})
    assert response.status_code == 200, response.text
    assert server.last_text(USER) == "hello"
    assert server.last(USER).labels() == ["A"]


def test_limits_give_400(client: httpx.Client) -> None:
    too_long = client.post("/sendMessage", data={"chat_id": USER, "text": "x" * 4097})
    assert too_long.status_code == 400
    assert too_long.json()["description"] == "Bad Request: message is too long"
    assert client.post("/sendMessage", data={"chat_id": USER, "text": "x" * 4096}).status_code == 200
    bad_data = {"inline_keyboard": [[{"text": "A", "callback_data": "d" * 65}]]}
    response = client.post("/sendMessage", data={"chat_id": USER, "text": "t", "reply_markup": json.dumps(bad_data)})
    assert response.status_code == 400 and "BUTTON_DATA_INVALID" in response.json()["description"]
    missing = client.post("/sendMessage", data={"text": "no chat"})
    assert missing.status_code == 400 and missing.json()["ok"] is False


def test_edit_returns_the_message_and_unchanged_edit_is_refused(server: BotApiServer, client: httpx.Client) -> None:
    sent = client.post("/sendMessage", data={"chat_id": USER, "text": "one"}).json()["result"]
    edited = client.post("/editMessageText", data={"chat_id": USER, "message_id": sent["message_id"], "text": "two"})
    assert edited.status_code == 200 and edited.json()["result"]["text"] == "two"
    same = client.post("/editMessageText", data={"chat_id": USER, "message_id": sent["message_id"], "text": "two"})
    assert same.status_code == 400 and "message is not modified" in same.json()["description"]
    assert server.messages(USER)[-1].edits == 1


def test_get_updates_confirms_by_offset_and_redelivers(server: BotApiServer, client: httpx.Client) -> None:
    first = server.send_text(USER, "/start")
    second = server.send_text(USER, "hello", first_name="Kim")
    assert (first, second) == (1, 2)
    updates = client.post("/getUpdates", data={"timeout": "0"}).json()["result"]
    assert [u["update_id"] for u in updates] == [1, 2]
    assert updates[0]["message"]["entities"][0]["type"] == "bot_command"
    assert updates[1]["message"]["from"]["first_name"] == "Kim"
    # not confirmed: delivered again
    again = client.post("/getUpdates", data={"timeout": "0", "limit": "1"}).json()["result"]
    assert [u["update_id"] for u in again] == [1]
    assert server.deliveries[1] == 2
    # offset 2 confirms 1 only
    rest = client.post("/getUpdates", data={"offset": "2", "timeout": "0"}).json()["result"]
    assert [u["update_id"] for u in rest] == [2]
    assert server.is_confirmed(1) and not server.is_confirmed(2)
    assert client.post("/getUpdates", data={"offset": "3", "timeout": "0"}).json()["result"] == []
    assert server.is_confirmed(2) and server.pending() == []


def test_long_polling_returns_early_when_an_update_arrives(server: BotApiServer, client: httpx.Client) -> None:
    timer = threading.Timer(0.3, server.send_text, args=(USER, "late"))
    timer.start()
    started = time.monotonic()
    try:
        updates = client.post("/getUpdates", data={"timeout": "5"}).json()["result"]
    finally:
        timer.cancel()
    assert 0.2 < time.monotonic() - started < 3
    assert [u["message"]["text"] for u in updates] == ["late"]


def test_long_polling_waits_out_its_timeout_without_blocking_sends(server: BotApiServer,
                                                                   client: httpx.Client) -> None:
    results: list[list] = []
    poller = threading.Thread(target=lambda: results.append(
        httpx.post(f"{server.base_url}/bot{TOKEN}/getUpdates", data={"timeout": "1"}, timeout=5).json()["result"]))
    started = time.monotonic()
    poller.start()
    time.sleep(0.1)
    assert client.post("/sendMessage", data={"chat_id": USER, "text": "meanwhile"}).status_code == 200
    assert time.monotonic() - started < 0.9  # the send did not wait for the poll
    poller.join(timeout=5)
    assert results == [[]]
    assert time.monotonic() - started >= 0.9


def test_a_newer_get_updates_ends_an_older_one_with_409(server: BotApiServer, client: httpx.Client) -> None:
    answers: list[httpx.Response] = []
    old = threading.Thread(target=lambda: answers.append(
        httpx.post(f"{server.base_url}/bot{TOKEN}/getUpdates", data={"timeout": "5"}, timeout=10)))
    old.start()
    server.wait_for(lambda: server.calls_to("getUpdates"), timeout=5)
    assert client.post("/getUpdates", data={"timeout": "0"}).status_code == 200
    old.join(timeout=5)
    assert answers[0].status_code == 409 and "terminated by other getUpdates" in answers[0].json()["description"]


def test_blocked_user_gives_403(server: BotApiServer, client: httpx.Client) -> None:
    server.block(USER)
    response = client.post("/sendMessage", data={"chat_id": USER, "text": "hi"})
    assert response.status_code == 403
    assert response.json() == {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    update = client.post("/getUpdates").json()["result"][0]
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"


def test_flood_gives_429_with_retry_after(server: BotApiServer, client: httpx.Client) -> None:
    server.flood(USER, times=1, retry_after=3)
    response = client.post("/sendMessage", data={"chat_id": USER, "text": "hi"})
    assert response.status_code == 429
    assert response.json()["parameters"] == {"retry_after": 3}
    assert client.post("/sendMessage", data={"chat_id": USER, "text": "hi"}).status_code == 200
    server.fail("getUpdates", 429, "Too Many Requests: retry after 2", retry_after=2)
    assert client.post("/getUpdates").json()["parameters"]["retry_after"] == 2
    assert client.post("/getUpdates").status_code == 200


def test_users_tap_buttons_and_see_toasts(server: BotApiServer, client: httpx.Client) -> None:
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}, {"text": "No", "callback_data": "n"}]]}
    sent = client.post("/sendMessage", data={"chat_id": USER, "text": "Ready?",
                                             "reply_markup": json.dumps(markup)}).json()["result"]
    client.post("/sendMessage", data={"chat_id": USER, "text": "plain"})
    tapped = server.tap(USER, "No")
    assert tapped.message_id == sent["message_id"]
    update = client.post("/getUpdates").json()["result"][-1]
    query = update["callback_query"]
    assert query["data"] == "n" and query["chat_instance"] and query["message"]["text"] == "Ready?"
    assert client.post("/answerCallbackQuery", data={"callback_query_id": query["id"], "text": "Noted"}).json()["ok"]
    assert server.toasts(USER) == ["Noted"]
    with pytest.raises(AssertionError, match="'plain'"):
        server.tap(USER, "Maybe")


def test_wait_for_is_bounded(server: BotApiServer) -> None:
    with pytest.raises(AssertionError):
        server.wait_for(lambda: False, timeout=0.1)
    assert server.wait_for(lambda: 5, timeout=0.1) == 5


def test_stop_ends_a_long_poll_and_start_reuses_the_port(server: BotApiServer) -> None:
    port = server.port
    outcome: list[object] = []

    def poll() -> None:
        try:
            outcome.append(httpx.post(f"{server.base_url}/bot{TOKEN}/getUpdates", data={"timeout": "30"},
                                      timeout=10).json()["result"])
        except httpx.HTTPError as error:
            outcome.append(error)
    poller = threading.Thread(target=poll)
    poller.start()
    server.wait_for(lambda: server.calls_to("getUpdates"), timeout=5)
    started = time.monotonic()
    server.stop()
    poller.join(timeout=5)
    assert outcome and time.monotonic() - started < 5
    server.start()
    assert server.port == port
    assert httpx.post(f"{server.base_url}/bot{TOKEN}/getMe", timeout=5).json()["ok"]


async def test_a_real_ptb_bot_runs_against_it(server: BotApiServer) -> None:
    bot = Bot(TOKEN, base_url=server.base_url + "/bot", base_file_url=server.base_url + "/file/bot")
    async with bot:
        me = await bot.get_me()
        assert me.is_bot and me.username == "regiecoach_test_bot"
        assert await bot.delete_webhook()
        assert await bot.set_my_commands([("start", "Begin"), ("help", "Help")])
        assert [c["command"] for c in server.commands] == ["start", "help"]

        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
        sent = await bot.send_message(USER, "Ready? [x]", reply_markup=keyboard)
        assert sent.text == "Ready? [x]" and sent.reply_markup == keyboard
        assert server.last(USER).labels() == ["Yes"]

        server.send_text(USER, "/start", language_code="nl")
        server.tap(USER, "Yes")
        updates = await bot.get_updates(timeout=1, allowed_updates=["message", "callback_query"])
        assert updates[0].message.text == "/start" and updates[0].message.from_user.language_code == "nl"
        assert updates[1].callback_query.data == "yes"
        assert updates[1].callback_query.message.message_id == sent.message_id
        assert await updates[1].callback_query.answer("Got it")
        assert server.toasts(USER) == ["Got it"]
        assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
        assert server.pending() == []

        png = png_bytes()
        photo = await bot.send_photo(USER, photo=png, caption="chart")
        assert photo.photo and photo.caption == "chart"
        call = server.calls_to("sendPhoto")[-1]
        assert call.params["files"] == {"photo": png} and call.params["caption"] == "chart"
        document = await bot.send_document(USER, document=b"a,b\n1,2\n", filename="data.csv")
        assert document.document is not None

        edited = await bot.edit_message_text("Ready now", chat_id=USER, message_id=sent.message_id,
                                             reply_markup=keyboard)
        assert edited.text == "Ready now"

        server.block(USER, notify=False)
        with pytest.raises(Forbidden):
            await bot.send_message(USER, "hello?")
        server.unblock(USER, notify=False)
        server.flood(USER, retry_after=2)
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(USER, "again")
        assert flood.value.retry_after in (2, dtm.timedelta(seconds=2))

    wrong = Bot("1:WRONG", base_url=server.base_url + "/bot")
    with pytest.raises(InvalidToken):
        async with wrong:
            pass
