"""/help that fits the person: a coach's and an admin's own commands first, then everybody's."""

from __future__ import annotations

from collections.abc import Sequence

from bot.flows.effects import Step
from bot.flows.screens import Items, Screen


def show_help(sections: Sequence[tuple[str, Sequence[str]]]) -> Step:
    """``sections``: (role, command names) in the order shown; each line is the command and
    the same words its menu entry uses."""
    shown = Items(tuple(
        Screen("help_section", {"title": Items((Screen(f"help_title_{role}"),)), "lines": Items(tuple(
            Screen("help_line", {"command": name, "what": Items((Screen(f"cmd_{name}"),))}) for name in names))})
        for role, names in sections if names), separator="\n\n")
    return Step([Screen("help", {"sections": shown})])
