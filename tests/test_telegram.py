"""The real Application fed real Update objects, offline, on a real SQLite file."""

from __future__ import annotations

import sqlite3

import pytest

from bot import callbacks
from telegram_doubles.fake_api import parse_html
from tests.conftest import current_question, onboard


def stored_answers(db_path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "select a.user_id, a.status, x.question_id, x.value from answers x "
            "join assessments a on a.id = x.assessment_id order by a.user_id, x.rowid"
        ).fetchall()


def assessments(db_path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select user_id, status, cursor from assessments order by id").fetchall()






async def test_a_complete_assessment_of_43_answers(harness, content):
    user = harness.user(101)
    await onboard(user, content)
    for n in range(1, content.total + 1):
        assert current_question(user).startswith(f"{n}/{content.total} "), user.last().text
        assert user.last().labels()[:5] == ["1", "2", "3", "4", "5"]
        await user.tap(str(n % 5 + 1))
    assert any("43 answered, 0 skipped" in m.text for m in user.messages()[-5:])
    rows = stored_answers(harness.db_path)
    assert len(rows) == 43 and {row[1] for row in rows} == {"completed"}
    assert [row[2] for row in rows] == [q.id for q in content.questions]
    assert [row[3] for row in rows] == [n % 5 + 1 for n in range(1, 44)]
    # every answer was confirmed in a toast; the question message became "done"
    assert user.toasts()[-43:] == [content.text("answer_saved", "en", n=n, value=n % 5 + 1) for n in range(1, 44)]
    assert not any(m.text.startswith(tuple(f"{n}/43" for n in range(1, 44))) for m in user.messages())


async def test_language_follows_telegram_and_defaults_to_dutch(harness, content):
    dutch = harness.user(102, language_code=None)
    await dutch.send("/start")
    assert dutch.last().text == parse_html(content.text("intro", "nl"))
    english = harness.user(103, language_code="en-GB")
    await english.send("/start")
    assert "Welcome" in english.last().text


async def test_resume_on_a_new_application_after_a_restart(make_harness, content):
    first = make_harness()
    async with first.application:
        user = first.user(201)
        await onboard(user, content)
        for value in "3451":
            await user.tap(value)
        await user.send("/pause")
        assert "5/43" in user.last().text
    assert first.errors == []

    second = make_harness()  # a new Application on the same database file
    async with second.application:
        user = second.user(201)
        await user.send("/resume")
        assert current_question(user).startswith("5/43")
        await user.tap("2")
        assert current_question(user).startswith("6/43")
    assert second.errors == []
    assert [row[3] for row in stored_answers(first.db_path)] == [3, 4, 5, 1, 2]


async def test_start_days_later_continues_at_the_exact_question(harness, content):
    user = harness.user(202)
    await onboard(user, content)
    for _ in range(9):
        await user.tap("4")
    await user.send("/start")
    assert current_question(user).startswith("10/43")


async def test_back_and_skip(harness, content):
    user = harness.user(301)
    await onboard(user, content)
    await user.tap("2")
    await user.tap("Skip")
    assert current_question(user).startswith("3/43")
    await user.tap("◀ Back")
    assert current_question(user).startswith("2/43")
    await user.tap("5")
    assert current_question(user).startswith("3/43")
    assert [(row[2], row[3]) for row in stored_answers(harness.db_path)] == [
        (content.question(0).id, 2), (content.question(1).id, 5)]


async def test_an_old_button_changes_that_answer_and_says_so(harness, content):
    user = harness.user(401)
    await onboard(user, content)
    old = user.last()
    first = old.buttons()
    await user.tap("2")
    for value in "333":
        await user.tap(value)
    assert len(user.messages()) == 4  # intro, language, consent, the one question message
    # a button of question 1 as an older message still holds it (e.g. before /resume)
    await user.press(next(b["callback_data"] for b in first if b["text"] == "5"), old)
    assert user.toasts()[-1] == content.text("answer_changed", "en", n=1)
    assert current_question(user).startswith("5/43")  # the pressed message shows where the user is
    assert stored_answers(harness.db_path)[0][3] == 5
    assert assessments(harness.db_path) == [(401, "in_progress", 4)]


async def test_one_counted_send_per_tap(harness, content):
    """Each answer edits the question message into the next question; the choice is confirmed
    in the callback answer, which Telegram does not count against the flood limit."""
    user = harness.user(402)
    await onboard(user, content)
    before = len(harness.api.calls)
    for value in "1234512345":
        await user.tap(value)
    counted = [c.method for c in harness.api.calls[before:] if c.method != "answerCallbackQuery"]
    assert counted == ["editMessageText"] * 10
    assert user.toasts()[-1] == content.text("answer_saved", "en", n=10, value=5)
    assert current_question(user).startswith("11/43")


async def test_a_double_tap_stores_one_answer_once(harness, content):
    user = harness.user(501)
    await onboard(user, content)
    question = user.last()
    four = next(b["callback_data"] for b in question.buttons() if b["text"] == "4")
    await user.press(four, question)
    await user.press(four, question)  # the second tap arrives with the same data
    assert user.toasts()[-1] == content.text("answer_unchanged", "en", n=1)
    assert [row[3] for row in stored_answers(harness.db_path)] == [4]
    assert assessments(harness.db_path) == [(501, "in_progress", 1)]


async def test_forged_and_malformed_callback_data_change_nothing(harness, content):
    victim, mallory = harness.user(601), harness.user(602)
    await onboard(victim, content)
    await victim.tap("3")
    await onboard(mallory, content)
    await mallory.tap("3")
    (victim_assessment, _), (mallory_assessment, _) = [
        (row[0], row) for row in sqlite3.connect(harness.db_path).execute("select id, user_id from assessments")]
    before = (stored_answers(harness.db_path), assessments(harness.db_path))
    forged = [
        callbacks.encode("answer", 5, ref=victim_assessment, index=1),  # another user's assessment
        callbacks.encode("answer", 5, ref=victim_assessment, index=0),
        callbacks.encode("answer", 5, ref=mallory_assessment, index=40),  # not reached
        f"1:a:{mallory_assessment}:43:5",  # out of range
        f"1:a:{mallory_assessment}:1:9",  # value 9
        "garbage", "1:a:::", "💣" * 20, "x" * 65,
        callbacks.encode("consent", "no"),  # a button of a state long gone
    ]
    for data in forged:
        await mallory.press(data, mallory.last())
    assert (stored_answers(harness.db_path), assessments(harness.db_path)) == before
    stale = content.text("stale_button", "en")
    assert mallory.toasts()[-len(forged):] == [stale] * len(forged)
    assert not any(str(victim.id) in m.text for m in mallory.messages())


async def test_non_text_input_gets_a_friendly_hint(harness, content):
    user = harness.user(701)
    await onboard(user, content)
    sticker = {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512,
               "is_animated": False, "is_video": False}
    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]
    voice = {"file_id": "v1", "file_unique_id": "v1", "duration": 2}
    document = {"file_id": "d1", "file_unique_id": "d1", "file_name": "cv.pdf"}
    for media in ({"sticker": sticker}, {"photo": photo}, {"voice": voice}, {"document": document}):
        await user.send(None, **media)
        assert content.text("hint_media", "en") in [m.text for m in user.messages()[-2:]]
    await user.send("three, I think 🙂 " + "\u202eRTL\u0000" + "x" * 10_000)
    assert user.messages()[-2].text == content.text("hint_buttons", "en")
    assert current_question(user).startswith("1/43")
    await user.send("/nonsense")
    assert user.last().text == content.text("unknown_command", "en")
    await user.send("3", edited=True)
    assert user.last().text == content.text("edited_message", "en")
    assert stored_answers(harness.db_path) == []


