"""Development plan and check-ins: chosen on Telegram, stored, fired by the job queue."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.flows.plan import next_occurrence
from bot.flows.scoring import heaviest
from bot.schedule import CHECKIN_JOB, send_due_checkins
from tests.conftest import (
    FakeClock,
    answer_all,
    choose_actions,
    make_plan,
    onboard,
    plan_row,
    say,
)

ZONE = "Europe/Amsterdam"


def checkin_rows(db_path, user_id):
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select competency, answer, note from checkins where user_id = ? order by id",
                            [user_id]).fetchall()


def test_next_occurrence_follows_the_local_clock_across_dst():
    tz = ZoneInfo(ZONE)
    # Saturday 28 March 2026, 10:00 local; DST starts on Sunday 29 March
    saturday = datetime(2026, 3, 28, 10, 0, tzinfo=tz)
    due = next_occurrence(0, "09:00", ZONE, saturday)  # the Monday after
    assert due.astimezone(tz) == datetime(2026, 3, 30, 9, 0, tzinfo=tz)
    assert due.utcoffset() == timedelta(0) and due.hour == 7  # CEST is UTC+2
    same_day_later = next_occurrence(5, "09:00", ZONE, saturday)  # Saturday 09:00 has passed: next week
    assert same_day_later.astimezone(tz).date().isoformat() == "2026-04-04"


async def test_a_plan_needs_a_result_first(harness, content):
    user = harness.user(2001)
    await user.send("/plan")
    assert user.last().text == say(content, "plan_needs_result")


async def test_choosing_focus_day_and_time(make_harness, content):
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))  # a Monday
    harness = make_harness(clock=clock)
    async with harness.application:
        user = harness.user(2101)
        await onboard(user, content)
        await answer_all(user, content, lambda i: 2)
        await user.send("/plan")
        picker = user.last()
        # a flat profile (all 2): the competencies that weigh most for the Regisseur come first
        suggested = heaviest(content, 6)
        dev_points = [content.names[c]["en"] for c in suggested]
        assert picker.labels()[:6] == dev_points
        for name in dev_points[:4]:
            await user.tap(name, message=picker)
        assert user.toasts()[-1] == say(content, "plan_focus_full", max=content.limits.max_focus)
        assert [label for label in picker.labels() if label.startswith("✅")] == [
            content.text("selected_mark", "en", label=n) for n in dev_points[:3]]
        await user.tap(content.text("selected_mark", "en", label=dev_points[0]), message=picker)  # untick one
        await user.tap(content.text("btn_all_competencies", "en"), message=picker)
        assert len(picker.labels()) == len(content.competencies) + 1
        extra = next(q for q in content.competencies if q.id not in suggested[:3])
        await user.tap(extra.name["en"], message=picker)
        await user.tap(content.text("btn_done", "en"))
        await choose_actions(user, content, 3)
        await user.tap("Wednesday")
        await user.tap("09:00")
        assert "every Wednesday at 09:00" in user.last().text
        row = plan_row(harness.db_path, user.id)
        assert row["active"] == 1 and row["weekday"] == 2 and row["time"] == "09:00"
        assert row["next_due_at"] == "2026-12-02T08:00:00+00:00"  # 09:00 CET
        assert row["focus"] == f'["{suggested[1]}", "{suggested[2]}", "{extra.id}"]'
    assert harness.errors == []


async def test_a_schedule_survives_a_restart_and_a_missed_check_in_is_sent_once(make_harness, content):
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
    first = make_harness(clock=clock)
    async with first.application:
        user = first.user(2201)
        await onboard(user, content)
        await answer_all(user, content, lambda i: 3)
        focus = await make_plan(user, content)
    # the bot is down for three weeks, then a new Application starts on the same database
    clock.now = datetime(2026, 12, 21, 12, 0, tzinfo=timezone.utc)
    second = make_harness(clock=clock)
    async with second.application:
        assert CHECKIN_JOB in [job.name for job in second.application.job_queue.jobs()]
        user = second.user(2201)
        assert await send_due_checkins(second.application) == 1
        assert await send_due_checkins(second.application) == 0  # never twice
        assert user.last().text.startswith("🔁 Check-in: " + focus[0])
        assert user.last().labels() == [content.text(f"btn_answer_{a}", "en") for a in ("done", "partly", "notyet",
                                                                                           "dropped")]
        assert plan_row(second.db_path, user.id)["next_due_at"] == "2026-12-23T08:00:00+00:00"
        clock.now = datetime(2026, 12, 23, 8, 0, 1, tzinfo=timezone.utc)
        assert await send_due_checkins(second.application) == 1
        assert user.last().text.startswith("🔁 Check-in: " + focus[1])  # round robin over the focus
    assert [row[0] for row in checkin_rows(second.db_path, 2201)] == list(heaviest(content, 2))
    assert first.errors == [] and second.errors == []


async def test_answering_a_check_in_about_the_action_with_a_note(make_harness, content):
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
    harness = make_harness(clock=clock)
    async with harness.application:
        user = harness.user(2301)
        await onboard(user, content)
        await answer_all(user, content, lambda i: 3)
        await make_plan(user, content, picks=1)
        clock.now += timedelta(days=3)
        await send_due_checkins(harness.application)
        await user.tap(content.text("btn_answer_done", "en"))
        assert say(content, "note_prompt") in user.last().text
        limit = content.limits.note_chars
        await user.send("x" * (limit + 1))
        assert user.last().text == say(content, "note_too_long", limit=limit, length=limit + 1)
        await user.send("Had the talk with finance 🙂 — went well")
        assert user.last().text == say(content, "checkin_thanks_private")
        await user.send("another text is no longer a note")
        assert checkin_rows(harness.db_path, user.id) == [  # all 3s is flat: the heaviest-weighted first
            (heaviest(content)[0], "done", "Had the talk with finance 🙂 — went well")]
    assert harness.errors == []


async def test_stopping_the_plan_stops_check_ins(make_harness, content):
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
    harness = make_harness(clock=clock)
    async with harness.application:
        user = harness.user(2401)
        await onboard(user, content)
        await answer_all(user, content, lambda i: 3)
        await make_plan(user, content)
        await user.send("/plan")
        await user.tap(content.text("btn_stop_plan", "en"))
        assert user.last().text == say(content, "plan_stopped")
        clock.now += timedelta(days=30)
        assert await send_due_checkins(harness.application) == 0
        assert plan_row(harness.db_path, user.id)["active"] == 0


async def test_forged_check_in_buttons_change_nothing(make_harness, content):
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
    harness = make_harness(clock=clock)
    async with harness.application:
        owner, other = harness.user(2501), harness.user(2502)
        await onboard(owner, content)
        await answer_all(owner, content, lambda i: 3)
        await make_plan(owner, content, picks=1)
        clock.now += timedelta(days=3)
        await send_due_checkins(harness.application)
        checkin_data = owner.last().buttons()[0]["callback_data"]
        await other.press(checkin_data)
        assert other.toasts() == [say(content, "stale_button")]
        assert checkin_rows(harness.db_path, owner.id)[0][1] is None


async def test_the_job_queue_really_fires_due_check_ins(make_harness, content):
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
    harness = make_harness(clock=clock, job_interval=0.05)
    async with harness.application:
        user = harness.user(2601)
        await onboard(user, content)
        await answer_all(user, content, lambda i: 3)
        await make_plan(user, content, picks=1)
        clock.now += timedelta(days=7)
        await harness.application.start()
        try:
            for _ in range(100):
                if user.last().text.startswith("🔁"):
                    break
                await asyncio.sleep(0.05)
        finally:
            await harness.application.stop()
        assert user.last().text.startswith("🔁")
        assert len(checkin_rows(harness.db_path, user.id)) == 1
    assert harness.errors == []
