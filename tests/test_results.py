"""Results through the real Application: chart, archetype, level, gaps with tips, retake, more."""

from __future__ import annotations

import sqlite3
import struct

import pytest

from bot.flows.scoring import score
from telegram_doubles.fake_api import TelegramUser, parse_html
from tests.test_telegram import onboard


async def answer_all(user: TelegramUser, content, value_of) -> None:
    for index in range(content.total):
        await user.tap(str(value_of(index)))


def photo_calls(harness, user):
    return [c for c in harness.api.calls_to("sendPhoto") if int(c.params["chat_id"]) == user.id]


def archetype_name(content, archetype, language="en"):
    return content.archetypes[archetype].name[language]


@pytest.mark.parametrize("value, archetype", [(1, "vakspecialist"), (5, "it_regisseur")])
async def test_a_full_assessment_ends_with_a_photo_and_a_result_within_limits(harness, content, value, archetype):
    user = harness.user(1100 + value)
    await onboard(user, content)
    await answer_all(user, content, lambda i: value)
    photos = [m for m in user.messages() if m.kind == "photo"]
    assert len(photos) == 1 and len(photos[0].text) <= 1024
    texts = "\n".join(m.text for m in user.messages() if m.kind == "text")
    assert archetype_name(content, archetype) in texts
    for call in harness.api.calls:
        assert len(call.params.get("text", "")) <= 4096
    if value == 1:  # every competency is a development point: the top ones with tips and a reflection
        first = content.competencies[0].id
        assert content.coaching[first].tips[0]["en"] in texts
        assert content.coaching[first].reflections[0]["en"] in texts
    png = next(iter(photo_calls(harness, user)[0].params["files"].values()))
    width, height = png_size(png)
    assert width == height and 600 <= width <= 1280


async def test_archetype_numbers_and_level_are_shown(harness, content):
    user = harness.user(1201)
    await onboard(user, content)
    values = {q.index: (5 if q.scale == "leider" else 2 if q.scale == "manager" else 3) for q in content.questions}
    for q in content.questions:
        if q.section == "level":
            values[q.index] = {"richten": 4, "inrichten": 4, "verrichten": 2}[q.id]
    await answer_all(user, content, values.get)
    text = "\n".join(m.text for m in user.messages())
    assert archetype_name(content, "leider") in text
    assert "Leader 5 · Manager 2" in text
    assert "Directing + Organising" in text or (content.by_id("richten").name["en"] + " + "
                                               + content.by_id("inrichten").name["en"]) in text


async def test_the_same_answers_give_the_same_result_in_dutch_and_english(harness, content):
    dutch, english = harness.user(1301, language_code="nl"), harness.user(1302, language_code="en")
    await onboard(dutch, content, language_label="🇳🇱 Nederlands")
    await onboard(english, content)
    pattern = lambda i: (i * 7) % 5 + 1  # noqa: E731
    await answer_all(dutch, content, pattern)
    await answer_all(english, content, pattern)
    with sqlite3.connect(harness.db_path) as conn:
        rows = conn.execute("select a.user_id, x.question_id, x.value from answers x join assessments a "
                            "on a.id = x.assessment_id").fetchall()
    by_user = {uid: {q: v for u, q, v in rows if u == uid} for uid in (1301, 1302)}
    assert by_user[1301] == by_user[1302]
    result = score(by_user[1301], content)
    assert archetype_name(content, result.archetype, "nl") in "\n".join(m.text for m in dutch.messages())
    assert archetype_name(content, result.archetype, "en") in "\n".join(m.text for m in english.messages())


async def test_result_command_shows_the_latest_result_again(harness, content):
    user = harness.user(1401)
    await user.send("/result")
    assert user.last().text == parse_html(content.text("no_result_yet", "en"))
    await onboard(user, content)
    await answer_all(user, content, lambda i: 2)
    before = len(photo_calls(harness, user))
    await user.send("/result")
    assert len(photo_calls(harness, user)) == before + 1
    assert archetype_name(content, "vakspecialist") in "\n".join(m.text for m in user.messages()[-4:])


