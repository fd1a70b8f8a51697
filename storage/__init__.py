"""SQLite storage for Regiecoach: the only package that speaks SQL.

Everything here returns plain dataclasses and dicts and imports nothing else of ours.
"""

from sqlite_utils import Database

from storage.aggregates import StatsCounts, StatsSnapshot, StatsStore
from storage.assessments import DIDNT_COME_UP, AssessmentRecord, AssessmentStore
from storage.coach_view import (
    Card,
    CheckinLine,
    CoachDeskStore,
    DeskRow,
    Happening,
    Previous,
)
from storage.coaching import (
    CoacheeStatus,
    CoachRecord,
    CoachStore,
    CoachSummary,
    Delivery,
    DeliveryPrompt,
    OfferRecord,
    PromptRecord,
    Relation,
    Schedule,
)
from storage.database import (
    DatabaseError,
    busy,
    immediate,
    open_database,
    wipe_freed_bytes,
)
from storage.feedback import FeedbackStore, RaterSession, RequestRecord
from storage.inbox import InboxCounts, InboxItem, InboxStore
from storage.plans import (
    ANSWERS,
    ActionRecord,
    CheckinRecord,
    Claim,
    ClaimInput,
    DueCheckin,
    PlanRecord,
    PlanStore,
)
from storage.privacy import USER_COLUMNS, PrivacyStore
from storage.reviews import ReminderRecord, ReviewRecord, ReviewStore
from storage.threads import ThreadItem, ThreadLink, ThreadStore
from storage.users import UserRecord, UserStore

__all__ = [
    "ANSWERS",
    "DIDNT_COME_UP",
    "USER_COLUMNS",
    "ActionRecord",
    "Card",
    "CheckinLine",
    "CoachDeskStore",
    "DeskRow",
    "Happening",
    "Previous",
    "AssessmentRecord",
    "AssessmentStore",
    "CheckinRecord",
    "Claim",
    "ClaimInput",
    "CoachRecord",
    "CoachStore",
    "CoachSummary",
    "CoacheeStatus",
    "Database",
    "DatabaseError",
    "Delivery",
    "DeliveryPrompt",
    "DueCheckin",
    "FeedbackStore",
    "InboxCounts",
    "InboxItem",
    "InboxStore",
    "OfferRecord",
    "PlanRecord",
    "PlanStore",
    "PrivacyStore",
    "PromptRecord",
    "RaterSession",
    "ReminderRecord",
    "Relation",
    "RequestRecord",
    "ReviewRecord",
    "ReviewStore",
    "Schedule",
    "StatsCounts",
    "StatsSnapshot",
    "StatsStore",
    "ThreadItem",
    "ThreadLink",
    "ThreadStore",
    "UserRecord",
    "UserStore",
    "busy",
    "immediate",
    "open_database",
    "wipe_freed_bytes",
]
