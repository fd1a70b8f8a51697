"""What a coach sees: the list of coachees, one coachee (only with consent), the group
(only from the anonymity threshold), and the scheduled prompts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content import Content
from bot.flows import results
from bot.flows.coaching import page_of
from bot.flows.effects import CancelSchedule, Step
from bot.flows.events import Event
from bot.flows.records import CoacheeView, ScheduleView
from bot.flows.scoring import Result, mean, score
from bot.flows.screens import Choice, Items, Screen

GROUP_GAPS = 5


def status_line(content: Content, status: CoacheeView) -> Screen:
    name = status.relation.coachee_name
    if status.latest_answers is not None:
        archetype = score(status.latest_answers, content, status.version).archetype
        return Screen("coachee_completed", {"name": name, "date": status.completed_at[:10],
                                            "archetype": content.archetype_name(archetype)})
    if status.cursor is not None:
        return Screen("coachee_in_progress", {"name": name, "n": status.cursor + 1, "total": content.total})
    return Screen("coachee_not_started", {"name": name})


def show_coachees(content: Content, coachees: list[CoacheeView], page: int = 0, in_place: bool = False) -> Step:
    """The coachees a page at a time (a keyboard has room for a limited number of buttons)."""
    if not coachees:
        return Step([Screen("no_coachees")])
    shown, following = page_of(coachees, page)
    choices = [Choice(Event.COACH_VIEW, {"nl": s.relation.coachee_name, "en": s.relation.coachee_name},
                      ref=s.relation.id) for s in shown]
    if following is not None:
        choices.append(Choice(Event.COACHEES_PAGE, "btn_next_page", following))
    choices.append(Choice(Event.GROUP_VIEW, "btn_group_view"))
    return Step([Screen("coachees", {"items": Items(tuple(status_line(content, s) for s in shown)),
                                     "count": len(coachees)}, choices=tuple(choices), in_place=in_place)])


def show_coachee(content: Content, status: CoacheeView | None, focus: list[str], replies: list[dict],
                 shared_notes: list[dict]) -> Step:
    """One coachee who shares with this coach: result, plan, replies and the notes they shared."""
    if status is None:
        return Step([Screen("stale_button", notice=True)])
    relation = status.relation
    plan = Items(tuple(Screen("plan_focus_item", {"name": content.by_id(c).name}) for c in focus)) \
        if focus else Items((Screen("coachee_no_plan"),))
    lines = [Screen("coachee_reply_item", {"date": r["created_at"][:10], "text": r["text"]}) for r in replies]
    lines += [Screen("coachee_note_item", {"date": n["shared_at"][:10], "name": content.by_id(n["competency"]).name,
                                           "text": n["note"]}) for n in shared_notes]
    said = Items(tuple(lines)) if lines else Items((Screen("coachee_no_replies"),))
    screens = [Screen("coachee_header", {"name": relation.coachee_name, "since": relation.consented_at[:10],
                                         "status": Items((status_line(content, status),))})]
    if status.latest_answers is not None:
        screens += results.result_screens(content, score(status.latest_answers, content, status.version), None,
                                          buttons=False)  # the coachee's buttons are not the coach's
    screens.append(Screen("coachee_plan_and_replies", {"focus": plan, "replies": said}))
    return Step(screens)


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
