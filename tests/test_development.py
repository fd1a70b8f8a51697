"""The development loop through the real Application, over ten simulated weeks: a plan with an
action per focus; a manager who does the action, one who does not, one who goes silent, one
who stalls at 20/43, one who retakes; and a plan from before actions existed."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

from sqlite_utils import Database

from bot.schedule import send_due_checkins, send_due_reviews
from storage import open_database
from storage.migrations import MIGRATIONS
from telegram_doubles.fake_api import TelegramUser
from tests.conftest import (
    CLOCK_START,
    FakeClock,
    answer,
    answer_all,
    assessed,
    at_week,
    checkins_of,
    en,
    new_coach,
    onboard,
    plan_one,
    rows,
    run_jobs,
    say,
    share_with,
)

START = CLOCK_START  # a Monday; check-ins on Wednesday 09:00 (CET)
ANSWERS = ("done", "partly", "notyet", "dropped")


def texts_since(bot, user: TelegramUser, before: int) -> list[str]:
    return bot.api.texts_to(user.id)[before:]


def competency_named(content, name: str) -> str:
    return next(c for c, names in content.names.items() if names["en"] == name)


# --- an action per focus ---------------------------------------------------------------------

async def test_a_plan_holds_an_action_per_focus_with_why_and_when(bot, content, clock):
    user = await assessed(bot, content, 3101)
    await user.send("/plan")
    picker = user.last()
    first, second = picker.labels()[:2]
    await user.tap(first, message=picker)
    await user.tap(second, message=picker)
    await user.tap(en(content, "btn_done"))
    # the first focus: ideas that fit a score of 2 (the band of a first, small step)
    one, two = competency_named(content, first), competency_named(content, second)
    low = [tip.text["en"] for tip in content.coaching[one].tips if tip.band == "low"]
    shown = user.last().text
    assert f"{first} — closes the gap from 2 to 4 · action 1 of 2" in shown
    assert all(f"{n}. {tip}" in shown for n, tip in enumerate(low[:content.limits.picker_tips], start=1))
    assert user.last().labels() == ["1", "2", "3", en(content, "btn_own_action")]
    await user.tap("2")
    assert user.last().text.startswith(f"▶ {low[1]}")
    await user.tap(en(content, "btn_every_week"))
    # the second focus: one's own words, once, within two weeks
    assert "action 2 of 2" in user.last().text
    await user.tap(en(content, "btn_own_action"))
    assert user.last().text == say(content, "action_type", name=second, limit=content.limits.action_chars)
    await user.send("x" * (content.limits.action_chars + 1))
    assert user.last().text == say(content, "action_too_long", limit=content.limits.action_chars,
                                   length=content.limits.action_chars + 1)
    await user.send("Ask the CFO for fifteen minutes to go through the IT budget together")
    await user.tap(content.localized("btn_within_weeks", weeks=2)["en"])
    await user.tap("Wednesday")
    await user.tap("09:00")
    overview = user.last().text
    assert f"1. {first} — closes the gap from 2 to 4\n▶ {low[1]}\n⏱ every week" in overview
    assert (f"2. {second} — closes the gap from 2 to 4\n▶ Ask the CFO for fifteen minutes to go through the IT "
            "budget together\n⏱ once, by 14 December") in overview
    assert "Next check-in: 2 December, 09:00." in overview and "Review of your plan: 25 January." in overview
    stored = rows(bot.db_path, "select competency, tip, cadence, due_on, status from plan_actions order by id")
    low_indexes = [n for n, tip in enumerate(content.coaching[one].tips) if tip.band == "low"]
    assert stored == [(one, low_indexes[1], "weekly", None, "active"),
                      (two, None, "once", "2026-12-14", "active")]
    # the ideas shown are remembered: changing the action offers ones not seen yet
    assert len(rows(bot.db_path, "select * from tips_seen where competency = ?", one)) == content.limits.picker_tips
    await user.tap(f"1. {first}")
    assert user.last().text.startswith(f"🎯 {first} — closes the gap from 2 to 4\n▶ {low[1]}")
    await user.tap(en(content, "btn_change_action"))
    again = user.last().text
    assert not any(tip in again for tip in low) and "1. " in again  # unseen ideas only
    await user.tap("1")
    await user.tap(en(content, "btn_every_week"))
    assert rows(bot.db_path, "select status from plan_actions where competency = ? order by id", one) == [
        ("replaced",), ("active",)]
    assert len(rows(bot.db_path, "select * from tips_seen where competency = ?", one)) == 2 * content.limits.picker_tips
    # marking an action done asks for the next one
    await user.send("/plan")
    await user.tap(f"2. {second}")
    await user.tap(en(content, "btn_mark_done"))
    assert user.last().text.startswith(say(content, "action_marked_done").strip())
    await user.tap("3")
    await user.tap(en(content, "btn_every_week"))
    assert rows(bot.db_path, "select status from plan_actions where competency = ? order by id", two) == [
        ("done",), ("active",)]


async def test_a_manager_who_does_the_action_sees_the_trend_and_the_next_step(bot, content, clock):
    user = await assessed(bot, content, 3201)
    name = await plan_one(user, content)
    competency = competency_named(content, name)
    for week in range(1, 11):
        at_week(clock, week)
        await run_jobs(bot)
        assert user.last().text.startswith(f"🔁 Check-in: {name}") or week == 9, week
        await answer(user, content, "done")
        shown = checkins_of(user)[-1].text
        if week > 1:
            assert f"— {week} of {week} weeks done." in shown, shown
        assert ("in a row: this is becoming a habit" in shown) == (week % content.limits.steady_weeks == 0), week
        await user.tap(en(content, "btn_no_note"), message=checkins_of(user)[-1])
    assert user.toasts()[-1] == say(content, "checkin_no_note")
    assert len(checkins_of(user)) == 10
    assert rows(bot.db_path, "select answer, count(*) from checkins where user_id = ? group by answer",
                user.id) == [("done", 10)]
    # at eight weeks: a review with the actions and check-ins, and a retake (no 360 before: no colleagues)
    reviews = [m for m in user.messages() if m.text.startswith("📅")]
    assert len(reviews) == 1
    # (due on the Monday of week 9: the check-in of that Wednesday went out just before, not answered yet)
    assert f"• {name}: " in reviews[0].text and "— done 8/9" in reviews[0].text
    assert "Check-ins answered: 8 of 9." in reviews[0].text
    assert reviews[0].labels() == [en(content, "btn_retake_now")]
    # the next steps offered are tips never shown before, and now remembered as seen
    given = [r[0] for r in rows(bot.db_path, "select tip from checkins where tip is not null order by id")]
    assert len(given) == 3 and len(set(given)) == 3
    picked = rows(bot.db_path, "select tip from plan_actions")[0][0]
    assert picked not in given
    assert all(content.coaching[competency].tips[tip].band == "mid" for tip in given[:2])
    assert not any(m.text.startswith("🤔") for m in user.messages())  # never the offer to pause


async def test_not_yet_twice_brings_one_question_and_a_tip_not_seen_before(bot, content, clock):
    carla = await new_coach(bot, content, 3301, "Carla")
    kees = await share_with(bot, content, carla, 3302, "Kees")
    await onboard(kees, content)
    await answer_all(kees, content, lambda i: 2)
    name = await plan_one(kees, content)
    competency = competency_named(content, name)
    picker_tips = {tip for (tip,) in rows(bot.db_path, "select tip from tips_seen")}
    at_week(clock, 1)
    await run_jobs(bot)
    await answer(kees, content, "notyet")
    first = checkins_of(kees)[-1].text
    assert say(content, "response_notyet") in first and say(content, "note_prompt") in first
    assert "💡" not in first
    await kees.tap(en(content, "btn_no_note"), message=checkins_of(kees)[-1])
    at_week(clock, 2)
    await run_jobs(bot)
    await answer(kees, content, "notyet")
    second = checkins_of(kees)[-1]
    (tip,) = rows(bot.db_path, "select tip from checkins where id = (select max(id) from checkins)")[0]
    assert tip not in picker_tips
    tip_text = content.coaching[competency].tips[tip].text["en"]
    assert say(content, "response_notyet_again", tip=tip_text) in second.text
    assert say(content, "note_obstacle") in second.text  # the one question
    assert second.labels() == [en(content, "btn_adopt_tip"), en(content, "btn_change_action"),
                               en(content, "btn_no_note")]
    await kees.send("I dared not contradict the CFO")
    assert kees.last().text == say(content, "checkin_thanks_private")
    assert not any("CFO" in text for text in bot.api.texts_to(carla.id))  # private unless shared
    # a third "not yet": another tip, not one seen before
    at_week(clock, 3)
    await run_jobs(bot)
    await answer(kees, content, "notyet")
    (third,) = rows(bot.db_path, "select tip from checkins where id = (select max(id) from checkins)")[0]
    assert third not in picker_tips | {tip}
    assert "📈 So far: ⏳ ⏳ ⏳ — 0 of 3 weeks done." in checkins_of(kees)[-1].text  # every third: the trend
    await kees.tap(en(content, "btn_adopt_tip"), message=checkins_of(kees)[-1])
    assert kees.last().text == say(content, "tip_adopted", name=name,
                                   action=content.coaching[competency].tips[third].text["en"])
    assert rows(bot.db_path, "select tip, status from plan_actions order by id") == [
        (sorted(picker_tips)[0], "replaced"), (third, "active")]
    at_week(clock, 4)
    await run_jobs(bot)
    assert content.coaching[competency].tips[third].text["en"] in checkins_of(kees)[-1].text
    # weeks 4 to 10, still not yet: a question and a tip each second time, no tip twice until all were seen
    for week in range(4, 11):
        if week > 4:
            at_week(clock, week)
            await run_jobs(bot)
        await answer(kees, content, "notyet")
    given = [tip for (tip,) in rows(bot.db_path, "select tip from checkins where tip is not null order by id")]
    shown = sorted(picker_tips) + given  # in the order they were shown
    tips = len(content.coaching[competency].tips)
    assert len(given) == 8 and len(set(shown[:tips])) == tips, shown  # every tip once before any again
    assert len(checkins_of(kees)) == 10 and not any(m.text.startswith("🤔") for m in kees.messages())


async def test_two_ignored_check_ins_bring_one_offer_and_then_quiet(bot, content, clock):
    user = await assessed(bot, content, 3401)
    await plan_one(user, content)
    for week in (1, 2):
        at_week(clock, week)
        await run_jobs(bot)
    assert len(checkins_of(user)) == 2
    at_week(clock, 3)
    await run_jobs(bot)
    offer = user.last()
    assert offer.text.startswith("🤔 Your last 2 check-ins went unanswered")
    assert "until 13 January" in offer.text
    assert offer.labels() == [content.localized("btn_pause_weeks", weeks=content.limits.pause_weeks)["en"],
                              en(content, "btn_other_moment"), en(content, "btn_change_action"),
                              en(content, "btn_stop_plan"), en(content, "btn_keep_going")]
    before = len(bot.api.texts_to(user.id))
    for week in range(4, 8):  # quiet: nothing at all for the weeks set
        at_week(clock, week)
        await run_jobs(bot)
        if week == 5:
            await user.send("/plan")
            assert "🤫 Quiet until 13 January" in user.last().text
            before += 1
    assert texts_since(bot, user, before) == []
    at_week(clock, 8)
    await run_jobs(bot)
    assert len(checkins_of(user)) == 3  # then check-ins go on
    at_week(clock, 9)
    await run_jobs(bot)
    at_week(clock, 10)
    await run_jobs(bot)  # two more unanswered: the offer once more, never a third check-in in a row
    assert sum(m.text.startswith("🤔") for m in user.messages()) == 2
    assert rows(bot.db_path, "select kind, count(*) from checkins group by kind") == [("checkin", 4), ("silence", 2)]


async def test_answering_the_offer_pauses_or_carries_on(bot, content, clock):
    pauser, goer = await assessed(bot, content, 3501), await assessed(bot, content, 3502)
    for user in (pauser, goer):
        await plan_one(user, content)
    for week in (1, 2, 3):
        at_week(clock, week)
        await run_jobs(bot)
    await pauser.tap(content.localized("btn_pause_weeks", weeks=content.limits.pause_weeks)["en"])
    assert pauser.last().text == say(content, "plan_paused", until="13 January")
    await goer.tap(en(content, "btn_keep_going"))
    assert goer.last().text == say(content, "plan_kept", when="23 December, 09:00")
    at_week(clock, 4)
    await run_jobs(bot)
    assert goer.last().text.startswith("🔁 Check-in") and len(checkins_of(pauser)) == 2
    await pauser.send("/plan")
    assert "⏸ Check-ins paused until 13 January." in pauser.last().text
    await pauser.tap(en(content, "btn_resume_checkins"))
    at_week(clock, 5)
    await run_jobs(bot)
    assert len(checkins_of(pauser)) == 3  # resumed sooner, by their own choice


async def test_an_answer_to_an_old_check_in_ends_the_quiet(bot, content, clock):
    user = await assessed(bot, content, 3601)
    await plan_one(user, content)
    for week in (1, 2, 3):
        at_week(clock, week)
        await run_jobs(bot)
    assert user.last().text.startswith("🤔")
    await user.tap(en(content, "btn_answer_partly"), message=checkins_of(user)[0])  # a late answer
    at_week(clock, 4)
    await run_jobs(bot)
    assert user.last().text.startswith("🔁 Check-in") and len(checkins_of(user)) == 3


# --- a stalled self-assessment -------------------------------------------------------------------

async def test_a_stalled_assessment_gets_exactly_one_reminder_and_resumes_where_it_was(bot, content, clock):
    user = bot.user(3701)
    await onboard(user, content)
    for _ in range(20):
        await user.tap("3")
    assert user.last().text.startswith("21/43")
    before = len(bot.api.texts_to(user.id))
    for day in range(1, 71):  # ten weeks, looked at every day
        clock.now = START + timedelta(days=day)
        await run_jobs(bot)
    shown = texts_since(bot, user, before)
    assert shown == [say(content, "stalled_reminder", n=21, total=43)]
    assert rows(bot.db_path, "select status, substr(created_at, 1, 10) from assessment_reminders") == [
        ("sent", "2026-12-03")]
    await user.tap(en(content, "btn_continue"))
    assert user.last().text.startswith("21/43")


async def test_one_persons_reminder_holds_back_nobody_elses(bot, content, clock):
    early, late = bot.user(3711), bot.user(3712)
    await onboard(early, content)
    clock.now = START + timedelta(days=2)
    await onboard(late, content)  # starts two days later
    for day in range(3, 8):
        clock.now = START + timedelta(days=day, hours=1)
        await run_jobs(bot)
    assert rows(bot.db_path, "select user_id, substr(created_at, 1, 10) from assessment_reminders order by id") == [
        (early.id, "2026-12-03"), (late.id, "2026-12-05")]


async def test_pause_and_the_users_own_choice_stop_reminders_and_one_a_week_at_most(bot, content, clock):
    paused, declined, returning = bot.user(3801), bot.user(3802), bot.user(3803)
    for user in (paused, declined, returning):
        await onboard(user, content)
        for _ in range(20):
            await user.tap("3")
    await paused.send("/pause")
    clock.now = START + timedelta(days=3)
    await run_jobs(bot)
    assert not any(t.startswith("⏸ Your self") for t in bot.api.texts_to(paused.id))
    await declined.tap(en(content, "btn_no_reminders"))
    assert declined.last().text == say(content, "reminders_off")
    await declined.tap(en(content, "btn_continue"))
    await declined.tap("3")  # answers one more, then stalls again
    await returning.tap(en(content, "btn_continue"))
    await returning.tap("3")  # the same, but reminders stay on
    for day in range(4, 71):
        clock.now = START + timedelta(days=day)
        await run_jobs(bot)
    reminded = {user.id: [t for t in bot.api.texts_to(user.id) if t.startswith("⏸ Your self")]
                for user in (paused, declined, returning)}
    assert reminded[paused.id] == [] and len(reminded[declined.id]) == 1
    assert len(reminded[returning.id]) == 2  # a second stall, a second reminder: a week after the first
    dates = rows(bot.db_path, "select substr(created_at, 1, 10) from assessment_reminders where user_id = ? "
                              "order by id", returning.id)
    assert dates == [("2026-12-03",), ("2026-12-10",)]
    await declined.send("/plan")  # no result yet: the choice is made on the reminder itself
    assert rows(bot.db_path, "select reminders_off_at is not null from plans where user_id = ?",
                declined.id) == [(1,)]


async def test_reminders_are_switched_off_and_on_in_the_plan(bot, content, clock):
    user = await assessed(bot, content, 3851)
    await plan_one(user, content)
    await user.send("/plan")
    await user.tap(en(content, "btn_reminders_on_now"))
    assert user.toasts()[-1] == say(content, "reminders_off_notice")
    assert en(content, "btn_reminders_off_now") in user.last().labels()
    await user.send("/retake")
    for _ in range(3):
        await user.tap("3")
    clock.now = START + timedelta(days=10)
    await run_jobs(bot)
    assert rows(bot.db_path, "select count(*) from assessment_reminders") == [(0,)]
    await user.send("/plan")  # the retake is open: /plan shows the plan all the same
    await user.tap(en(content, "btn_reminders_off_now"))
    assert user.toasts()[-1] == say(content, "reminders_on")
    clock.now += timedelta(hours=2)
    await run_jobs(bot)
    assert user.last().text == say(content, "stalled_reminder", n=4, total=43)


# --- the review and the retake -----------------------------------------------------------------

async def test_the_review_offers_a_retake_and_colleagues_and_the_retake_shows_before_and_after(bot, content, clock):
    carla = await new_coach(bot, content, 3901, "Carla")
    kees = await share_with(bot, content, carla, 3902, "Kees")
    await onboard(kees, content)
    await answer_all(kees, content, lambda i: 2)
    await kees.send("/feedback")  # he asked colleagues before
    name = await plan_one(kees, content)
    for week in range(1, 9):
        at_week(clock, week)
        await run_jobs(bot)
        await answer(kees, content, "done" if week % 2 else "partly")
    assert not any(m.text.startswith("📅") for m in kees.messages())
    clock.now = START + timedelta(weeks=content.limits.review_weeks, minutes=1)
    await run_jobs(bot)
    review = kees.last()
    assert review.text.startswith(f"📅 {content.limits.review_weeks} weeks of your development plan (since 30 November)")
    assert f"• {name}: " in review.text and "— done 4/8" in review.text and "Check-ins answered: 8 of 8." in review.text
    assert say(content, "review_colleagues").strip() in review.text
    assert say(content, "review_coach_sees", coach="Carla").strip() in review.text
    assert review.labels() == [en(content, "btn_retake_now"), en(content, "btn_ask_again")]
    told = carla.last().text
    assert told.startswith(f"📅 Kees: review after {content.limits.review_weeks} weeks") and "done 4/8" in told
    assert rows(bot.db_path, "select coach_id, status from plan_reviews") == [(carla.id, "sent")]
    assert json.loads(rows(bot.db_path, "select summary from plan_reviews")[0][0])["feedback_before"] is True
    # the retake: from the review's button; every answer two higher
    await kees.tap(en(content, "btn_retake_now"))
    assert kees.last().text.startswith("1/43")
    await answer_all(kees, content, lambda i: 4)
    summary, renewal = [m for m in kees.messages() if m.kind == "text"][-2:]
    assert say(content, "changes_count", up=28, down=0).strip() in summary.text
    assert say(content, "jump_note", count=28, points=content.scoring.jump_points) in summary.text
    assert en(content, "btn_before_after") in summary.labels() and en(content, "btn_feedback") in summary.labels()
    assert renewal.text == say(content, "plan_renewal", items=f"• {name}: 2 → 4", weeks=content.limits.review_weeks)
    await kees.tap(en(content, "btn_before_after"), message=summary)
    before_after = kees.last().text
    assert f"{name}: 2 → 4 ⬆️ +2" in before_after and "(28 up, 0 down)" in before_after
    assert say(content, "jump_note", count=28, points=content.scoring.jump_points) in before_after
    # the old plan is offered for renewal: a new round, reviewed again after the weeks set
    await kees.tap(en(content, "btn_renew_plan"), message=renewal)
    assert say(content, "plan_renewed", when="22 March") in [m.text for m in kees.messages()]
    assert "📅 Review of your plan: 22 March." in kees.last().text


async def test_a_review_every_eight_weeks_counts_its_own_round(bot, content, clock):
    user = await assessed(bot, content, 3951)
    await plan_one(user, content)
    for week in range(1, 18):
        at_week(clock, week)
        await run_jobs(bot)
        await answer(user, content, "done" if week <= 9 else "partly")
    summaries = [json.loads(row[0]) for row in rows(bot.db_path, "select summary from plan_reviews order by id")]
    assert [s["since"][:10] for s in summaries] == ["2026-11-30", "2027-01-25"]
    assert [(s["actions"][0]["done"], s["actions"][0]["partly"]) for s in summaries] == [(8, 0), (1, 7)]
    assert sum(m.text.startswith("📅") for m in user.messages()) == 2


async def test_a_modest_retake_is_not_called_a_jump_and_without_a_plan_nothing_is_renewed(bot, content, clock):
    user = await assessed(bot, content, 4001, lambda i: 3)
    await user.send("/retake")
    await answer_all(user, content, lambda i: 4 if i % 3 else 3)
    summary = user.last()
    assert say(content, "jump_note", count=1, points=2)[:5] not in summary.text
    assert en(content, "btn_before_after") in summary.labels()
    assert not any(m.text.startswith("🗓 Your plan so far") for m in user.messages())


async def test_consent_is_checked_when_the_review_is_sent(bot, content, clock):
    carla = await new_coach(bot, content, 4101, "Carla")
    kees = await share_with(bot, content, carla, 4102, "Kees")
    await onboard(kees, content)
    await answer_all(kees, content, lambda i: 2)
    await plan_one(kees, content)
    clock.now = START + timedelta(weeks=content.limits.review_weeks, minutes=1)
    stores = bot.application.bot_data["core"].stores
    from bot.turn import iso
    assert stores.reviews.claim_review(kees.id, iso(clock.now), iso(clock.now + timedelta(weeks=8))) is not None
    await kees.send("/mycoach")
    await kees.tap(en(content, "btn_stop_sharing"))
    before = len(bot.api.texts_to(carla.id))
    await send_due_reviews(bot.application)
    assert kees.last().text.startswith("📅") and "Carla" not in kees.last().text
    assert not any(text.startswith("📅") for text in texts_since(bot, carla, before))
    assert rows(bot.db_path, "select coach_id from plan_reviews") == [(None,)]


# --- a plan from before actions ----------------------------------------------------------------

async def test_a_plan_from_before_actions_keeps_working_and_offers_to_choose_one(make_harness, db_path, content):
    early = Database(sqlite3.connect(db_path))
    MIGRATIONS.apply(early, stop_before="m013_plan_actions_reviews_reminders")
    stamp = "2026-11-01T09:00:00+00:00"
    questions = content.current.questions
    competency = content.competencies[0].id
    early["users"].insert({"id": 4201, "language": "en", "flow_state": "completed", "consented_at": stamp,
                           "created_at": stamp, "updated_at": stamp})
    early["assessments"].insert({"id": 1, "user_id": 4201, "status": "completed", "cursor": 43, "started_at": stamp,
                                 "completed_at": stamp, "version": content.version})
    early["answers"].insert_all([{"assessment_id": 1, "question_id": q.id, "value": 2, "answered_at": stamp}
                                 for q in questions])
    early["plans"].insert({"user_id": 4201, "focus": json.dumps([competency]), "weekday": 2, "time": "09:00",
                           "active": 1, "step": "idle", "next_due_at": "2026-11-25T08:00:00+00:00",
                           "checkins_sent": 1, "created_at": stamp, "updated_at": stamp})
    early["checkins"].insert({"user_id": 4201, "competency": competency, "reflection": 0,
                              "due_at": "2026-11-18T08:00:00+00:00", "sent_at": "2026-11-18T08:00:05+00:00",
                              "rating": 3, "status": "sent"})
    early.conn.commit()
    early.conn.close()
    open_database(db_path).conn.close()
    assert rows(db_path, "select cycle_started_at, review_due_at from plans") == [(stamp, None)]
    clock = FakeClock(datetime(2026, 11, 25, 8, 1, tzinfo=timezone.utc))
    harness = make_harness(clock=clock)
    name = content.names[competency]["en"]
    async with harness.application:
        user = harness.user(4201)
        await user.send("/plan")
        assert f"1. {name} — closes the gap from 2 to 4\n{say(content, 'plan_item_no_action')}" in user.last().text
        await send_due_checkins(harness.application)
        asked = user.last()
        assert asked.text.startswith(f"🔁 Check-in: {name}\n💭 ")
        assert asked.labels() == ["1", "2", "3", "4", "5", en(content, "btn_choose_action")]
        await user.tap("4", message=asked)  # as before actions: a rating, and a note may follow
        assert user.last().text == say(content, "checkin_rated", rating=4)
        await user.tap(en(content, "btn_choose_action"), message=asked)
        await user.tap("1")
        await user.tap(en(content, "btn_every_week"))
        assert "⏱ every week" in user.last().text
        assert rows(harness.db_path, "select review_due_at from plans") == [("2027-01-20T08:01:00+00:00",)]
        clock.now += timedelta(days=7)
        await send_due_checkins(harness.application)
        assert user.last().labels() == [en(content, f"btn_answer_{a}") for a in ANSWERS]
    assert harness.errors == []
