"""What a coach sees: the group (only from the anonymity threshold) and the prompts to come,
each of which the coach can pause, move or cancel; the list of coachees and one coachee are
the coach's desk (desk.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.content import Content
from bot.flows.coaching import series
from bot.flows.coaching.thread import shorten
from bot.flows.effects import CancelSchedule, MoveSchedule, PauseSchedule, SendDuePrompts, Step
from bot.flows.events import Event
from bot.flows.plan import WEEKDAYS, next_occurrence
from bot.flows.records import CoacheeView, ScheduleView
from bot.flows.scoring import Result, mean, score
from bot.flows.screens import Choice, Items, Screen, When

GROUP_GAPS = 5
DAYS_AHEAD = 7  # a one-off prompt goes within this many days
TIME_SLOTS = 10  # a time button's number is day * this + the time's place in checkin_times


def most_common(counts: Counter, n: int, content: Content) -> list[tuple[str, int]]:
    order = {q.id: i for i, q in enumerate(content.competencies)}
    return sorted(counts.items(), key=lambda item: (-item[1], order[item[0]]))[:n]


def completed_results(content: Content, coachees: list[CoacheeView]) -> list[Result]:
    return [score(s.latest_answers, content, s.version) for s in coachees if s.latest_answers is not None]


def show_group(content: Content, coachees: list[CoacheeView], min_group: int) -> Step:
    done = completed_results(content, coachees)
    if len(done) < min_group:
        return Step([Screen("group_withheld", {"min": min_group, "count": len(done)})])
    means = Items(tuple(
        Screen("group_score_item", {"group": name, "score": mean(
            [r.group_means[group] for r in done])})
        for group, name in content.groups.items()))
    counts = Counter(p.competency for r in done for p in r.development_points)
    common = Items(tuple(Screen("group_gap_item", {"name": content.by_id(c).name, "count": n})
                         for c, n in most_common(counts, GROUP_GAPS, content))) if counts else Items((
        Screen("group_no_gaps"),))
    return Step([Screen("group_view", {"count": len(done), "means": means, "gaps": common})])


SCHEDULE_TEXT_CHARS = 70  # a schedule's text in the list (the schedule's own screen shows it whole)


def _target(content: Content, schedule: ScheduleView, names: dict[int, str]) -> str | dict[str, str]:
    return names.get(schedule.coachee_id, "?") if schedule.coachee_id else content.localized("all_coachees")


def _words(content: Content, schedule: ScheduleView, limit: int | None = None) -> str | dict[str, str] | Items:
    """What a schedule puts to its receivers, as the coach reads it."""
    if schedule.own_text:
        return schedule.own_text if limit is None else shorten(schedule.own_text, limit)
    words = series.words(content, schedule.competency, schedule.prompt_index)
    if words is None:
        return Items((Screen("schedule_series_text"),))
    if limit is not None:
        words = {language: shorten(text, limit) for language, text in words.items()}
    return Items((Screen("schedule_pick_then_series" if schedule.kind == "weekly" else "schedule_pick_text",
                         {"text": words}),))


def _when(content: Content, schedule: ScheduleView, zone: str) -> Screen:
    if schedule.paused:
        return Screen("schedule_paused_item")
    local = datetime.fromisoformat(schedule.next_due_at).astimezone(ZoneInfo(zone))
    key = "schedule_weekly_when" if schedule.kind == "weekly" else "schedule_once_when"
    return Screen(key, {"when": When(schedule.next_due_at, zone), "day": content.ui[f"weekday_{local.weekday()}"],
                        "time": local.strftime("%H:%M")})


def schedules_screen(content: Content, schedules: list[ScheduleView], names: dict[int, str], zone: str,
                     in_place: bool = False) -> Screen:
    """Each prompt to come: to whom, its text (short), when next; a number opens it."""
    if not schedules:
        return Screen("no_schedules", in_place=in_place)
    items = Items(tuple(Screen("schedule_item", {
        "n": n, "target": _target(content, s, names), "when": Items((_when(content, s, zone),)),
        "text": _words(content, s, SCHEDULE_TEXT_CHARS)}) for n, s in enumerate(schedules, start=1)),
        separator="\n\n")
    return Screen("schedules", {"items": items}, choices=tuple(
        Choice(Event.SCHEDULE_OPEN, str(n), ref=s.id, literal=True) for n, s in enumerate(schedules, start=1)),
        in_place=in_place)


def _find(schedule_id: object, schedules: list[ScheduleView]) -> tuple[int, ScheduleView] | None:
    """The coach's own schedule still to come, and its number in the list (a cancelled one, or
    another coach's id, finds nothing)."""
    return next(((n, s) for n, s in enumerate(schedules, start=1) if s.id == schedule_id), None)


def schedule_screen(content: Content, n: int, schedule: ScheduleView, names: dict[int, str], zone: str) -> Screen:
    """One schedule whole, with what the coach can do with it."""
    pause = Choice(Event.SCHEDULE_RESUME, "btn_schedule_resume", ref=schedule.id) if schedule.paused else Choice(
        Event.SCHEDULE_PAUSE, "btn_schedule_pause", ref=schedule.id)
    choices = (pause, Choice(Event.SCHEDULE_CHANGE, "btn_schedule_change", ref=schedule.id),
               Choice(Event.SCHEDULE_CANCEL, "btn_schedule_cancel", ref=schedule.id),
               Choice(Event.SCHEDULES_BACK, "btn_all_schedules"))
    return Screen("schedule_view", {"n": n, "target": _target(content, schedule, names),
                                    "text": _words(content, schedule), "when": Items((_when(content, schedule, zone),))},
                  choices=choices, in_place=True)


