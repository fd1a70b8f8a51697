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


class PlanStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, user_id: int) -> PlanRecord:
        row = next(self.db.query("select * from plans where user_id = ?", [user_id]), None)
        if row is None:
            return PlanRecord(user_id, [], None, None, False, "idle", None)
        return PlanRecord(row["user_id"], json.loads(row["focus"]), row["weekday"], row["time"],
                          bool(row["active"]), row["step"], row["next_due_at"], row["checkins_sent"])

    def save(self, plan: PlanRecord, now: str) -> None:
        self.db.execute(
            "insert into plans (user_id, focus, weekday, time, active, step, next_due_at, checkins_sent, "
            "created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict(user_id) do update set "
            "focus = excluded.focus, weekday = excluded.weekday, time = excluded.time, active = excluded.active, "
            "step = excluded.step, next_due_at = excluded.next_due_at, updated_at = excluded.updated_at",
            [plan.user_id, json.dumps(plan.focus), plan.weekday, plan.time, int(plan.active), plan.step,
             plan.next_due_at, plan.checkins_sent, now, now],
        )

    def checkin(self, checkin_id: int, user_id: int) -> CheckinRecord | None:
        """The check-in ``checkin_id`` if it belongs to ``user_id``."""
        row = next(self.db.query("select * from checkins where id = ? and user_id = ?",
                                 [checkin_id, user_id]), None)
        return _checkin(row) if row else None

    def save_outcome(self, user_id: int, plan: PlanRecord | None, checkin: CheckinRecord | None,
                     awaiting: str | None | bool, now: str) -> None:
        """Save what a plan event changed in one transaction (``awaiting`` False = unchanged)."""
        with self.db.atomic():
            if plan is not None:
                self.save(plan, now)
            if checkin is not None:
                self.db.table("checkins").update(
                    checkin.id, {"rating": checkin.rating, "note": checkin.note, "answered_at": now})
            if awaiting is not False:
                self.set_awaiting(user_id, awaiting)

    def set_awaiting(self, user_id: int, awaiting: str | None) -> None:
        self.db.execute("update users set awaiting = ? where id = ?", [awaiting, user_id])

    def awaiting(self, user_id: int) -> str | None:
        row = next(self.db.query("select awaiting from users where id = ?", [user_id]), None)
        return row["awaiting"] if row else None

    def due_user_ids(self, now: str, limit: int = 500) -> list[int]:
        return [row["user_id"] for row in self.db.query(
            "select user_id from plans where active = 1 and next_due_at <= ? order by next_due_at limit ?",
            [now, limit])]

    def claim(self, user_id: int, now: str, choose: CheckinChooser, next_due: NextDue) -> DueCheckin | None:
        """Record the due check-in of ``user_id`` and move the plan to its next due time, atomically.

        Returns ``None`` when nothing is due (any more): a check-in is claimed at most once per
        due time, so it is never sent twice, also not across restarts.
        """
        with self.db.atomic():
            row = next(self.db.query(
                "select p.*, u.language from plans p join users u on u.id = p.user_id "
                "where p.user_id = ? and p.active = 1 and p.next_due_at <= ?", [user_id, now]), None)
            if row is None:
                return None
            focus = json.loads(row["focus"])
            competency, reflection = choose(focus, row["checkins_sent"])
            try:
                checkin_id = self.db.table("checkins").insert({
                    "user_id": user_id, "competency": competency, "reflection": reflection,
                    "due_at": row["next_due_at"], "sent_at": now,
                }).last_pk
            except sqlite3.IntegrityError:  # this due time was claimed before
                checkin_id = None
            self.db.execute(
                "update plans set next_due_at = ?, checkins_sent = checkins_sent + ?, updated_at = ? "
                "where user_id = ?", [next_due(row["weekday"], row["time"]), int(checkin_id is not None), now, user_id])
            if checkin_id is None:
                return None
            self.db.execute("update users set awaiting = null where id = ? and awaiting like 'checkin:%'", [user_id])
        checkin = CheckinRecord(checkin_id, user_id, competency, reflection, row["next_due_at"], None, None)
        return DueCheckin(checkin, row["language"])

    def stop(self, user_id: int, now: str) -> None:
        self.db.execute("update plans set active = 0, next_due_at = null, updated_at = ? where user_id = ?",
                        [now, user_id])

    def checkins_of(self, user_id: int) -> list[CheckinRecord]:
        return [_checkin(row) for row in self.db.query(
            "select * from checkins where user_id = ? order by id", [user_id])]


def _checkin(row: dict) -> CheckinRecord:
    return CheckinRecord(row["id"], row["user_id"], row["competency"], row["reflection"], row["due_at"],
                         row["rating"], row["note"])

