"""The parts every turn works with, built once: the stores, the rules, the content, the clock.

Small typed parts instead of one object that holds everything: the turns take what they need
from :class:`Core`; the scheduler keeps its own state (``bot/schedule.py``); the bot's username
is set once, when the bot first knows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.buttons import Sizes, Spec
from bot.config import Settings
from bot.content import Content
from bot.turn import Clock, Command, Stepped, Turn, iso, pick_language, utc_now
from storage import (
    AssessmentStore,
    CoachDeskStore,
    CoachStore,
    Database,
    FeedbackStore,
    InboxStore,
    PlanStore,
    PrivacyStore,
    ReviewStore,
    StatsStore,
    ThreadStore,
    UserStore,
    immediate,
)


@dataclass(frozen=True)
class Rules:
    """The settings the turns decide by (frozen: read once from the environment)."""

    admin_ids: frozenset[int] = frozenset()
    min_group: int = 5  # statistics: figures over fewer people are withheld
    feedback_min: int = 3  # completed raters before a feedback summary is shown
    retention_days: int | None = None  # erase people inactive for longer; None = keep
    stats_period: str = "month"  # published statistics renew at most once per such period
    zone: str = "Europe/Amsterdam"

    @classmethod
    def of(cls, settings: Settings) -> Rules:
        return cls(settings.admin_ids, settings.min_group, settings.feedback_min, settings.retention_days,
                   settings.stats_period, settings.timezone)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids


@dataclass(frozen=True)
class Stores:
    """Every store on one database, built once."""

    db: Database
    users: UserStore
    assessments: AssessmentStore
    plans: PlanStore
    coaching: CoachStore
    feedback: FeedbackStore
    stats: StatsStore
    inbox: InboxStore
    privacy: PrivacyStore
    reviews: ReviewStore
    threads: ThreadStore
    desk: CoachDeskStore

    @classmethod
    def on(cls, db: Database) -> Stores:
        return cls(db, UserStore(db), AssessmentStore(db), PlanStore(db), CoachStore(db), FeedbackStore(db),
                   StatsStore(db), InboxStore(db), PrivacyStore(db), ReviewStore(db), ThreadStore(db),
                   CoachDeskStore(db))


@dataclass
class Core:
    """What a turn may use. ``bot_username`` names the bot in links (``t.me/<name>``)."""

    stores: Stores
    rules: Rules
    content: Content
    clock: Clock = utc_now
    bot_username: str | None = field(default=None)

    @classmethod
    def build(cls, db: Database, content: Content, rules: Rules = Rules(), clock: Clock = utc_now) -> Core:
        return cls(Stores.on(db), rules, content, clock)

    def knows_username(self, username: str | None) -> None:
        """Set once, the first time the bot knows its own @name (after Telegram's getMe)."""
        if self.bot_username is None and username:
            self.bot_username = username

    @property
    def username(self) -> str:
        return self.bot_username or "regiecoach_bot"

    def language_of(self, user_id: int, language_code: str | None = None) -> str:
        return self.stores.users.language_of(user_id) or pick_language(language_code)

    @contextmanager
    def transaction(self, turn: Turn) -> Iterator[str]:
        """One write transaction for a turn; yields its time stamp. The user's last activity
        and the inbox update's 'done' mark are written in it too."""
        now = iso(self.clock())
        with immediate(self.stores.db):
            yield now
            self.stores.privacy.touch(turn.user_id, now)
            if turn.update_id is not None:
                self.stores.inbox.mark_done(turn.update_id, now)


@dataclass(frozen=True)
class FlowTurn:
    """One flow's turn, as the router knows it.

    ``step`` runs inside the update's transaction: it loads what the flow needs for this user,
    fires the event and returns the screens and the effects to carry out (all storage writes
    are effects). ``prepare`` (optional) runs before the transaction, for reads that must not
    hold the write lock; what it returns is passed to ``step`` as ``kwargs["prepared"]``.
    """

    name: str
    events: frozenset[str]
    step: Callable[[Core, Turn, str, dict[str, Any], str], Stepped]
    buttons: Callable[[Sizes], Mapping[str, Spec]] = lambda sizes: {}
    commands: tuple[Command, ...] = ()
    link_kinds: str = ""  # deep links (``/start <kind>…``) this turn opens, by their first letter
    prepare: Callable[[Core, Turn, str, dict[str, Any]], Any] | None = None
