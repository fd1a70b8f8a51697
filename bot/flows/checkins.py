"""Check-ins, pure: the message that asks about an action (or, for a focus without one, how it
went), the one offer after check-ins went unanswered, and what an answer brings back (the plan's
model answers check-ins through :class:`CheckinReplies`).

An answer is met as a coach would: *done* with the trend and the next step (a next tip after a
run of weeks, or the next action after a one-off); *not yet* a second time in a row with one
question and one tip the person has not seen; every ``trend_every``-th answer with the trend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from transitions import EventData

from bot.content import RATINGS, Content
from bot.flows.actions import (
    ANSWERS,
    Trend,
    action_text,
    date_moment,
    pick_tips,
    trend_line,
    utc_text,
)
from bot.flows.coaching.thread import desk_buttons
from bot.flows.effects import (
    AnswerCheckin,
    CloseText,
    Effect,
    EndAction,
    NoteCheckin,
    Notify,
    OpenText,
    RateCheckin,
    SaveAction,
    SeeTips,
    ShareNote,
    Step,
)
from bot.flows.events import Event
from bot.flows.records import ActionView, CheckinView
from bot.flows.screens import Choice, Items, Screen, When


@dataclass(frozen=True)
class CoachLink:
    """The user's coach, while they share (for offering to share a note)."""

    relation_id: int  # the consent this link stands on: a confirmation names it
    coach_id: int
    coach_name: str
    own_name: str  # how the coach knows the user
    user_id: int  # the user, the coach's coachee


def competency_index(content: Content, competency: str) -> int:
    """A competency as a button carries it: its place in the catalog."""
    return next(n for n, question in enumerate(content.competencies) if question.id == competency)


def answer_choices(checkin_id: int) -> tuple[Choice, ...]:
    return tuple(Choice(Event.CHECKIN_ANSWER, f"btn_answer_{answer}", answer, ref=checkin_id) for answer in ANSWERS)


def question(action: ActionView, zone: str) -> Screen:
    if action.cadence == "once" and action.due_on:
        return Screen("checkin_question_once", {"date": date_moment(action.due_on, zone)})
    return Screen("checkin_question_weekly")


def action_checkin(content: Content, checkin_id: int, action: ActionView, zone: str) -> Screen:
    """"Did you do <action> this week?" with answers that fit the question."""
    return Screen("checkin_action", {"name": content.names[action.competency], "action": action_text(content, action),
                                     "question": Items((question(action, zone),))},
                  choices=answer_choices(checkin_id))


def focus_checkin(content: Content, checkin_id: int, competency: str, reflection: int) -> Screen:
    """A focus without an action (a plan from before actions, or after one ended): how it went,
    1 to 5, and a way to choose an action."""
    return Screen(
        "checkin_no_action",
        {"name": content.names[competency], "question": content.coaching[competency].reflections[reflection]},
        choices=tuple(Choice(Event.CHECKIN_RATING, str(v), v, literal=True, ref=checkin_id) for v in RATINGS)
        + (Choice(Event.PLAN_ACTION_CHANGE, "btn_choose_action", competency_index(content, competency)),),
    )


def silence_offer(content: Content, focus: list[str], ignored: int, quiet_until: str, zone: str) -> Screen:
    """After check-ins went unanswered: pause, another moment, another action, stop — or go on."""
    limits = content.limits
    change = Choice(Event.PLAN_ACTION_CHANGE, "btn_change_action", competency_index(content, focus[0])) \
        if len(focus) == 1 else Choice(Event.START_PLAN, "btn_change_action")
    return Screen("silence_offer", {"count": ignored, "weeks": limits.pause_weeks,
                                    "until": When(quiet_until, zone, with_time=False)}, choices=(
        Choice(Event.PLAN_PAUSE, content.localized("btn_pause_weeks", weeks=limits.pause_weeks)),
        Choice(Event.PLAN_CHANGE_TIME, "btn_other_moment"),
        change,
        Choice(Event.PLAN_STOP, "btn_stop_plan"),
        Choice(Event.PLAN_KEEP, "btn_keep_going"),
    ))


