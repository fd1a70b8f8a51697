"""The privacy turn: /privacy, /export (a file of everything stored), /delete."""

from __future__ import annotations

import json
from typing import Any

from bot.conversation import Conversations, Outcome, Turn
from bot.flows import privacy as privacy_flow
from bot.turns import effects

EVENTS = privacy_flow.EVENTS


def run(conversations: Conversations, turn: Turn, event: str, kwargs: dict[str, Any]) -> Outcome:
    language = conversations.language_of(turn.user_id, turn.language_code)
    files: dict[str, tuple[str, bytes]] = {}
    with conversations.transaction(turn) as now:
        if event == "privacy":
            step = privacy_flow.show_privacy(conversations.retention_days, conversations.min_group,
                                             conversations.stats_period)
        elif event == "export":
            step = privacy_flow.export_ready()
            data = json.dumps(conversations.privacy.export(turn.user_id), ensure_ascii=False, indent=2, default=str)
            files["my_data"] = ("regiecoach-my-data.json", data.encode("utf-8"))
        elif event == "delete":
            step = privacy_flow.confirm_delete()
        elif event == "delete_confirmed":
            coach = conversations.coaching.coach(turn.user_id)
            step = privacy_flow.erase(turn.user_id, conversations.coaching.coachee_ids(turn.user_id),
                                      coach.display_name if coach else None)
        else:
            step = privacy_flow.keep()
        after = effects.apply(conversations, turn, step.effects, now)
    if event == "delete_confirmed":
        conversations.wipe_freed_bytes()
    return Outcome(step.screens, language, files=files, after=after)
