"""The coaching turn: roles and links, the coachee's side, the coach's view, the composer.

What each event may see is loaded here for the acting user only: a coach's events find
coachees through the coach's own active relations, a coachee's through their own prompts.
"""

from __future__ import annotations

from typing import Any

from bot.conversation import Conversations, Outcome, Turn
from bot.flows.coaching import COACH_COMMANDS, coach_view, coachee, composer, links
from bot.flows.coaching.coachee import PromptRef
from bot.flows.effects import ContinueAssessment, SaveComposer, Step
from bot.flows.screens import Screen
from bot.turns import assessment, effects
from bot.turns.feedback import shown_summary
from storage import FeedbackStore

ADMIN_EVENTS = frozenset({"invitecoach", "coaches", "coach_remove", "coach_remove_confirmed",
                          "coach_remove_cancelled"})
COACH_EVENTS = frozenset({"invite", "invite_renew", "coachees", "coachees_page", "coach_view", "group_view", "schedules",
                          "schedule_cancel"}) | composer.EVENTS
COACHEE_EVENTS = frozenset({"deep_link", "offer_accept", "offer_decline", "mycoach", "coach_revoke",
                            "reply_open", "reply_text", "reply_send", "reply_cancel"})
EVENTS = ADMIN_EVENTS | COACH_EVENTS | COACHEE_EVENTS


def run(conversations: Conversations, turn: Turn, event: str, kwargs: dict[str, Any]) -> Outcome:
    language = conversations.language_of(turn.user_id, turn.language_code)  # no step here changes it
    with conversations.transaction(turn) as now:
        conversations.store.ensure_user(turn.user_id, language, now)
        if event in ADMIN_EVENTS:
            step = _admin(conversations, event, kwargs) if conversations.is_admin(turn.user_id) \
                else Step([Screen("unknown_command")])
        elif event in COACH_EVENTS:
            coach = conversations.coaching.coach(turn.user_id)
            step = _coach(conversations, turn, coach, event, kwargs) if coach is not None \
                else Step([Screen("unknown_command") if event in COACH_COMMANDS
                           else Screen("stale_button", notice=True)])
        else:
            step = _coachee(conversations, turn, event, kwargs)
        after = effects.apply(conversations, turn, step.effects, now)
    outcome = Outcome(step.screens, language, after=after)
    if any(isinstance(effect, ContinueAssessment) for effect in step.effects):
        return outcome.then(assessment.run(conversations, turn, "start", {}))
    return outcome


def _admin(conversations: Conversations, event: str, kwargs: dict[str, Any]) -> Step:
    coaching = conversations.coaching
    if event == "invitecoach":
        return links.make_coach_invite(conversations.bot_username)
    if event == "coaches":
        return links.list_coaches(coaching.coaches_overview(), conversations.min_group)
    coach_id = kwargs.get("coach_id")
    coach = coaching.coach(coach_id) if isinstance(coach_id, int) else None
    if coach is None:
        return Step([Screen("stale_button", notice=True)])
    if event == "coach_remove":
        return links.confirm_remove(coach)
    if event == "coach_remove_confirmed":
        return links.remove_coach(coach, coaching.coachee_ids(coach.user_id))
    return Step([Screen("coach_kept", {"name": coach.display_name}, in_place=True)])


