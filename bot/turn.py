"""What one update asks of the core, and what comes back: below the router, the turns and the
edge alike (nothing here imports them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from bot.content import DEFAULT_LANGUAGE, LANGUAGES
from bot.flows.effects import Effect
from bot.flows.screens import Screen

Clock = Callable[[], datetime]
NAME_LIMIT = 64  # characters of a Telegram first name kept for a coach or coachee


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """The one text form of a moment in the database: UTC, seconds, sortable."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def pick_language(language_code: str | None) -> str:
    """Telegram's ``language_code`` (``en-GB``, ``nl`` …) to one of ours; otherwise Dutch."""
    prefix = (language_code or "")[:2].lower()
    return prefix if prefix in LANGUAGES else DEFAULT_LANGUAGE


class UnclaimedEvent(LookupError):
    """An event no turn claims: a programming error (a test enumerates every event), never
    routed anywhere by default."""


@dataclass(frozen=True)
class Turn:
    """Who acts, and which inbox update (if any) this turn settles."""

    user_id: int
    language_code: str | None = None
    name: str = "?"  # the first name Telegram gives; others may see it (a coach, a coachee)
    update_id: int | None = None

    @classmethod
    def of(cls, user_id: int, language_code: str | None = None, name: str | None = None,
           update_id: int | None = None) -> Turn:
        return cls(user_id, language_code, str(name or "")[:NAME_LIMIT] or "?", update_id)


@dataclass
class Stepped:
    """What a turn's step produced inside the transaction: screens, the effects to carry out,
    and what the edge needs to show them."""

    screens: list[Screen]
    effects: list[Effect]
    language: str
    assessment_id: int | None = None  # the open assessment: question buttons name it
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # attachment -> (file name, data)


@dataclass(frozen=True)
class Outcome:
    """What one event produced: screens for the user, and what to do after the commit."""

    screens: list[Screen]
    language: str
    assessment_id: int | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # attachment -> (file name, data)
    after: list[Effect] = field(default_factory=list)  # Notify, RefreshMenu, SendDuePrompts, WipeFreedBytes


@dataclass(frozen=True)
class Command:
    """A command a turn answers: ``/name`` fires ``event``; ``menu`` says whose menu shows it
    (``all``, ``coach``, ``admin``) and ``rank`` where (lower first)."""

    name: str
    event: str
    menu: str = "all"
    rank: int = 50
