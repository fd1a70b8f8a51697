"""The plan's turn: focus, day and time; check-in ratings, notes and sharing a note."""

from __future__ import annotations

from typing import Any

from bot.conversation import Conversations, Outcome, Turn, iso, pick_language
from bot.flows import plan as plan_flow
from bot.flows.plan import CoachLink, PlanModel
from bot.content import Content
from bot.flows.scoring import Result, score, to_work_on
from bot.turns import effects

EVENTS = plan_flow.EVENTS


def suggestions(content: Content, latest: Result | None) -> list[str]:
    """The latest development points; for a flat profile the competencies that weigh most."""
    return to_work_on(content, latest, content.limits.suggested_focus) if latest is not None else []


def run(conversations: Conversations, turn: Turn, event: str, kwargs: dict[str, Any]) -> Outcome:
    content, plans = conversations.content, conversations.plans
    with conversations.transaction(turn) as now:
        record = conversations.store.load(turn.user_id, pick_language(turn.language_code), "new")
        plan = plans.load(turn.user_id)
        checkin = plans.checkin(kwargs["checkin_id"], turn.user_id) if "checkin_id" in kwargs else None
        latest = score(record.history[0].answers, content, record.history[0].version) if record.history else None
        relation = conversations.coaching.active_relation_of_coachee(turn.user_id) if checkin else None
        model = PlanModel(
            content, step=plan.step, focus=plan.focus, weekday=plan.weekday, at=plan.time,
            active=plan.active, has_result=latest is not None, zone=conversations.zone, now=conversations.clock(),
            checkin=checkin, suggestions=suggestions(content, latest),
            draft=plan.draft_focus,
            coach=CoachLink(relation.id, relation.coach_id, relation.coach_name or "?", relation.coachee_name)
            if relation else None,
        )
        plan_flow.fire(model, event, **kwargs)

        before = (plan.step, plan.focus, plan.draft_focus, plan.weekday, plan.time, plan.active, plan.next_due_at)
        plan.step, plan.focus, plan.draft_focus = model.state, model.focus, model.draft
        plan.weekday, plan.time, plan.active = model.weekday, model.at, model.is_active
        if model.next_due is not None:
            plan.next_due_at = iso(model.next_due)
        elif not model.is_active:
            plan.next_due_at = None
        changed = (plan.step, plan.focus, plan.draft_focus, plan.weekday, plan.time, plan.active,
                   plan.next_due_at) != before
        if changed and not record.is_new:
            plans.save(plan, now)
        after = effects.apply(conversations, turn, model.effects, now)
    return Outcome(model.screens, record.user.language, after=after)
