"""What a coach sees: the group (only from the anonymity threshold) and the scheduled prompts;
the list of coachees and one coachee are the coach's desk (desk.py)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content import Content
from bot.flows.effects import CancelSchedule, Step
from bot.flows.events import Event
from bot.flows.records import CoacheeView, ScheduleView
from bot.flows.scoring import Result, mean, score
from bot.flows.screens import Choice, Items, Screen

GROUP_GAPS = 5


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


def _schedule_line(content: Content, number: int, schedule: ScheduleView, names: dict[int, str], zone: str) -> Screen:
    target = names.get(schedule.coachee_id, "?") if schedule.coachee_id else content.ui["all_coachees"]
    local = datetime.fromisoformat(schedule.next_due_at).astimezone(ZoneInfo(zone))
    key = "schedule_weekly_item" if schedule.kind == "weekly" else "schedule_once_item"
    return Screen(key, {"n": number, "target": target, "when": local.strftime("%Y-%m-%d %H:%M"),
                        "day": content.ui[f"weekday_{local.weekday()}"], "time": local.strftime("%H:%M")})


def schedules_screen(content: Content, schedules: list[ScheduleView], names: dict[int, str], zone: str,
                     in_place: bool = False) -> Screen:
    if not schedules:
        return Screen("no_schedules", in_place=in_place)
    items = Items(tuple(_schedule_line(content, n, s, names, zone) for n, s in enumerate(schedules, start=1)))
    return Screen("schedules", {"items": items}, choices=tuple(
        Choice(Event.SCHEDULE_CANCEL, {"nl": f"✖ {n}", "en": f"✖ {n}"}, ref=s.id)
        for n, s in enumerate(schedules, start=1)), in_place=in_place)


def cancel_schedule(content: Content, schedule_id: int, schedules: list[ScheduleView], names: dict[int, str],
                    zone: str) -> Step:
    if not any(s.id == schedule_id for s in schedules):
        return Step([Screen("stale_button", notice=True)])
    left = [s for s in schedules if s.id != schedule_id]
    return Step([Screen("schedule_cancelled", notice=True), schedules_screen(content, left, names, zone, True)],
                [CancelSchedule(schedule_id)])
