"""The one strict builder and parser of callback data.

Format ``1:<code>:<ref>:<index>:<arg>`` (version 1), at most 64 bytes: ``code`` (one
letter, then a letter or digit) names the event, ``ref`` a stored object (an assessment, a check-in), ``index`` a
question. Each turn declares its buttons (``bot/buttons.py``); codes are unique. Anything that does not parse
exactly, or whose fields are out of range, is ``None``: callback data comes from the client
and is treated as hostile. Ownership (is this the user's own assessment or check-in?) is
checked by the flows against the user's stored state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import turns
from bot.buttons import Sizes
from bot.content import Content
from bot.flows.screens import Choice, Screen

VERSION = "1"
MAX_BYTES = 64
_PATTERN = re.compile(r"1:([a-zA-Z][a-zA-Z0-9]?):([0-9]{0,15}):([0-9]{0,3}):([a-z0-9]{0,8})")


CODES = {event: spec.code for event, spec in turns.buttons().items()}


@dataclass(frozen=True)
class Action:
    """A parsed button press: a flow event and its keyword arguments."""

    event: str
    kwargs: dict


def encode(event: str, arg: str | int | None = None, *, ref: int | None = None, index: int | None = None) -> str:
    data = ":".join((
        VERSION,
        CODES[event],
        "" if ref is None else str(ref),
        "" if index is None else str(index),
        "" if arg is None else str(arg),
    ))
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def choice_data(choice: Choice, screen: Screen, assessment_id: int | None) -> str:
    """The callback data of ``choice`` on ``screen``."""
    on_question = screen.question is not None
    ref = choice.ref if choice.ref is not None else (assessment_id if on_question else None)
    return encode(choice.event, choice.arg, ref=ref, index=screen.question)


class Decoder:
    """Parses callback data against the sizes of the content (questions, competencies, times)."""

    def __init__(self, content: Content) -> None:
        sizes = Sizes.of(content)
        self.questions = sizes.questions
        self.by_code = {spec.code: (event, spec) for event, spec in turns.buttons(sizes).items()}

    def __call__(self, data: object) -> Action | None:
        if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
            return None
        match = _PATTERN.fullmatch(data)
        if match is None:
            return None
        code, ref, index, arg = match.groups()
        event, spec = self.by_code.get(code, (None, None))
        if spec is None:
            return None
        kwargs: dict = {}
        for keyword, raw in ((spec.ref, ref), (spec.index, index)):
            if (keyword is None) != (raw == ""):
                return None
            if keyword is not None:
                kwargs[keyword] = int(raw)
        if spec.index is not None and kwargs[spec.index] >= self.questions:
            return None
        if spec.arg is None:
            return Action(event, kwargs) if arg == "" else None
        value = spec.parse(arg) if spec.parse else (arg or None)
        if value is None:
            return None
        kwargs[spec.arg] = value
        return Action(event, kwargs)
