"""Screens to text and buttons: shared by Telegram and the terminal."""

from __future__ import annotations

import html
import re
from typing import Any

from bot.content import Content
from bot.flows.screens import Choice, Screen

MESSAGE_LIMIT = 4096  # Telegram's limit on one message's text
NOTICE_LIMIT = 200  # Telegram's limit on an answerCallbackQuery text
BAR_WIDTH = 8
_TAG = re.compile(r"</?[a-z]+>")


def progress_bar(n: int, total: int) -> str:
    filled = BAR_WIDTH * n // total if total else 0
    return "▰" * filled + "▱" * (BAR_WIDTH - filled)


def _resolve(value: Any, language: str, escape: bool) -> Any:
    if isinstance(value, dict):
        value = value[language]
    return html.escape(value, quote=False) if escape and isinstance(value, str) else value


def screen_text(screen: Screen, language: str, content: Content) -> str:
    """The screen's text in Telegram HTML."""
    params = {key: _resolve(value, language, True) for key, value in screen.params.items()}
    if screen.question is not None:
        params["progress"] = content.text(
            "progress", language, n=params["n"], total=params["total"],
            bar=progress_bar(params["n"], params["total"]),
        )
    return content.text(screen.key, language, **params)


def plain_text(text: str) -> str:
    """Telegram HTML to plain terminal text."""
    return html.unescape(_TAG.sub("", text))


def choice_label(choice: Choice, screen: Screen, language: str, content: Content) -> str:
    label = choice.label if choice.literal else content.text(choice.label, language)
    if screen.answered and (
        (choice.event == "answer" and choice.arg == screen.chosen)
        or (choice.event == "skip" and screen.chosen is None)
    ):
        label = content.text("answer_mark", language, label=label)
    return label


def notice_text(text: str) -> str:
    text = plain_text(text)
    return text if len(text) <= NOTICE_LIMIT else text[: NOTICE_LIMIT - 1] + "…"


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters, at paragraph or line ends."""
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit))
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n ")
    parts.append(text)
    return [part for part in parts if part] or [""]
