"""Free text goes where its writer sent it: a Telegram reply to a prompt or to a message of a
coach's thread, or the context the user opened themselves (a check-in note, one's own action, a
reply to a coach, a coach's answer, a coach's own prompt text). Nothing the bot sends on its own
changes that context. Text with no context is offered to the writer's coach, if they have one
("Send this to Carla?"), and is otherwise unexpected input for the assessment (a friendly hint)."""

from __future__ import annotations

from typing import Any

from bot.core import Core, FlowTurn
from bot.flows.effects import OpenText
from bot.flows.events import Event
from bot.turn import Stepped, Turn
from bot.turns import assessment, coach_view, coaching, plan, threads

RATINGS = frozenset("12345")
# context kind -> (turn, event, keyword for the context's ref)
BY_CONTEXT = {
    "note": (plan.TURN, Event.CHECKIN_NOTE, "checkin_id"),
    "action": (plan.TURN, Event.PLAN_ACTION_TEXT, None),  # one's own action for the focus being planned
    "reply": (coaching.TURN, Event.REPLY_TEXT, "delivery_id"),
    "confirm_reply": (coaching.TURN, Event.REPLY_TEXT, "delivery_id"),  # typed again: replaces the draft
    "compose": (coaching.TURN, Event.OWN_TEXT, None),
    "answer": (threads.TURN, Event.THREAD_ANSWER_TEXT, "relation_id"),  # a coach's answer to one coachee
    "answer_back": (threads.TURN, Event.ANSWER_BACK_TEXT, "coach_id"),
    "confirm_answer_back": (threads.TURN, Event.ANSWER_BACK_TEXT, "coach_id"),
    "stray": (threads.TURN, Event.STRAY_TEXT, None),  # typed again: replaces the offer
    "coach_label": (coach_view.TURN, Event.COACHEE_LABEL_TEXT, "relation_id"),  # a coach's label for a coachee
}


def _by_reply(core: Core, turn: Turn, text: str, reply_to: int, now: str) -> Stepped | None:
    """A Telegram reply to a message of a prompt or a thread: that conversation, nobody else's."""
    delivery = core.stores.coaching.delivery_by_message(turn.user_id, reply_to)
    if delivery is not None:  # a coach's prompt: to that coach
        return coaching.TURN.step(core, turn, Event.REPLY_TEXT, {"text": text, "delivery_id": delivery}, now)
    link = core.stores.threads.link_of(turn.user_id, reply_to)
    if link is None:
        return None
    if link.coach_id == turn.user_id:  # the coach answers that coachee
        relation = core.stores.threads.relation_between(link.coach_id, link.coachee_id)
        return threads.TURN.step(core, turn, Event.THREAD_ANSWER_TEXT, {"text": text, "relation_id": relation}, now)
    return threads.TURN.step(core, turn, Event.ANSWER_BACK_TEXT, {"text": text, "coach_id": link.coach_id}, now)


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    text = kwargs.get("text", "")
    reply_to = kwargs.get("reply_to")
    if isinstance(reply_to, int):
        replied = _by_reply(core, turn, text, reply_to, now)
        if replied is not None:
            return replied
    context = OpenText.from_dict(core.stores.users.text_context(turn.user_id))
    target = BY_CONTEXT.get(context.kind) if context is not None else None
    meant_a_rating = text.strip() in RATINGS  # typed instead of tapped: the hint on the buttons helps more
    if target is None and not meant_a_rating and core.stores.coaching.active_relation_of_coachee(turn.user_id):
        return threads.TURN.step(core, turn, Event.STRAY_TEXT, {"text": text}, now)
    if target is None:
        return assessment.TURN.step(core, turn, Event.UNEXPECTED_INPUT, {"kind": "text"}, now)
    flow_turn, routed, keyword = target
    return flow_turn.step(core, turn, routed, {"text": text} | ({keyword: context.ref} if keyword else {}), now)


TURN = FlowTurn("text", frozenset({Event.TEXT}), step)
