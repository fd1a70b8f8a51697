"""Admin statistics at the edge: take a snapshot when one is due, then show or export it.

Both entry points work on an empty database and with nothing configured. Called outside a
transaction, a due snapshot is counted without holding the write lock (about 2 s at 100,000
assessments) and written in a short one; inside the caller's transaction, all happens in it.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from bot.content import Content
from bot.flows import stats as stats_flow
from bot.flows.screens import Screen
from storage import Database, StatsStore, immediate


def published(db: Database, content: Content, min_group: int, now: datetime) -> tuple[stats_flow.Snapshot | None, int]:
    """The latest snapshot (taken first when due) and how many more people must complete before
    the next one. None: not yet ``min_group`` people completed.

    The counts are read first (outside a write transaction this holds up no writer), then the
    snapshot is written under the write lock unless somebody else took one meanwhile."""
    store = StatsStore(db)
    row = store.latest_snapshot()
    new_people = store.people_completed_since(row.watermark if row else None)
    previous = stats_flow.Snapshot.from_dict(row.figures) if row else None
    if not stats_flow.due(new_people, min_group):
        return previous, min_group - new_people
    counts = store.counts()
    with immediate(db):
        latest = store.latest_snapshot()
        if (latest.id if latest else None) != (row.id if row else None):  # another admin was first
            return (stats_flow.Snapshot.from_dict(latest.figures),
                    max(1, min_group - store.people_completed_since(latest.watermark)))
        moment = now.astimezone(timezone.utc)
        snapshot = stats_flow.publish(previous, counts, content, min_group, moment.date().isoformat())
        store.save_snapshot(moment.isoformat(timespec="seconds"), counts.watermark, snapshot.to_dict())
    return snapshot, min_group


def admin_screens(db: Database, content: Content, min_group: int, now: datetime) -> list[Screen]:
    """The /stats screens (texts and charts) of the published figures."""
    snapshot, needed = published(db, content, min_group, now)
    return stats_flow.admin_screens(snapshot, content, min_group, needed)


def csv_export(db: Database, content: Content, min_group: int, now: datetime) -> tuple[str, bytes]:
    """(file name, UTF-8 CSV) of the same published figures: one row per figure, none per person."""
    snapshot, needed = published(db, content, min_group, now)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(stats_flow.csv_rows(snapshot, min_group, needed, content))
    name = f"regiecoach-statistics-{snapshot.taken}.csv" if snapshot else "regiecoach-statistics.csv"
    return name, out.getvalue().encode("utf-8")
