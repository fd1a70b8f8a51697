"""The plan as the manager sees it, pure: the overview (each focus with the gap it closes, its
action, when, and how it went), and one focus's card (change the action, mark it done)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content import LANGUAGES, Content
from bot.flows.actions import Trend, action_text, trend_line, when_line, why
from bot.flows.events import Event
from bot.flows.records import ActionView
from bot.flows.screens import Choice, Items, Screen, When


@dataclass
class PlanView:
    """What the plan's screens show: focus, actions and their answers, scores, the moments."""

    content: Content
    focus: list[str]
    actions: dict[str, ActionView]
    answers: dict[int, list[tuple[int, str]]]  # action id -> answered check-ins (id, answer), oldest first
    scores: dict[str, int | None]
    zone: str
    weekday: int | None = None
    at: str | None = None
    next_due: str | None = None
    paused_until: str | None = None  # only while it lasts
    quiet_until: str | None = None  # only while it lasts
    review_due_at: str | None = None
    reminders_on: bool = True
    index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {q.id: n for n, q in enumerate(self.content.competencies)}

    def trend(self, action: ActionView) -> Trend:
        return Trend.of([given for _, given in self.answers.get(action.id, [])])


def _item(view: PlanView, number: int, competency: str) -> Screen:
    content = view.content
    action = view.actions.get(competency)
    if action is None:
        detail = Screen("plan_item_no_action")
    else:
        trend = view.trend(action)
        detail = Screen("plan_item_action", {
            "action": action_text(content, action), "when": Items((when_line(action, view.zone),)),
            "trend": Items((Screen("trend_short", {"done": trend.count("done"), "weeks": len(trend.answers)}),),
                           separator="") if trend.answers else Items(())})
    return Screen("plan_item", {"n": number, "name": content.names[competency],
                                "why": Items((why(content, competency, view.scores.get(competency)),)),
                                "detail": Items((detail,))})


def _moments(view: PlanView) -> Items:
    """Paused, quiet or the next check-in; and the review."""
    lines: list[Screen] = []
    if view.paused_until:
        lines.append(Screen("plan_paused_line", {"until": When(view.paused_until, view.zone, with_time=False)}))
    elif view.quiet_until:
        lines.append(Screen("plan_quiet_line", {"until": When(view.quiet_until, view.zone, with_time=False)}))
    elif view.next_due:
        lines.append(Screen("plan_next_line", {"when": When(view.next_due, view.zone)}))
    if view.review_due_at:
        lines.append(Screen("plan_review_line", {"when": When(view.review_due_at, view.zone, with_time=False)}))
    return Items(tuple(lines))


def overview(view: PlanView, in_place: bool) -> Screen:
    content = view.content
    items = Items(tuple(_item(view, n, c) for n, c in enumerate(view.focus, start=1)), separator="\n\n")
    choices = [Choice(Event.PLAN_OPEN_FOCUS, {language: content.text(
        "btn_focus_item", language, n=n, name=content.names[c][language]) for language in LANGUAGES}, view.index[c])
        for n, c in enumerate(view.focus, start=1)]
    choices += [Choice(Event.PLAN_CHANGE_FOCUS, "btn_change_focus"), Choice(Event.PLAN_CHANGE_TIME, "btn_change_time")]
    choices.append(Choice(Event.PLAN_RESUME, "btn_resume_checkins") if view.paused_until
                   else Choice(Event.PLAN_PAUSE, content.localized("btn_pause_weeks", weeks=content.limits.pause_weeks)))
    choices.append(Choice(Event.PLAN_REMINDERS, "btn_reminders_on_now", "off") if view.reminders_on
                   else Choice(Event.PLAN_REMINDERS, "btn_reminders_off_now", "on"))
    choices.append(Choice(Event.PLAN_STOP, "btn_stop_plan"))
    return Screen("plan_overview", {"focus": items, "day": content.ui[f"weekday_{view.weekday}"], "time": view.at,
                                    "moments": _moments(view)}, choices=tuple(choices), in_place=in_place)


def focus_card(view: PlanView, competency: str) -> Screen:
    """One focus: the gap, the action, since when, its trend; change it, mark it done, back."""
    content, index = view.content, view.index[competency]
    name, score = content.names[competency], view.scores.get(competency)
    action = view.actions.get(competency)
    if action is None:
        return Screen("focus_card_no_action", {"name": name, "why": Items((why(content, competency, score),))},
                      choices=(Choice(Event.PLAN_ACTION_CHANGE, "btn_choose_action", index),
                               Choice(Event.PLAN_BACK, "btn_back")), in_place=True)
    trend = view.trend(action)
    return Screen("focus_card", {
        "name": name, "why": Items((why(content, competency, score),)), "action": action_text(content, action),
        "when": Items((when_line(action, view.zone),)),
        "since": When(action.created_at, view.zone, with_time=False) if action.created_at else "",
        "trend": Items((trend_line(content, trend),)) if trend.answers else Items((Screen("trend_none"),)),
    }, choices=(Choice(Event.PLAN_ACTION_CHANGE, "btn_change_action", index),
                Choice(Event.PLAN_ACTION_DONE, "btn_mark_done", index), Choice(Event.PLAN_BACK, "btn_back")),
        in_place=True)
