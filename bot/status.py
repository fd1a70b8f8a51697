"""``regiecoach status``: is the bot serving, and what waits or failed? For a health check.

Liveness and current faults come from the heartbeat file a run writes (it stays true while
the database is locked); counts come from the database, opened read only. Exit code 0 means
healthy, 1 unhealthy (no run, a stale heartbeat, a fault now, updates or scheduled work
waiting too long, a database that cannot be read).

A database no run has ever served (no ``<db>.lock``, no heartbeat: say one only
``regiecoach chat`` used, or a backup just restored) is not unhealthy: it is *idle*, exit 0,
as long as it can be read and nothing waits too long. Once a run has served it, no run means
unhealthy: that is the crash a health check is for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.health import STALE_SECONDS, read_heartbeat, status_path
from storage import DatabaseError
from storage.health import WorkCounts, open_readonly, work_counts
from storage.lock import held, lock_file

PENDING_TOO_LONG = timedelta(seconds=60)  # an update waiting longer means the bot is not keeping up
LATE = timedelta(minutes=5)  # scheduled work due longer ago and not claimed: the scheduler is stuck


@dataclass
class Report:
    healthy: bool
    lines: list[str] = field(default_factory=list)


def _ago(moment: str | None, now: datetime) -> str:
    if not moment:
        return "never"
    seconds = int((now - datetime.fromisoformat(moment)).total_seconds())
    return f"{seconds} s ago" if seconds < 120 else f"{seconds // 60} min ago"


def report(db_path: Path, now: datetime | None = None) -> Report:
    now = now or datetime.now(timezone.utc)
    problems: list[str] = []
    lines: list[str] = []
    beat = read_heartbeat(status_path(db_path))
    alive = held(db_path)
    idle = not alive and beat is None and not lock_file(db_path).exists()
    if idle:
        lines.append("run: none has served this database yet (`regiecoach run` starts one)")
    elif not alive:
        problems.append("no regiecoach run is serving this database")
    if beat is None:
        if not idle:
            lines.append("heartbeat: none written yet")
    else:
        age = (now - datetime.fromisoformat(beat["heartbeat_at"])).total_seconds() if beat.get("heartbeat_at") else None
        lines.append(f"run: pid {beat.get('pid')}, started {_ago(beat.get('started_at'), now)}, "
                     f"heartbeat {_ago(beat.get('heartbeat_at'), now)}")
        if alive and (age is None or age > STALE_SECONDS):
            problems.append("the heartbeat is stale: the run hangs")
        lines.append(f"last received: {_ago(beat.get('last_received_at'), now)}; "
                     f"last sent: {_ago(beat.get('last_sent_at'), now)}")
        if alive:
            for area, fault in (beat.get("faults") or {}).items():
                problems.append(f"{area} failing since {fault['since']}: {fault['message']}")
        if beat.get("last_error"):
            lines.append(f"last error ({beat['last_error']['since']}): {beat['last_error']['message']}")
    try:
        counts = work_counts(open_readonly(db_path), now.isoformat(timespec="seconds"),
                             (now - LATE).isoformat(timespec="seconds"))
    except DatabaseError as error:
        problems.append(f"the database cannot be read: {error}")
    else:
        lines += _count_lines(counts)
        oldest = counts.inbox.oldest_pending_at
        if oldest and now - datetime.fromisoformat(oldest) > PENDING_TOO_LONG:
            problems.append(f"{counts.inbox.pending} updates waiting, the oldest since {oldest}")
        if counts.late:
            problems.append(f"{counts.late} scheduled check-ins or prompts are more than "
                            f"{int(LATE.total_seconds() // 60)} minutes late")
    head = "UNHEALTHY" if problems else "idle" if idle else "healthy"
    return Report(not problems, [f"regiecoach: {head}", *(f"problem: {p}" for p in problems), *lines])


def _count_lines(counts: WorkCounts) -> list[str]:
    inbox = counts.inbox
    return [
        f"updates: {inbox.pending} pending, {inbox.unparseable} unparseable, {inbox.failed} failed",
        f"check-ins: {counts.checkins_due} due, {counts.checkins_waiting} waiting to be sent, "
        f"{counts.checkins_failed} failed",
        f"prompts: {counts.prompts_due} due, {counts.prompts_waiting} waiting to be sent, "
        f"{counts.prompts_failed} failed, {counts.prompts_unknown} unknown (interrupted while sending)",
    ]