def _coach(conversations: Conversations, turn: Turn, coach: Any, event: str, kwargs: dict[str, Any]) -> Step:
    content, coaching = conversations.content, conversations.coaching
    if event == "invite":
        return links.show_link(coach, conversations.bot_username)
    if event == "invite_renew":
        return links.renew_link(conversations.bot_username)
    coachees = coaching.coachees(turn.user_id)
    if event in composer.EVENTS:
        relation = coaching.coach_relation(kwargs["relation_id"], turn.user_id) if "relation_id" in kwargs else None
        model = composer.ComposerModel(content, coach_id=turn.user_id, step=coach.step, draft=coach.draft,
                                       coachees=coachees, relation=relation, now=conversations.clock(),
                                       zone=conversations.zone)
        composer.fire(model, event, **kwargs)
        saved = [SaveComposer(model.state, model.draft)] if (model.state, model.draft) != (coach.step, coach.draft) \
            else []
        return Step(model.screens, model.effects + saved)
    if event in ("coachees", "coachees_page"):
        return coach_view.show_coachees(content, coachees, kwargs.get("page", 0), in_place=event == "coachees_page")
    if event == "coach_view":
        status = next((s for s in coachees if s.relation.id == kwargs.get("relation_id")), None)
        if status is None:
            return coach_view.show_coachee(content, None, [], [], [])
        coachee_id = status.relation.coachee_id
        step = coach_view.show_coachee(content, status, coaching.focus_of(coachee_id),
                                       coaching.replies(turn.user_id, coachee_id),
                                       coaching.shared_notes(turn.user_id, coachee_id))
        # with consent, the coach sees the same feedback summary the coachee sees
        closed = FeedbackStore(conversations.db).latest_closed_of(coachee_id)
        return Step(step.screens + shown_summary(conversations, closed), step.effects)
    if event == "group_view":
        return coach_view.show_group(content, coachees, conversations.min_group)
    names = {s.relation.coachee_id: s.relation.coachee_name for s in coachees}
    schedules = coaching.schedules_of(turn.user_id)
    if event == "schedules":
        return Step([coach_view.schedules_screen(content, schedules, names, conversations.zone)])
    return coach_view.cancel_schedule(content, kwargs.get("schedule_id", -1), schedules, names, conversations.zone)


def _prompt(conversations: Conversations, turn: Turn, delivery_id: Any) -> PromptRef | None:
    record = conversations.coaching.prompt_ref(delivery_id, turn.user_id) if isinstance(delivery_id, int) else None
    if record is None:
        return None
    return PromptRef(record.delivery_id, record.coach_id, record.coach_name, record.own_name or turn.name,
                     record.shared)


def _coachee(conversations: Conversations, turn: Turn, event: str, kwargs: dict[str, Any]) -> Step:
    content, coaching = conversations.content, conversations.coaching
    if event == "deep_link":
        payload = kwargs.get("payload")
        match = links.PAYLOAD.fullmatch(payload) if isinstance(payload, str) else None
        kind, code = match.groups() if match else ("", "")
        return links.open_link(
            payload, user_id=turn.user_id, name=turn.name, bot_username=conversations.bot_username,
            own_coach=coaching.coach(turn.user_id), invite_unused=kind == "c" and coaching.invite_unused(code),
            link_owner=coaching.coach_by_code(code) if kind == "k" else None)
    if event in ("offer_accept", "offer_decline"):
        record = coaching.offer_of(turn.user_id)
        offer = links.Offer(record.coach_id, record.coach_name, record.valid) if record else None
        if event == "offer_decline":
            return links.decline_offer(offer, kwargs.get("coach_id"))
        return links.accept_offer(offer, kwargs.get("coach_id"), turn.name,
                                  coaching.active_relation_of_coachee(turn.user_id))
    if event == "mycoach":
        return coachee.show_mycoach(coaching.active_relation_of_coachee(turn.user_id))
    if event == "coach_revoke":
        return coachee.revoke(coaching.active_relation_of_coachee(turn.user_id))
    prompt = _prompt(conversations, turn, kwargs.get("delivery_id"))
    if event == "reply_open":
        return coachee.open_reply(prompt)
    if event == "reply_text":
        return coachee.draft_reply(content, prompt, kwargs.get("text", ""))
    if event == "reply_send":
        context = conversations.store.text_context(turn.user_id) or {}
        pending = context.get("text") if context.get("kind") == "confirm_reply" and prompt is not None \
            and context.get("ref") == prompt.delivery_id else None
        return coachee.send_reply(prompt, pending)
    return coachee.cancel_reply()
