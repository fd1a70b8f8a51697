"""The one way a flow event is fired on a module-level ``transitions`` machine."""

from __future__ import annotations

from typing import Any, Protocol

from transitions import Machine

from bot.flows.screens import Screen


class Model(Protocol):
    state: str
    screens: list[Screen]


def build(states: list[str], transitions: list[dict[str, Any]], initial: str) -> Machine:
    """A machine with no model of its own: every user's short-lived model is passed to it."""
    return Machine(model=None, states=states, transitions=transitions, initial=initial,
                   auto_transitions=False, send_event=True, ignore_invalid_triggers=True)


def fire(machine: Machine, model: Model, event: str, **kwargs: Any) -> None:
    """Fire ``event``; an event that fits no transition shows a 'stale button' notice."""
    handled = event in machine.events and machine.events[event].trigger(model, **kwargs)
    if not handled and not model.screens:
        model.screens.append(Screen("stale_button", notice=True))