async def test_more_tips_and_full_list(harness, content):
    user = harness.user(1501)
    await onboard(user, content)
    await answer_all(user, content, lambda i: 3)
    seen = len(user.messages())
    await user.tap(content.text("btn_more_tips", "en"))
    shown = "\n".join(m.text for m in user.messages()[seen:])
    gap = content.competencies[0].id  # all gaps equal: the first in content order leads
    assert all(tip["en"] in shown for tip in content.coaching[gap].tips)
    seen = len(user.messages())
    await user.tap(content.text("btn_full_list", "en"))
    full = "\n".join(m.text for m in user.messages()[seen:])
    assert all(q.name["en"] in full for q in content.competencies)


async def test_retake_shows_the_change_since_last_time_and_a_chart_with_both(harness, content):
    user = harness.user(1601)
    await onboard(user, content)
    await answer_all(user, content, lambda i: 2)
    await user.send("/retake")
    assert content.text("retake_started", "en") in [m.text for m in user.messages()[-2:]]
    first_competency = content.competencies[0]
    await answer_all(user, content, lambda i: 4 if i == first_competency.index else 2)
    text = "\n".join(m.text for m in user.messages()[-5:])
    assert f"{first_competency.name['en']}: 2 → 4" in text
    assert "1 up · 0 down" in text
    assert photo_calls(harness, user)[-1].params["caption"] == content.text("result_chart_compared", "en")
    with sqlite3.connect(harness.db_path) as conn:
        assert conn.execute("select status from assessments where user_id = ? order by id",
                            [user.id]).fetchall() == [("completed",), ("completed",)]


async def test_retake_during_an_assessment_asks_first(harness, content):
    user = harness.user(1701)
    await onboard(user, content)
    for _ in range(5):
        await user.tap("3")
    await user.send("/retake")
    await user.tap(content.text("btn_continue", "en"))
    assert user.last().text.startswith("6/43")
    await user.send("/retake")
    await user.tap(content.text("btn_start_over", "en"))
    assert user.last().text.startswith("1/43")
    with sqlite3.connect(harness.db_path) as conn:
        assert conn.execute("select status from assessments where user_id = ? order by id",
                            [user.id]).fetchall() == [("abandoned",), ("in_progress",)]


async def test_too_few_role_answers_offers_to_complete_them(harness, content):
    user = harness.user(1801)
    await onboard(user, content)
    for question in content.questions:
        await user.tap("Skip" if question.section == "role" else "4")
    assert parse_html(content.text("btn_complete_missing", "en")) in user.last().labels() or any(
        content.text("btn_complete_missing", "en") in m.labels() for m in user.messages()[-4:])
    await user.tap(content.text("btn_complete_missing", "en"))
    roles = [q for q in content.questions if q.section == "role"]
    for question in roles:
        assert user.last().text.startswith(f"{question.index + 1}/43"), user.last().text
        await user.tap("5")
    text = "\n".join(m.text for m in user.messages()[-5:])
    assert archetype_name(content, "it_regisseur") in text
    with sqlite3.connect(harness.db_path) as conn:
        assert conn.execute("select status from assessments").fetchall() == [("completed",)]
        assert conn.execute("select count(*), count(value) from answers").fetchone() == (43, 43)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_chart_png_of_the_result(content):
    from bot.flows.results import chart
    from bot.render import chart_png

    result = score({q.id: 3 for q in content.questions}, content)
    png = chart_png(chart(content, result, result), "nl", content)
    width, height = png_size(png)
    assert width == height and 600 <= width <= 1280


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("pattern", [lambda i: 1, lambda i: 3, lambda i: 5, lambda i: (i * 7) % 5 + 1, lambda i: None])
def test_every_result_screen_fits_telegram_in_both_languages(content, language, pattern):
    from bot.flows import results
    from bot.render import split_message, screen_text

    answers = {q.id: pattern(q.index) for q in content.questions}
    current = score(answers, content)
    previous = score({q.id: 3 for q in content.questions}, content)
    screens = results.result_screens(content, current, previous) + [
        results.more_tips(content, current), results.full_list(content, current, previous)]
    for screen in screens:
        text = screen_text(screen, language, content)
        if screen.chart is not None:
            assert len(parse_html(text)) <= 1024
        parts = split_message(text)
        assert all(0 < len(part) <= 4096 for part in parts)
        for part in parts:
            parse_html(part)  # every part is valid Telegram HTML on its own
