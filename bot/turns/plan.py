"""The plan's turn: focus, day and time; check-in ratings, notes and sharing a note."""

from __future__ import annotations

from typing import Any

from bot.buttons import Sizes, Spec, below, rating, row_id
from bot.content import Content
from bot.core import Core, FlowTurn
from bot.flows import plan as plan_flow
from bot.flows.effects import SavePlan
from bot.flows.events import Event
from bot.flows.plan import CoachLink, PlanModel
from bot.flows.scoring import Result, score, to_work_on
from bot.turn import Command, Stepped, Turn, iso, pick_language


def suggestions(content: Content, latest: Result | None) -> list[str]:
    """The latest development points; for a flat profile the competencies that weigh most."""
    return to_work_on(content, latest, content.limits.suggested_focus) if latest is not None else []


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    content, stores = core.content, core.stores
    user = stores.users.load(turn.user_id)
    plan = stores.plans.load(turn.user_id)
    checkin = stores.plans.checkin(kwargs["checkin_id"], turn.user_id) if "checkin_id" in kwargs else None
    latest_taken = stores.assessments.completed(turn.user_id, limit=1) if user else []
    latest = score(latest_taken[0].answers, content, latest_taken[0].version) if latest_taken else None
    relation = stores.coaching.active_relation_of_coachee(turn.user_id) if checkin else None
    model = PlanModel(
        content, step=plan.step, focus=plan.focus, weekday=plan.weekday, at=plan.time,
        active=plan.active, has_result=latest is not None, zone=core.rules.zone, now=core.clock(),
        checkin=checkin, suggestions=suggestions(content, latest), draft=plan.draft_focus,
        coach=CoachLink(relation.id, relation.coach_id, relation.coach_name or "?", relation.coachee_name)
        if relation else None,
    )
    plan_flow.fire(model, event, **kwargs)
    next_due = iso(model.next_due) if model.next_due is not None else None if not model.is_active \
        else plan.next_due_at
    saved = SavePlan(model.state, tuple(model.focus), None if model.draft is None else tuple(model.draft),
                     model.weekday, model.at, model.is_active, next_due)
    before = SavePlan(plan.step, tuple(plan.focus), None if plan.draft_focus is None else tuple(plan.draft_focus),
                      plan.weekday, plan.time, plan.active, plan.next_due_at)
    effects = list(model.effects) + ([saved] if saved != before and user is not None else [])
    return Stepped(model.screens, effects, user.language if user else pick_language(turn.language_code))


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
    }


TURN = FlowTurn("plan", plan_flow.EVENTS, step, buttons, commands=(Command("plan", Event.PLAN, rank=20),))