@dataclass
class Answering:
    """What answering a check-in about ``action`` needs: the earlier answers on that action
    (oldest first), the tips of its competency the person has seen, when the next check-in is."""

    content: Content
    checkin: CheckinView
    action: ActionView
    earlier: list[str]
    seen: dict[int, str] = field(default_factory=dict)
    next_due: str | None = None
    zone: str = "Europe/Amsterdam"


def respond(given: Answering, answer: str) -> Step:
    """The first answer to a check-in: stored, met, and the note field opened (a note stays
    private unless the person shares it)."""
    content, checkin, action = given.content, given.checkin, given.action
    competency, limits = action.competency, content.limits
    tips = content.coaching[competency].tips
    index = competency_index(content, competency)
    trend = Trend.of([*given.earlier, answer])
    name = content.names[competency]
    effects: list[Effect] = []
    choices: list[Choice] = []
    tip: int | None = None
    note = "note_prompt"
    if answer == "done" and action.cadence == "once":
        effects.append(EndAction(action.id, "done"))
        response = [Screen("response_done_once", {"name": name})]
        choices.append(Choice(Event.PLAN_ACTION_CHANGE, "btn_next_action", index))
    elif answer == "done" and trend.streak() % limits.steady_weeks == 0:
        tip = pick_tips(content, competency, given.seen, "mid", 1, (action.tip,))[0]
        response = [Screen("response_steady", {"count": trend.streak(), "tip": tips[tip].text})]
        choices.append(Choice(Event.CHECKIN_ADOPT_TIP, "btn_adopt_tip", tip, ref=checkin.id))
    elif answer == "done":
        following = Items((Screen("next_checkin", {"when": When(given.next_due, given.zone)}),), separator="") \
            if given.next_due else Items(())
        response = [Screen("response_done", {"next": following})]
    elif answer == "notyet" and given.earlier[-1:] == ["notyet"]:
        tip = pick_tips(content, competency, given.seen, "low", 1, (action.tip,))[0]
        response = [Screen("response_notyet_again", {"tip": tips[tip].text})]
        choices += [Choice(Event.CHECKIN_ADOPT_TIP, "btn_adopt_tip", tip, ref=checkin.id),
                    Choice(Event.PLAN_ACTION_CHANGE, "btn_change_action", index)]
        note = "note_obstacle"
    elif answer == "dropped":
        effects.append(EndAction(action.id, "dropped"))
        response = [Screen("response_dropped", {"name": name})]
        choices += [Choice(Event.PLAN_ACTION_CHANGE, "btn_other_action", index),
                    Choice(Event.PLAN_CHANGE_FOCUS, "btn_change_focus")]
    else:
        response = [Screen(f"response_{answer}")]
    mirrored = answer == "done" or (answer != "dropped" and len(trend.answers) % limits.trend_every == 0)
    if mirrored and len(trend.answers) > 1:  # one answer is no trend yet
        response.append(trend_line(content, trend))
    if tip is not None:
        effects.append(SeeTips(competency, (tip,)))
    effects += [AnswerCheckin(checkin.id, answer, tip), OpenText("note", checkin.id)]
    screen = Screen("checkin_answered", {
        "name": name, "action": action_text(content, action), "answer": Items((Screen(f"btn_answer_{answer}"),)),
        "response": Items(tuple(response)), "note": Items((Screen(note),)),
    }, choices=(*choices, Choice(Event.CHECKIN_SKIP_NOTE, "btn_no_note", ref=checkin.id)), in_place=True)
    return Step([screen], effects)


def change_answer(checkin: CheckinView, answer: str) -> Step:
    """A later tap on the same check-in: the answer is changed, nothing else happens again."""
    if checkin.answer == answer:
        return Step([Screen("checkin_already", {"answer": Items((Screen(f"btn_answer_{answer}"),))}, notice=True)])
    return Step([Screen("checkin_answer_changed", {"answer": Items((Screen(f"btn_answer_{answer}"),))}, notice=True)],
                [AnswerCheckin(checkin.id, answer)])


