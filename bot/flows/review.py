"""The review of a plan after some weeks, and the reminder about a stalled self-assessment,
pure: screens made from a stored review summary (``storage.reviews``' counts) or a cursor.

The manager gets the summary with an offer to retake and, when they asked colleagues before,
to ask them again; a coach with consent gets the same summary about them (never a note).
"""

from __future__ import annotations

from typing import Any

from bot.content import Content
from bot.flows.events import Event
from bot.flows.screens import Choice, Items, Screen, When


def _action_text(content: Content, item: dict[str, Any]) -> Any:
    tips = content.coaching[item["competency"]].tips
    tip = item.get("tip")
    return tips[tip].text if isinstance(tip, int) and 0 <= tip < len(tips) else item["text"]


def _status(item: dict[str, Any]) -> Items:
    """How an action went in the round: its answers, and how it ended if it did."""
    parts = []
    if item["asked"]:
        parts.append(Screen("review_counts", {"done": item["done"], "asked": item["asked"]}))
    else:
        parts.append(Screen("review_not_asked"))
    if item["status"] != "active":
        parts.append(Screen(f"review_ended_{item['status']}"))
    return Items(tuple(parts), separator=", ")


def _actions(content: Content, summary: dict[str, Any]) -> Items:
    items = tuple(Screen("review_action", {"name": content.names[item["competency"]],
                                           "action": _action_text(content, item), "status": _status(item)})
                  for item in summary["actions"] if item["competency"] in content.names)
    return Items(items or (Screen("review_no_actions"),))


def review_screen(content: Content, summary: dict[str, Any], zone: str, coach: str | None) -> Screen:
    """To the manager: the round in a few lines, a retake, and colleagues again if asked before."""
    colleagues = summary.get("feedback_before", False)
    choices = (Choice(Event.RETAKE, "btn_retake_now"),) + (
        (Choice(Event.FEEDBACK, "btn_ask_again"),) if colleagues else ())
    return Screen("review", {
        "weeks": content.limits.review_weeks, "since": When(summary["since"], zone, with_time=False),
        "actions": _actions(content, summary), "answered": summary["answered"], "sent": summary["sent"],
        "colleagues": Items((Screen("review_colleagues"),), separator="") if colleagues else Items(()),
        "coach": Items((Screen("review_coach_sees", {"coach": coach}),), separator="") if coach else Items(()),
    }, choices=choices)


def review_for_coach(content: Content, summary: dict[str, Any], zone: str, name: str) -> Screen:
    """To the coach the person shares with: the same summary about them, in the third person."""
    return Screen("review_to_coach", {
        "name": name, "weeks": content.limits.review_weeks, "since": When(summary["since"], zone, with_time=False),
        "actions": _actions(content, summary), "answered": summary["answered"], "sent": summary["sent"],
    })


def stalled_reminder(content: Content, cursor: int, version: int | None) -> Screen:
    """One reminder about a self-assessment left halfway: continue, or no more reminders."""
    total = content.questions_of(version).total
    return Screen("stalled_reminder", {"n": min(cursor, total - 1) + 1, "total": total}, choices=(
        Choice(Event.RESUME, "btn_continue"), Choice(Event.REMINDERS_OFF, "btn_no_reminders")))
