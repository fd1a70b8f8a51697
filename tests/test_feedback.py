"""Feedback from colleagues (360 light) through the real Application: a manager, three raters
and a coach. Nobody ever sees one rater's answers."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from bot.flows.feedback import rater_questions
from bot.schedule import send_feedback_work
from tests.conftest import (
    ADMIN,
    FEEDBACK_LINK,
    begin_rating,
    link_payload,
    manager_with_link,
    others_first_low,
    rate,
    rows,
    say,
)


async def test_two_raters_are_not_enough_the_third_closes_it_and_the_coach_sees_it(bot, content):
    admin = bot.user(ADMIN, first_name="Ada")
    await admin.send("/invitecoach")
    carla = bot.user(9310, first_name="Carla")
    await carla.send(f"/start {link_payload(admin.last().text)}")
    await carla.send("/invite")
    mia, payload = await manager_with_link(bot, content)
    await mia.send(f"/start {link_payload(carla.last().text)}")  # Mia shares with her coach Carla
    await mia.tap(content.text("btn_share", "en"))
    await mia.send(f"/start {payload}")  # nobody rates themselves
    assert mia.last().text == say(content, "feedback_own_link")
    await rate(bot, content, 9321, "Ron", payload, "peer", others_first_low(content))
    await rate(bot, content, 9322, "Rita", payload, "peer", others_first_low(content))
    await mia.send("/feedback")
    assert "Started: 2 · completed: 2" in mia.last().text
    seen_before = len(mia.messages())
    await mia.tap(content.text("btn_feedback_close", "en"))
    assert mia.last().text == say(content, "feedback_need_more", more=1, min=3)
    assert len(mia.messages()) == seen_before  # nothing shown: the screen only changed
    await rate(bot, content, 9323, "Roy", payload, "report", others_first_low(content))
    received = [m for m in mia.messages()[seen_before:]]
    assert received[0].text == say(content, "feedback_closed_notice")
    assert received[1].kind == "photo"  # self, others and target in one chart
    summary = received[2].text
    first, second = content.competencies[0].name["en"], content.competencies[1].name["en"]
    blind = summary.split("Blind spots")[1].split("Hidden strengths")[0]
    hidden = summary.split("Hidden strengths")[1]
    assert f"{first}: you 5 · colleagues 2" in blind and f"{second}: you 1 · colleagues 4" in hidden
    assert "How 3 colleagues see you" in summary
    assert say(content, "feedback_relations_hidden") in summary  # 2 peers and 1 report: no breakdown
    assert rows(bot.db_path, "select status from feedback_requests") == [("closed",)]
    # the coach with consent sees the same summary, told about Mia (never "you")
    await carla.send("/coachees")
    await carla.tap("Mia")
    await carla.tap(content.text("cv_btn_feedback", "en"))
    seen = carla.last().text
    assert "How 3 colleagues see Mia" in seen and f"{first}: Mia 5 · colleagues 2" in seen
    assert "you" not in seen.split("see Mia")[1]


async def test_no_screen_or_file_shows_one_raters_answers_and_a_delete_withholds_it(bot, content):
    mia, payload = await manager_with_link(bot, content)
    raters = [await rate(bot, content, 9330 + n, f"R{n}", payload, "peer", lambda i, n=n: [1, 3, 5][n])
              for n in range(3)]
    await mia.send("/feedback")
    await mia.tap(content.text("btn_feedback_close", "en"))
    summary = mia.last().text
    assert "How 3 colleagues see you" in summary
    assert "Peers (3)" in summary  # three peers: that relation may be shown, and leaves no remainder
    assert not re.search(r"colleagues [15]\b", summary)  # only the mean (3) of 1, 3 and 5 appears
    # the manager's export holds the summary, never a single rating
    await mia.send("/export")
    exported = json.loads(next(iter(bot.api.calls_to("sendDocument")[-1].params["files"].values())))
    assert exported["feedback_requests"][0]["summary"]["raters"] == 3
    assert "feedback_given" in exported and exported["feedback_given"] == []
    assert str(raters[0].id) not in json.dumps(exported["feedback_requests"])
    # a rater's export holds the ratings they gave
    await raters[0].send("/export")
    given = json.loads(next(iter(bot.api.calls_to("sendDocument")[-1].params["files"].values())))["feedback_given"]
    assert len(given) == 1 and {a["value"] for a in given[0]["answers"]} == {1}
    # one of the three erases themselves: the summary is withheld, never recomputed
    await raters[1].send("/delete")
    await raters[1].tap(content.text("btn_delete_everything", "en"))
    assert rows(bot.db_path, "select count(*) from feedback_answers a join feedback_raters r on r.id = a.session_id "
                             "where r.rater_id = ?", raters[1].id) == [(0,)]
    request = rows(bot.db_path, "select id from feedback_requests")[0][0]
    await mia.press(f"1:xv:{request}::", mia.last())
    assert mia.last().text == say(content, "feedback_withheld", min=3)


async def test_a_renewed_link_voids_open_sessions_and_a_second_round_replaces_the_first(bot, content):
    mia, payload = await manager_with_link(bot, content)
    halfway = bot.user(9341, first_name="Hal")
    await begin_rating(halfway, content, payload, "other")
    await halfway.tap("4")
    await mia.send("/feedback")
    await mia.tap(content.text("btn_feedback_renew", "en"))
    new_payload = FEEDBACK_LINK.search(mia.last().text).group(1)
    assert new_payload != payload
    await halfway.tap("4")  # the session opened from the old link is void
    assert halfway.last().text == say(content, "feedback_link_gone")
    await halfway.send(f"/start {payload}")
    assert halfway.last().text == say(content, "link_invalid")
    again = await rate(bot, content, 9342, "Ann", new_payload, "peer", lambda i: 2)
    await again.send(f"/start {new_payload}")
    await again.tap(content.text("btn_feedback_again", "en"))
    await again.tap(content.text("btn_feedback_agree", "en"))
    await again.tap(content.text("relation_peer", "en"))
    for _ in rater_questions(content):
        await again.tap("5")
    values = rows(bot.db_path, "select distinct a.value from feedback_answers a join feedback_raters r "
                               "on r.id = a.session_id where r.rater_id = ?", again.id)
    assert values == [(5,)]  # the second round replaced the first
    assert rows(bot.db_path, "select status from feedback_raters where rater_id = ? order by id", again.id) == [
        ("replaced",), ("completed",)]


async def test_one_reminder_after_two_days_and_the_request_closes_after_fourteen(bot, content, clock):
    mia, payload = await manager_with_link(bot, content)
    slow = bot.user(9351, first_name="Sol")
    await begin_rating(slow, content, payload, "peer")
    await slow.tap("3")
    clock.now += timedelta(days=2, minutes=1)
    await send_feedback_work(bot.application)
    assert slow.last().text == say(content, "feedback_reminder", name="Mia")
    await slow.tap(content.text("btn_feedback_continue", "en"))
    assert slow.last().text.startswith(f"2/{len(rater_questions(content))}")  # back where they were
    await send_feedback_work(bot.application)
    assert [m.text for m in slow.messages()].count(say(content, "feedback_reminder", name="Mia")) == 1
    clock.now += timedelta(days=12)
    await send_feedback_work(bot.application)
    assert mia.last().text == say(content, "feedback_expired", min=3, days=content.limits.feedback_open_days)
    assert rows(bot.db_path, "select status, summary from feedback_requests") == [("expired", None)]
    await slow.tap("4")
    assert slow.last().text == say(content, "feedback_link_gone")


async def test_admins_see_no_live_feedback_activity(bot, content):
    """Feedback counts are published with a snapshot only (see test_stats.py), never live: before
    the first snapshot there is no figure that could move by one request or rater."""
    admin = bot.user(ADMIN, first_name="Ada")
    await admin.send("/stats")
    assert admin.last().text == say(content, "stats_none_yet", min=5)
    assert not any("Feedback from colleagues" in m.text for m in admin.messages())
