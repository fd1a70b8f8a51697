"""A person's rights: what is stored (/privacy), all of it as a file (/export), erase (/delete)."""

from __future__ import annotations

from typing import Any

from transitions import EventData
from transitions import Machine

from bot.flows.screens import Choice, Items, Screen

TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "privacy", "source": "ready", "dest": None, "after": "show_privacy"},
    {"trigger": "export", "source": "ready", "dest": None, "after": "ask_export"},
    {"trigger": "delete", "source": "ready", "dest": None, "after": "confirm_delete"},
    {"trigger": "delete_confirmed", "source": "ready", "dest": None, "after": "erase"},
    {"trigger": "delete_cancelled", "source": "ready", "dest": None, "after": "keep"},
]


class PrivacyModel:
    def __init__(self, retention_days: int | None) -> None:
        self.state = "ready"
        self.retention_days = retention_days
        self.export = False
        self.erase_all = False
        self.screens: list[Screen] = []

    def show_privacy(self, event: EventData) -> None:
        retention = (Screen("retention_days", {"days": self.retention_days}) if self.retention_days
                     else Screen("retention_none"))
        self.screens.append(Screen("privacy", {"retention": Items((retention,))}))

    def ask_export(self, event: EventData) -> None:
        self.export = True
        self.screens.append(Screen("export_ready", attachment="my_data"))

    def confirm_delete(self, event: EventData) -> None:
        self.screens.append(Screen("delete_confirm", choices=(
            Choice("delete_confirmed", "btn_delete_everything"), Choice("delete_cancelled", "btn_keep"))))

    def erase(self, event: EventData) -> None:
        self.erase_all = True
        self.screens.append(Screen("deleted", in_place=True))

    def keep(self, event: EventData) -> None:
        self.screens.append(Screen("delete_kept", in_place=True))


MACHINE = Machine(model=None, states=["ready"], initial="ready", transitions=TRANSITIONS,
                       auto_transitions=False, send_event=True, ignore_invalid_triggers=True)
EVENTS = frozenset(MACHINE.events)


async def fire(model: PrivacyModel, event: str, **kwargs: Any) -> PrivacyModel:
    MACHINE.events[event].trigger(model, **kwargs)
    return model
