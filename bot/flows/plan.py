"""The development plan: choose up to N focus competencies and a weekly check-in moment;
answer check-ins with a 1-5 progress rating and an optional note.

Like the assessment, one module-level machine serves every user (states are the steps of
setting the plan up). Time zone arithmetic is pure: ``now`` and the zone come in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from transitions import EventData

from bot.content import RATINGS, Content
from bot.flows import machine
from bot.flows.effects import (
    CloseText,
    Effect,
    NoteCheckin,
    Notify,
    OpenText,
    RateCheckin,
    ShareNote,
)
from bot.flows.events import Event
from bot.flows.records import CheckinView
from bot.flows.screens import Choice, Items, Screen

WEEKDAYS = range(7)  # 0 = Monday

STATES = ["idle", "focus", "day", "time"]
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": Event.PLAN, "source": "*", "dest": None, "unless": "has_result", "after": "show_needs_result"},
    {"trigger": Event.PLAN, "source": "idle", "dest": None, "conditions": "active", "after": "show_overview"},
    {"trigger": Event.PLAN, "source": "idle", "dest": "focus", "after": ["begin_draft", "show_focus"]},
    {"trigger": Event.PLAN, "source": ["focus", "day", "time"], "dest": "=", "after": "show_step"},
    {"trigger": Event.PLAN_TOGGLE, "source": "focus", "dest": "=", "conditions": "known_competency",
     "after": ["toggle", "show_focus_in_place"]},
    {"trigger": Event.PLAN_ALL, "source": "focus", "dest": "=", "after": ["list_all", "show_focus_in_place"]},
    {"trigger": Event.PLAN_FOCUS_DONE, "source": "focus", "dest": None, "unless": "has_focus",
     "after": "show_need_focus"},
    {"trigger": Event.PLAN_FOCUS_DONE, "source": "focus", "dest": "idle", "conditions": "active",
     "after": ["confirm_focus", "show_saved", "show_overview_in_place"]},
    {"trigger": Event.PLAN_FOCUS_DONE, "source": "focus", "dest": "day", "after": ["confirm_focus", "show_day_in_place"]},
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
    {"trigger": Event.CHECKIN_RATING, "source": "*", "dest": None, "conditions": ["owns_checkin", "valid_rating"],
     "after": "rate_checkin"},
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


@dataclass(frozen=True)
class CoachLink:
    """The user's coach, while they share (for offering to share a note)."""

    relation_id: int  # the consent this link stands on: a confirmation names it
    coach_id: int
    coach_name: str
    own_name: str  # how the coach knows the user


def checkin_screen(content: Content, checkin_id: int, competency: str, reflection: int) -> Screen:
    return Screen(
        "checkin",
        {"name": content.by_id(competency).name, "question": content.coaching[competency].reflections[reflection]},
        choices=tuple(Choice(Event.CHECKIN_RATING, str(v), v, literal=True, ref=checkin_id) for v in RATINGS),
    )


