"""Which faults pass by themselves, and backoff for trying again.

Transient: a locked or busy database, a network error or timeout, a 5xx from the Bot API.
A send may be repeated without showing the user anything twice when it is idempotent (an
edit, a callback answer) or when the request surely never reached Telegram (no connection
was made).
"""

from __future__ import annotations

import random
from contextvars import ContextVar
from dataclasses import dataclass, field

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from storage import busy as database_busy

# httpx errors raised before a request was sent (python-telegram-bot keeps them as __cause__)
_NOT_SENT = {"ConnectError", "ConnectTimeout", "PoolTimeout"}


def network_transient(error: BaseException) -> bool:
    """A network error, timeout or server error of the Bot API: the same call may work later."""
    return isinstance(error, (NetworkError, TimedOut)) and not isinstance(error, BadRequest)


def transient(error: BaseException) -> bool:
    return database_busy(error) or network_transient(error) or isinstance(error, RetryAfter)


def surely_not_sent(error: BaseException) -> bool:
    """The request never left: no connection was made, so Telegram cannot have acted on it."""
    cause = error.__cause__
    return network_transient(error) and cause is not None and type(cause).__name__ in _NOT_SENT


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


@dataclass
class Attempt:
    """One try at handling an inbox update; the error handler notes how it went wrong."""

    update_id: int
    transient: str | None = None  # a fault that passes (a locked database): try again later
    failed: str | None = None  # a fault that will not pass by trying again


_ATTEMPT: ContextVar[Attempt | None] = ContextVar("attempt", default=None)


def begin_attempt(update_id: int) -> Attempt:
    """Start an attempt in the current task (the runner handles each update in its own step)."""
    attempt = Attempt(update_id)
    _ATTEMPT.set(attempt)
    return attempt


def current_attempt() -> Attempt | None:
    return _ATTEMPT.get()
