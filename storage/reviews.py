"""The plan's review after some weeks, and the one reminder about a stalled self-assessment:
each claimed in one transaction (at most once per due time, per stall), then sent item by item
with the same states as check-ins (pending, sending, sent, failed, unknown, unreachable)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from sqlite_utils import Database


@dataclass
class ReviewRecord:
    """A review as claimed: ``summary`` counts the round's actions and check-ins (JSON-able)."""

    id: int
    user_id: int
    due_at: str
    summary: dict
    status: str
    attempts: int = 0
    coach_id: int | None = None  # the coach with consent who was told
    language: str = "nl"


@dataclass
class ReminderRecord:
    """A reminder about ``assessment_id``, untouched since ``touched_at``, at question ``cursor``."""

    id: int
    user_id: int
    assessment_id: int
    cursor: int
    version: int
    language: str
    attempts: int = 0


class _Outbox:
    """The sending states of one table of proactive items (its name is one of ours, never input)."""

    def __init__(self, db: Database, table: str) -> None:
        self.db, self.table = db, table

    def start(self, item_id: int) -> bool:
        """Take a pending item for sending; only one sender wins."""
        return bool(self.db.execute(f"update {self.table} set status = 'sending', attempts = attempts + 1 "
                                    "where id = ? and status = 'pending'", [item_id]).rowcount)

    def sent(self, item_id: int, message_id: int | None, now: str) -> None:
        self.db.execute(f"update {self.table} set status = 'sent', sent_at = ?, message_id = ?, last_error = null "
                        "where id = ?", [now, message_id, item_id])

    def retry(self, item_id: int, error: str, retry_at: str) -> None:
        self.db.execute(f"update {self.table} set status = 'pending', next_attempt_at = ?, last_error = ? "
                        "where id = ?", [retry_at, error, item_id])

    def ended(self, item_id: int, status: str, error: str | None) -> None:
        self.db.execute(f"update {self.table} set status = ?, last_error = ? where id = ?", [status, error, item_id])

    def interrupted(self) -> int:
        """Items that were being sent when the process stopped: never sent again (at most once)."""
        return self.db.execute(f"update {self.table} set status = 'unknown', last_error = 'interrupted while "
                               "sending' where status = 'sending'").rowcount


class ReviewStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.reviews = _Outbox(db, "plan_reviews")
        self.reminders = _Outbox(db, "assessment_reminders")

    # --- reviews ------------------------------------------------------------------------------
    def due_review_user_ids(self, now: str, limit: int = 500) -> list[int]:
        """Running plans whose review is due and that are neither paused nor quiet."""
        return [row[0] for row in self.db.execute(
            "select user_id from plans where active = 1 and review_due_at <= ? and coalesce(paused_until, '') <= ? "
            "and coalesce(quiet_until, '') <= ? order by review_due_at limit ?", [now, now, now, limit])]

    def claim_review(self, user_id: int, now: str, following: str) -> int | None:
        """Count the plan's round (its actions and check-ins since it began, or since the last
        review) into a review to send, and plan the next one at ``following``, atomically; returns
        the review's id, or None when nothing is due (any more). One review per due time, also
        across restarts."""
        with self.db.atomic():
            plan = next(self.db.query(
                "select * from plans where user_id = ? and active = 1 and review_due_at <= ?", [user_id, now]), None)
            if plan is None:
                return None
            # the round: since the plan started (or was renewed), or since its last review
            reviewed = self.db.execute("select max(due_at) from plan_reviews where user_id = ?", [user_id]).fetchone()[0]
            since = max(plan["cycle_started_at"] or plan["created_at"], reviewed or "")
            summary = self._summary(user_id, since, json.loads(plan["focus"]))
            try:
                review_id = self.db.execute(
                    "insert into plan_reviews (user_id, due_at, created_at, summary, status, next_attempt_at) "
                    "values (?, ?, ?, ?, 'pending', ?)",
                    [user_id, plan["review_due_at"], now, json.dumps(summary, ensure_ascii=False), now]).lastrowid
            except sqlite3.IntegrityError:  # this due time was claimed before
                review_id = None
            self.db.execute("update plans set review_due_at = ?, updated_at = ? where user_id = ?",
                            [following, now, user_id])
        return review_id

    def _summary(self, user_id: int, since: str, focus: list[str]) -> dict:
        """The round as counts: each action that was active in it with its answers, the
        check-ins sent and answered, and whether the person asked colleagues before."""
        actions = []
        for row in self.db.query(
                "select a.*, sum(c.answer = 'done') as done, sum(c.answer = 'partly') as partly, "
                "sum(c.answer = 'notyet') as notyet, count(c.id) as asked from plan_actions a "
                "left join checkins c on c.action_id = a.id and c.status = 'sent' and c.due_at >= ? "
                "where a.user_id = ? and (a.status = 'active' or a.ended_at >= ?) and a.status != 'removed' "
                "group by a.id order by a.id", [since, user_id, since]):
            actions.append({key: row[key] for key in ("competency", "text", "tip", "cadence", "due_on", "status")}
                           | {key: row[key] or 0 for key in ("done", "partly", "notyet", "asked")})
        sent, answered = self.db.execute(
            "select count(*), coalesce(sum(answer is not null or rating is not null), 0) from checkins "
            "where user_id = ? and kind = 'checkin' and status = 'sent' and due_at >= ?", [user_id, since]).fetchone()
        asked_before = self.db.execute("select count(*) from feedback_requests where manager_id = ?",
                                       [user_id]).fetchone()[0]
        return {"since": since, "focus": focus, "actions": actions, "sent": sent, "answered": answered,
                "feedback_before": bool(asked_before)}

    def sendable_reviews(self, now: str, limit: int = 200) -> list[ReviewRecord]:
        rows = self.db.query(
            "select r.*, u.language from plan_reviews r join users u on u.id = r.user_id where r.status = 'pending' "
            "and r.next_attempt_at <= ? order by r.next_attempt_at, r.id limit ?", [now, limit])
        return [_review(row) for row in rows]

    def coach_told(self, review_id: int, coach_id: int, now: str) -> None:
        self.db.execute("update plan_reviews set coach_id = ?, coach_told_at = ? where id = ?",
                        [coach_id, now, review_id])

    def reviews_of(self, user_id: int) -> list[ReviewRecord]:
        """A person's reviews, newest first (e.g. for the coach's view, with consent)."""
        rows = self.db.query("select r.*, u.language from plan_reviews r join users u on u.id = r.user_id "
                             "where r.user_id = ? order by r.due_at desc, r.id desc", [user_id])
        return [_review(row) for row in rows]

    # --- reminders about a stalled self-assessment ---------------------------------------------
    def claim_reminders(self, now: str, untouched_since: str, last_since: str) -> int:
        """One reminder for every self-assessment being answered (not paused) that nobody touched
        since ``untouched_since``: at most one per stall (a later stall may get another), none for
        a person who had one since ``last_since`` or asked for none. Returns how many."""
        with self.db.atomic():
            self.db.execute(
                "insert or ignore into assessment_reminders (user_id, assessment_id, touched_at, cursor, created_at, "
                "status) select t.user_id, t.id, t.touched, t.cursor, :now, 'pending' from ("
                # the last touch (newest answer, else the start), worked out once per candidate …
                "select c.*, coalesce((select max(answered_at) from answers where assessment_id = c.id), c.started_at) "
                "as touched from ("
                # … of the open assessments of people who want reminders: one reminded after its person's
                # last activity has not been touched since (cheap to leave out before the answers are read)
                "select a.id, a.user_id, a.cursor, a.started_at from assessments a join users u on u.id = a.user_id "
                "where a.status = 'in_progress' and a.started_at <= :since and u.flow_state in ('answering', "
                "'completing') and u.consented_at is not null and not exists (select 1 from plans p where "
                "p.user_id = a.user_id and p.reminders_off_at is not null) and not exists (select 1 from "
                "assessment_reminders r where r.assessment_id = a.id and r.created_at > u.updated_at) limit -1"
                ") c limit -1) t "
                "where t.touched <= :since and not exists (select 1 from assessment_reminders r where "
                "r.user_id = t.user_id and (r.created_at > :last or (r.assessment_id = t.id and "
                "r.touched_at >= t.touched)))",
                {"now": now, "since": untouched_since, "last": last_since})
            return self.db.execute("select changes()").fetchone()[0]

    def sendable_reminders(self, now: str, limit: int = 500) -> list[ReminderRecord]:
        """Pending reminders whose assessment is still open where it was: one touched meanwhile
        is cancelled instead."""
        self.db.execute(
            "update assessment_reminders set status = 'cancelled' where status = 'pending' and not exists "
            "(select 1 from assessments a join users u on u.id = a.user_id where a.id = assessment_id and "
            "a.status = 'in_progress' and a.cursor = assessment_reminders.cursor "
            "and u.flow_state in ('answering', 'completing'))")
        rows = self.db.query(
            "select r.id, r.user_id, r.assessment_id, r.cursor, r.attempts, a.version, u.language "
            "from assessment_reminders r join assessments a on a.id = r.assessment_id join users u on u.id = r.user_id "
            "where r.status = 'pending' and coalesce(r.next_attempt_at, '') <= ? order by r.id limit ?", [now, limit])
        return [ReminderRecord(row["id"], row["user_id"], row["assessment_id"], row["cursor"], row["version"],
                               row["language"], row["attempts"]) for row in rows]


def _review(row: dict) -> ReviewRecord:
    return ReviewRecord(row["id"], row["user_id"], row["due_at"], json.loads(row["summary"]), row["status"],
                        row["attempts"], row["coach_id"], row["language"])
