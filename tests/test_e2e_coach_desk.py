"""End to end: the coach's desk with the real `regiecoach run` over HTTP against the loopback
Bot API — a prompt, a reply by Telegram's own reply, an answer in one tap, an answer back, a
stray message offered to the coach, and the thread."""

from __future__ import annotations

import pytest

from tests.conftest import CONTENT, link_payload

pytestmark = pytest.mark.slow
ADMIN, CARLA, KEES = 3001, 3002, 3003


def en(key: str, **params) -> str:
    return CONTENT.text(key, "en", **params)


def wait_text(server, user: int, needle: str, timeout: float = 15) -> str:
    server.wait_for(lambda: server.messages(user) and needle in server.last_text(user), timeout=timeout,
                    message=f"{user} never read {needle!r}")
    return server.last_text(user)


def wait_button(server, user: int, label: str, timeout: float = 15) -> None:
    server.wait_for(lambda: any(label in m.labels() for m in server.messages(user)), timeout=timeout,
                    message=f"{user} never saw the button {label!r}")


def test_a_coach_and_a_coachee_talk_in_one_thread_over_http(server, bots):
    bot = bots(REGIECOACH_ADMIN_IDS=str(ADMIN)).start()
    server.send_text(ADMIN, "/invitecoach", first_name="Ada")
    invite = link_payload(wait_text(server, ADMIN, "?start="))
    server.send_text(CARLA, f"/start {invite}", first_name="Carla")
    server.wait_for(lambda: server.messages(CARLA), timeout=15)
    server.send_text(CARLA, "/invite")
    link = link_payload(wait_text(server, CARLA, "?start="))
    server.send_text(KEES, f"/start {link}", first_name="Kees")
    wait_button(server, KEES, en("btn_share"))
    server.tap(KEES, en("btn_share"))
    wait_text(server, CARLA, "Kees")

    server.send_text(CARLA, "/prompt")
    wait_button(server, CARLA, "Kees")
    server.tap(CARLA, "Kees")
    wait_button(server, CARLA, en("btn_own_text"))
    server.tap(CARLA, en("btn_own_text"))
    server.wait_for(lambda: en("btn_send_now") not in server.last(CARLA).labels(), timeout=5)
    server.send_text(CARLA, "Which talk did you put off this week?")
    wait_button(server, CARLA, en("btn_send_now"))
    server.tap(CARLA, en("btn_send_now"))
    prompt_text = wait_text(server, KEES, "Which talk did you put off")
    assert prompt_text

    prompt = server.last(KEES)  # Kees answers with Telegram's own reply to the prompt
    server.send_text(KEES, "The one with the CFO.", reply_to_message=server.api._message_json(prompt))
    wait_button(server, KEES, en("btn_send_to", name="Carla"))
    server.tap(KEES, en("btn_send_to", name="Carla"))
    notice = wait_text(server, CARLA, "The one with the CFO.")
    assert "Which talk did you put off this week?" in notice  # it names the prompt it answers
    server.tap(CARLA, en("btn_answer_name", name="Kees"))  # one tap, then type
    wait_text(server, CARLA, "Kees")
    server.send_text(CARLA, "Shall we prepare it on Friday?")
    wait_text(server, KEES, "Shall we prepare it on Friday?")
    server.tap(KEES, en("btn_answer_name", name="Carla"))
    server.wait_for(lambda: en("btn_cancel") in server.last(KEES).labels(), timeout=15)
    server.send_text(KEES, "Yes, gladly.")
    wait_button(server, KEES, en("btn_send_to", name="Carla"))
    server.tap(KEES, en("btn_send_to", name="Carla"))
    wait_text(server, CARLA, "Yes, gladly.")

    server.send_text(KEES, "Sorry Carla, no time this week")  # outside any context
    wait_text(server, KEES, "Send this to")
    server.tap(KEES, en("btn_send_to", name="Carla"))
    wait_text(server, CARLA, "Sorry Carla, no time this week")

    server.tap(CARLA, en("btn_open_thread"))
    thread = wait_text(server, CARLA, "Conversation with Kees")
    order = ["Which talk did you put off", "The one with the CFO.", "Shall we prepare it on Friday?",
             "Yes, gladly.", "Sorry Carla, no time this week"]
    assert [thread.index(part) for part in order] == sorted(thread.index(part) for part in order)
    assert bot.stop() == 0
    assert "Traceback" not in bot.logs()
