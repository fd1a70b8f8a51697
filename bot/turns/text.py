"""Free text goes where its writer sent it: a Telegram reply to a prompt, or the context the
user opened themselves (a check-in note, one's own action, a reply to a coach, a coach's own
prompt text). Nothing the bot sends on its own changes that context. Text with no context is unexpected
input for the assessment (a friendly hint)."""

from __future__ import annotations

from typing import Any

from bot.core import Core, FlowTurn
from bot.flows.effects import OpenText
from bot.flows.events import Event
from bot.turn import Stepped, Turn
from bot.turns import assessment, coach_view, coaching, plan

# context kind -> (turn, event, keyword for the context's ref)
BY_CONTEXT = {
    "note": (plan.TURN, Event.CHECKIN_NOTE, "checkin_id"),
    "action": (plan.TURN, Event.PLAN_ACTION_TEXT, None),  # one's own action for the focus being planned
    "reply": (coaching.TURN, Event.REPLY_TEXT, "delivery_id"),
    "confirm_reply": (coaching.TURN, Event.REPLY_TEXT, "delivery_id"),  # typed again: replaces the draft
    "compose": (coaching.TURN, Event.OWN_TEXT, None),
    "coach_label": (coach_view.TURN, Event.COACHEE_LABEL_TEXT, "relation_id"),  # a coach's label for a coachee
}


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    text = kwargs.get("text", "")
    reply_to = kwargs.get("reply_to")
    if isinstance(reply_to, int):
        delivery = core.stores.coaching.delivery_by_message(turn.user_id, reply_to)
        if delivery is not None:  # a Telegram reply to a coach's prompt: that coach, nobody else
            return coaching.TURN.step(core, turn, Event.REPLY_TEXT, {"text": text, "delivery_id": delivery}, now)
    context = OpenText.from_dict(core.stores.users.text_context(turn.user_id))
    target = BY_CONTEXT.get(context.kind) if context is not None else None
    if target is None:
        return assessment.TURN.step(core, turn, Event.UNEXPECTED_INPUT, {"kind": "text"}, now)
    flow_turn, routed, keyword = target
    return flow_turn.step(core, turn, routed, {"text": text} | ({keyword: context.ref} if keyword else {}), now)


TURN = FlowTurn("text", frozenset({Event.TEXT}), step)
