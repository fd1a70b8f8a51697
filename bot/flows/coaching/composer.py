"""The coach's prompt composer: to whom, which prompt (library or own text), when.

A small machine whose state is the step; the draft travels with it. The coach's own text is
typed in an explicit context the coach opened ("own text"), so a prompt that arrives from
the coach's own coach meanwhile never takes it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from transitions import EventData

from bot.content import Content
from bot.flows import machine
from bot.flows.coaching import page_of
from bot.flows.coaching.coach_view import completed_results, most_common
from bot.flows.effects import (
    CloseText,
    CreateSchedule,
    Effect,
    OpenText,
    PromptDraft,
    SendDuePrompts,
)
from bot.flows.events import Event
from bot.flows.plan import WEEKDAYS, next_occurrence
from bot.flows.records import CoacheeView, RelationView
from bot.flows.scoring import score, to_work_on
from bot.flows.screens import Choice, Items, Screen

SUGGESTED_COMPETENCIES = 3
DAYS_AHEAD = 7
NAMES_SHOWN = 10  # receivers named on a confirmation; more are counted
PROMPT_SLOTS = 10  # a pick's number is competency * this + prompt (a competency has fewer prompts)

STEPS = ["idle", "target", "pick", "own_text", "when", "day", "time"]
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": Event.PROMPT, "source": "*", "dest": "target", "conditions": "has_coachees", "after": "show_targets"},
    {"trigger": Event.PROMPT, "source": "*", "dest": "idle", "after": "show_no_coachees"},
    {"trigger": Event.PROMPT_TARGETS_PAGE, "source": "target", "dest": "=", "after": "show_targets"},
    {"trigger": Event.PROMPT_TARGET, "source": "target", "dest": "pick", "conditions": "owns_relation",
     "after": ["set_target", "show_library"]},
    {"trigger": Event.PROMPT_TARGET_ALL, "source": "target", "dest": "pick", "after": ["set_target_all", "show_library"]},
    {"trigger": Event.PROMPT_COMPETENCY, "source": "pick", "dest": "=", "conditions": "known_competency",
     "after": "show_competency_prompts"},
    {"trigger": Event.PROMPT_OTHER, "source": "pick", "dest": "=", "after": "show_all_competencies"},
    {"trigger": Event.PROMPT_PICK, "source": "pick", "dest": "when", "conditions": "known_prompt",
     "after": ["set_prompt", "show_when"]},
    {"trigger": Event.PROMPT_OWN, "source": "pick", "dest": "own_text", "after": "ask_own_text"},
    {"trigger": Event.OWN_TEXT, "source": "own_text", "dest": "when", "conditions": "text_fits",
     "after": ["set_own_text", "show_when"]},
    {"trigger": Event.OWN_TEXT, "source": "own_text", "dest": "=", "after": "show_text_too_long"},
    # Bound to the receivers the screen named: changed since (a coachee left or joined), nothing
    # is scheduled and the screen is shown again with whom it goes to now.
    {"trigger": Event.PROMPT_NOW, "source": "when", "dest": "=", "unless": "same_receivers",
     "after": ["receivers_changed", "show_when"]},
    {"trigger": Event.PROMPT_NOW, "source": "when", "dest": "idle", "after": ["schedule_now", "show_scheduled"]},
    {"trigger": Event.PROMPT_ONCE, "source": "when", "dest": "day", "after": ["set_once", "show_days"]},
    {"trigger": Event.PROMPT_WEEKLY, "source": "when", "dest": "day", "after": ["set_weekly", "show_days"]},
    {"trigger": Event.PROMPT_DAY, "source": "day", "dest": "time", "conditions": "known_day",
     "after": ["set_day", "show_times"]},
    {"trigger": Event.PROMPT_TIME, "source": "time", "dest": "when", "conditions": "known_time",
     "unless": "same_receivers", "after": ["receivers_changed", "show_when"]},
    {"trigger": Event.PROMPT_TIME, "source": "time", "dest": "idle", "conditions": "known_time",
     "after": ["schedule_later", "show_scheduled"]},
]


class ComposerModel:
    """One event of a coach composing a prompt."""

    def __init__(self, content: Content, *, coach_id: int, step: str, draft: PromptDraft,
                 coachees: list[CoacheeView], relation: RelationView | None, now: datetime, zone: str) -> None:
        self.content = content
        self.coach_id = coach_id
        self.state = step
        self.draft = draft
        self.coachees = coachees  # this coach's active coachees (CoacheeStatus)
        self.relation = relation  # the coach's own active relation named by the event, if any
        self.now, self.zone = now, zone
        self.screens: list[Screen] = []
        self.effects: list[Effect] = []

    # --- conditions ---------------------------------------------------------------------
    def has_coachees(self, event: EventData) -> bool:
        return bool(self.coachees)

    def owns_relation(self, event: EventData) -> bool:
        return self.relation is not None

    def known_competency(self, event: EventData) -> bool:
        index = event.kwargs.get("index")
        return isinstance(index, int) and 0 <= index < len(self.content.competencies)

    def known_prompt(self, event: EventData) -> bool:
        choice = event.kwargs.get("choice")
        if not isinstance(choice, int):
            return False
        competency, prompt = divmod(choice, PROMPT_SLOTS)
        return (0 <= competency < len(self.content.competencies)
                and prompt < len(self.content.coaching[self.content.competencies[competency].id].prompts))

    def text_fits(self, event: EventData) -> bool:
        return 0 < len(event.kwargs.get("text", "").strip()) <= self.content.limits.own_prompt_chars

    def known_day(self, event: EventData) -> bool:
        return event.kwargs.get("day") in (WEEKDAYS if self.draft.kind == "weekly" else range(DAYS_AHEAD))

    def known_time(self, event: EventData) -> bool:
        slot = event.kwargs.get("slot")
        return isinstance(slot, int) and 0 <= slot < len(self.content.limits.checkin_times)

    def _receivers(self) -> list[int]:
        """The relations the draft goes to now: the chosen coachee's, or every active one."""
        relations = [s.relation.id for s in self.coachees]
        if self.draft.coachee_id is None:
            return relations
        return [r for r in relations if r == self.draft.relation_id]

    def same_receivers(self, event: EventData) -> bool:
        return self.draft.receivers == tuple(self._receivers())

    # --- steps ----------------------------------------------------------------------------
    def show_targets(self, event: EventData) -> None:
        self.draft = PromptDraft()
        shown, following = page_of(self.coachees, event.kwargs.get("page", 0))
        choices = [Choice(Event.PROMPT_TARGET, {"nl": s.relation.coachee_name, "en": s.relation.coachee_name},
                          ref=s.relation.id) for s in shown]
        if following is not None:
            choices.append(Choice(Event.PROMPT_TARGETS_PAGE, "btn_next_page", following))
        choices.append(Choice(Event.PROMPT_TARGET_ALL, "btn_all_coachees"))
        self.screens.append(Screen("prompt_target", choices=tuple(choices),
                                   in_place=event.event.name == Event.PROMPT_TARGETS_PAGE))

    def show_no_coachees(self, event: EventData) -> None:
        self.screens.append(Screen("no_coachees"))

    def set_target(self, event: EventData) -> None:
        self.draft = PromptDraft(self.relation.coachee_id, self.relation.id, self.relation.coachee_name)

    def set_target_all(self, event: EventData) -> None:
        self.draft = PromptDraft()

    def _suggested(self) -> list[str]:
        """Competencies whose prompts come first: the target's (or the group's) top development
        points; for a flat profile, those that weigh most for the Regisseur."""
        if self.draft.coachee_id is not None:
            status = next((s for s in self.coachees if s.relation.coachee_id == self.draft.coachee_id), None)
            if status is None or status.latest_answers is None:
                return []
            return to_work_on(self.content, score(status.latest_answers, self.content, status.version),
                              SUGGESTED_COMPETENCIES)
        counts = Counter(p.competency for r in completed_results(self.content, self.coachees)
                         for p in r.development_points)
        return [c for c, _ in most_common(counts, SUGGESTED_COMPETENCIES, self.content)]

    def _prompt_list(self, competencies: list[str], in_place: bool) -> Screen:
        index = {q.id: i for i, q in enumerate(self.content.competencies)}
        items, choices = [], []
        for competency in competencies:
            for number, prompt in enumerate(self.content.coaching[competency].prompts):
                items.append(Screen("prompt_option", {"n": len(items) + 1, "name": self.content.by_id(competency).name,
                                                      "prompt": prompt}))
                choices.append(Choice(Event.PROMPT_PICK, str(len(items)), index[competency] * PROMPT_SLOTS + number, literal=True))
        choices += [Choice(Event.PROMPT_OTHER, "btn_other_competency"), Choice(Event.PROMPT_OWN, "btn_own_text")]
        key = "prompt_library" if items else "prompt_library_empty"
        return Screen(key, {"items": Items(tuple(items), separator="\n\n")}, choices=tuple(choices),
                      in_place=in_place)

    def show_library(self, event: EventData) -> None:
        self.screens.append(self._prompt_list(self._suggested(), in_place=True))

    def show_all_competencies(self, event: EventData) -> None:
        self.screens.append(Screen("prompt_competencies", choices=tuple(
            Choice(Event.PROMPT_COMPETENCY, q.name, i) for i, q in enumerate(self.content.competencies)),  # type: ignore[arg-type]
            in_place=True))

    def show_competency_prompts(self, event: EventData) -> None:
        competency = self.content.competencies[event.kwargs["index"]].id
        self.screens.append(self._prompt_list([competency], in_place=True))

    def set_prompt(self, event: EventData) -> None:
        competency, number = divmod(event.kwargs["choice"], PROMPT_SLOTS)
        self.draft = replace(self.draft, competency=self.content.competencies[competency].id, prompt_index=number)

    def ask_own_text(self, event: EventData) -> None:
        self.effects.append(OpenText("compose"))
        self.screens.append(Screen("prompt_own_text", {"limit": self.content.limits.own_prompt_chars},
                                   in_place=True))

    def set_own_text(self, event: EventData) -> None:
        self.effects.append(CloseText())
        self.draft = replace(self.draft, own_text=event.kwargs["text"].strip())

    def show_text_too_long(self, event: EventData) -> None:
        text = event.kwargs.get("text", "")
        self.screens.append(Screen("prompt_text_too_long", {"limit": self.content.limits.own_prompt_chars,
                                                            "length": len(text)}))

    def _target(self) -> str | Items:
        if self.draft.name:
            return self.draft.name
        names = [s.relation.coachee_name for s in self.coachees if s.relation.id in (self.draft.receivers or ())]
        shown = ", ".join(names[:NAMES_SHOWN]) + (" …" if len(names) > NAMES_SHOWN else "")
        return Items((Screen("all_coachees_named", {"count": len(names), "names": shown}),))

    def show_when(self, event: EventData) -> None:
        """Before anything goes out, the screen says to whom; the send is bound to them."""
        self.draft = replace(self.draft, receivers=tuple(self._receivers()))
        self.screens.append(Screen("prompt_when", {"target": self._target()}, choices=(
            Choice(Event.PROMPT_NOW, "btn_send_now"), Choice(Event.PROMPT_ONCE, "btn_send_once"),
            Choice(Event.PROMPT_WEEKLY, "btn_send_weekly")), in_place=event.event.name != Event.OWN_TEXT))

    def receivers_changed(self, event: EventData) -> None:
        self.screens.append(Screen("receiver_changed", notice=True))

    def set_once(self, event: EventData) -> None:
        self.draft = replace(self.draft, kind="once")

    def set_weekly(self, event: EventData) -> None:
        self.draft = replace(self.draft, kind="weekly")

    def show_days(self, event: EventData) -> None:
        if self.draft.kind == "weekly":
            choices = tuple(Choice(Event.PROMPT_DAY, f"weekday_{d}", d) for d in WEEKDAYS)
        else:
            today = self.now.astimezone(ZoneInfo(self.zone)).date()
            choices = tuple(
                Choice(Event.PROMPT_DAY, "day_today" if d == 0 else "day_tomorrow" if d == 1
                       else f"weekday_{(today + timedelta(days=d)).weekday()}", d)
                for d in range(DAYS_AHEAD))
        self.screens.append(Screen("prompt_day", choices=choices, in_place=True))

    def set_day(self, event: EventData) -> None:
        self.draft = replace(self.draft, day=event.kwargs["day"])

    def show_times(self, event: EventData) -> None:
        self.screens.append(Screen("prompt_time", choices=tuple(
            Choice(Event.PROMPT_TIME, at, slot, literal=True)
            for slot, at in enumerate(self.content.limits.checkin_times)), in_place=True))

    def _schedule(self, kind: str, due: datetime, weekday: int | None = None, at: str | None = None) -> None:
        draft = self.draft
        self.effects.append(CreateSchedule(self.coach_id, draft.coachee_id, draft.competency, draft.prompt_index,
                                           draft.own_text, kind, weekday, at, due))

    def schedule_now(self, event: EventData) -> None:
        self._schedule("now", self.now)
        self.effects.append(SendDuePrompts())

    def schedule_later(self, event: EventData) -> None:
        at = self.content.limits.checkin_times[event.kwargs["slot"]]
        day = self.draft.day or 0
        if self.draft.kind == "weekly":
            self._schedule("weekly", next_occurrence(day, at, self.zone, self.now), day, at)
        else:
            tz = ZoneInfo(self.zone)
            date = self.now.astimezone(tz).date() + timedelta(days=day)
            hour, minute = map(int, at.split(":"))
            due = datetime.combine(date, time(hour, minute), tzinfo=tz)
            self._schedule("once", max(due, self.now))

    def show_scheduled(self, event: EventData) -> None:
        schedule = next(e for e in self.effects if isinstance(e, CreateSchedule))
        local = schedule.next_due_at.astimezone(ZoneInfo(self.zone))
        key = {"now": "prompt_sent_now", "once": "prompt_scheduled_once", "weekly": "prompt_scheduled_weekly"}
        self.screens.append(Screen(key[schedule.kind], {
            "target": self._target(), "when": local.strftime("%Y-%m-%d %H:%M"),
            "day": self.content.ui[f"weekday_{local.weekday()}"], "time": local.strftime("%H:%M")}, in_place=True))
        self.draft = PromptDraft()


MACHINE = machine.build(STEPS, TRANSITIONS, "idle")
EVENTS = frozenset(MACHINE.events)


def fire(model: ComposerModel, event: str, **kwargs: Any) -> ComposerModel:
    machine.fire(MACHINE, model, event, **kwargs)
    return model
