"""The assessment conversation: onboarding, 43 rated questions, back/skip/pause/resume.

One module-level machine serves every user: :func:`fire` drives a short-lived
:class:`AssessmentModel` built from the stored row; the caller saves the model's changes
and shows ``model.screens``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from transitions import EventData

from bot.content import DIDNT_COME_UP, LANGUAGES, RATINGS, Content, QuestionSet
from bot.flows import machine, results
from bot.flows.effects import (
    BeginAssessment,
    CompleteAssessment,
    Effect,
    GiveConsent,
    RecordAnswer,
    ReopenLatest,
)
from bot.flows.events import Event
from bot.flows.scoring import INSUFFICIENT, Result, did_not_occur, rating, score
from bot.flows.screens import Choice, Items, Screen

_UNANSWERED = object()


class Taken(NamedTuple):
    """A completed assessment's answers and the version of the question set they answer."""

    id: int
    version: int
    answers: dict[str, int | None]

STATES = ["new", "intro", "language", "consent", "declined", "answering", "paused", "completing", "completed"]
ANSWERING = ["answering", "paused"]
IN_PROGRESS = ["answering", "paused", "completing"]
ONBOARDING = ["new", "intro", "language", "consent", "declined"]

TRANSITIONS: list[dict[str, Any]] = [
    # (Re)entering the conversation
    {"trigger": Event.START, "source": ["new", "intro", "declined"], "dest": "intro", "after": "show_intro"},
    {"trigger": Event.START, "source": ["language", "consent", "completed"], "dest": "=", "after": "show_current"},
    {"trigger": Event.START, "source": ANSWERING, "dest": "answering", "after": "show_current"},
    {"trigger": Event.START, "source": "completing", "dest": "=", "after": "show_current"},
    {"trigger": Event.RESUME, "source": ANSWERING, "dest": "answering", "after": "show_current"},
    {"trigger": Event.RESUME, "source": "completing", "dest": "=", "after": "show_current"},
    {"trigger": Event.RESUME, "source": ["new", "intro", "declined"], "dest": "intro", "after": "show_intro"},
    {"trigger": Event.RESUME, "source": ["language", "consent", "completed"], "dest": "=", "after": "show_current"},
    # Onboarding
    {"trigger": Event.NEXT, "source": "intro", "dest": "language", "after": "show_language"},
    {"trigger": Event.SET_LANGUAGE, "source": "language", "dest": "consent",
     "conditions": "known_language", "after": ["apply_language", "show_consent"]},
    {"trigger": Event.SET_LANGUAGE, "source": "*", "dest": None,
     "conditions": "known_language", "after": ["apply_language", "show_language_set", "show_current"]},
    {"trigger": Event.ASK_LANGUAGE, "source": "*", "dest": None, "after": "show_language"},
    {"trigger": Event.CONSENT, "source": ["consent", "declined"], "dest": "answering",
     "conditions": "accepted", "after": ["record_consent", "begin_first_assessment", "show_current"]},
    {"trigger": Event.CONSENT, "source": "consent", "dest": "declined", "after": "show_declined"},
    # Answering (skip is an answer without a value; "didn't come up" is stored as its own value,
    # only on a statement that needs an occasion, and counts like skip)
    *[
        transition
        for trigger in (Event.ANSWER, Event.SKIP, Event.NOT_OCCURRED)
        for transition in (
            {"trigger": trigger, "source": ANSWERING, "dest": "completed",
             "conditions": ["is_current", "valid_value", "is_last"],
             "after": ["record_and_advance", "complete"]},
            {"trigger": trigger, "source": ANSWERING, "dest": "answering",
             "conditions": ["is_current", "valid_value"], "after": ["record_and_advance", "show_current_in_place"]},
            {"trigger": trigger, "source": ANSWERING, "dest": None,
             "conditions": ["is_earlier", "valid_value"], "after": "change_earlier"},
        )
    ],
    {"trigger": Event.BACK, "source": ANSWERING, "dest": "answering",
     "conditions": ["is_current", "has_previous"], "after": "step_back"},
    {"trigger": Event.BACK, "source": ANSWERING, "dest": None, "conditions": "is_current",
     "after": "show_first_question"},
    {"trigger": Event.PAUSE, "source": ANSWERING, "dest": "paused", "after": "show_paused"},
    {"trigger": Event.PAUSE, "source": "completing", "dest": None, "after": "show_paused"},
    {"trigger": Event.PAUSE, "source": ["new", "intro", "language", "consent", "declined", "completed"],
     "dest": None, "after": "show_nothing_to_pause"},
    # Completing the role statements that were left open, after a result without archetype
    *[
        transition
        for trigger in (Event.ANSWER, Event.SKIP, Event.NOT_OCCURRED)
        for transition in (
            {"trigger": trigger, "source": "completing", "dest": "completed",
             "conditions": ["is_current", "valid_value", "no_more_missing"],
             "after": ["record_and_advance_missing", "complete"]},
            {"trigger": trigger, "source": "completing", "dest": "=",
             "conditions": ["is_current", "valid_value"],
             "after": ["record_and_advance_missing", "show_current_in_place"]},
            {"trigger": trigger, "source": "completing", "dest": None,
             "conditions": ["is_earlier", "valid_value"], "after": "change_earlier"},
        )
    ],
    {"trigger": Event.NOT_OCCURRED, "source": IN_PROGRESS, "dest": None, "conditions": "targets_a_question",
     "unless": "valid_value", "after": "refuse_not_occurred"},
    {"trigger": Event.COMPLETE_MISSING, "source": "completed", "dest": "completing",
     "conditions": "result_is_insufficient", "after": ["reopen_missing", "show_current"]},
    # Results
    {"trigger": Event.RESULT, "source": "*", "dest": None, "after": "show_result"},
    {"trigger": Event.REPORT, "source": "*", "dest": None, "unless": "has_result", "after": "show_result"},
    *[{"trigger": event, "source": "*", "dest": None, "conditions": "has_result", "after": f"show_{event}"}
      for event in ("points", "more_tips", "strengths", "watch_outs", "all_scores", "report", "before_after")],
    # Retake
    {"trigger": Event.RETAKE, "source": ONBOARDING, "dest": "intro", "after": "show_intro"},
    {"trigger": Event.RETAKE, "source": IN_PROGRESS, "dest": None, "after": "confirm_retake"},
    {"trigger": Event.RETAKE, "source": "completed", "dest": "answering",
     "after": ["begin_assessment", "show_retake_started", "show_current"]},
    {"trigger": Event.RETAKE_CONFIRMED, "source": IN_PROGRESS, "dest": "answering",
     "after": ["begin_assessment", "show_retake_started", "show_current"]},
    # Anything else
    {"trigger": Event.UNEXPECTED_INPUT, "source": "*", "dest": None, "after": "show_input_hint"},
    {"trigger": Event.REJECT, "source": "*", "dest": None, "after": "show_stale"},
]


