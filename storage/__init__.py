"""SQLite storage for Regiecoach: the only package that speaks SQL.

Everything here returns plain dataclasses and dicts and imports nothing else of ours.
"""

from sqlite_utils import Database

from storage.coaching import (
    CoachRecord,
    CoachStore,
    CoachSummary,
    CoacheeStatus,
    Delivery,
    OfferRecord,
    PromptRecord,
    Relation,
    Schedule,
)
from storage.feedback import FeedbackStore, RequestRecord
from storage.database import DatabaseError, busy, immediate, open_database, wipe_freed_bytes
from storage.inbox import InboxCounts, InboxItem, InboxStore
from storage.plans import CheckinRecord, DueCheckin, InvalidPlan, PlanRecord, PlanStore
from storage.privacy import USER_COLUMNS, PrivacyStore
from storage.stats import StatsCounts, StatsSnapshot, StatsStore
from storage.sessions import (
    AnswerRecord,
    AssessmentRecord,
    CompletedRecord,
    SessionRecord,
    SessionStore,
    UserRecord,
)

__all__ = [
    "DatabaseError",
    "FeedbackStore",
    "RequestRecord",
    "busy",
    "immediate",
    "AnswerRecord",
    "AssessmentRecord",
    "CheckinRecord",
    "CoachRecord",
    "CoachStore",
    "CoacheeStatus",
    "CoachSummary",
    "OfferRecord",
    "PromptRecord",
    "Delivery",
    "Relation",
    "Schedule",
    "DueCheckin",
    "StatsCounts",
    "StatsSnapshot",
    "InboxItem",
    "InboxStore",
    "PrivacyStore",
    "USER_COLUMNS",
    "PlanRecord",
    "PlanStore",
    "InvalidPlan",
    "InboxCounts",
    "CompletedRecord",
    "Database",
    "SessionRecord",
    "SessionStore",
    "StatsStore",
    "UserRecord",
    "open_database",
    "wipe_freed_bytes",
]
