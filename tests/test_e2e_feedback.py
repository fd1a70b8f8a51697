"""End to end: feedback from three colleagues over HTTP with the real `regiecoach run`."""

from __future__ import annotations

import re

import pytest

from tests.conftest import CONTENT, TOTAL, onboard_http

pytestmark = pytest.mark.slow
LINK = re.compile(r"\?start=(f[A-Za-z0-9_-]+)")


def answer(server, user, value: str, count: int = TOTAL) -> None:
    for n in range(1, count + 1):
        server.wait_for(lambda: server.last_text(user).startswith(f"{n}/{count}"), timeout=15,
                        message=f"{user} never saw {n}/{count}; last: {server.last_text(user)!r}")
        server.tap(user, value)


def test_three_colleagues_rate_and_the_manager_sees_only_the_summary(server, bots):
    bot = bots().start()
    manager = 2001
    onboard_http(server, manager)
    answer(server, manager, "3")
    server.wait_for(lambda: "Start here" in server.last_text(manager), timeout=30)
    server.send_text(manager, "/feedback")
    server.wait_for(lambda: LINK.search(server.last_text(manager)), timeout=15)
    payload = LINK.search(server.last_text(manager)).group(1)
    for rater, value in ((2002, "2"), (2003, "3"), (2004, "4")):
        server.send_text(rater, f"/start {payload}", first_name=f"R{rater}")
        server.wait_for(lambda r=rater: server.messages(r) and CONTENT.text("btn_feedback_agree", "en")
                        in server.last(r).labels(), timeout=15)
        server.tap(rater, CONTENT.text("btn_feedback_agree", "en"))
        server.wait_for(lambda r=rater: CONTENT.text("relation_peer", "en") in server.last(r).labels(), timeout=15)
        server.tap(rater, CONTENT.text("relation_peer", "en"))
        answer(server, rater, value)
        server.wait_for(lambda r=rater: "Thank you" in server.last_text(r), timeout=15)
    server.send_text(manager, "/feedback")
    server.wait_for(lambda: "completed: 3" in server.last_text(manager), timeout=15)
    server.tap(manager, CONTENT.text("btn_feedback_close", "en"))
    server.wait_for(lambda: "How 3 colleagues see you" in server.last_text(manager), timeout=30)
    summary = server.last_text(manager)
    assert "colleagues 3" in summary and "colleagues 2" not in summary and "colleagues 4" not in summary
    assert any(m.kind == "photo" for m in server.messages(manager)[-3:])
    assert bot.stop() == 0
