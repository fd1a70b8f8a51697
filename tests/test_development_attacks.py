"""Attacks on the development loop, through the real Application: another account replaying a
manager's buttons, forged check-in ids and tips, old buttons replayed, the coach switched
between a review's claim and its send; and /delete and /export of everything the loop stores."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.schedule import send_due_reviews
from bot.turn import iso
from tests.conftest import (
    CLOCK_START,
    answer_all,
    at_week,
    checkins_of,
    en,
    new_coach,
    onboard,
    plan_one,
    rows,
    rows_mentioning,
    run_jobs,
    say,
    share_with,
)

KEES = 987_650_001  # distinctive ids: a search for them finds only rows about them
EVE = 987_650_002
LOOP_TABLES = ("plans", "plan_actions", "checkins", "tips_seen", "plan_reviews", "assessment_reminders")


def loop_rows(db_path, user_id: int) -> dict[str, list[tuple]]:
    return {table: rows(db_path, f"select * from {table} where user_id = ? order by 1", user_id)
            for table in LOOP_TABLES}


async def kees_with_a_loop(bot, content, clock):
    """Kees shares with Carla, has a plan, two 'not yet's (a tip was given), a private note."""
    carla = await new_coach(bot, content, 9401, "Carla")
    kees = await share_with(bot, content, carla, KEES, "Kees")
    await onboard(kees, content)
    await answer_all(kees, content, lambda i: 2)
    await plan_one(kees, content)
    for week in (1, 2):
        at_week(clock, week)
        await run_jobs(bot)
        await kees.tap(en(content, "btn_answer_notyet"), message=checkins_of(kees)[-1])
    await kees.send("Private: the CFO again")
    return carla, kees


async def test_another_account_replaying_every_button_of_a_manager_changes_and_learns_nothing(bot, content, clock):
    carla, kees = await kees_with_a_loop(bot, content, clock)
    before = loop_rows(bot.db_path, KEES)
    eve = bot.user(EVE, first_name="Eve")
    await onboard(eve, content)
    await answer_all(eve, content, lambda i: 3)
    seen = bot.api.callbacks_seen(KEES)
    assert any(data.startswith("1:pc:") for data in seen) and any(data.startswith("1:pt:") for data in seen)
    for data in seen:
        await eve.press(data, eve.last())
    assert loop_rows(bot.db_path, KEES) == before
    shown = bot.api.texts_to(EVE) + eve.toasts()
    assert not any("CFO" in text or "Kees" in text for text in shown), [t for t in shown if "Kees" in t or "CFO" in t]
    assert rows(bot.db_path, "select count(*) from checkins where user_id = ?", EVE) == [(0,)]
    assert not any("CFO" in text for text in bot.api.texts_to(carla.id))


async def test_forged_check_in_ids_and_tips_reach_only_ones_own_check_in(bot, content, clock):
    carla, kees = await kees_with_a_loop(bot, content, clock)
    eve = bot.user(EVE, first_name="Eve")
    await onboard(eve, content)
    await answer_all(eve, content, lambda i: 2)
    await plan_one(eve, content)
    at_week(clock, 3)
    await run_jobs(bot)
    before = loop_rows(bot.db_path, KEES)
    (own,) = rows(bot.db_path, "select id from checkins where user_id = ? and kind = 'checkin'", EVE)[0]
    for n in range(0, 30):
        for data in (f"1:pc:{n}::done", f"1:pc:{n}::dropped", f"1:pt:{n}::0", f"1:pt:{n}::3", f"1:k:{n}::5",
                     f"1:q:{n}::", f"1:ns:{n}::", f"1:ny:{n}::1", f"1:nn:{n}::"):
            await eve.press(data, eve.last())
    assert loop_rows(bot.db_path, KEES) == before
    # her own check-in was answered (the last answer stands); a rating never answers an action's check-in
    assert rows(bot.db_path, "select answer, rating from checkins where id = ?", own) == [("dropped", None)]
    assert rows(bot.db_path, "select status from plan_actions where user_id = ?", EVE) == [("active",)]
    assert not any("CFO" in text for text in bot.api.texts_to(EVE))


async def test_a_tip_is_taken_over_only_from_the_check_in_that_gave_it(bot, content, clock):
    carla, kees = await kees_with_a_loop(bot, content, clock)
    (checkin, tip) = rows(bot.db_path, "select id, tip from checkins where tip is not null")[0]
    other = next(n for n in range(len(content.coaching[rows(bot.db_path, "select competency from checkins")[0][0]]
                                      .tips)) if n != tip)
    actions = rows(bot.db_path, "select * from plan_actions")
    await kees.press(f"1:pt:{checkin}::{other}", kees.last())
    assert kees.toasts()[-1] == say(content, "stale_button")
    (first,) = rows(bot.db_path, "select min(id) from checkins where user_id = ?", KEES)[0]
    await kees.press(f"1:pt:{first}::{tip}", kees.last())  # a check-in that gave no tip
    assert kees.toasts()[-1] == say(content, "stale_button")
    assert rows(bot.db_path, "select * from plan_actions") == actions
    await kees.press(f"1:pt:{checkin}::{tip}", kees.last())  # the real one
    await kees.press(f"1:pt:{checkin}::{tip}", kees.last())  # twice: once
    assert kees.toasts()[-1] == say(content, "tip_already_action")
    assert rows(bot.db_path, "select tip, status from plan_actions order by id")[-2:] == [
        (actions[0][4], "replaced"), (tip, "active")]


async def test_answer_buttons_do_not_answer_an_offer_and_ratings_do_not_answer_an_action(bot, content, clock):
    user = bot.user(9501)
    await onboard(user, content)
    await answer_all(user, content, lambda i: 2)
    await plan_one(user, content)
    for week in (1, 2, 3):
        at_week(clock, week)
        await run_jobs(bot)
    (offer,) = rows(bot.db_path, "select id from checkins where kind = 'silence'")[0]
    (asked,) = rows(bot.db_path, "select min(id) from checkins")[0]
    await user.press(f"1:pc:{offer}::done", user.last())
    await user.press(f"1:k:{asked}::5", user.last())
    assert user.toasts()[-2:] == [say(content, "stale_button")] * 2
    assert rows(bot.db_path, "select answer, rating, note from checkins order by id") == [(None, None, None)] * 3


async def test_an_old_check_in_button_answers_that_check_in_once(bot, content, clock):
    user = bot.user(9601)
    await onboard(user, content)
    await answer_all(user, content, lambda i: 2)
    await plan_one(user, content)
    at_week(clock, 1)
    await run_jobs(bot)
    at_week(clock, 2)
    await run_jobs(bot)
    old, new = checkins_of(user)
    await user.tap(en(content, "btn_answer_done"), message=old)
    replay = [data for data in bot.api.callbacks_seen(user.id) if data.startswith("1:pc:") and data.endswith("done")]
    seen_tips = rows(bot.db_path, "select count(*) from tips_seen")
    await user.press(replay[0], old)
    assert user.toasts()[-1] == say(content, "checkin_already", answer=en(content, "btn_answer_done"))
    await user.press(replay[0].replace("done", "partly"), old)
    assert user.toasts()[-1] == say(content, "checkin_answer_changed", answer=en(content, "btn_answer_partly"))
    assert rows(bot.db_path, "select answer from checkins order by id") == [("partly",), (None,)]
    assert rows(bot.db_path, "select count(*) from tips_seen") == seen_tips
    assert new.text.endswith(say(content, "checkin_question_weekly"))  # the newer one is untouched


async def test_a_review_goes_to_the_coach_who_has_consent_at_the_send(bot, content, clock):
    carla = await new_coach(bot, content, 9701, "Carla")
    dave = await new_coach(bot, content, 9702, "Dave")
    kees = await share_with(bot, content, carla, KEES, "Kees")
    await onboard(kees, content)
    await answer_all(kees, content, lambda i: 2)
    await plan_one(kees, content)
    clock.now = CLOCK_START + timedelta(weeks=content.limits.review_weeks, minutes=1)
    stores = bot.application.bot_data["core"].stores
    assert stores.reviews.claim_review(KEES, iso(clock.now), iso(clock.now + timedelta(weeks=8)))
    await share_with(bot, content, dave, KEES, "Kees")  # meanwhile Kees moves to Dave
    carla_before = len(bot.api.texts_to(carla.id))
    await send_due_reviews(bot.application)
    assert kees.last().text.startswith("📅") and "Dave, your coach" in kees.last().text
    assert dave.last().text.startswith("📅 Kees: review")
    assert not any(text.startswith("📅") for text in bot.api.texts_to(carla.id)[carla_before:])
    assert rows(bot.db_path, "select coach_id from plan_reviews") == [(dave.id,)]
    assert await send_due_reviews(bot.application) == 0  # never twice


async def test_delete_erases_the_loop_and_export_holds_it(bot, content, clock):
    carla = await new_coach(bot, content, 9801, "Carla")
    kees = await share_with(bot, content, carla, KEES, "Kees")
    await onboard(kees, content)
    await answer_all(kees, content, lambda i: 2)
    await plan_one(kees, content)
    for week in (1, 2):
        at_week(clock, week)
        await run_jobs(bot)
        await kees.tap(en(content, "btn_answer_notyet"), message=checkins_of(kees)[-1])
    clock.now = CLOCK_START + timedelta(weeks=content.limits.review_weeks, minutes=1)
    await run_jobs(bot)
    await kees.tap(en(content, "btn_retake_now"))
    for _ in range(5):
        await kees.tap("3")
    clock.now += timedelta(days=content.limits.stalled_days, minutes=1)
    await run_jobs(bot)  # the retake stalls: one reminder
    assert kees.last().text == say(content, "stalled_reminder", n=6, total=43)
    await kees.send("/export")
    exported = json.loads(next(iter(bot.api.calls_to("sendDocument")[-1].params["files"].values())))
    assert [a["status"] for a in exported["plan_actions"]] == ["active"]
    assert len(exported["tips_seen"]) == content.limits.picker_tips + 1
    assert exported["plan_reviews"][0]["summary"]["actions"][0]["notyet"] == 2
    assert exported["plan_reviews"][0]["coach_id"] == carla.id
    assert [c["answer"] for c in exported["checkins"]][:2] == ["notyet", "notyet"]
    assert exported["assessment_reminders"][0]["cursor"] == 5
    assert exported["plan"][0]["review_due_at"]
    # Carla, the coach who was told, is erased: the review keeps no trace of her
    await carla.send("/delete")
    await carla.tap(en(content, "btn_delete_everything"))
    assert rows_mentioning(bot.db_path, carla.id) == {}
    assert rows(bot.db_path, "select coach_id, coach_told_at from plan_reviews") == [(None, None)]
    await kees.send("/delete")
    await kees.tap(en(content, "btn_delete_everything"))
    assert rows_mentioning(bot.db_path, KEES) == {}
    for table in LOOP_TABLES:
        assert rows(bot.db_path, f"select count(*) from {table}") == [(0,)], table
