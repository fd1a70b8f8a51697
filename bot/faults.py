"""Which faults pass by themselves, and backoff for trying again.

Transient: a locked or busy database, a network error or timeout, a 5xx from the Bot API.
A send may be repeated without showing the user anything twice when it is idempotent (an
edit, a callback answer) or when the request surely never reached Telegram (no connection
was made).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from storage import busy as database_busy  # noqa: F401 - the edge asks faults, not storage

# httpx errors raised before a request was sent (python-telegram-bot keeps them as __cause__)
_NOT_SENT = {"ConnectError", "ConnectTimeout", "PoolTimeout"}


def network_transient(error: BaseException) -> bool:
    """A network error, timeout or server error of the Bot API: the same call may work later."""
    return isinstance(error, (NetworkError, TimedOut)) and not isinstance(error, BadRequest)


def surely_not_sent(error: BaseException) -> bool:
    """The request never left: no connection was made, so Telegram cannot have acted on it."""
    cause = error.__cause__
    return network_transient(error) and cause is not None and type(cause).__name__ in _NOT_SENT


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asks to wait, in seconds: the one place that reads it (a timedelta,
    as ``bot/__init__.py`` asks python-telegram-bot; an int if someone opted out)."""
    value = error.retry_after
    return float(value.total_seconds() if isinstance(value, timedelta) else value)


def describe(error: BaseException) -> str:
    """One line naming the error and its cause, for logs and stored reasons."""
    text = f"{type(error).__name__}: {error}"
    if error.__cause__ is not None:
        text += f" (caused by {type(error.__cause__).__name__}: {error.__cause__})"
    return text[:500]


@dataclass
class Backoff:
    """Capped exponential backoff with jitter: about 1, 2, 4 … ``cap`` seconds (each 50–100%)."""

    first: float = 1.0
    cap: float = 10.0
    failures: int = field(default=0)

    def next(self) -> float:
        delay = min(self.cap, self.first * 2 ** self.failures)
        self.failures += 1
        return delay * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.failures = 0


@dataclass(frozen=True)
class Transient:
    """A fault that passes (a locked database): the update stays and is tried again soon."""

    reason: str


@dataclass(frozen=True)
class Failed:
    """A fault that trying again will not mend: the update is marked failed with its reason."""

    reason: str


@dataclass
class Ledger:
    """How the updates the runner hands to python-telegram-bot went, as values: the error
    handler notes a fault here by update id; the runner takes the note after the update."""

    _watched: dict[int, Transient | Failed | None] = field(default_factory=dict)

    def watch(self, update_id: int) -> None:
        self._watched[update_id] = None

    def watching(self, update_id: int | None) -> bool:
        return update_id in self._watched

    def transient(self, update_id: int | None, reason: str) -> None:
        if update_id in self._watched:
            self._watched[update_id] = Transient(reason)

    def failed(self, update_id: int | None, reason: str) -> None:
        if update_id in self._watched and not isinstance(self._watched[update_id], Transient):
            self._watched[update_id] = Failed(reason)

    def take(self, update_id: int) -> Transient | Failed | None:
        """How it went (None: no fault), and the update is no longer watched."""
        return self._watched.pop(update_id, None)
