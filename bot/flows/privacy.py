"""A person's rights: what is stored (/privacy), all of it as a file (/export), erase (/delete)."""

from __future__ import annotations

from bot.flows.effects import EraseEverything, Notify, RefreshMenu, Step
from bot.flows.events import Event
from bot.flows.screens import Choice, Items, Screen

EVENTS = frozenset({"privacy", "export", "delete", "delete_confirmed", "delete_cancelled"})


def show_privacy(retention_days: int | None, min_group: int, stats_period: str) -> Step:
    retention = (Screen("retention_days", {"days": retention_days}) if retention_days else Screen("retention_none"))
    return Step([Screen("privacy", {"retention": Items((retention,)), "min": min_group,
                                    "period": Items((Screen(f"period_{stats_period}"),))})])


def export_ready() -> Step:
    return Step([Screen("export_ready", attachment="my_data")])


def confirm_delete() -> Step:
    return Step([Screen("delete_confirm", choices=(
        Choice(Event.DELETE_CONFIRMED, "btn_delete_everything"), Choice(Event.DELETE_CANCELLED, "btn_keep")))])


def erase(user_id: int, coachees: list[int], coach_name: str | None) -> Step:
    """Everything about the person goes; people who shared with them as their coach are told."""
    effects: list = [EraseEverything(), RefreshMenu(user_id)]
    effects += [Notify(coachee, Screen("coach_gone", {"coach": coach_name or "?"})) for coachee in coachees]
    return Step([Screen("deleted", in_place=True)], effects)


def keep() -> Step:
    return Step([Screen("delete_kept", in_place=True)])
