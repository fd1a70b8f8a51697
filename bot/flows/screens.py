"""What a flow asks the edge to show: screens made of a text key, parameters and choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Choice:
    """A button (Telegram) or a numbered option (terminal) that fires ``event`` with ``arg``."""

    event: str
    label: str  # a UI text key, or the label itself when ``literal``
    arg: str | int | None = None
    literal: bool = False


@dataclass(frozen=True)
class Screen:
    """One thing to show.

    ``params`` values are plain values or ``{language: text}`` mappings that the edge picks
    from. ``question`` is set on rating screens, with the answer
    given so far. ``in_place`` asks to replace the screen the
    user acted on; ``echo`` marks a confirmation of what the user just did, which an edge
    that already shows it (the terminal) may leave out; ``notice`` is a short notice (a
    toast on Telegram).
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    question: int | None = None
    answered: bool = False  # the question has an answer: ``chosen`` (None = skipped)
    chosen: int | None = None
    in_place: bool = False
    echo: bool = False
    notice: bool = False
