"""The plan's turn: focus, an action per focus, day and time; check-in answers, ratings, notes
and sharing a note; pause, resume, renewal and the user's choice about reminders."""

from __future__ import annotations

from typing import Any

from bot.buttons import Sizes, Spec, below, one_of, rating, row_id
from bot.content import Content
from bot.core import Core, FlowTurn
from bot.flows import plan as plan_flow
from bot.flows.actions import ANSWERS
from bot.flows.effects import SavePlan
from bot.flows.events import Event
from bot.flows.plan import SWITCH, CoachLink, Moments, PlanModel, draft_json
from bot.flows.scoring import Result, score, to_work_on
from bot.turn import Command, Stepped, Turn, iso, pick_language

MAX_TIPS = 20  # a tip's index fits this (content has six per competency)
MAX_WHEN = 10  # "how often" options: every week, and within each of limits.action_by_weeks


def suggestions(content: Content, latest: Result | None) -> list[str]:
    """The latest development points; for a flat profile the competencies that weigh most."""
    return to_work_on(content, latest, content.limits.suggested_focus) if latest is not None else []


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    content, stores = core.content, core.stores
    user = stores.users.load(turn.user_id)
    plan = stores.plans.load(turn.user_id)
    checkin = stores.plans.checkin(kwargs["checkin_id"], turn.user_id) if "checkin_id" in kwargs else None
    checkin_action = stores.plans.action_of(checkin.action_id, turn.user_id) \
        if checkin is not None and checkin.action_id is not None else None
    latest_taken = stores.assessments.completed(turn.user_id, limit=1) if user else []
    latest = score(latest_taken[0].answers, content, latest_taken[0].version) if latest_taken else None
    relation = stores.coaching.active_relation_of_coachee(turn.user_id) if checkin else None
    actions = stores.plans.actions(turn.user_id) if user else {}
    answered = stores.plans.answers_of({a.id for a in actions.values()} | (
        {checkin_action.id} if checkin_action else set()))
    language = user.language if user else pick_language(turn.language_code)
    moments = Moments(plan.paused_until, plan.quiet_until, plan.cycle_started_at, plan.review_due_at,
                      plan.reminders_off_at, plan.next_due_at)
    model = PlanModel(
        content, step=plan.step, focus=plan.focus, weekday=plan.weekday, at=plan.time,
        active=plan.active, has_result=latest is not None, zone=core.rules.zone, now=core.clock(),
        checkin=checkin, suggestions=suggestions(content, latest), draft=plan.draft_focus,
        coach=CoachLink(relation.id, relation.coach_id, relation.coach_name or "?", relation.coachee_name,
                        relation.coachee_id)
        if relation else None, scores=latest.scores if latest else {}, actions=actions, answers=answered,
        seen=stores.plans.tips_seen(turn.user_id) if user else {}, draft_action=plan.draft_action,
        moments=moments, language=language, checkin_action=checkin_action,
    )
    plan_flow.fire(model, event, **kwargs)
    next_due = iso(model.next_due) if model.next_due is not None else None if not model.is_active \
        else plan.next_due_at
    saved = SavePlan(model.state, tuple(model.focus), None if model.draft is None else tuple(model.draft),
                     model.weekday, model.at, model.is_active, next_due, model.draft_action_json(),
                     model.paused_until, model.quiet_until, model.cycle_started_at, model.review_due_at,
                     model.reminders_off_at)
    before = SavePlan(plan.step, tuple(plan.focus), None if plan.draft_focus is None else tuple(plan.draft_focus),
                      plan.weekday, plan.time, plan.active, plan.next_due_at, draft_json(plan.draft_action),
                      plan.paused_until, plan.quiet_until, plan.cycle_started_at, plan.review_due_at,
                      plan.reminders_off_at)
    effects = list(model.effects) + ([saved] if saved != before and user is not None else [])
    return Stepped(model.screens, effects, language)


def buttons(sizes: Sizes) -> dict[str, Spec]:
    return {
        Event.START_PLAN: Spec("p"),
        Event.PLAN_TOGGLE: Spec("g", arg="index", parse=below(sizes.competencies)),
        Event.PLAN_ALL: Spec("h"),
        Event.PLAN_FOCUS_DONE: Spec("d"),
        Event.PLAN_CHANGE_FOCUS: Spec("e"),
        Event.PLAN_CHANGE_TIME: Spec("i"),
        Event.PLAN_STOP: Spec("x"),
        Event.PLAN_DAY: Spec("w", arg="day", parse=below(7)),
        Event.PLAN_TIME: Spec("u", arg="slot", parse=below(sizes.time_slots)),
        Event.CHECKIN_RATING: Spec("k", "checkin_id", arg="rating", parse=rating),
        Event.CHECKIN_SKIP_NOTE: Spec("q", "checkin_id"),
        Event.SHARE_NOTE: Spec("ns", "checkin_id"),
        Event.SHARE_NOTE_CONFIRMED: Spec("ny", "checkin_id", arg="relation_id", parse=row_id),
        Event.SHARE_NOTE_CANCELLED: Spec("nn", "checkin_id"),
        # the development loop
        Event.PLAN_ACTION_PICK: Spec("pa", arg="tip", parse=below(MAX_TIPS)),
        Event.PLAN_ACTION_OWN: Spec("po"),
        Event.PLAN_ACTION_WHEN: Spec("pw", arg="option", parse=below(MAX_WHEN)),
        Event.PLAN_ACTION_CHANGE: Spec("pe", arg="index", parse=below(sizes.competencies)),
        Event.PLAN_ACTION_DONE: Spec("pd", arg="index", parse=below(sizes.competencies)),
        Event.PLAN_OPEN_FOCUS: Spec("pf", arg="index", parse=below(sizes.competencies)),
        Event.PLAN_BACK: Spec("pb"),
        Event.PLAN_PAUSE: Spec("pp"),
        Event.PLAN_RESUME: Spec("pr"),
        Event.PLAN_KEEP: Spec("pk"),
        Event.PLAN_RENEW: Spec("pn"),
        Event.PLAN_REMINDERS: Spec("pm", arg="switch", parse=one_of({key: key for key in SWITCH})),
        Event.REMINDERS_OFF: Spec("vo"),
        Event.CHECKIN_ANSWER: Spec("pc", "checkin_id", arg="answer", parse=one_of({a: a for a in ANSWERS})),
        Event.CHECKIN_ADOPT_TIP: Spec("pt", "checkin_id", arg="tip", parse=below(MAX_TIPS)),
    }


TURN = FlowTurn("plan", plan_flow.EVENTS, step, buttons, commands=(Command("plan", Event.PLAN, rank=20),))
