"""The turns: one module per flow, each loading what its flow needs, firing the event and
carrying out the flow's effects in one transaction. :func:`route` picks the turn by event."""

from __future__ import annotations

from typing import Any

from bot.conversation import Conversations, Outcome, Turn
from bot.turns import assessment, coaching, feedback, plan, privacy, stats, text

_TURNS = (text, plan, coaching, feedback, privacy, stats)
ROUTES = {event: module.run for module in _TURNS for event in module.EVENTS}
LINKS = {"f": feedback.run}  # deep links by their first letter; the rest are coaching's (c, k)


def route(conversations: Conversations, turn: Turn, event: str, kwargs: dict[str, Any]) -> Outcome:
    """Run ``event`` in the turn of the flow that owns it; anything else is the assessment's
    (which answers an unknown event with a 'stale button' notice)."""
    if event == "deep_link":
        payload = kwargs.get("payload")
        handler = LINKS.get(payload[:1]) if isinstance(payload, str) else None
        if handler is not None:
            return handler(conversations, turn, event, kwargs)
    return ROUTES.get(event, assessment.run)(conversations, turn, event, kwargs)
