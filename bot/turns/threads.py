"""The threads turn: a coach reads and answers the conversation with one coachee; a coachee
answers back or offers a stray message to their coach.

A coach finds a coachee only through the coach's own active relation; a coachee's text goes
only to the coach of their active relation, and only the coach a button or context names.
"""

from __future__ import annotations

from typing import Any

from bot.buttons import Sizes, Spec, below
from bot.core import Core, FlowTurn
from bot.flows.coaching import thread
from bot.flows.effects import EnsureUser, OpenText, Step
from bot.flows.events import Event
from bot.flows.screens import Screen
from bot.turn import Stepped, Turn

COACH_EVENTS = frozenset({Event.THREAD_OPEN, Event.THREAD_ANSWER, Event.THREAD_ANSWER_TEXT})
COACHEE_EVENTS = frozenset({Event.ANSWER_BACK_OPEN, Event.ANSWER_BACK_TEXT, Event.ANSWER_BACK_SEND,
                            Event.STRAY_TEXT, Event.STRAY_SEND, Event.STRAY_KEEP})


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    language = core.language_of(turn.user_id, turn.language_code)
    if event in COACH_EVENTS:
        done = _coach(core, turn, event, kwargs)
    elif event in COACHEE_EVENTS:
        done = _coachee(core, turn, event, kwargs)
    else:
        done = thread.cancel()
    return Stepped(done.screens, [EnsureUser(language), *done.effects], language)


def _coach(core: Core, turn: Turn, event: str, kwargs: dict[str, Any]) -> Step:
    coaching = core.stores.coaching
    coach = coaching.coach(turn.user_id)
    relation_id = kwargs.get("relation_id")
    relation = coaching.coach_relation(relation_id, turn.user_id) \
        if coach is not None and isinstance(relation_id, int) else None
    if event == Event.THREAD_OPEN:
        entries = core.stores.threads.items(turn.user_id, relation.coachee_id) if relation else []
        return thread.show_thread(core.content, relation, entries, kwargs.get("page") or 0, core.rules.zone,
                                  in_place=bool(kwargs.get("page")))
    if event == Event.THREAD_ANSWER:
        return thread.open_answer(core.content, relation)
    return thread.send_answer(core.content, relation, turn.user_id, coach.display_name if coach else "",
                              kwargs.get("text", ""))


def _pending(core: Core, turn: Turn, kind: str, coach_id: object) -> str | None:
    """The text waiting for this Send: typed for the same coach the button names."""
    context = OpenText.from_dict(core.stores.users.text_context(turn.user_id))
    if context is None or context.kind != kind or context.ref != coach_id:
        return None
    return context.text


def _coachee(core: Core, turn: Turn, event: str, kwargs: dict[str, Any]) -> Step:
    content = core.content
    relation = core.stores.coaching.active_relation_of_coachee(turn.user_id)  # consent, now
    coach_id = kwargs.get("coach_id")
    if event == Event.ANSWER_BACK_OPEN:
        return thread.open_answer_back(relation, coach_id)
    if event == Event.ANSWER_BACK_TEXT:
        return thread.draft_answer_back(content, relation, coach_id, kwargs.get("text", ""))
    if event == Event.ANSWER_BACK_SEND:
        return thread.send_answer_back(content, relation, coach_id,
                                       _pending(core, turn, "confirm_answer_back", coach_id))
    if event == Event.STRAY_TEXT:
        if relation is None:
            return Step([Screen("hint_commands")])
        return thread.offer_stray(content, relation, kwargs.get("text", ""))
    if event == Event.STRAY_SEND:
        return thread.send_stray(content, relation, coach_id, _pending(core, turn, "stray", coach_id))
    return thread.keep_stray()


def buttons(sizes: Sizes) -> dict[str, Spec]:
    return {
        Event.THREAD_OPEN: Spec("h0", "relation_id", arg="page", parse=below(1000)),
        Event.THREAD_ANSWER: Spec("h1", "relation_id"),
        Event.THREAD_CANCEL: Spec("h2"),
        Event.ANSWER_BACK_OPEN: Spec("h3", "coach_id"),
        Event.ANSWER_BACK_SEND: Spec("h4", "coach_id"),
        Event.STRAY_SEND: Spec("h5", "coach_id"),
        Event.STRAY_KEEP: Spec("h6"),
    }


TURN = FlowTurn("threads", COACH_EVENTS | COACHEE_EVENTS | {Event.THREAD_CANCEL}, step, buttons)