class PlanModel:
    def __init__(self, content: Content, *, step: str, focus: list[str], weekday: int | None,
                 at: str | None, active: bool, suggestions: list[str], has_result: bool,
                 zone: str, now: datetime, checkin: CheckinView | None = None, draft: list[str] | None = None,
                 coach: CoachLink | None = None) -> None:
        self.content = content
        self.state = step
        self.focus = list(focus)  # what check-ins ask about; changes only when a choice is confirmed
        self.draft = list(draft) if draft is not None else None  # the focus being chosen
        self.weekday, self.at, self.is_active = weekday, at, active
        self.suggestions = suggestions
        self._has_result = has_result
        self.zone, self.now = zone, now
        self.checkin = checkin  # the user's own check-in named by the event, if any
        self.coach = coach
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

    def known_competency(self, event: EventData) -> bool:
        index = event.kwargs.get("index")
        return isinstance(index, int) and 0 <= index < len(self.content.competencies)

    def known_day(self, event: EventData) -> bool:
        return event.kwargs.get("day") in WEEKDAYS

    def known_time(self, event: EventData) -> bool:
        slot = event.kwargs.get("slot")
        return isinstance(slot, int) and 0 <= slot < len(self.content.limits.checkin_times)

    def owns_checkin(self, event: EventData) -> bool:
        return self.checkin is not None

    def valid_rating(self, event: EventData) -> bool:
        return event.kwargs.get("rating") in RATINGS

    def has_note(self, event: EventData) -> bool:
        return bool(self.checkin.note)

    def has_coach(self, event: EventData) -> bool:
        return self.coach is not None

    def same_coach(self, event: EventData) -> bool:
        return event.kwargs.get("relation_id") == self.coach.relation_id

    # --- actions ----------------------------------------------------------------------
    def begin_draft(self, event: EventData) -> None:
        self.draft = list(self.focus)

    def confirm_focus(self, event: EventData) -> None:
        self.focus, self.draft = list(self.draft or []), None

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

    def set_day(self, event: EventData) -> None:
        self.weekday = event.kwargs["day"]

    def set_time(self, event: EventData) -> None:
        self.at = self.content.limits.checkin_times[event.kwargs["slot"]]

    def activate(self, event: EventData) -> None:
        self.is_active = True
        self.next_due = next_occurrence(self.weekday, self.at, self.zone, self.now)  # type: ignore[arg-type]

    def deactivate(self, event: EventData) -> None:
        self.is_active = False
        self.next_due = None

    def rate_checkin(self, event: EventData) -> None:
        """The first rating opens the check-in's note field: the user's own choice, so a
        message the bot sends meanwhile does not take their text elsewhere."""
        first = self.checkin.rating is None
        self.checkin.rating = event.kwargs["rating"]
        self.effects.append(RateCheckin(self.checkin.id, self.checkin.rating))
        if first:
            self.effects.append(OpenText("note", self.checkin.id))
            self.screens.append(Screen("checkin_rated", {"rating": self.checkin.rating}, choices=(
                Choice(Event.CHECKIN_SKIP_NOTE, "btn_no_note", ref=self.checkin.id),), in_place=True))
        else:
            self.screens.append(Screen("checkin_rating_changed", {"rating": self.checkin.rating}, notice=True))

    def skip_note(self, event: EventData) -> None:
        self.effects.append(CloseText())
        self.screens.append(Screen("checkin_thanks", in_place=True))

    def take_note(self, event: EventData) -> None:
        text = event.kwargs.get("text", "")
        limit = self.content.limits.note_chars
        if len(text) > limit:
            self.screens.append(Screen("note_too_long", {"limit": limit, "length": len(text)}))
            return
        self.checkin.note = text
        self.effects += [NoteCheckin(self.checkin.id, text), CloseText()]
        choices = (Choice(Event.SHARE_NOTE, self.content.localized("btn_share_note", coach=self.coach.coach_name),
                          ref=self.checkin.id),) if self.coach else ()
        self.screens.append(Screen("checkin_thanks_private", choices=choices))

    def confirm_share(self, event: EventData) -> None:
        self.screens.append(Screen("share_note_confirm", {"coach": self.coach.coach_name, "note": self.checkin.note},
                                   choices=(
            Choice(Event.SHARE_NOTE_CONFIRMED, self.content.localized("btn_send_to", name=self.coach.coach_name),
                   self.coach.relation_id, ref=self.checkin.id),
            Choice(Event.SHARE_NOTE_CANCELLED, "btn_cancel", ref=self.checkin.id)), in_place=True))

    def share(self, event: EventData) -> None:
        name = self.content.by_id(self.checkin.competency).name
        self.effects += [ShareNote(self.checkin.id, self.coach.coach_id),
                         Notify(self.coach.coach_id, Screen("note_shared_with_you", {
                             "name": self.coach.own_name, "competency": name, "note": self.checkin.note}))]
        self.screens.append(Screen("note_shared", {"coach": self.coach.coach_name}, in_place=True))

    def coach_changed(self, event: EventData) -> None:
        self.screens.append(Screen("receiver_changed", notice=True))

    def keep_private(self, event: EventData) -> None:
        self.screens.append(Screen("note_kept_private", in_place=True))

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

    def _day_screen(self, in_place: bool) -> Screen:
        return Screen("plan_day", choices=tuple(Choice(Event.PLAN_DAY, f"weekday_{d}", d) for d in WEEKDAYS),
                      in_place=in_place)

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
        elif self.state == "day":
            self.screens.append(self._day_screen(False))
        else:
            self.screens.append(self._time_screen(False))

    def _overview(self, in_place: bool) -> Screen:
        focus = Items(tuple(Screen("plan_focus_item", {"name": self.content.by_id(c).name}) for c in self.focus))
        return Screen("plan_overview", {
            "focus": focus, "day": self.content.ui[f"weekday_{self.weekday}"], "time": self.at,
        }, choices=(
            Choice(Event.PLAN_CHANGE_FOCUS, "btn_change_focus"),
            Choice(Event.PLAN_CHANGE_TIME, "btn_change_time"),
            Choice(Event.PLAN_STOP, "btn_stop_plan"),
        ), in_place=in_place)

    def show_overview(self, event: EventData) -> None:
        self.screens.append(self._overview(False))

    def show_overview_in_place(self, event: EventData) -> None:
        self.screens.append(self._overview(True))

    def show_saved(self, event: EventData) -> None:
        self.screens.append(Screen("plan_saved", notice=True))

    def show_stopped(self, event: EventData) -> None:
        self.screens.append(Screen("plan_stopped"))


MACHINE = machine.build(STATES, TRANSITIONS, "idle")


def fire(model: PlanModel, event: str, **kwargs: Any) -> PlanModel:
    machine.fire(MACHINE, model, Event.PLAN if event == Event.START_PLAN else event, **kwargs)
    return model
