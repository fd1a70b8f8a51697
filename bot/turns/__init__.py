"""The router and the one shape of a turn.

Every flow registers its turn here, the assessment too; :func:`route` gives an event to the
turn that claims it and raises :class:`~bot.turn.UnclaimedEvent` for any other (a test checks
that every event is claimed exactly once). :func:`handle` is the only way an event is run:
it opens the transaction, asks the turn to load and fire, carries out the flow's effects in
one interpreter (``carry_out.py``), and builds the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from bot.buttons import Sizes, Spec
from bot.core import Core, FlowTurn
from bot.flows.effects import ContinueAssessment
from bot.flows.events import Event
from bot.turn import Command, Outcome, Turn, UnclaimedEvent
from bot.turns import (
    assessment,
    coach_view,
    coaching,
    feedback,
    figures,
    guide,
    plan,
    privacy,
    text,
    threads,
)
from bot.turns.carry_out import carry_out

TURNS: tuple[FlowTurn, ...] = (assessment.TURN, plan.TURN, feedback.TURN, coaching.TURN, coach_view.TURN,
                               threads.TURN, privacy.TURN, figures.TURN, guide.TURN, text.TURN)


@lru_cache(maxsize=8)
def _claims(turns: tuple[FlowTurn, ...]) -> dict[str, FlowTurn]:
    claimed: dict[str, FlowTurn] = {}
    for flow_turn in turns:
        for event in flow_turn.events:
            if event in claimed:
                raise ValueError(f"event {event!r} is claimed by {claimed[event].name} and {flow_turn.name}")
            claimed[event] = flow_turn
    return claimed


def claims(turns: tuple[FlowTurn, ...] | None = None) -> dict[str, FlowTurn]:
    """Event -> the one turn that claims it; an event claimed twice is refused at start."""
    return dict(_claims(turns or TURNS))


def route(event: str, kwargs: Mapping[str, Any], turns: tuple[FlowTurn, ...] | None = None) -> FlowTurn:
    """The turn of ``event``; a deep link goes to the turn that opens links of its kind."""
    turns = turns or TURNS
    if event == Event.DEEP_LINK:
        payload = kwargs.get("payload")
        kind = payload[:1] if isinstance(payload, str) else ""
        for flow_turn in turns:
            if kind and kind in flow_turn.link_kinds:
                return flow_turn
    flow_turn = _claims(turns).get(event)
    if flow_turn is None:
        raise UnclaimedEvent(event)
    return flow_turn


def handle(core: Core, turn: Turn, event: str, kwargs: dict[str, Any],
           turns: tuple[FlowTurn, ...] | None = None) -> Outcome:
    """Run ``event`` for ``turn.user_id``: load, fire, carry out the effects, in one
    transaction committed before anything is shown. With ``turn.update_id`` (from the inbox),
    that update is marked done in the same transaction."""
    flow_turn = route(event, kwargs, turns)
    if flow_turn.prepare is not None:  # reads that must not hold the write lock
        kwargs = kwargs | {"prepared": flow_turn.prepare(core, turn, event, kwargs)}
    with core.transaction(turn) as now:
        stepped = flow_turn.step(core, turn, event, kwargs, now)
        screens, effects = list(stepped.screens), list(stepped.effects)
        if any(isinstance(effect, ContinueAssessment) for effect in effects):  # the same transaction goes on
            following = assessment.TURN.step(core, turn, Event.START, {}, now)
            screens += following.screens
            effects += following.effects
            stepped.language, stepped.assessment_id = following.language, following.assessment_id
        applied = carry_out(core, turn, effects, now)
    return Outcome(screens, stepped.language, applied.assessment_id or stepped.assessment_id, stepped.files,
                   applied.after)


def buttons(sizes: Sizes = Sizes(), turns: tuple[FlowTurn, ...] | None = None) -> dict[str, Spec]:
    """Every button event's spec; two events with one code are refused at start."""
    found: dict[str, Spec] = {}
    codes: dict[str, str] = {}
    for flow_turn in turns or TURNS:
        for event, spec in flow_turn.buttons(sizes).items():
            if spec.code in codes:
                raise ValueError(f"button code {spec.code!r} of {event!r} is taken by {codes[spec.code]!r}")
            codes[spec.code], found[event] = event, spec
    return found


def commands(turns: tuple[FlowTurn, ...] | None = None) -> list[Command]:
    """Every command, in menu order."""
    return sorted((command for flow_turn in turns or TURNS for command in flow_turn.commands), key=lambda c: c.rank)
