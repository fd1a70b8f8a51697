"""Check-ins, pure: the message that asks about an action (or, for a focus without one, how it
went), the one offer after check-ins went unanswered, and what an answer brings back.

An answer is met as a coach would: *done* with the trend and the next step (a next tip after a
run of weeks, or the next action after a one-off); *not yet* a second time in a row with one
question and one tip the person has not seen; every ``trend_every``-th answer with the trend.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content import RATINGS, Content
from bot.flows.actions import ANSWERS, Trend, action_text, date_moment, pick_tips, trend_line
from bot.flows.effects import AnswerCheckin, Effect, EndAction, OpenText, SeeTips, Step
from bot.flows.events import Event
from bot.flows.records import ActionView, CheckinView
from bot.flows.screens import Choice, Items, Screen, When


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
        response.append(trend_line(trend))
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
