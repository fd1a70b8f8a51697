"""One update's turn: load the user's state, fire one flow event, save — in one transaction.

:class:`Conversations` is the entry point for Telegram and the terminal alike. It routes an
event to the turn of the flow that owns it (``bot/turns/``); the turn loads what the flow
needs, fires the event, carries out the flow's storage effects, touches the user and marks
the inbox update done, all inside one ``BEGIN IMMEDIATE`` transaction, committed before
anything is shown. What must happen after the commit (screens for this user and for others,
menu changes, prompts due now) comes back in the :class:`Outcome`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.content import DEFAULT_LANGUAGE, LANGUAGES, Content
from bot.flows.effects import Effect
from bot.flows.screens import Screen
from storage import (
    CoachStore,
    Database,
    InboxStore,
    PlanStore,
    PrivacyStore,
    SessionStore,
    immediate,
    wipe_freed_bytes,
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """The one text form of a moment in the database: UTC, seconds, sortable."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def pick_language(language_code: str | None) -> str:
    """Telegram's ``language_code`` (``en-GB``, ``nl`` …) to one of ours; otherwise Dutch."""
    prefix = (language_code or "")[:2].lower()
    return prefix if prefix in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Turn:
    """Who acts, and which inbox update (if any) this turn settles."""

    user_id: int
    language_code: str | None = None
    name: str = "?"  # the first name Telegram gives; others may see it (a coach, a coachee)
    update_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What one event produced: screens for the user, and what to do after the commit."""

    screens: list[Screen]
    language: str
    assessment_id: int | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # attachment -> (file name, data)
    after: list[Effect] = field(default_factory=list)  # Notify, RefreshMenu, SendDuePrompts

    def then(self, other: Outcome) -> Outcome:
        """This outcome followed by another one's screens (e.g. a deep link, then the intro)."""
        return Outcome(self.screens + other.screens, other.language, other.assessment_id or self.assessment_id,
                       self.files | other.files, self.after + other.after)


NAME_LIMIT = 64  # characters of a Telegram first name kept for a coach or coachee


class Conversations:
    """Runs flow events for users against the database."""

    def __init__(self, db: Database, content: Content, clock: Clock = utc_now, zone: str = "Europe/Amsterdam",
                 admin_ids: frozenset[int] = frozenset(), min_group: int = 5,
                 retention_days: int | None = None, feedback_min: int = 3, stats_period: str = "month") -> None:
        self.db = db
        self.store = SessionStore(db)
        self.plans = PlanStore(db)
        self.coaching = CoachStore(db)
        self.inbox = InboxStore(db)
        self.privacy = PrivacyStore(db)
        self.retention_days = retention_days
        self.content = content
        self.clock = clock
        self.zone = zone
        self.admin_ids = admin_ids
        self.min_group = min_group
        self.feedback_min = feedback_min  # completed raters before a feedback summary is shown
        self.stats_period = stats_period  # published statistics renew at most once per such period
        self.bot_username = "regiecoach_bot"  # replaced by the real one once Telegram told us
        self.sending_lock = asyncio.Lock()  # one sender of scheduled check-ins and prompts at a time
        self.interrupted_resolved = False  # sends cut off by the last stop are settled before new ones
        self.wipe_due = False  # an erasure's -wal could not be truncated yet

    async def handle(self, user_id: int, event: str, *, language_code: str | None = None, name: str | None = None,
                     update_id: int | None = None, **kwargs: Any) -> Outcome:
        """Fire ``event`` for ``user_id``. With ``update_id`` (from the inbox), that update is
        marked done in the same transaction as the change it caused."""
        from bot.turns import route  # the turns use this module's Turn and Outcome

        turn = Turn(user_id, language_code, (str(name or "")[:NAME_LIMIT] or "?"), update_id)
        return route(self, turn, event, kwargs)

    @contextmanager
    def transaction(self, turn: Turn) -> Iterator[str]:
        """One write transaction for a turn; yields its time stamp. The user's last activity
        and the inbox update's 'done' mark are written in it too."""
        now = iso(self.clock())
        with immediate(self.db):
            yield now
            self.privacy.touch(turn.user_id, now)
            if turn.update_id is not None:
                self.inbox.mark_done(turn.update_id, now)

    def language_of(self, user_id: int, language_code: str | None = None) -> str:
        return self.store.language_of(user_id) or pick_language(language_code)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids

    def erase_inactive(self) -> int:
        """Erase everybody inactive for longer than the retention period; returns how many."""
        if not self.retention_days:
            return 0
        before = iso(self.clock() - timedelta(days=self.retention_days))
        users = self.privacy.inactive_since(before)
        for user_id in users:
            with immediate(self.db):
                self.privacy.erase(user_id)
        if users:
            self.wipe_freed_bytes()
        return len(users)

    def wipe_freed_bytes(self) -> bool:
        """After an erasure, no copy of the erased bytes stays in the -wal; when a reader keeps
        it busy, housekeeping tries again (``wipe_due``)."""
        self.wipe_due = not wipe_freed_bytes(self.db)
        return not self.wipe_due
