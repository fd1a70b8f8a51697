"""The development plan: up to N focus competencies, one concrete action for each (a tip that
fits the score, or one's own words; every week or once by a date), and a weekly check-in moment;
check-ins about the action; pausing, resuming, renewing; a note on a check-in, private unless
shared.

Like the assessment, one module-level machine serves every user (states are the steps of
setting the plan up). Time zone arithmetic is pure: ``now`` and the zone come in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from transitions import EventData

from bot.content import RATINGS, Content
from bot.flows import checkins, machine
from bot.flows.actions import (
    ANSWERS,
    NewAction,
    band,
    by_date,
    pick_tips,
    picker,
    utc_text,
    when_screen,
)
from bot.flows.checkins import CheckinReplies, CoachLink
from bot.flows.effects import (
    CloseText,
    Effect,
    EndAction,
    OpenText,
    SaveAction,
    SeeTips,
)
from bot.flows.events import Event
from bot.flows.plan_view import PlanView, focus_card, overview
from bot.flows.records import ActionView, CheckinView
from bot.flows.screens import Choice, Screen, When

WEEKDAYS = range(7)  # 0 = Monday
SWITCH = {"on": True, "off": False}  # reminders about a stalled self-assessment

STATES = ["idle", "focus", "action", "when", "day", "time"]
SETTING_UP = ["focus", "action", "when", "day", "time"]
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": Event.PLAN, "source": "*", "dest": None, "unless": "has_result", "after": "show_needs_result"},
    {"trigger": Event.PLAN, "source": "idle", "dest": None, "conditions": "active", "after": "show_overview"},
    {"trigger": Event.PLAN, "source": "idle", "dest": "focus", "after": ["begin_draft", "show_focus"]},
    {"trigger": Event.PLAN, "source": SETTING_UP, "dest": "=", "after": "show_step"},
    {"trigger": Event.PLAN_TOGGLE, "source": "focus", "dest": "=", "conditions": "known_competency",
     "after": ["toggle", "show_focus_in_place"]},
    {"trigger": Event.PLAN_ALL, "source": "focus", "dest": "=", "after": ["list_all", "show_focus_in_place"]},
    {"trigger": Event.PLAN_FOCUS_DONE, "source": "focus", "dest": None, "unless": "has_focus",
     "after": "show_need_focus"},
    {"trigger": Event.PLAN_FOCUS_DONE, "source": "focus", "dest": "action", "conditions": "draft_lacks_action",
     "after": ["confirm_focus", "begin_actions", "show_picker_in_place"]},
    {"trigger": Event.PLAN_FOCUS_DONE, "source": "focus", "dest": "idle", "conditions": "active",
     "after": ["confirm_focus", "show_saved", "show_overview_in_place"]},
    {"trigger": Event.PLAN_FOCUS_DONE, "source": "focus", "dest": "day", "after": ["confirm_focus", "show_day_in_place"]},
    # An action per focus: an idea (a tip fitting the score) or one's own words; then how often
    {"trigger": Event.PLAN_ACTION_PICK, "source": ["action", "when"], "dest": "when", "conditions": "known_tip",
     "after": ["pick_tip", "show_when_in_place"]},
    {"trigger": Event.PLAN_ACTION_OWN, "source": "action", "dest": None, "after": ["open_own", "show_own_in_place"]},
    {"trigger": Event.PLAN_ACTION_TEXT, "source": "action", "dest": "when", "conditions": "fitting_text",
     "after": ["take_own", "show_when_in_place"]},
    {"trigger": Event.PLAN_ACTION_TEXT, "source": "action", "dest": None, "after": "refuse_text"},
    {"trigger": Event.PLAN_ACTION_TEXT, "source": ["idle", "focus", "when", "day", "time"], "dest": None,
     "after": "text_elsewhere"},
    {"trigger": Event.PLAN_ACTION_WHEN, "source": "when", "dest": "action", "conditions": ["known_when", "more_queued"],
     "after": ["save_action", "next_in_queue", "show_picker_in_place"]},
    {"trigger": Event.PLAN_ACTION_WHEN, "source": "when", "dest": "idle", "conditions": ["known_when", "active"],
     "after": ["save_action", "actions_chosen", "wake", "show_overview_in_place"]},
    {"trigger": Event.PLAN_ACTION_WHEN, "source": "when", "dest": "day", "conditions": "known_when",
     "after": ["save_action", "actions_chosen", "show_day_in_place"]},
    {"trigger": Event.PLAN_ACTION_CHANGE, "source": ["idle", "action", "when"], "dest": "action",
     "conditions": ["active", "in_focus"], "after": ["begin_one_action", "show_picker"]},
    {"trigger": Event.PLAN_ACTION_DONE, "source": "idle", "dest": "action", "conditions": ["active", "has_action_at"],
     "after": ["mark_done", "begin_one_action", "show_next_picker_in_place"]},
    {"trigger": Event.PLAN_OPEN_FOCUS, "source": "idle", "dest": None, "conditions": ["active", "in_focus"],
     "after": "show_card_in_place"},
    {"trigger": Event.PLAN_BACK, "source": "idle", "dest": None, "conditions": "active",
     "after": "show_overview_in_place"},
    # Changing the plan
    {"trigger": Event.PLAN_CHANGE_FOCUS, "source": "idle", "dest": "focus", "conditions": "active",
     "after": ["begin_draft", "show_focus_in_place"]},
    {"trigger": Event.PLAN_CHANGE_TIME, "source": "idle", "dest": "day", "conditions": "active",
     "after": "show_day_in_place"},
    {"trigger": Event.PLAN_DAY, "source": "day", "dest": "time", "conditions": "known_day",
     "after": ["set_day", "show_time_in_place"]},
    {"trigger": Event.PLAN_TIME, "source": "time", "dest": "idle", "conditions": "known_time",
     "after": ["set_time", "activate", "show_saved", "show_overview_in_place"]},
    {"trigger": Event.PLAN_STOP, "source": "idle", "dest": None, "conditions": "active",
     "after": ["deactivate", "show_stopped"]},
    {"trigger": Event.PLAN_PAUSE, "source": "idle", "dest": None, "conditions": "active", "unless": "paused",
     "after": ["pause", "show_paused_in_place"]},
    {"trigger": Event.PLAN_RESUME, "source": "idle", "dest": None, "conditions": ["active", "paused"],
     "after": ["resume", "show_resumed", "show_overview_in_place"]},
    {"trigger": Event.PLAN_KEEP, "source": "idle", "dest": None, "conditions": "active",
     "after": ["wake", "show_kept_in_place"]},
    {"trigger": Event.PLAN_RENEW, "source": "idle", "dest": None, "conditions": ["has_result", "has_plan", "active"],
     "after": ["renew", "show_renewed", "show_overview"]},
    {"trigger": Event.PLAN_RENEW, "source": "idle", "dest": None, "conditions": ["has_result", "has_plan", "has_moment"],
     "after": ["renew", "activate", "show_renewed", "show_overview"]},
    {"trigger": Event.PLAN_RENEW, "source": "idle", "dest": "day", "conditions": ["has_result", "has_plan"],
     "after": ["renew", "show_day"]},
    {"trigger": Event.PLAN_REMINDERS, "source": "idle", "dest": None, "conditions": ["known_switch", "active"],
     "after": ["set_reminders", "show_reminders", "show_overview_in_place"]},
    {"trigger": Event.PLAN_REMINDERS, "source": "*", "dest": None, "conditions": "known_switch",
     "after": ["set_reminders", "show_reminders"]},
    {"trigger": Event.REMINDERS_OFF, "source": "*", "dest": None, "after": ["reminders_off", "show_reminders_off"]},
    # Check-ins: about the action; a focus without one is rated 1-5 as before actions existed
    {"trigger": Event.CHECKIN_ANSWER, "source": "*", "dest": None,
     "conditions": ["owns_checkin", "asks_action", "known_answer"], "after": ["wake", "answer_checkin"]},
    {"trigger": Event.CHECKIN_ADOPT_TIP, "source": "*", "dest": None,
     "conditions": ["owns_checkin", "active", "checkin_in_focus", "tip_given"], "after": "adopt_tip"},
    {"trigger": Event.CHECKIN_RATING, "source": "*", "dest": None,
     "conditions": ["owns_checkin", "rates_focus", "valid_rating"], "after": ["wake", "rate_checkin"]},
    {"trigger": Event.CHECKIN_SKIP_NOTE, "source": "*", "dest": None, "conditions": "owns_checkin",
     "after": "skip_note"},
    {"trigger": Event.CHECKIN_NOTE, "source": "*", "dest": None, "conditions": "owns_checkin", "after": "take_note"},
    # A check-in note is private; the user may share one with their coach, after seeing to whom.
    {"trigger": Event.SHARE_NOTE, "source": "*", "dest": None, "conditions": ["owns_checkin", "has_note", "has_coach"],
     "after": "confirm_share"},
    # The confirmation is bound to the coach it named: another coach by now, and it is asked again.
    {"trigger": Event.SHARE_NOTE_CONFIRMED, "source": "*", "dest": None,
     "conditions": ["owns_checkin", "has_note", "has_coach", "same_coach"], "after": "share"},
    {"trigger": Event.SHARE_NOTE_CONFIRMED, "source": "*", "dest": None,
     "conditions": ["owns_checkin", "has_note", "has_coach"], "after": ["coach_changed", "confirm_share"]},
    {"trigger": Event.SHARE_NOTE_CANCELLED, "source": "*", "dest": None, "conditions": "owns_checkin",
     "after": "keep_private"},
]
EVENTS = frozenset(t["trigger"] for t in TRANSITIONS) | {Event.START_PLAN}


def next_occurrence(weekday: int, at: str, zone: str, after: datetime) -> datetime:
    """The first ``weekday`` at ``at`` (HH:MM, local time in ``zone``) strictly after ``after``, in UTC."""
    tz = ZoneInfo(zone)
    local = after.astimezone(tz)
    hour, minute = map(int, at.split(":"))
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    candidate = datetime.combine(day, time(hour, minute), tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(day + timedelta(days=7), time(hour, minute), tzinfo=tz)
    return candidate.astimezone(timezone.utc)


def checkin_topic(focus: list[str], sent: int, content: Content) -> tuple[str, int]:
    """Which focus competency and reflection question the next check-in asks: round robin."""
    if not focus:
        raise ValueError("a plan without focus competencies has nothing to check in on")
    competency = focus[sent % len(focus)]
    reflections = len(content.coaching[competency].reflections)
    return competency, (sent // len(focus)) % reflections


def checkin_screen(content: Content, checkin_id: int, competency: str, reflection: int) -> Screen:
    """A check-in about a focus that has no action (see :mod:`bot.flows.checkins`)."""
    return checkins.focus_checkin(content, checkin_id, competency, reflection)


@dataclass(frozen=True)
class Moments:
    """The plan's moments (UTC ISO text): pause, quiet after unanswered check-ins, its round."""

    paused_until: str | None = None
    quiet_until: str | None = None
    cycle_started_at: str | None = None
    review_due_at: str | None = None
    reminders_off_at: str | None = None
    next_due_at: str | None = None


