"""Admin statistics at the edge: take a snapshot when one is due, then show or export it.

Both entry points work on an empty database and with nothing configured. The first snapshot
is taken as soon as ``min_group`` people completed; later ones at most once per calendar
period, counting what stood at the period's start (see ``bot/flows/disclosure.py``). Called outside
a transaction, a due snapshot is counted without holding the write lock (about 2 s at 100,000
assessments) and written in a short one; inside the caller's transaction, all happens in it.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.content import Content
from bot.flows import disclosure as stats_flow
from bot.flows.screens import Screen
from storage import Database, StatsStore, immediate


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _cut(store: StatsStore, min_group: int, now: datetime, period: str, zone: str) -> datetime | None:
    """Up to which moment a new snapshot counts, or None when none is due: the first as soon as
    ``min_group`` people completed (up to now); a renewal only in a period later than the last
    snapshot's, with ``min_group`` people completed between that one and this period's start."""
    row = store.latest_snapshot()
    if row is None:
        return now if store.people_completed_between(None, _iso(now)) >= min_group else None
    start = stats_flow.period_start(now, period, zone)
    if row.taken_at >= _iso(start):  # renewed (or first taken) in this period already
        return None
    new_people = store.people_completed_between(row.watermark, _iso(start))
    return start if stats_flow.renewal_due(new_people, min_group) else None


def published(db: Database, content: Content, min_group: int, now: datetime, period: str = "month",
              zone: str = "Europe/Amsterdam") -> tuple[stats_flow.Snapshot | None, str]:
    """The latest snapshot (taken first when due) and the date from which the next one may
    appear. None: not yet ``min_group`` people completed.

    The counts are read first (outside a write transaction this holds up no writer), then the
    snapshot is written under the write lock unless somebody else took one meanwhile."""
    store = StatsStore(db)
    row = store.latest_snapshot()
    previous = stats_flow.Snapshot.from_dict(row.figures) if row else None
    next_from = stats_flow.next_period_start(now, period, zone).astimezone(ZoneInfo(zone)).date().isoformat()
    cut = _cut(store, min_group, now, period, zone)
    if cut is None:
        return previous, next_from
    counts = store.counts(_iso(cut))
    with immediate(db):
        latest = store.latest_snapshot()
        if (latest.id if latest else None) != (row.id if row else None):  # another admin was first
            return stats_flow.Snapshot.from_dict(latest.figures), next_from
        today = cut.astimezone(ZoneInfo(zone)).date().isoformat()
        snapshot = stats_flow.publish(previous, counts, content, min_group, today)
        store.save_snapshot(_iso(now), counts.watermark, snapshot.to_dict())
    return snapshot, next_from


def admin_screens(db: Database, content: Content, min_group: int, now: datetime, period: str = "month",
                  zone: str = "Europe/Amsterdam") -> list[Screen]:
    """The /stats screens (texts and charts) of the published figures."""
    snapshot, next_from = published(db, content, min_group, now, period, zone)
    return stats_flow.admin_screens(snapshot, content, min_group, next_from)


def csv_export(db: Database, content: Content, min_group: int, now: datetime, period: str = "month",
               zone: str = "Europe/Amsterdam") -> tuple[str, bytes]:
    """(file name, UTF-8 CSV) of the same published figures: one row per figure, none per person."""
    snapshot, next_from = published(db, content, min_group, now, period, zone)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(stats_flow.csv_rows(snapshot, min_group, next_from, content))
    name = f"regiecoach-statistics-{snapshot.taken}.csv" if snapshot else "regiecoach-statistics.csv"
    return name, out.getvalue().encode("utf-8")
