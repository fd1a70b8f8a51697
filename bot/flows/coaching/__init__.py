"""Coaches and coachees, split by concern: links and roles, the coachee's side, the coach's
view, and the prompt composer. Pure: loaded state in, screens and effects out.

Authorization is by what the caller loads: an event about a coachee finds that coachee only
through this coach's own active relation, so a forged id finds nothing.
"""

from __future__ import annotations

import secrets
from typing import Protocol, TypeVar

from bot.content import Content
from bot.flows.coaching import series
from bot.flows.events import Event
from bot.flows.screens import Choice, Items, Screen

CODE_BYTES = 16  # 22 URL-safe characters


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def invite_link(bot_username: str, kind: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={kind}{code}"


T = TypeVar("T")
PAGE = 20  # coachees a list shows at once: a keyboard stays within Telegram's limits


def page_of(items: list[T], page: int) -> tuple[list[T], int | None]:
    """One page of a list, and the next page's number (None on the last page)."""
    page = max(0, min(page, (len(items) - 1) // PAGE)) if items else 0
    start = page * PAGE
    return items[start:start + PAGE], (page + 1 if start + PAGE < len(items) else 0 if page else None)


class DeliveredPrompt(Protocol):
    """The prompt one delivery carries (storage's DeliveryPrompt)."""

    competency: str | None
    prompt_index: int | None
    text: str | None
    own_words: bool


def delivery_screen(content: Content, delivery_id: int, prompt: DeliveredPrompt, coach_name: str) -> Screen:
    """A prompt as the coachee receives it, with the button that opens a reply to that coach;
    the coach's own words as written say so in the coachee's language."""
    note = Items((Screen("prompt_own_words", {"coach": coach_name}),)) if prompt.own_words else ""
    return Screen("prompt_delivery", {"coach": coach_name, "prompt": series.prompt_words(
        content, prompt.text, prompt.competency, prompt.prompt_index), "note": note},
                  choices=(Choice(Event.REPLY_OPEN, content.localized("btn_reply_to", name=coach_name),
                                  ref=delivery_id),))
