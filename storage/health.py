"""Counts of waiting and failed work, for ``regiecoach status`` (read only)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from storage.inbox import InboxCounts, InboxStore


@dataclass
class WorkCounts:
    inbox: InboxCounts
    checkins_due: int  # plans whose check-in is due and not yet claimed
    checkins_waiting: int  # claimed, to be sent (or sent again after a fault)
    checkins_failed: int
    prompts_due: int  # schedules due and not yet claimed
    prompts_waiting: int
    prompts_failed: int
    prompts_unknown: int  # interrupted while sending: may or may not have arrived
    late: int  # check-ins and prompts due before ``late_before`` and still not claimed


def open_readonly(path: str | Path) -> Database:
    """The database for reading only (no migrations, no locks taken for writing)."""
    conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, timeout=2.0)
    return Database(conn)


def work_counts(db: Database, now: str, late_before: str) -> WorkCounts:
    one = lambda sql, *args: db.execute(sql, list(args)).fetchone()[0] or 0  # noqa: E731
    return WorkCounts(
        inbox=InboxStore(db).counts(),
        checkins_due=one("select count(*) from plans where active = 1 and next_due_at <= ?", now),
        checkins_waiting=one("select count(*) from checkins where status in ('pending', 'sending')"),
        checkins_failed=one("select count(*) from checkins where status = 'failed'")
        + one("select count(*) from plans where failures > 0"),
        prompts_due=one("select count(*) from prompt_schedules where active = 1 and next_due_at <= ?", now),
        prompts_waiting=one("select count(*) from prompt_deliveries where status in ('pending', 'sending')"),
        prompts_failed=one("select count(*) from prompt_deliveries where status = 'failed'")
        + one("select count(*) from prompt_schedules where failures > 0"),
        prompts_unknown=one("select count(*) from prompt_deliveries where status = 'unknown'"),
        late=one("select count(*) from plans where active = 1 and next_due_at <= ?", late_before)
        + one("select count(*) from prompt_schedules where active = 1 and next_due_at <= ?", late_before),
    )
