"""The admin figures' turn (/stats, /exportcsv): admins only; anybody else gets the ordinary
unknown-command reply."""

from __future__ import annotations

from typing import Any

from bot.buttons import Sizes, Spec
from bot.core import Core, FlowTurn
from bot.flows.events import Event
from bot.flows.screens import Screen
from bot.snapshots import admin_screens, csv_export
from bot.turn import Command, Stepped, Turn

EVENTS = frozenset({Event.STATS, Event.EXPORTCSV})


def prepare(core: Core, turn: Turn, event: str, kwargs: dict[str, Any]) -> Stepped | None:
    """Outside the turn's transaction: a due snapshot is counted without holding the write
    lock and written in a short transaction of its own (an update handled twice after a crash
    shows the same snapshot again)."""
    if not core.rules.is_admin(turn.user_id):
        return None
    language = core.language_of(turn.user_id, turn.language_code)
    args = (core.stores.db, core.content, core.rules.min_group, core.clock(), core.rules.stats_period, core.rules.zone)
    if event == Event.STATS:
        return Stepped(admin_screens(*args), [], language)
    name, data = csv_export(*args)
    return Stepped([Screen("csv_export", attachment="results_csv")], [], language, files={"results_csv": (name, data)})


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    prepared = kwargs.get("prepared")
    if isinstance(prepared, Stepped):
        return prepared
    return Stepped([Screen("unknown_command")], [], core.language_of(turn.user_id, turn.language_code))


def buttons(sizes: Sizes) -> dict[str, Spec]:
    return {Event.STATS: Spec("S")}


TURN = FlowTurn("figures", EVENTS, step, buttons, prepare=prepare, commands=(
    Command("stats", Event.STATS, menu="admin", rank=80),
    Command("exportcsv", Event.EXPORTCSV, menu="admin", rank=81),
))