def open_schedule(content: Content, schedule_id: object, schedules: list[ScheduleView], names: dict[int, str],
                  zone: str) -> Step:
    found = _find(schedule_id, schedules)
    if found is None:
        return Step([Screen("stale_button", notice=True)])
    return Step([schedule_screen(content, *found, names, zone)])


def cancel_schedule(content: Content, schedule_id: object, schedules: list[ScheduleView], names: dict[int, str],
                    zone: str) -> Step:
    if _find(schedule_id, schedules) is None:
        return Step([Screen("stale_button", notice=True)])
    left = [s for s in schedules if s.id != schedule_id]
    return Step([Screen("schedule_cancelled", notice=True), schedules_screen(content, left, names, zone, True)],
                [CancelSchedule(schedule_id)])  # type: ignore[arg-type]


def pause_schedule(content: Content, schedule_id: object, schedules: list[ScheduleView], names: dict[int, str],
                   zone: str) -> Step:
    found = _find(schedule_id, schedules)
    if found is None or found[1].paused:
        return Step([Screen("stale_button", notice=True)])
    n, schedule = found
    return Step([Screen("schedule_paused", notice=True),
                 schedule_screen(content, n, replace(schedule, paused=True), names, zone)],  # type: ignore[type-var]
                [PauseSchedule(schedule.id)])


def resume_schedule(content: Content, schedule_id: object, schedules: list[ScheduleView], names: dict[int, str],
                    zone: str, now: datetime) -> Step:
    """Going again from the next time it falls on (a one-off whose time passed: now)."""
    found = _find(schedule_id, schedules)
    if found is None or not found[1].paused:
        return Step([Screen("stale_button", notice=True)])
    n, schedule = found
    if schedule.kind == "weekly":  # a weekly schedule always has its day and time
        due = next_occurrence(schedule.weekday, schedule.time, zone, now)  # type: ignore[arg-type]
    else:
        due = max(datetime.fromisoformat(schedule.next_due_at), now) if schedule.next_due_at else now
    moved = replace(schedule, paused=False, next_due_at=due.isoformat())  # type: ignore[type-var]
    return Step([Screen("schedule_resumed", notice=True), schedule_screen(content, n, moved, names, zone)],
                [MoveSchedule(schedule.id, due, resume=True), SendDuePrompts()])


def day_options(kind: str, now: datetime, zone: str) -> tuple[tuple[str, int], ...]:
    """The days a prompt can go on, as (label key, day): weekdays for a weekly one, today …
    six days ahead for a one-off."""
    if kind == "weekly":
        return tuple((f"weekday_{d}", d) for d in WEEKDAYS)
    today = now.astimezone(ZoneInfo(zone)).date()
    return tuple(("day_today" if d == 0 else "day_tomorrow" if d == 1
                  else f"weekday_{(today + timedelta(days=d)).weekday()}", d) for d in range(DAYS_AHEAD))


def due_at(kind: str, day: int, at: str, zone: str, now: datetime) -> datetime:
    """When a prompt chosen for ``day`` at ``at`` (local) goes first: a weekly one on the next
    such weekday, a one-off that many days from today (now, if that time has passed)."""
    if kind == "weekly":
        return next_occurrence(day, at, zone, now)
    tz = ZoneInfo(zone)
    hour, minute = map(int, at.split(":"))
    local = datetime.combine(now.astimezone(tz).date() + timedelta(days=day), time(hour, minute), tzinfo=tz)
    return max(local, now)


def change_day(schedule_id: object, schedules: list[ScheduleView], now: datetime, zone: str) -> Step:
    found = _find(schedule_id, schedules)
    if found is None:
        return Step([Screen("stale_button", notice=True)])
    schedule = found[1]
    return Step([Screen("schedule_pick_day", choices=(*(
        Choice(Event.SCHEDULE_DAY, label, day, ref=schedule.id) for label, day in day_options(schedule.kind, now, zone)),
        Choice(Event.SCHEDULE_OPEN, "btn_back", ref=schedule.id)), in_place=True)])


def change_time(content: Content, schedule_id: object, day: object, schedules: list[ScheduleView]) -> Step:
    found = _find(schedule_id, schedules)
    if found is None or not isinstance(day, int):
        return Step([Screen("stale_button", notice=True)])
    schedule = found[1]
    return Step([Screen("schedule_pick_time", choices=(*(
        Choice(Event.SCHEDULE_TIME, at, day * TIME_SLOTS + slot, literal=True, ref=schedule.id)
        for slot, at in enumerate(content.limits.checkin_times)),
        Choice(Event.SCHEDULE_CHANGE, "btn_back", ref=schedule.id)), in_place=True)])


def move_schedule(content: Content, schedule_id: object, moment: object, schedules: list[ScheduleView],
                  names: dict[int, str], zone: str, now: datetime) -> Step:
    """The schedule goes at the chosen day and time from now on (a paused one stays paused)."""
    found = _find(schedule_id, schedules)
    times = content.limits.checkin_times
    if found is None or not isinstance(moment, int) or moment % TIME_SLOTS >= len(times):
        return Step([Screen("stale_button", notice=True)])
    n, schedule = found
    day, at = moment // TIME_SLOTS, times[moment % TIME_SLOTS]
    if day not in [d for _, d in day_options(schedule.kind, now, zone)]:
        return Step([Screen("stale_button", notice=True)])
    due, weekly = due_at(schedule.kind, day, at, zone, now), schedule.kind == "weekly"
    moved = replace(schedule, next_due_at=due.isoformat(), weekday=day if weekly else None,  # type: ignore[type-var]
                    time=at if weekly else schedule.time)
    return Step([Screen("schedule_moved", notice=True), schedule_screen(content, n, moved, names, zone)],
                [MoveSchedule(schedule.id, due, day if weekly else None, at if weekly else None)])
