"""The privacy turn: /privacy, /export (a file of everything stored), /delete."""

from __future__ import annotations

import json
from typing import Any

from bot.buttons import Sizes, Spec
from bot.core import Core, FlowTurn
from bot.flows import privacy as privacy_flow
from bot.flows.effects import WipeFreedBytes
from bot.flows.events import Event
from bot.turn import Command, Stepped, Turn


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    language = core.language_of(turn.user_id, turn.language_code)
    files: dict[str, tuple[str, bytes]] = {}
    if event == Event.PRIVACY:
        done = privacy_flow.show_privacy(core.rules.retention_days, core.rules.min_group, core.rules.stats_period)
    elif event == Event.EXPORT:
        done = privacy_flow.export_ready()
        data = json.dumps(core.stores.privacy.export(turn.user_id), ensure_ascii=False, indent=2, default=str)
        files["my_data"] = ("regiecoach-my-data.json", data.encode("utf-8"))
    elif event == Event.DELETE:
        done = privacy_flow.confirm_delete()
    elif event == Event.DELETE_CONFIRMED:
        coach = core.stores.coaching.coach(turn.user_id)
        done = privacy_flow.erase(turn.user_id, core.stores.coaching.coachee_ids(turn.user_id),
                                  coach.display_name if coach else None)
        done.effects.append(WipeFreedBytes())
    else:
        done = privacy_flow.keep()
    return Stepped(done.screens, done.effects, language, files=files)


def buttons(sizes: Sizes) -> dict[str, Spec]:
    return {Event.DELETE_CONFIRMED: Spec("E"), Event.DELETE_CANCELLED: Spec("F")}


TURN = FlowTurn("privacy", privacy_flow.EVENTS, step, buttons, commands=(
    Command("privacy", Event.PRIVACY, rank=70),
    Command("export", Event.EXPORT, rank=71),
    Command("delete", Event.DELETE, rank=72),
))
