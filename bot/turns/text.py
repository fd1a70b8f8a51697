"""Free text goes where its writer sent it: a Telegram reply to a prompt, or the context the
user opened themselves (a check-in note, a reply to a coach, a coach's own prompt text).
Nothing the bot sends on its own changes that context. Text with no context is unexpected
input for the assessment (a friendly hint)."""

from __future__ import annotations

from typing import Any

from bot.conversation import Conversations, Outcome, Turn
from bot.turns import assessment, coaching, plan

EVENTS = frozenset({"text"})
# context kind -> (turn, event, keyword for the context's ref)
BY_CONTEXT = {
    "note": (plan.run, "checkin_note", "checkin_id"),
    "reply": (coaching.run, "reply_text", "delivery_id"),
    "confirm_reply": (coaching.run, "reply_text", "delivery_id"),  # typed again: replaces the draft
    "compose": (coaching.run, "own_text", None),
}


def run(conversations: Conversations, turn: Turn, event: str, kwargs: dict[str, Any]) -> Outcome:
    text = kwargs.get("text", "")
    reply_to = kwargs.get("reply_to")
    if isinstance(reply_to, int):
        delivery = conversations.coaching.delivery_by_message(turn.user_id, reply_to)
        if delivery is not None:  # a Telegram reply to a coach's prompt: that coach, nobody else
            return coaching.run(conversations, turn, "reply_text", {"text": text, "delivery_id": delivery})
    context = conversations.store.text_context(turn.user_id) or {}
    target = BY_CONTEXT.get(context.get("kind", ""))
    if target is None:
        return assessment.run(conversations, turn, "unexpected_input", {"kind": "text"})
    handler, routed, keyword = target
    return handler(conversations, turn, routed, {"text": text} | ({keyword: context.get("ref")} if keyword else {}))
