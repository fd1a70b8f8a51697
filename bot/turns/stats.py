"""The statistics turn: admins only; anybody else gets the ordinary unknown-command reply."""

from __future__ import annotations

from typing import Any

from bot.conversation import Conversations, Outcome, Turn
from bot.flows.screens import Screen
from bot.statistics import admin_screens, csv_export

EVENTS = frozenset({"stats", "exportcsv"})


def run(conversations: Conversations, turn: Turn, event: str, kwargs: dict[str, Any]) -> Outcome:
    language = conversations.language_of(turn.user_id, turn.language_code)
    outcome = Outcome([Screen("unknown_command")], language)
    if conversations.is_admin(turn.user_id):
        # Outside the turn's transaction: a due snapshot is counted without holding the write
        # lock and written in a short transaction of its own (an update handled twice after a
        # crash shows the same snapshot again).
        args = (conversations.db, conversations.content, conversations.min_group, conversations.clock(),
                conversations.stats_period, conversations.zone)
        if event == "stats":
            outcome = Outcome(admin_screens(*args), language)
        else:
            name, data = csv_export(*args)
            outcome = Outcome([Screen("csv_export", attachment="results_csv")], language,
                              files={"results_csv": (name, data)})
    with conversations.transaction(turn):  # the update's done mark
        pass
    return outcome