class CheckinReplies:
    """The plan's answers to a check-in: an answer about the action, a 1-5 rating of a focus
    without one, a note (private unless shared with the coach, after seeing to whom), a tip
    taken over as the action. Mixed into the plan's model (``bot/flows/plan.py``)."""

    content: Content
    checkin: CheckinView
    checkin_action: ActionView | None
    answers: dict[int, list[tuple[int, str]]]
    actions: dict[str, ActionView]
    seen: dict[str, dict[int, str]]
    focus: list[str]
    next_due: datetime | None
    next_due_at: str | None
    is_active: bool
    zone: str
    language: str
    coach: CoachLink | None
    screens: list[Screen]
    effects: list[Effect]

    def adopt_tip(self, event: EventData) -> None:
        """A tip a check-in offered becomes the action for that focus (every week)."""
        competency, tip = self.checkin.competency, event.kwargs["tip"]
        current = self.actions.get(competency)
        if current is not None and current.tip == tip:
            self.screens.append(Screen("tip_already_action", notice=True))
            return
        text = self.content.coaching[competency].tips[tip].text
        self.effects.append(SaveAction(competency, text[self.language], tip, "weekly"))
        self.screens.append(Screen("tip_adopted", {"name": self.content.names[competency], "action": text}))

    def answer_checkin(self, event: EventData) -> None:
        answer = event.kwargs["answer"]
        if self.checkin.answer is not None:
            step = change_answer(self.checkin, answer)
        else:
            action = self.checkin_action
            earlier = [given for checkin_id, given in self.answers.get(action.id, []) if checkin_id != self.checkin.id]
            following = utc_text(self.next_due) if self.next_due else self.next_due_at
            step = respond(Answering(
                self.content, self.checkin, action, earlier, self.seen.get(action.competency, {}),
                following if self.is_active else None, self.zone), answer)
        self.screens += step.screens
        self.effects += step.effects

    def rate_checkin(self, event: EventData) -> None:
        """The first rating opens the check-in's note field: the user's own choice, so a
        message the bot sends meanwhile does not take their text elsewhere."""
        first = self.checkin.rating is None
        self.checkin.rating = event.kwargs["rating"]
        self.effects.append(RateCheckin(self.checkin.id, self.checkin.rating))
        if first:
            self.effects.append(OpenText("note", self.checkin.id))
            choose = (Choice(Event.PLAN_ACTION_CHANGE, "btn_choose_action", competency_index(
                self.content, self.checkin.competency)),) if self.checkin.competency in self.focus \
                and self.checkin.competency not in self.actions else ()
            self.screens.append(Screen("checkin_rated", {"rating": self.checkin.rating}, choices=choose + (
                Choice(Event.CHECKIN_SKIP_NOTE, "btn_no_note", ref=self.checkin.id),), in_place=True))
        else:
            self.screens.append(Screen("checkin_rating_changed", {"rating": self.checkin.rating}, notice=True))

    def skip_note(self, event: EventData) -> None:
        self.effects.append(CloseText())
        if self.checkin.answer is not None:  # the answer's message stays as it is, with its tip
            self.screens.append(Screen("checkin_no_note", notice=True))
        else:
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
        coach = self.coach
        told = Screen("note_shared_with_you", {"name": coach.own_name, "competency": name, "note": self.checkin.note},
                      choices=desk_buttons(self.content, coach.relation_id, coach.own_name))
        self.effects += [ShareNote(self.checkin.id, coach.coach_id),
                         Notify(coach.coach_id, told, thread=(coach.coach_id, coach.user_id))]
        self.screens.append(Screen("note_shared", {"coach": self.coach.coach_name}, in_place=True))

    def coach_changed(self, event: EventData) -> None:
        self.screens.append(Screen("receiver_changed", notice=True))

    def keep_private(self, event: EventData) -> None:
        self.screens.append(Screen("note_kept_private", in_place=True))