async def test_a_group_chat_is_told_to_go_private(harness, content):
    user = harness.user(801)
    group = {"id": -100123, "type": "supergroup", "title": "IT MT"}
    await user.send("/start", chat=group)
    await user.send("/start@regiecoach_test_bot", chat=group)
    assert [m.text for m in harness.api.chat(-100123)] == [content.text("private_only", "en")] * 2
    assert assessments(harness.db_path) == []
    with sqlite3.connect(harness.db_path) as conn:
        assert conn.execute("select count(*) from users").fetchone() == (0,)


async def test_commands_are_registered_in_dutch_and_english(harness):
    await harness.application.post_init(harness.application)
    registered = {call.params.get("language_code"): call.params["commands"]
                  for call in harness.api.calls_to("setMyCommands")}
    assert set(registered) == {None, "nl", "en"}
    assert [c["command"] for c in registered["nl"]] == [c["command"] for c in registered["en"]]
    assert registered["nl"] != registered["en"]


async def test_every_message_respects_telegram_limits(harness, content):
    user = harness.user(901, language_code="nl")
    await onboard(user, content, language_label="🇳🇱 Nederlands")
    for _ in range(content.total):
        await user.tap("3")
    for call in harness.api.calls:
        assert len(call.params.get("text", "")) <= (200 if call.method == "answerCallbackQuery" else 4096)
    assert all(len(b["callback_data"].encode()) <= 64 for m in user.messages() for b in m.buttons())


async def test_a_failing_handler_gets_a_short_apology_not_a_traceback(harness, content, monkeypatch):
    user = harness.user(1001)

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("bot.handlers.handle", broken)
    await user.send("/start")
    assert user.last().text == content.text("error_apology", "en")
    assert "Traceback" not in user.last().text and "fire" not in user.last().text
    assert [type(e) for e in harness.errors] == [RuntimeError]
    harness.errors.clear()


async def test_a_user_who_blocked_the_bot_costs_nothing_but_a_log_line(harness, content):
    user = harness.user(1002)
    harness.api.blocked.add(user.id)
    await user.send("/start")
    assert user.messages() == []
    assert [type(e).__name__ for e in harness.errors] == ["Forbidden"]
    harness.errors.clear()


@pytest.mark.parametrize("language, with_time, shown", [
    ("nl", True, "1 december, 08:30"), ("en", True, "1 December, 08:30"), ("nl", False, "1 december"),
])
def test_moments_are_written_as_people_write_them(content, language, with_time, shown):
    from bot.flows.screens import When
    from bot.render import moment_text

    moment = When("2026-12-01T07:30:00+00:00", "Europe/Amsterdam", with_time)
    assert moment_text(moment, language, content) == shown
