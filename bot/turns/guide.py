"""The help turn: /help lists the person's own commands first (as a coach, as an admin), then
everybody's, from the commands the turns declare."""

from __future__ import annotations

from typing import Any

from bot.core import Core, FlowTurn
from bot.flows import guide
from bot.flows.effects import EnsureUser
from bot.flows.events import Event
from bot.turn import Command, Stepped, Turn
from bot.turns import assessment, coach_view, coaching, feedback, figures, plan, privacy

HELP = Command("help", Event.HELP, rank=91)


def declared() -> list[Command]:
    turns = (assessment.TURN, plan.TURN, feedback.TURN, coaching.TURN, coach_view.TURN, privacy.TURN, figures.TURN)
    return sorted([*(c for t in turns for c in t.commands), HELP], key=lambda command: command.rank)


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    language = core.language_of(turn.user_id, turn.language_code)
    commands = declared()
    roles = [role for role, has in (("coach", core.stores.coaching.coach(turn.user_id) is not None),
                                    ("admin", core.rules.is_admin(turn.user_id))) if has]
    sections = [(role, [c.name for c in commands if c.menu == role]) for role in roles]
    sections.append(("own" if roles else "all", [c.name for c in commands if c.menu == "all"]))
    done = guide.show_help(sections)
    return Stepped(done.screens, [EnsureUser(language), *done.effects], language)


TURN = FlowTurn("guide", frozenset({Event.HELP}), step, commands=(HELP,))
