"""What a button carries, declared by the turn that owns its event: a short code and which
fields (a stored object's id, a question, one argument) travel in its callback data, with a
strict parser for the argument. ``bot/callbacks.py`` encodes and decodes by these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.content import Content

Parse = Callable[[str], object | None]  # the arg field -> its value, None when invalid


@dataclass(frozen=True)
class Spec:
    """How one event travels: its code and which fields it carries (as which keyword)."""

    code: str
    ref: str | None = None  # keyword for the ref field
    index: str | None = None  # keyword for the index field (a question)
    arg: str | None = None  # keyword for the arg field
    parse: Parse | None = None


@dataclass(frozen=True)
class Sizes:
    """How many of each thing content has: arguments beyond these are refused."""

    questions: int = 43
    competencies: int = 28
    time_slots: int = 6

    @classmethod
    def of(cls, content: Content) -> Sizes:
        return cls(content.total, len(content.competencies), len(content.limits.checkin_times))


def rating(arg: str) -> int | None:
    return int(arg) if arg in {"1", "2", "3", "4", "5"} else None


def below(limit: int) -> Parse:
    """A small whole number under ``limit``."""
    def parse(arg: str) -> int | None:
        return int(arg) if arg.isdigit() and len(arg) <= 3 and int(arg) < limit else None
    return parse


def row_id(arg: str) -> int | None:
    """A stored row's id that fits the arg field (up to 8 digits)."""
    return int(arg) if arg.isdigit() and len(arg) <= 8 else None


def one_of(mapping: dict[str, object]) -> Parse:
    return mapping.get
