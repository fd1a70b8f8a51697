"""Actions of a development plan, pure: which tips to offer (unseen first, fitting the score),
how an action and its trend read, the picker and the "how often" question.

A tip is named by its index in the competency's tips (``content.coaching[c].tips``); an action
taken from a tip is shown in the reader's language, a typed one as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.content import Content, Localized
from bot.flows.events import Event
from bot.flows.records import ActionView
from bot.flows.screens import Choice, Items, Screen, When

ANSWERS = ("done", "partly", "notyet", "dropped")  # a check-in about an action, in button order


@dataclass(frozen=True)
class NewAction:
    """An action saved in this turn (it has no id yet): enough to show it."""

    competency: str
    text: str
    tip: int | None
    cadence: str
    due_on: str | None
    id: int = 0
    status: str = "active"
    created_at: str = ""


def band(content: Content, score: int | None) -> str:
    """The tips that fit a score: a first small step up to ``low_band_up_to`` (and without a
    score), deepening above it."""
    return "low" if score is None or score <= content.scoring.low_band_up_to else "mid"


def pick_tips(content: Content, competency: str, seen: dict[int, str], first: str, count: int,
              leave_out: tuple[int | None, ...] = ()) -> list[int]:
    """``count`` tips of ``competency``: never shown ones first (band ``first`` before the other),
    then those shown longest ago; ``leave_out`` (e.g. the current action's tip) only when nothing
    else is left."""
    tips = content.coaching[competency].tips

    def order(index: int) -> tuple:
        return (index in leave_out, index in seen, seen.get(index, ""), tips[index].band != first, index)

    return sorted(range(len(tips)), key=order)[:count]


def action_text(content: Content, action: ActionView) -> Localized | str:
    """An action from a tip reads in the reader's language; a typed one as it was typed."""
    tips = content.coaching[action.competency].tips
    if action.tip is not None and 0 <= action.tip < len(tips):
        return tips[action.tip].text
    return action.text


def utc_text(moment: datetime) -> str:
    """A moment as stored: UTC ISO text, whole seconds."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def local_date(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def date_moment(day: str, zone: str) -> When:
    """A local date as a When without a time (noon that day, so every zone keeps the date)."""
    noon = datetime.combine(datetime.fromisoformat(day).date(), time(12), tzinfo=ZoneInfo(zone))
    return When(noon.astimezone(timezone.utc).isoformat(), zone, with_time=False)


def by_date(now: datetime, weeks: int, zone: str) -> str:
    return local_date(now + timedelta(weeks=weeks), zone)


def when_line(action: ActionView, zone: str) -> Screen:
    if action.cadence == "once" and action.due_on:
        return Screen("action_by", {"date": date_moment(action.due_on, zone)})
    return Screen("action_weekly")


def why(content: Content, competency: str, score: int | None) -> Screen:
    """The gap the action closes: from the person's score to the Regisseur's target."""
    target = content.scoring.targets[competency]
    if score is None:
        return Screen("why_unrated", {"target": target})
    if target - score >= content.scoring.min_gap:
        return Screen("why_gap", {"score": score, "target": target})
    return Screen("why_no_gap", {"score": score, "target": target})


@dataclass(frozen=True)
class Trend:
    """An action's answered check-ins, oldest first ("dropped" left out)."""

    answers: tuple[str, ...]

    @classmethod
    def of(cls, answers: list[str] | tuple[str, ...]) -> Trend:
        return cls(tuple(answer for answer in answers if answer != "dropped"))

    def count(self, answer: str) -> int:
        return self.answers.count(answer)

    def streak(self, answer: str = "done") -> int:
        """How many of the latest answers in a row are ``answer``."""
        run = 0
        for given in reversed(self.answers):
            if given != answer:
                break
            run += 1
        return run


def trend_line(content: Content, trend: Trend) -> Screen:
    """"✅ ✅ ⏳ ✅ — 3 of 4 weeks done (1 partly)"."""
    shown = trend.answers[-content.limits.trend_shown:]
    strip = Items(tuple(Screen(f"symbol_{answer}") for answer in shown), separator=" ")
    partly = Items((Screen("trend_partly", {"count": trend.count("partly")}),), separator="") \
        if trend.count("partly") else Items(())
    return Screen("trend_line", {"strip": strip, "done": trend.count("done"), "weeks": len(trend.answers),
                                 "partly": partly})


def picker(content: Content, competency: str, score: int | None, tips: list[int], position: tuple[int, int],
           intro: Screen | None = None, in_place: bool = False) -> Screen:
    """Choose one concrete action for ``competency``: the ideas numbered, or one's own."""
    coaching = content.coaching[competency]
    ideas = Items(tuple(Screen("action_idea", {"n": n, "tip": coaching.tips[tip].text})
                        for n, tip in enumerate(tips, start=1)))
    n, total = position
    progress = Items((Screen("action_progress", {"n": n, "total": total}),), separator="") if total > 1 \
        else Items(())
    choices = tuple(Choice(Event.PLAN_ACTION_PICK, str(n), tip, literal=True) for n, tip in enumerate(tips, start=1))
    return Screen("action_pick", {
        "intro": Items((intro,) if intro else ()), "name": content.names[competency],
        "why": Items((why(content, competency, score),)), "progress": progress, "ideas": ideas,
    }, choices=choices + (Choice(Event.PLAN_ACTION_OWN, "btn_own_action"),), in_place=in_place)


def when_screen(content: Content, text: Localized | str, in_place: bool) -> Screen:
    """How often, or by when: every week, or once within one of ``action_by_weeks``."""
    choices = [Choice(Event.PLAN_ACTION_WHEN, "btn_every_week", 0)]
    choices += [Choice(Event.PLAN_ACTION_WHEN, "btn_within_week" if weeks == 1
                       else content.localized("btn_within_weeks", weeks=weeks), n)
                for n, weeks in enumerate(content.limits.action_by_weeks, start=1)]
    return Screen("action_when", {"action": text}, choices=tuple(choices), in_place=in_place)