_iso = utc_text


class PlanModel(CheckinReplies):
    def __init__(self, content: Content, *, step: str, focus: list[str], weekday: int | None,
                 at: str | None, active: bool, suggestions: list[str], has_result: bool,
                 zone: str, now: datetime, checkin: CheckinView | None = None, draft: list[str] | None = None,
                 coach: CoachLink | None = None, scores: dict[str, int | None] | None = None,
                 actions: dict[str, ActionView] | None = None,
                 answers: dict[int, list[tuple[int, str]]] | None = None,
                 seen: dict[str, dict[int, str]] | None = None, draft_action: dict | None = None,
                 moments: Moments = Moments(), language: str = "nl",
                 checkin_action: ActionView | None = None) -> None:
        self.content = content
        self.state = step
        self.focus = list(focus)  # what check-ins ask about; changes only when a choice is confirmed
        self.draft = list(draft) if draft is not None else None  # the focus being chosen
        self.weekday, self.at, self.is_active = weekday, at, active
        self.suggestions = suggestions
        self._has_result = has_result
        self.zone, self.now = zone, now
        self.checkin = checkin  # the user's own check-in named by the event, if any
        self.checkin_action = checkin_action  # the action that check-in asks about
        self.coach = coach
        self.scores = scores or {}
        self.actions: dict[str, ActionView] = dict(actions or {})  # active actions by competency
        self.answers = answers or {}  # action id -> its answered check-ins (id, answer), oldest first
        self.seen = {competency: dict(tips) for competency, tips in (seen or {}).items()}
        self.draft_action = dict(draft_action) if draft_action else None
        self.paused_until, self.quiet_until = moments.paused_until, moments.quiet_until
        self.cycle_started_at, self.review_due_at = moments.cycle_started_at, moments.review_due_at
        self.reminders_off_at, self.next_due_at = moments.reminders_off_at, moments.next_due_at
        self.language = language
        self.show_all = False
        self.next_due: datetime | None = None
        self.screens: list[Screen] = []
        self.effects: list[Effect] = []

    # --- conditions -------------------------------------------------------------------
    def has_result(self, event: EventData) -> bool:
        return self._has_result

    def active(self, event: EventData) -> bool:
        return self.is_active

    def has_focus(self, event: EventData) -> bool:
        return bool(self.draft)

    def has_plan(self, event: EventData) -> bool:
        return bool(self.focus)

    def has_moment(self, event: EventData) -> bool:
        return self.weekday is not None and self.at is not None

    def paused(self, event: EventData) -> bool:
        return self.paused_until is not None and self.paused_until > _iso(self.now)

    def known_competency(self, event: EventData) -> bool:
        index = event.kwargs.get("index")
        return isinstance(index, int) and 0 <= index < len(self.content.competencies)

    def _competency(self, event: EventData) -> str | None:
        return self.content.competencies[event.kwargs["index"]].id if self.known_competency(event) else None

    def in_focus(self, event: EventData) -> bool:
        return self._competency(event) in self.focus

    def has_action_at(self, event: EventData) -> bool:
        return self.in_focus(event) and self._competency(event) in self.actions

    def draft_lacks_action(self, event: EventData) -> bool:
        return any(competency not in self.actions for competency in self.draft or [])

    def known_tip(self, event: EventData) -> bool:
        tip = event.kwargs.get("tip")
        return self.draft_action is not None and isinstance(tip, int) and \
            0 <= tip < len(self.content.coaching[self.draft_action["competency"]].tips)

    def fitting_text(self, event: EventData) -> bool:
        text = str(event.kwargs.get("text", "")).strip()
        return self.draft_action is not None and 0 < len(text) <= self.content.limits.action_chars

    def known_when(self, event: EventData) -> bool:
        option = event.kwargs.get("option")
        return self.draft_action is not None and self.draft_action.get("text") is not None and \
            isinstance(option, int) and 0 <= option <= len(self.content.limits.action_by_weeks)

    def more_queued(self, event: EventData) -> bool:
        return bool(self._queue())

    def known_day(self, event: EventData) -> bool:
        return event.kwargs.get("day") in WEEKDAYS

    def known_time(self, event: EventData) -> bool:
        slot = event.kwargs.get("slot")
        return isinstance(slot, int) and 0 <= slot < len(self.content.limits.checkin_times)

    def known_switch(self, event: EventData) -> bool:
        return event.kwargs.get("switch") in SWITCH

    def owns_checkin(self, event: EventData) -> bool:
        return self.checkin is not None

    def asks_action(self, event: EventData) -> bool:
        return self.checkin_action is not None

    def rates_focus(self, event: EventData) -> bool:
        return self.checkin.action_id is None

    def known_answer(self, event: EventData) -> bool:
        return event.kwargs.get("answer") in ANSWERS

    def checkin_in_focus(self, event: EventData) -> bool:
        return self.checkin.competency in self.focus

    def tip_given(self, event: EventData) -> bool:
        """Only the tip this check-in's answer gave can be taken over from it."""
        return event.kwargs.get("tip") is not None and event.kwargs.get("tip") == self.checkin.tip

    def valid_rating(self, event: EventData) -> bool:
        return event.kwargs.get("rating") in RATINGS

    def has_note(self, event: EventData) -> bool:
        return bool(self.checkin.note)

    def has_coach(self, event: EventData) -> bool:
        return self.coach is not None

    def same_coach(self, event: EventData) -> bool:
        return event.kwargs.get("relation_id") == self.coach.relation_id

    # --- the focus ----------------------------------------------------------------------
    def begin_draft(self, event: EventData) -> None:
        self.draft = list(self.focus)
        self.draft_action = None

    def confirm_focus(self, event: EventData) -> None:
        """The chosen focus holds; an action of a competency that left the focus ends."""
        self.focus, self.draft = list(self.draft or []), None
        for competency, action in list(self.actions.items()):
            if competency not in self.focus:
                self.effects.append(EndAction(action.id, "removed"))
                del self.actions[competency]

    def toggle(self, event: EventData) -> None:
        competency = self.content.competencies[event.kwargs["index"]].id
        draft = self.draft if self.draft is not None else list(self.focus)
        self.draft = draft
        if competency in draft:
            draft.remove(competency)
        elif len(draft) >= self.content.limits.max_focus:
            self.screens.append(Screen("plan_focus_full", {"max": self.content.limits.max_focus}, notice=True))
        else:
            draft.append(competency)

    def list_all(self, event: EventData) -> None:
        self.show_all = True

    # --- actions ------------------------------------------------------------------------
    def _queue(self) -> list[str]:
        """The focus competencies still waiting for an action, after the one being chosen."""
        queued = (self.draft_action or {}).get("queue", [])
        return [competency for competency in queued if competency in self.focus and competency not in self.actions]

    def _begin_action(self, competency: str, queue: list[str], total: int) -> None:
        """Show ideas for ``competency``: tips never shown first, fitting the score first."""
        shown = pick_tips(self.content, competency, self.seen.get(competency, {}),
                          band(self.content, self.scores.get(competency)), self.content.limits.picker_tips)
        self.draft_action = {"competency": competency, "queue": queue, "total": total, "shown": shown}
        self.effects.append(SeeTips(competency, tuple(shown)))
        seen = self.seen.setdefault(competency, {})
        for tip in shown:
            seen[tip] = _iso(self.now)

    def begin_actions(self, event: EventData) -> None:
        lacking = [competency for competency in self.focus if competency not in self.actions]
        self._begin_action(lacking[0], lacking[1:], len(lacking))

    def begin_one_action(self, event: EventData) -> None:
        self._begin_action(self._competency(event), [], 1)  # type: ignore[arg-type]

    def next_in_queue(self, event: EventData) -> None:
        queue = self._queue()
        self._begin_action(queue[0], queue[1:], self.draft_action["total"])  # type: ignore[index]

    def pick_tip(self, event: EventData) -> None:
        competency = self.draft_action["competency"]  # type: ignore[index]
        tip = event.kwargs["tip"]
        self.draft_action |= {"tip": tip, "text": self.content.coaching[competency].tips[tip].text[self.language]}
        self.effects.append(CloseText())

    def open_own(self, event: EventData) -> None:
        self.effects.append(OpenText("action"))

    def take_own(self, event: EventData) -> None:
        self.draft_action |= {"tip": None, "text": str(event.kwargs["text"]).strip()}  # type: ignore[operator]
        self.effects.append(CloseText())

    def refuse_text(self, event: EventData) -> None:
        text = str(event.kwargs.get("text", "")).strip()
        self.screens.append(Screen("action_too_long", {"limit": self.content.limits.action_chars,
                                                       "length": len(text)}) if text else Screen("action_empty"))

    def text_elsewhere(self, event: EventData) -> None:
        self.effects.append(CloseText())
        self.screens.append(Screen("action_text_elsewhere"))

    def save_action(self, event: EventData) -> None:
        draft = self.draft_action or {}
        option = event.kwargs["option"]
        weeks = self.content.limits.action_by_weeks[option - 1] if option else None
        due_on = by_date(self.now, weeks, self.zone) if weeks else None
        action = NewAction(draft["competency"], draft["text"], draft.get("tip"), "once" if weeks else "weekly", due_on)
        self.effects.append(SaveAction(action.competency, action.text, action.tip, action.cadence, due_on))
        self.actions[action.competency] = action
        self.screens.append(Screen("action_saved", notice=True))

    def actions_chosen(self, event: EventData) -> None:
        self.draft_action = None

    def mark_done(self, event: EventData) -> None:
        competency = self._competency(event)
        self.effects.append(EndAction(self.actions.pop(competency).id, "done"))  # type: ignore[arg-type]

    # --- the check-in moment, pause, quiet, renewal ----------------------------------------------
    def set_day(self, event: EventData) -> None:
        self.weekday = event.kwargs["day"]

    def set_time(self, event: EventData) -> None:
        self.at = self.content.limits.checkin_times[event.kwargs["slot"]]

    def _start_round(self) -> None:
        self.cycle_started_at = _iso(self.now)
        self.review_due_at = _iso(self.now + timedelta(weeks=self.content.limits.review_weeks))

    def activate(self, event: EventData) -> None:
        """Check-ins from the next chosen moment; a plan that was not running starts a round
        (reviewed after ``review_weeks``)."""
        if not self.is_active:
            self._start_round()
        self.is_active = True
        self.paused_until = self.quiet_until = None
        self.next_due = next_occurrence(self.weekday, self.at, self.zone, self.now)  # type: ignore[arg-type]

    def deactivate(self, event: EventData) -> None:
        self.is_active = False
        self.next_due = None
        self.paused_until = self.quiet_until = self.review_due_at = None

    def pause(self, event: EventData) -> None:
        """No check-ins (and no review) for ``pause_weeks``; then they come back by themselves."""
        until = self.now + timedelta(weeks=self.content.limits.pause_weeks)
        self.paused_until, self.quiet_until = _iso(until), None
        self.next_due = next_occurrence(self.weekday, self.at, self.zone, until)  # type: ignore[arg-type]

    def resume(self, event: EventData) -> None:
        self.paused_until = self.quiet_until = None
        self.next_due = next_occurrence(self.weekday, self.at, self.zone, self.now)  # type: ignore[arg-type]

    def wake(self, event: EventData) -> None:
        """The person answered while check-ins were quiet after going unanswered: they go on."""
        if self.quiet_until is not None and self.is_active:
            self.quiet_until = None
            if not self.paused(event):
                self.next_due = next_occurrence(self.weekday, self.at, self.zone, self.now)  # type: ignore[arg-type]

    def renew(self, event: EventData) -> None:
        """After a retake: the same focus and actions for a new round."""
        self._start_round()

    def set_reminders(self, event: EventData) -> None:
        self.reminders_off_at = None if SWITCH[event.kwargs["switch"]] else _iso(self.now)

    def reminders_off(self, event: EventData) -> None:
        self.reminders_off_at = self.reminders_off_at or _iso(self.now)

    # --- screens ----------------------------------------------------------------------
    def show_needs_result(self, event: EventData) -> None:
        self.screens.append(Screen("plan_needs_result"))

    def _focus_screen(self, in_place: bool) -> Screen:
        competencies = self.content.competencies
        chosen = self.draft if self.draft is not None else self.focus
        suggested = self.suggestions[:self.content.limits.suggested_focus]
        shown = [q.id for q in competencies] if self.show_all else list(dict.fromkeys(suggested + chosen))
        index = {q.id: i for i, q in enumerate(competencies)}
        choices = [Choice(Event.PLAN_TOGGLE, self.content.by_id(c).name, index[c], selected=c in chosen)  # type: ignore[arg-type]
                   for c in shown]
        if not self.show_all:
            choices.append(Choice(Event.PLAN_ALL, "btn_all_competencies"))
        choices.append(Choice(Event.PLAN_FOCUS_DONE, "btn_done"))
        return Screen("plan_focus", {"max": self.content.limits.max_focus, "chosen": len(chosen)},
                      choices=tuple(choices), in_place=in_place)

    def show_focus(self, event: EventData) -> None:
        self.screens.append(self._focus_screen(False))

    def show_focus_in_place(self, event: EventData) -> None:
        self.screens.append(self._focus_screen(True))

    def show_need_focus(self, event: EventData) -> None:
        self.screens.append(Screen("plan_need_focus", notice=True))

    def _picker(self, in_place: bool, intro: Screen | None = None) -> Screen:
        draft = self.draft_action or {}
        competency, total = draft["competency"], draft.get("total", 1)
        position = (total - len(self._queue()), total)
        return picker(self.content, competency, self.scores.get(competency), list(draft.get("shown", [])), position,
                      intro, in_place)

    def show_picker(self, event: EventData) -> None:
        self.screens.append(self._picker(False))

    def show_picker_in_place(self, event: EventData) -> None:
        self.screens.append(self._picker(True))

    def show_next_picker_in_place(self, event: EventData) -> None:
        self.screens.append(self._picker(True, Screen("action_marked_done")))

    def show_own_in_place(self, event: EventData) -> None:
        competency = self.draft_action["competency"]  # type: ignore[index]
        self.screens.append(Screen("action_type", {"name": self.content.names[competency],
                                                   "limit": self.content.limits.action_chars}, in_place=True))

    def show_when_in_place(self, event: EventData) -> None:
        draft = self.draft_action or {}
        tips = self.content.coaching[draft["competency"]].tips
        text = tips[draft["tip"]].text if draft.get("tip") is not None else draft["text"]
        self.screens.append(when_screen(self.content, text, in_place=True))

    def _day_screen(self, in_place: bool) -> Screen:
        return Screen("plan_day", choices=tuple(Choice(Event.PLAN_DAY, f"weekday_{d}", d) for d in WEEKDAYS),
                      in_place=in_place)

    def show_day(self, event: EventData) -> None:
        self.screens.append(self._day_screen(False))

    def show_day_in_place(self, event: EventData) -> None:
        self.screens.append(self._day_screen(True))

    def _time_screen(self, in_place: bool) -> Screen:
        return Screen("plan_time", {"day": self.content.ui[f"weekday_{self.weekday}"]}, choices=tuple(
            Choice(Event.PLAN_TIME, at, slot, literal=True)
            for slot, at in enumerate(self.content.limits.checkin_times)), in_place=in_place)

    def show_time_in_place(self, event: EventData) -> None:
        self.screens.append(self._time_screen(True))

    def show_step(self, event: EventData) -> None:
        if self.state == "focus":
            self.screens.append(self._focus_screen(False))
        elif self.state == "action":
            self.screens.append(self._picker(False))
        elif self.state == "when":
            self.screens.append(self._when_again())
        elif self.state == "day":
            self.screens.append(self._day_screen(False))
        else:
            self.screens.append(self._time_screen(False))

    def _when_again(self) -> Screen:
        draft = self.draft_action or {}
        if draft.get("text") is None:
            return self._picker(False)
        tips = self.content.coaching[draft["competency"]].tips
        return when_screen(self.content, tips[draft["tip"]].text if draft.get("tip") is not None else draft["text"],
                           in_place=False)

    def _view(self) -> PlanView:
        now = _iso(self.now)
        return PlanView(
            self.content, self.focus, self.actions, self.answers, self.scores, self.zone, self.weekday, self.at,
            _iso(self.next_due) if self.next_due else self.next_due_at,
            self.paused_until if self.paused_until and self.paused_until > now else None,
            self.quiet_until if self.quiet_until and self.quiet_until > now else None,
            self.review_due_at, self.reminders_off_at is None)

    def show_overview(self, event: EventData) -> None:
        self.screens.append(overview(self._view(), False))

    def show_overview_in_place(self, event: EventData) -> None:
        self.screens.append(overview(self._view(), True))

    def show_card_in_place(self, event: EventData) -> None:
        self.screens.append(focus_card(self._view(), self._competency(event)))  # type: ignore[arg-type]

    def show_saved(self, event: EventData) -> None:
        self.screens.append(Screen("plan_saved", notice=True))

    def show_stopped(self, event: EventData) -> None:
        self.screens.append(Screen("plan_stopped"))

    def show_paused_in_place(self, event: EventData) -> None:
        self.screens.append(Screen("plan_paused", {"until": When(self.paused_until, self.zone, with_time=False)},  # type: ignore[arg-type]
                                   in_place=True))

    def show_resumed(self, event: EventData) -> None:
        self.screens.append(Screen("plan_resumed", notice=True))

    def show_kept_in_place(self, event: EventData) -> None:
        self.screens.append(Screen("plan_kept", {"when": When(_iso(self.next_due), self.zone)}, in_place=True)
                            if self.next_due else Screen("plan_kept_plain", in_place=True))

    def show_renewed(self, event: EventData) -> None:
        self.screens.append(Screen("plan_renewed", {"when": When(self.review_due_at, self.zone, with_time=False)}))  # type: ignore[arg-type]

    def show_reminders(self, event: EventData) -> None:
        self.screens.append(Screen("reminders_on" if self.reminders_off_at is None else "reminders_off_notice",
                                   notice=True))

    def show_reminders_off(self, event: EventData) -> None:
        self.screens.append(Screen("reminders_off", choices=(Choice(Event.RESUME, "btn_continue"),), in_place=True))

    def draft_action_json(self) -> str | None:
        return draft_json(self.draft_action)


def draft_json(draft: dict | None) -> str | None:
    """The action being chosen as stored (JSON), or None."""
    return None if draft is None else json.dumps(draft, ensure_ascii=False, sort_keys=True)


MACHINE = machine.build(STATES, TRANSITIONS, "idle")


def fire(model: PlanModel, event: str, **kwargs: Any) -> PlanModel:
    machine.fire(MACHINE, model, Event.PLAN if event == Event.START_PLAN else event, **kwargs)
    return model
