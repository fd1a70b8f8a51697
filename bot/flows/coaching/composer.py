"""The coach's prompt composer: to whom, which prompt (library, a weekly series, or own text),
when; Back and Cancel on every step.

A small machine whose state is the step; the draft travels with it. The coach's own text (and
a version of it per language) is typed in an explicit context the coach opened, so a prompt
that arrives from the coach's own coach meanwhile never takes it. Nothing is sent or
scheduled but to the receivers the last screen named, with the text it repeated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from transitions import EventData

from bot.content import LANGUAGES, Content
from bot.flows import machine
from bot.flows.coaching import page_of, series
from bot.flows.coaching.coach_view import DAYS_AHEAD, completed_results, day_options, due_at, most_common
from bot.flows.coaching.desk import shown_names
from bot.flows.effects import (
    CloseText,
    CreateSchedule,
    Effect,
    OpenText,
    PromptDraft,
    SendDuePrompts,
)
from bot.flows.events import Event
from bot.flows.plan import WEEKDAYS
from bot.flows.records import CoacheeView, RelationView
from bot.flows.scoring import score, to_work_on
from bot.flows.screens import Choice, Items, Screen, When

SUGGESTED_COMPETENCIES = 3
NAMES_SHOWN = 10  # receivers named on a confirmation; more are counted
PROMPT_SLOTS = 10  # a pick's number is competency * this + prompt (a competency has fewer prompts)
TITLE_CHARS = 34  # a library prompt's short title on its button (the chosen one is shown whole)

STEPS = ["idle", "target", "pick", "other", "own_text", "own_version", "when", "day", "time"]
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": Event.PROMPT, "source": "*", "dest": "target", "conditions": "has_coachees",
     "after": ["close_text", "show_targets"]},
    {"trigger": Event.PROMPT, "source": "*", "dest": "idle", "after": "show_no_coachees"},
    {"trigger": Event.PROMPT_CANCEL, "source": "*", "dest": "idle", "after": ["close_text", "show_cancelled"]},
    {"trigger": Event.PROMPT_TARGETS_PAGE, "source": "target", "dest": "=", "after": "show_targets"},
    {"trigger": Event.PROMPT_TARGET, "source": "target", "dest": "pick", "conditions": "owns_relation",
     "after": ["set_target", "show_library"]},
    {"trigger": Event.PROMPT_TARGET_ALL, "source": "target", "dest": "pick", "after": ["set_target_all", "show_library"]},
    {"trigger": Event.PROMPT_OTHER, "source": "pick", "dest": "other", "after": "show_all_competencies"},
    {"trigger": Event.PROMPT_COMPETENCY, "source": "other", "dest": "pick", "conditions": "known_competency",
     "after": "show_competency_prompts"},
    {"trigger": Event.PROMPT_PICK, "source": "pick", "dest": "when", "conditions": "known_prompt",
     "after": ["set_prompt", "show_when"]},
    {"trigger": Event.PROMPT_SERIES, "source": "pick", "dest": "day", "after": ["set_series", "show_days"]},
    {"trigger": Event.PROMPT_OWN, "source": "pick", "dest": "own_text", "after": "ask_own_text"},
    {"trigger": Event.OWN_TEXT, "source": ["own_text", "own_version"], "dest": "=", "unless": "text_fits",
     "after": "show_text_too_long"},
    {"trigger": Event.OWN_TEXT, "source": "own_text", "dest": "when", "after": ["set_own_text", "show_when"]},
    {"trigger": Event.OWN_TEXT, "source": "own_version", "dest": "when", "after": ["set_version", "show_when"]},
    {"trigger": Event.PROMPT_VERSION, "source": "when", "dest": "own_version", "conditions": "can_add_version",
     "after": "ask_version"},
    # Bound to the receivers the screen named: changed since (a coachee left or joined), nothing
    # is scheduled and the screen is shown again with whom it goes to now.
    {"trigger": Event.PROMPT_NOW, "source": "when", "dest": "=", "unless": "same_receivers",
     "after": ["receivers_changed", "show_when"]},
    {"trigger": Event.PROMPT_NOW, "source": "when", "dest": "idle", "after": ["schedule_now", "show_scheduled"]},
    {"trigger": Event.PROMPT_ONCE, "source": "when", "dest": "day", "after": ["set_once", "show_days"]},
    {"trigger": Event.PROMPT_WEEKLY, "source": "when", "dest": "day", "after": ["set_weekly", "show_days"]},
    {"trigger": Event.PROMPT_DAY, "source": "day", "dest": "time", "conditions": "known_day",
     "after": ["set_day", "show_times"]},
    {"trigger": Event.PROMPT_TIME, "source": "time", "dest": "day", "conditions": ["known_time", "is_series"],
     "unless": "same_receivers", "after": ["receivers_changed", "show_days"]},
    {"trigger": Event.PROMPT_TIME, "source": "time", "dest": "when", "conditions": "known_time",
     "unless": "same_receivers", "after": ["receivers_changed", "show_when"]},
    {"trigger": Event.PROMPT_TIME, "source": "time", "dest": "idle", "conditions": "known_time",
     "after": ["schedule_later", "show_scheduled"]},
    # Back: one step towards the start, the draft kept where it still holds
    {"trigger": Event.PROMPT_BACK, "source": "pick", "dest": "other", "conditions": "browsing",
     "after": "show_all_competencies"},
    {"trigger": Event.PROMPT_BACK, "source": "pick", "dest": "target", "after": "show_targets"},
    {"trigger": Event.PROMPT_BACK, "source": ["other", "own_text", "when"], "dest": "pick",
     "after": ["close_text", "show_library"]},
    {"trigger": Event.PROMPT_BACK, "source": "own_version", "dest": "when", "after": ["close_text", "show_when"]},
    {"trigger": Event.PROMPT_BACK, "source": "day", "dest": "pick", "conditions": "is_series", "after": "show_library"},
    {"trigger": Event.PROMPT_BACK, "source": "day", "dest": "when", "after": "show_when"},
    {"trigger": Event.PROMPT_BACK, "source": "time", "dest": "day", "after": "show_days"},
]
TEXT_STEPS = ("own_text", "own_version")


class ComposerModel:
    """One event of a coach composing a prompt."""

    def __init__(self, content: Content, *, coach_id: int, step: str, draft: PromptDraft,
                 coachees: list[CoacheeView], relation: RelationView | None, now: datetime, zone: str,
                 focus: dict[int, list[str]] | None = None) -> None:
        self.content = content
        self.coach_id = coach_id
        self.state = step
        self.draft = draft
        self.coachees = coachees  # this coach's active coachees (CoacheeStatus)
        self.relation = relation  # the coach's own active relation named by the event, if any
        self.focus = focus or {}  # coachee id -> the focus of their plan
        self.now, self.zone = now, zone
        self.screens: list[Screen] = []
        self.effects: list[Effect] = []
        self.was = step
        self.names = shown_names([(s.relation.id, s.relation.coachee_name, s.relation.label) for s in coachees])

    # --- conditions ---------------------------------------------------------------------
    def has_coachees(self, event: EventData) -> bool:
        return bool(self.coachees)

    def owns_relation(self, event: EventData) -> bool:
        return self.relation is not None

    def browsing(self, event: EventData) -> bool:
        return self.draft.browsing is not None

    def is_series(self, event: EventData) -> bool:
        return self.draft.series

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

    def can_add_version(self, event: EventData) -> bool:
        return bool(self.draft.own_text) and event.kwargs.get("language") in self._languages()

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

    def _receiving(self) -> list[CoacheeView]:
        chosen = set(self.draft.receivers or self._receivers())
        return [s for s in self.coachees if s.relation.id in chosen]

    def _languages(self) -> list[str]:
        found = {s.language for s in self._receiving()}
        return [language for language in LANGUAGES if language in found]

    def same_receivers(self, event: EventData) -> bool:
        return self.draft.receivers == tuple(self._receivers())

    # --- common buttons ---------------------------------------------------------------------
    def _nav(self, back: bool = True) -> tuple[Choice, ...]:
        return ((Choice(Event.PROMPT_BACK, "btn_back"),) if back else ()) + (Choice(Event.PROMPT_CANCEL, "btn_cancel"),)

    # --- steps ----------------------------------------------------------------------------
    def close_text(self, event: EventData) -> None:
        if self.was in TEXT_STEPS:
            self.effects.append(CloseText())

    def show_cancelled(self, event: EventData) -> None:
        self.draft = PromptDraft()
        self.screens.append(Screen("prompt_cancelled", in_place=True))

    def show_targets(self, event: EventData) -> None:
        self.draft = PromptDraft()
        shown, following = page_of(self.coachees, event.kwargs.get("page", 0))
        choices = [Choice(Event.PROMPT_TARGET, {language: self.names[s.relation.id] for language in LANGUAGES},
                          ref=s.relation.id) for s in shown]
        if following is not None:
            choices.append(Choice(Event.PROMPT_TARGETS_PAGE, "btn_next_page", following))
        choices.append(Choice(Event.PROMPT_TARGET_ALL, "btn_all_coachees"))
        self.screens.append(Screen("prompt_target", choices=(*choices, *self._nav(back=False)),
                                   in_place=event.event.name in (Event.PROMPT_TARGETS_PAGE, Event.PROMPT_BACK)))

    def show_no_coachees(self, event: EventData) -> None:
        self.screens.append(Screen("no_coachees"))

    def set_target(self, event: EventData) -> None:
        self.draft = PromptDraft(self.relation.coachee_id, self.relation.id,
                                 self.names.get(self.relation.id, self.relation.coachee_name))

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

    def _prompt_list(self, competencies: list[str], browsing: bool) -> Screen:
        """Short titles on the buttons, the competencies they are about in the message."""
        index = {q.id: i for i, q in enumerate(self.content.competencies)}
        choices, number = [], 0
        for competency in competencies:
            for place, prompt in enumerate(self.content.coaching[competency].prompts):
                number += 1
                choices.append(Choice(Event.PROMPT_PICK, {language: f"{number}. {title(text)}"
                                                          for language, text in prompt.items()},
                                      index[competency] * PROMPT_SLOTS + place, wide=True))
        about = _points(self.content, competencies)
        extra = [] if browsing else [Choice(Event.PROMPT_SERIES, "btn_prompt_series", wide=True),
                                     Choice(Event.PROMPT_OTHER, "btn_other_competency")]
        choices += [*extra, Choice(Event.PROMPT_OWN, "btn_own_text"), *self._nav()]
        key = "prompt_library" if competencies else "prompt_library_empty"
        return Screen(key, {"about": about, "target": self._target()}, choices=tuple(choices), in_place=True)

    def show_library(self, event: EventData) -> None:
        self.draft = replace(self.draft, browsing=None, series=False, kind=None, competency=None, prompt_index=None,
                             own_text=None, versions=None, version_language=None)
        self.screens.append(self._prompt_list(self._suggested(), browsing=False))

    def show_all_competencies(self, event: EventData) -> None:
        self.draft = replace(self.draft, browsing=None)
        self.screens.append(Screen("prompt_competencies", choices=(*(
            Choice(Event.PROMPT_COMPETENCY, q.name, i) for i, q in enumerate(self.content.competencies)),  # type: ignore[arg-type]
            *self._nav()), in_place=True))

    def show_competency_prompts(self, event: EventData) -> None:
        self.draft = replace(self.draft, browsing=event.kwargs["index"])
        competency = self.content.competencies[event.kwargs["index"]].id
        self.screens.append(self._prompt_list([competency], browsing=True))

    def set_prompt(self, event: EventData) -> None:
        competency, number = divmod(event.kwargs["choice"], PROMPT_SLOTS)
        self.draft = replace(self.draft, competency=self.content.competencies[competency].id, prompt_index=number)

    def set_series(self, event: EventData) -> None:
        self.draft = replace(self.draft, series=True, kind="weekly", competency=None, prompt_index=None)

    def _readers(self) -> Items:
        """Who reads which language, so the coach can write for them."""
        lines = []
        for language in self._languages():
            names = [self.names[s.relation.id] for s in self._receiving() if s.language == language]
            lines.append(Screen(f"prompt_readers_{language}", {"names": _names(names)}))
        return Items(tuple(lines))

    def ask_own_text(self, event: EventData) -> None:
        self.effects.append(OpenText("compose"))
        self.screens.append(Screen("prompt_own_text", {"limit": self.content.limits.own_prompt_chars,
                                                       "readers": self._readers()},
                                   choices=self._nav(), in_place=True))

    def set_own_text(self, event: EventData) -> None:
        self.effects.append(CloseText())
        self.draft = replace(self.draft, own_text=event.kwargs["text"].strip(), versions=None)

    def ask_version(self, event: EventData) -> None:
        language = event.kwargs["language"]
        self.draft = replace(self.draft, version_language=language)
        self.effects.append(OpenText("compose"))
        names = [self.names[s.relation.id] for s in self._receiving() if s.language == language]
        self.screens.append(Screen(f"prompt_version_text_{language}", {
            "names": _names(names), "limit": self.content.limits.own_prompt_chars}, choices=self._nav(),
            in_place=True))

    def set_version(self, event: EventData) -> None:
        self.effects.append(CloseText())
        versions = dict(self.draft.versions or {})
        versions[self.draft.version_language or LANGUAGES[0]] = event.kwargs["text"].strip()
        self.draft = replace(self.draft, versions=versions, version_language=None)

    def show_text_too_long(self, event: EventData) -> None:
        text = event.kwargs.get("text", "")
        self.screens.append(Screen("prompt_text_too_long", {"limit": self.content.limits.own_prompt_chars,
                                                            "length": len(text)}))

    def _target(self) -> str | Items:
        if self.draft.name:
            return self.draft.name
        names = [self.names[s.relation.id] for s in self._receiving()]
        return Items((Screen("all_coachees_named", {"count": len(names), "names": _names(names)}),))

    def _what(self) -> Items:
        """The prompt as it will go: the library text in the coach's language (each receiver
        gets their own), the coach's text with its versions, or what the series follows."""
        draft = self.draft
        if draft.series:
            lines = [Screen("prompt_series_for", {"name": self.names[s.relation.id], "points": _points(
                self.content, series.points_of(self.content, s.latest_answers, s.version,
                                               self.focus.get(s.relation.coachee_id, [])))})
                     for s in self._receiving()[:NAMES_SHOWN]]
            return Items((Screen("prompt_series_what", {"weeks": self.content.limits.prompt_repeat_weeks}), *lines))
        if draft.own_text:
            versions = draft.versions or {}
            lines = [Screen("prompt_own_what", {"text": draft.own_text})]
            lines += [Screen(f"prompt_version_what_{language}", {"text": versions[language]})
                      for language in LANGUAGES if language in versions]
            plain = [self.names[s.relation.id] for s in self._receiving() if s.language not in versions]
            if plain:
                lines.append(Screen("prompt_own_words_who", {"names": _names(plain)}))
            return Items(tuple(lines))
        words = series.words(self.content, draft.competency, draft.prompt_index) or "…"
        return Items((Screen("prompt_library_what", {"text": words, "name": self.content.by_id(
            draft.competency).name}),))  # type: ignore[arg-type]

    def show_when(self, event: EventData) -> None:
        """Before anything goes out, the screen repeats the text and says to whom; the send is
        bound to them."""
        self.draft = replace(self.draft, receivers=tuple(self._receivers()))
        versions = self.draft.versions or {}
        add = () if not self.draft.own_text else tuple(
            Choice(Event.PROMPT_VERSION, f"btn_prompt_version_{language}", language, wide=True)
            for language in self._languages() if language not in versions)
        self.screens.append(Screen("prompt_when", {"target": self._target(), "what": self._what()}, choices=(
            Choice(Event.PROMPT_NOW, "btn_send_now"), Choice(Event.PROMPT_ONCE, "btn_send_once"),
            Choice(Event.PROMPT_WEEKLY, "btn_send_weekly"), *add, *self._nav()),
            in_place=event.event.name != Event.OWN_TEXT))

    def receivers_changed(self, event: EventData) -> None:
        self.screens.append(Screen("receiver_changed", notice=True))

    def set_once(self, event: EventData) -> None:
        self.draft = replace(self.draft, kind="once")

    def set_weekly(self, event: EventData) -> None:
        self.draft = replace(self.draft, kind="weekly")

    def show_days(self, event: EventData) -> None:
        if self.draft.series:
            self.draft = replace(self.draft, receivers=tuple(self._receivers()))
        choices = tuple(Choice(Event.PROMPT_DAY, label, day)
                        for label, day in day_options(self.draft.kind or "once", self.now, self.zone))
        key = "prompt_series_day" if self.draft.series else "prompt_day"
        self.screens.append(Screen(key, {"target": self._target(), "what": self._what()},
                                   choices=(*choices, *self._nav()), in_place=True))

    def set_day(self, event: EventData) -> None:
        self.draft = replace(self.draft, day=event.kwargs["day"])

    def show_times(self, event: EventData) -> None:
        self.screens.append(Screen("prompt_time", choices=(*(
            Choice(Event.PROMPT_TIME, at, slot, literal=True)
            for slot, at in enumerate(self.content.limits.checkin_times)), *self._nav()), in_place=True))

    def _schedule(self, kind: str, due: datetime, weekday: int | None = None, at: str | None = None) -> None:
        draft = self.draft
        self.effects.append(CreateSchedule(self.coach_id, draft.coachee_id, draft.competency, draft.prompt_index,
                                           draft.own_text, kind, weekday, at, due, draft.versions))

    def schedule_now(self, event: EventData) -> None:
        self._schedule("now", self.now)
        self.effects.append(SendDuePrompts())

    def schedule_later(self, event: EventData) -> None:
        at = self.content.limits.checkin_times[event.kwargs["slot"]]
        day, kind = self.draft.day or 0, self.draft.kind or "once"
        due = due_at(kind, day, at, self.zone, self.now)
        self._schedule(kind, due, *((day, at) if kind == "weekly" else ()))

    def show_scheduled(self, event: EventData) -> None:
        """What was done, repeated: the text, the receivers, and when (a date as people write it)."""
        schedule = next(e for e in self.effects if isinstance(e, CreateSchedule))
        local = schedule.next_due_at.astimezone(ZoneInfo(self.zone))
        key = {"now": "prompt_sent_now", "once": "prompt_scheduled_once", "weekly": "prompt_scheduled_weekly"}
        self.screens.append(Screen(key[schedule.kind], {
            "target": self._target(), "what": self._what(), "when": When(schedule.next_due_at.isoformat(), self.zone),
            "day": self.content.ui[f"weekday_{local.weekday()}"], "time": local.strftime("%H:%M")}, in_place=True))
        self.draft = PromptDraft()


def title(text: str, limit: int = TITLE_CHARS) -> str:
    """A prompt's first words, cut at a word, for its button."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _names(names: list[str]) -> str:
    return ", ".join(names[:NAMES_SHOWN]) + (" …" if len(names) > NAMES_SHOWN else "")


def _points(content: Content, points: list[str]) -> dict[str, str]:
    return {language: ", ".join(content.by_id(c).name[language] for c in points) for language in LANGUAGES}


MACHINE = machine.build(STEPS, TRANSITIONS, "idle")
EVENTS = frozenset(MACHINE.events)


def fire(model: ComposerModel, event: str, **kwargs: Any) -> ComposerModel:
    machine.fire(MACHINE, model, event, **kwargs)
    return model
