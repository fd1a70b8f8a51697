"""The one strict builder and parser of callback data.

Format ``1:<code>:<assessment id>:<question>:<arg>`` (version 1), at most 64 bytes. Anything
that does not parse exactly, or whose fields are out of range, is ``None``: callback data
comes from the client and is treated as hostile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content import LANGUAGES

VERSION = "1"
MAX_BYTES = 64
CODES = {"answer": "a", "skip": "s", "back": "b", "set_language": "l", "consent": "c", "next": "n"}
EVENTS = {code: event for event, code in CODES.items()}
QUESTION_EVENTS = {"answer", "skip", "back"}
_PATTERN = re.compile(r"1:([a-z]):([0-9]{0,15}):([0-9]{0,3}):([a-z0-9]{0,8})")


@dataclass(frozen=True)
class Action:
    """A parsed button press: a flow event and its keyword arguments."""

    event: str
    kwargs: dict


def encode(event: str, arg: str | int | None = None, *, assessment_id: int | None = None,
           question: int | None = None) -> str:
    data = ":".join((
        VERSION,
        CODES[event],
        "" if assessment_id is None else str(assessment_id),
        "" if question is None else str(question),
        "" if arg is None else str(arg),
    ))
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: object, total_questions: int) -> Action | None:
    """Parse ``data`` into an :class:`Action`, or ``None`` when it is not ours or invalid."""
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    match = _PATTERN.fullmatch(data)
    if match is None:
        return None
    code, assessment_id, question, arg = match.groups()
    event = EVENTS.get(code)
    if event is None:
        return None
    if event in QUESTION_EVENTS:
        if not assessment_id or not question or int(question) >= total_questions:
            return None
        kwargs: dict = {"assessment_id": int(assessment_id), "question": int(question)}
        if event == "answer":
            if arg not in {"1", "2", "3", "4", "5"}:
                return None
            kwargs["value"] = int(arg)
        elif arg:
            return None
        return Action(event, kwargs)
    if assessment_id or question:
        return None
    if event == "set_language":
        return Action(event, {"language": arg}) if arg in LANGUAGES else None
    if event == "consent":
        return Action(event, {"accepted": arg == "yes"}) if arg in {"yes", "no"} else None
    return Action(event, {}) if not arg else None