class AssessmentModel:
    """One user's conversation for the duration of one event."""

    def __init__(
        self,
        content: Content,
        *,
        state: str,
        language: str,
        consented: bool,
        assessment_id: int | None = None,
        cursor: int = 0,
        answers: dict[str, int | None] | None = None,
        history: list[Taken] | None = None,
        version: int | None = None,
        plan_focus: list[str] | None = None,
        plan_active: bool = False,
        today: str = "",
    ) -> None:
        self.content = content
        self.version = version or content.version  # of the open assessment's question set
        self.state = state
        self.language = language
        self.consented = consented
        self.assessment_id = assessment_id
        self.cursor = cursor
        self.answers: dict[str, int | None] = dict(answers or {})
        self.history = history or []  # completed assessments, latest first
        self.plan_focus = plan_focus or []  # for the report, and offered for renewal after a retake
        self.plan_active = plan_active
        self.today = today  # the local date, for the report
        self.screens: list[Screen] = []
        self.effects: list[Effect] = []

    # --- conditions -------------------------------------------------------------------
    def known_language(self, event: EventData) -> bool:
        return event.kwargs.get("language") in LANGUAGES

    def accepted(self, event: EventData) -> bool:
        return event.kwargs.get("accepted") is True

    def _targets_open_assessment(self, event: EventData) -> bool:
        return self.assessment_id is not None and event.kwargs.get("assessment_id") == self.assessment_id

    def is_current(self, event: EventData) -> bool:
        return self._targets_open_assessment(event) and event.kwargs.get("question") == self.cursor

    def is_earlier(self, event: EventData) -> bool:
        question = event.kwargs.get("question")
        return (
            self._targets_open_assessment(event)
            and isinstance(question, int)
            and 0 <= question < self.cursor
        )

    def targets_a_question(self, event: EventData) -> bool:
        question = event.kwargs.get("question")
        return self._targets_open_assessment(event) and isinstance(question, int) and 0 <= question < self.cursor + 1

    def valid_value(self, event: EventData) -> bool:
        """A rating 1..5, a skip, or "didn't come up" on a statement that needs an occasion."""
        if event.event.name == Event.NOT_OCCURRED:
            question = event.kwargs.get("question")
            return isinstance(question, int) and 0 <= question < self.questions.total \
                and self.questions.question(question).occasion
        value = event.kwargs.get("value")
        return value is None or value in RATINGS

    def is_last(self, event: EventData) -> bool:
        return self.cursor == self.questions.total - 1

    def has_previous(self, event: EventData) -> bool:
        return self.cursor > 0

    def has_result(self, event: EventData) -> bool:
        return bool(self.history)

    def result_is_insufficient(self, event: EventData) -> bool:
        return bool(self.history) and self._score(self.history[0]).archetype == INSUFFICIENT

    def _next_missing(self, after: int) -> int | None:
        """The next role statement after ``after`` that has no rating."""
        return next((q.index for q in self.questions.questions
                     if q.kind in ("leider", "manager") and q.index > after and rating(self.answers.get(q.id)) is None),
                    None)

    def no_more_missing(self, event: EventData) -> bool:
        return self._next_missing(self.cursor) is None

    # --- actions ----------------------------------------------------------------------
    def apply_language(self, event: EventData) -> None:
        self.language = event.kwargs["language"]

    def record_consent(self, event: EventData) -> None:
        if not self.consented:
            self.consented = True
            self.effects.append(GiveConsent())

    def begin_first_assessment(self, event: EventData) -> None:
        if self.assessment_id is None:
            self.begin_assessment(event)

    def begin_assessment(self, event: EventData) -> None:
        """A new assessment, with the newest question set; one still open is closed (its
        answers stay stored)."""
        self.effects.append(BeginAssessment(self.content.version, self.assessment_id))
        self.version = self.content.version
        self.assessment_id = None
        self.cursor = 0
        self.answers = {}

    def reopen_missing(self, event: EventData) -> None:
        latest = self.history[0]
        self.version, self.assessment_id = latest.version, latest.id
        self.answers = dict(latest.answers)  # it stays the latest result while it is completed
        self.cursor = self._next_missing(-1) or 0
        self.effects.append(ReopenLatest(latest.id, self.cursor))

    @staticmethod
    def _value(event: EventData) -> int | None:
        """The value an answering event stores: a rating, None (skip) or "didn't come up"."""
        return DIDNT_COME_UP if event.event.name == Event.NOT_OCCURRED else event.kwargs.get("value")

    def record_and_advance_missing(self, event: EventData) -> None:
        value = self._value(event)
        self._set_answer(self.cursor, value)
        self.screens.append(self._saved_notice(self.cursor, value))
        following = self._next_missing(self.cursor)
        self.cursor = self.questions.total if following is None else following

    def _set_answer(self, index: int, value: int | None) -> None:
        question_id = self.questions.question(index).id
        self.answers[question_id] = value
        self.effects.append(RecordAnswer(self.assessment_id, question_id, value))

    def record_and_advance(self, event: EventData) -> None:
        """Store the answer; the pressed message becomes the next question (one send a tap)."""
        value = self._value(event)
        self._set_answer(self.cursor, value)
        self.screens.append(self._saved_notice(self.cursor, value))
        self.cursor += 1

    def complete(self, event: EventData) -> None:
        self.effects.append(CompleteAssessment(self.assessment_id, self.language))
        self.cursor = self.questions.total
        self.screens.append(self._completed_screen(in_place=True))
        if event.transition.source == "completing":  # the latest result itself, now complete
            self.history = self.history[1:]
        previous = self._score(self.history[0]) if self.history else None
        self.history = [Taken(self.assessment_id, self.version, self.answers)] + self.history
        current = self._score(self.history[0])
        self.screens.extend(results.result_screens(self.content, current, previous))
        if previous is not None and self.plan_focus and event.transition.source != "completing":
            self.screens.append(results.renewal(self.content, self.plan_focus, current, previous, self.plan_active))

    def change_earlier(self, event: EventData) -> None:
        """A button of an earlier question (an older message, or a second tap): change that
        answer if it differs, and let the pressed message show the current question again, so
        a question whose sending failed comes back with the next tap."""
        index = event.kwargs["question"]
        value = self._value(event)
        if self.answers.get(self.questions.question(index).id, _UNANSWERED) == value:
            self.screens.append(Screen("answer_unchanged", {"n": index + 1}, notice=True, echo=True))
        else:
            self._set_answer(index, value)
            self.screens.append(Screen("answer_changed", {"n": index + 1}, notice=True))
        self.screens.append(self._question_screen(self.cursor, in_place=True))

    def refuse_not_occurred(self, event: EventData) -> None:
        """A "didn't come up" for a statement that offers none (a forged or mangled button)."""
        self.screens.append(Screen("not_occurred_refused", notice=True))

    def step_back(self, event: EventData) -> None:
        self.cursor -= 1
        self.screens.append(self._question_screen(self.cursor, in_place=True))

    # --- screens ----------------------------------------------------------------------
    def show_intro(self, event: EventData) -> None:
        self.screens.append(Screen("intro", choices=(Choice(Event.NEXT, "btn_next"),)))

    def show_language(self, event: EventData) -> None:
        self.screens.append(Screen("choose_language", choices=tuple(
            Choice(Event.SET_LANGUAGE, f"language_{code}", code) for code in LANGUAGES
        )))

    def show_language_set(self, event: EventData) -> None:
        self.screens.append(Screen("language_set", notice=True))

    def show_consent(self, event: EventData) -> None:
        self.screens.append(Screen("privacy_consent", choices=(
            Choice(Event.CONSENT, "btn_agree", "yes"),
            Choice(Event.CONSENT, "btn_decline", "no"),
        )))

    def show_declined(self, event: EventData) -> None:
        self.screens.append(Screen("declined", choices=(Choice(Event.CONSENT, "btn_agree_now", "yes"),)))

    def show_current_in_place(self, event: EventData) -> None:
        self.screens.append(self._question_screen(self.cursor, in_place=True))

    def show_current(self, event: EventData) -> None:
        """Show the screen of the state the user is in now."""
        if self.state in IN_PROGRESS:
            self.screens.append(self._question_screen(self.cursor))
        elif self.state == "completed":
            self.screens.append(Screen("completed_before"))
        elif self.state == "language":
            self.show_language(event)
        elif self.state == "consent":
            self.show_consent(event)
        elif self.state == "declined":
            self.show_declined(event)
        else:
            self.show_intro(event)

    def show_paused(self, event: EventData) -> None:
        self.screens.append(Screen("paused", {"n": self.cursor + 1, "total": self.questions.total}))

    def show_nothing_to_pause(self, event: EventData) -> None:
        self.screens.append(Screen("nothing_to_pause"))

    def show_first_question(self, event: EventData) -> None:
        self.screens.append(Screen("first_question", notice=True))

    def _results(self) -> tuple[Result, Result | None]:
        current = self._score(self.history[0])
        previous = self._score(self.history[1]) if len(self.history) > 1 else None
        return current, previous

    def show_result(self, event: EventData) -> None:
        if not self.history:
            self.screens.append(Screen("no_result_yet"))
            return
        self.screens.extend(results.result_screens(self.content, *self._results()))

    def show_points(self, event: EventData) -> None:
        self.screens.append(results.points(self.content, self._results()[0]))

    def show_more_tips(self, event: EventData) -> None:
        self.screens.append(results.more_tips(self.content, self._results()[0]))

    def show_strengths(self, event: EventData) -> None:
        self.screens.append(results.strengths(self.content, self._results()[0]))

    def show_watch_outs(self, event: EventData) -> None:
        self.screens.append(results.watch_outs(self.content, self._results()[0]))

    def show_report(self, event: EventData) -> None:
        self.screens.append(results.report(self.content, *self._results(), self.plan_focus, self.today))

    def show_before_after(self, event: EventData) -> None:
        self.screens.append(results.before_after(self.content, *self._results()))

    def show_all_scores(self, event: EventData) -> None:
        self.screens.append(results.all_scores(self.content, *self._results()))

    def confirm_retake(self, event: EventData) -> None:
        self.screens.append(Screen("retake_confirm", {"n": min(self.cursor, self.questions.total - 1) + 1,
                                                      "total": self.questions.total}, choices=(
            Choice(Event.RESUME, "btn_continue"),
            Choice(Event.RETAKE_CONFIRMED, "btn_start_over"),
        )))

    def show_retake_started(self, event: EventData) -> None:
        self.screens.append(Screen("retake_started"))

    def show_input_hint(self, event: EventData) -> None:
        kind = event.kwargs.get("kind", "text")
        if self.state in IN_PROGRESS:
            self.screens.append(Screen("hint_buttons" if kind == "text" else "hint_media"))
            if self.state != "paused":
                self.show_current(event)
        elif self.state == "paused":
            self.show_paused(event)
        else:
            self.screens.append(Screen("hint_commands" if kind == "text" else "hint_media"))

    def show_stale(self, event: EventData) -> None:
        self.screens.append(Screen("stale_button", notice=True))

    # --- helpers ----------------------------------------------------------------------
    @property
    def questions(self) -> QuestionSet:
        return self.content.questions_of(self.version)

    def _score(self, taken: Taken) -> Result:
        return score(taken.answers, self.content, taken.version)

    def _question_screen(self, index: int, *, in_place: bool = False, echo: bool = False) -> Screen:
        question = self.questions.question(index)
        if question.section == "competency":
            group = self.content.groups[question.group]  # type: ignore[index]
            section: Any = {
                language: self.content.text("section_competency", language,
                                            group=group[language], name=question.name[language])  # type: ignore[index]
                for language in LANGUAGES
            }
        else:
            section = self.content.ui[f"section_{question.section}"]
        choices = [Choice(Event.ANSWER, str(value), value, literal=True) for value in RATINGS]
        if index > 0 and self.state != "completing":
            choices.append(Choice(Event.BACK, "btn_back"))
        choices.append(Choice(Event.SKIP, "btn_skip"))
        if question.occasion:
            choices.append(Choice(Event.NOT_OCCURRED, "btn_not_occurred"))
        return Screen(
            "rate_statement",
            {"n": index + 1, "total": self.questions.total, "section": section,
             "statement": question.statement, "scale": self.questions.scale_lines[question.scale]},
            choices=tuple(choices),
            question=index,
            answered=question.id in self.answers,
            chosen=self.answers.get(question.id),
            in_place=in_place,
            echo=echo,
        )

    def _saved_notice(self, index: int, value: int | None) -> Screen:
        """The answer confirmed as a toast (echo: the terminal shows the choice already)."""
        if value is None:
            return Screen("answer_skipped", {"n": index + 1}, notice=True, echo=True)
        if did_not_occur(value):
            return Screen("answer_not_occurred", {"n": index + 1}, notice=True, echo=True)
        return Screen("answer_saved", {"n": index + 1, "value": value}, notice=True, echo=True)

    def _completed_screen(self, in_place: bool = False) -> Screen:
        absent = sum(1 for value in self.answers.values() if did_not_occur(value))
        answered = sum(1 for value in self.answers.values() if rating(value) is not None)
        return Screen("completed", {
            "answered": answered, "skipped": len(self.answers) - answered - absent, "total": self.questions.total,
            "absent": Items((Screen("completed_absent", {"count": absent}),), separator="") if absent else Items(()),
        }, in_place=in_place)


MACHINE = machine.build(STATES, TRANSITIONS, "new")
EVENTS = frozenset(MACHINE.events)


def fire(model: AssessmentModel, event: str, **kwargs: Any) -> AssessmentModel:
    machine.fire(MACHINE, model, event, **kwargs)
    return model
