"""Development plans and their check-ins; claiming a due check-in is atomic."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from sqlite_utils import Database

# (focus competencies, check-ins sent so far) -> (competency, reflection index)
CheckinChooser = Callable[[list[str], int], tuple[str, int]]
# (weekday, "HH:MM") -> the next due time after now, UTC ISO
NextDue = Callable[[int, str], str]


@dataclass
class PlanRecord:
    user_id: int
    focus: list[str]
    weekday: int | None
    time: str | None
    active: bool
    step: str
    next_due_at: str | None
    checkins_sent: int = 0
    draft_focus: list[str] | None = None  # the focus being changed, until it is confirmed


@dataclass
class CheckinRecord:
    id: int
    user_id: int
    competency: str
    reflection: int
    due_at: str
    rating: int | None
    note: str | None


@dataclass
class DueCheckin:
    """A claimed check-in, ready to send: the plan has moved on to its next due time."""

    checkin: CheckinRecord
    language: str
    attempts: int = 0


class PlanStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, user_id: int) -> PlanRecord:
        row = next(self.db.query("select * from plans where user_id = ?", [user_id]), None)
        if row is None:
            return PlanRecord(user_id, [], None, None, False, "idle", None)
        draft = json.loads(row["draft_focus"]) if row["draft_focus"] is not None else None
        return PlanRecord(row["user_id"], json.loads(row["focus"]), row["weekday"], row["time"],
                          bool(row["active"]), row["step"], row["next_due_at"], row["checkins_sent"], draft)

    def save(self, plan: PlanRecord, now: str) -> None:
        if plan.active and not (plan.focus and plan.weekday is not None and plan.time and plan.next_due_at):
            raise ValueError(f"never stored: an active plan needs focus, a day, a time and a due time: {plan!r}")
        self.db.execute(
            "insert into plans (user_id, focus, draft_focus, weekday, time, active, step, next_due_at, "
            "checkins_sent, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "on conflict(user_id) do update set focus = excluded.focus, draft_focus = excluded.draft_focus, "
            "weekday = excluded.weekday, time = excluded.time, active = excluded.active, step = excluded.step, "
            "next_due_at = excluded.next_due_at, updated_at = excluded.updated_at",
            [plan.user_id, json.dumps(plan.focus), None if plan.draft_focus is None else json.dumps(plan.draft_focus),
             plan.weekday, plan.time, int(plan.active), plan.step, plan.next_due_at, plan.checkins_sent, now, now],
        )

    def checkin(self, checkin_id: int, user_id: int) -> CheckinRecord | None:
        """The check-in ``checkin_id`` if it belongs to ``user_id``."""
        row = next(self.db.query("select * from checkins where id = ? and user_id = ?",
                                 [checkin_id, user_id]), None)
        return _checkin(row) if row else None

    def rate(self, checkin_id: int, rating: int, now: str) -> None:
        self.db.execute("update checkins set rating = ?, answered_at = ? where id = ?", [rating, now, checkin_id])

    def note(self, checkin_id: int, note: str, now: str) -> None:
        self.db.execute("update checkins set note = ?, answered_at = ? where id = ?", [note, now, checkin_id])

    def share_note(self, checkin_id: int, coach_id: int, now: str) -> None:
        """The user shares this check-in's note with their coach (their own choice)."""
        self.db.execute("update checkins set shared_with = ?, shared_at = ? where id = ?", [coach_id, now, checkin_id])

    def due_user_ids(self, now: str, limit: int = 500) -> list[int]:
        return [row["user_id"] for row in self.db.query(
            "select user_id from plans where active = 1 and next_due_at <= ? order by next_due_at limit ?",
            [now, limit])]

    def claim(self, user_id: int, now: str, choose: CheckinChooser, next_due: NextDue) -> int | None:
        """Record the due check-in of ``user_id`` (to be sent) and move the plan to its next due
        time, atomically; returns the check-in's id.

        Returns ``None`` when nothing is due (any more): a check-in is claimed at most once per
        due time, so it is never sent twice, also not across restarts. Raises when the plan
        cannot make a check-in (nothing is written then).
        """
        with self.db.atomic():
            row = next(self.db.query(
                "select * from plans where user_id = ? and active = 1 and next_due_at <= ?", [user_id, now]), None)
            if row is None:
                return None
            competency, reflection = choose(json.loads(row["focus"]), row["checkins_sent"])
            try:
                checkin_id = self.db.table("checkins").insert({
                    "user_id": user_id, "competency": competency, "reflection": reflection,
                    "due_at": row["next_due_at"], "status": "pending", "next_attempt_at": now,
                }).last_pk
            except sqlite3.IntegrityError:  # this due time was claimed before
                checkin_id = None
            self.db.execute(
                "update plans set next_due_at = ?, checkins_sent = checkins_sent + ?, failures = 0, "
                "last_error = null, updated_at = ? where user_id = ?",
                [next_due(row["weekday"], row["time"]), int(checkin_id is not None), now, user_id])
        return checkin_id

    def failures(self, user_id: int) -> int:
        row = self.db.execute("select failures from plans where user_id = ?", [user_id]).fetchone()
        return row[0] if row else 0

    def claim_failed(self, user_id: int, error: str, now: str, retry_at: str, give_up: bool) -> None:
        """The plan could not make its check-in: try again at ``retry_at``, or stop it (failed)."""
        self.db.execute(
            "update plans set failures = failures + 1, last_error = ?, updated_at = ?, "
            "next_due_at = case when ? then null else ? end, active = case when ? then 0 else active end "
            "where user_id = ?", [error, now, give_up, retry_at, give_up, user_id])

    def sendable_checkins(self, now: str, limit: int = 500) -> list[DueCheckin]:
        """Claimed check-ins waiting to be sent (or sent again after a transient fault)."""
        rows = self.db.query(
            "select c.*, u.language from checkins c join users u on u.id = c.user_id "
            "where c.status = 'pending' and c.next_attempt_at <= ? order by c.next_attempt_at, c.id limit ?",
            [now, limit])
        return [DueCheckin(_checkin(row), row["language"], row["attempts"]) for row in rows]

    def start_sending(self, checkin_id: int) -> bool:
        """Take a pending check-in for sending; only one sender wins."""
        return bool(self.db.execute(
            "update checkins set status = 'sending', attempts = attempts + 1 where id = ? and status = 'pending'",
            [checkin_id]).rowcount)

    def checkin_sent(self, checkin_id: int, message_id: int | None, now: str) -> None:
        self.db.execute("update checkins set status = 'sent', sent_at = ?, message_id = ?, last_error = null "
                        "where id = ?", [now, message_id, checkin_id])

    def checkin_retry(self, checkin_id: int, error: str, retry_at: str) -> None:
        self.db.execute("update checkins set status = 'pending', next_attempt_at = ?, last_error = ? where id = ?",
                        [retry_at, error, checkin_id])

    def checkin_ended(self, checkin_id: int, status: str, error: str | None) -> None:
        """Given up: ``failed`` (with its reason), ``unreachable`` (blocked) or ``unknown``."""
        self.db.execute("update checkins set status = ?, last_error = ? where id = ?", [status, error, checkin_id])

    def interrupted_checkins(self) -> int:
        """Check-ins that were being sent when the process stopped: they may or may not have
        arrived, so they are never sent again (at most once) and marked ``unknown``."""
        return self.db.execute("update checkins set status = 'unknown', last_error = 'interrupted while sending' "
                               "where status = 'sending'").rowcount

    def stop(self, user_id: int, now: str) -> None:
        self.db.execute("update plans set active = 0, next_due_at = null, updated_at = ? where user_id = ?",
                        [now, user_id])


def _checkin(row: dict) -> CheckinRecord:
    return CheckinRecord(row["id"], row["user_id"], row["competency"], row["reflection"], row["due_at"],
                         row["rating"], row["note"])

