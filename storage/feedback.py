"""Feedback requests, raters' sessions and answers, and the published summaries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlite_utils import Database


@dataclass
class RequestRecord:
    id: int
    manager_id: int
    manager_name: str
    code: str
    status: str  # open | closed | expired
    close_when_ready: bool
    created_at: str
    closes_at: str
    closed_at: str | None
    summary: dict | None
    started: int = 0  # raters who began (this link or an earlier one of the request)
    completed: int = 0


@dataclass
class RaterSession:
    """One rater's round on one request."""

    id: int
    request_id: int
    rater_id: int
    code: str
    relation: str | None
    status: str  # offered | answering | completed | replaced | void
    cursor: int
    answers: dict[str, int | None] = field(default_factory=dict)


def _request(row: dict) -> RequestRecord:
    return RequestRecord(row["id"], row["manager_id"], row["manager_name"], row["code"], row["status"],
                         bool(row["close_when_ready"]), row["created_at"], row["closes_at"], row["closed_at"],
                         json.loads(row["summary"]) if row["summary"] else None,
                         row.get("started") or 0, row.get("completed") or 0)


_WITH_COUNTS = ("select q.*, (select count(*) from feedback_raters r where r.request_id = q.id "
                "and r.status in ('answering', 'completed')) as started, (select count(*) from feedback_raters r "
                "where r.request_id = q.id and r.status = 'completed') as completed from feedback_requests q ")


class FeedbackStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- requests -------------------------------------------------------------------------
    def create(self, manager_id: int, manager_name: str, code: str, now: str, closes_at: str) -> int:
        return self.db.table("feedback_requests").insert({
            "manager_id": manager_id, "manager_name": manager_name, "code": code, "status": "open",
            "created_at": now, "closes_at": closes_at}).last_pk

    def latest_of(self, manager_id: int) -> RequestRecord | None:
        row = next(self.db.query(_WITH_COUNTS + "where q.manager_id = ? order by q.id desc limit 1", [manager_id]),
                   None)
        return _request(row) if row else None

    def latest_closed_of(self, manager_id: int) -> RequestRecord | None:
        """The manager's latest request with a published summary."""
        row = next(self.db.query(_WITH_COUNTS + "where q.manager_id = ? and q.summary is not null "
                                 "order by q.id desc limit 1", [manager_id]), None)
        return _request(row) if row else None

    def by_code(self, code: str) -> RequestRecord | None:
        row = next(self.db.query(_WITH_COUNTS + "where q.code = ?", [code]), None)
        return _request(row) if row else None

    def request(self, request_id: int) -> RequestRecord | None:
        row = next(self.db.query(_WITH_COUNTS + "where q.id = ?", [request_id]), None)
        return _request(row) if row else None

    def renew_code(self, request_id: int, code: str) -> None:
        """A new link: the old one stops working, and so do sessions opened from it."""
        self.db.execute("update feedback_requests set code = ? where id = ?", [code, request_id])
        self.db.execute("update feedback_raters set status = 'void' where request_id = ? "
                        "and status in ('offered', 'answering')", [request_id])

    def close_when_ready(self, request_id: int) -> None:
        self.db.execute("update feedback_requests set close_when_ready = 1 where id = ?", [request_id])

    def close(self, request_id: int, status: str, summary: dict | None, now: str) -> None:
        """Close with the summary as a snapshot, remembering whom it covers."""
        self.db.execute("update feedback_requests set status = ?, closed_at = ?, summary = ? where id = ?",
                        [status, now, json.dumps(summary) if summary else None, request_id])
        if summary is not None:
            self.db.execute("insert or ignore into feedback_summary_raters (request_id, rater_id) select "
                            "request_id, rater_id from feedback_raters where request_id = ? and status = 'completed'",
                            [request_id])

    def covered(self, request_id: int) -> int:
        """How many of the raters a summary covers are still here (the others erased themselves)."""
        return self.db.execute("select count(*) from feedback_summary_raters where request_id = ?",
                               [request_id]).fetchone()[0]

    def due_to_close(self, now: str) -> list[int]:
        return [row[0] for row in self.db.execute(
            "select id from feedback_requests where status = 'open' and closes_at <= ?", [now]).fetchall()]

    def completed_answers(self, request_id: int) -> list[tuple[str, dict[str, int | None]]]:
        """(relation, answers) of every completed rater: only ever combined, never shown alone."""
        sessions = self.db.execute("select id, relation from feedback_raters where request_id = ? "
                                   "and status = 'completed' order by id", [request_id]).fetchall()
        out = []
        for session_id, relation in sessions:
            answers = dict(self.db.execute("select question_id, value from feedback_answers where session_id = ?",
                                           [session_id]).fetchall())
            out.append((relation, answers))
        return out

    # --- raters ----------------------------------------------------------------------------
    def session(self, session_id: int, rater_id: int) -> RaterSession | None:
        """A rater's own session (never someone else's)."""
        row = next(self.db.query("select * from feedback_raters where id = ? and rater_id = ?",
                                 [session_id, rater_id]), None)
        return self._with_answers(row) if row else None

    def open_session(self, request_id: int, rater_id: int) -> RaterSession | None:
        row = next(self.db.query("select * from feedback_raters where request_id = ? and rater_id = ? and status in "
                                 "('offered', 'answering') order by id desc limit 1", [request_id, rater_id]), None)
        return self._with_answers(row) if row else None

    def completed_by(self, request_id: int, rater_id: int, code: str) -> str | None:
        """When this rater last completed this request through the link ``code`` (None: never)."""
        row = self.db.execute("select max(completed_at) from feedback_raters where request_id = ? and rater_id = ? "
                              "and code = ? and status = 'completed'", [request_id, rater_id, code]).fetchone()
        return row[0] if row else None

    def _with_answers(self, row: dict) -> RaterSession:
        answers = dict(self.db.execute("select question_id, value from feedback_answers where session_id = ?",
                                       [row["id"]]).fetchall())
        return RaterSession(row["id"], row["request_id"], row["rater_id"], row["code"], row["relation"],
                             row["status"], row["cursor"], answers)

    def begin(self, request_id: int, rater_id: int, code: str, now: str) -> int:
        self.db.execute("update feedback_raters set status = 'void' where request_id = ? and rater_id = ? "
                        "and status in ('offered', 'answering')", [request_id, rater_id])
        return self.db.table("feedback_raters").insert({
            "request_id": request_id, "rater_id": rater_id, "code": code, "status": "offered",
            "started_at": now}).last_pk

    def save_session(self, session_id: int, rater_id: int, relation: str | None, status: str, cursor: int,
                     changed: dict[str, int | None], now: str) -> None:
        """Save a rater's own session (never someone else's) with its changed answers."""
        if not self.db.execute("update feedback_raters set relation = ?, status = ?, cursor = ?, completed_at = "
                               "case when ? = 'completed' then ? else completed_at end where id = ? and rater_id = ?",
                               [relation, status, cursor, status, now, session_id, rater_id]).rowcount:
            return
        for question_id, value in changed.items():
            self.db.execute("insert into feedback_answers (session_id, question_id, value, answered_at) "
                            "values (?, ?, ?, ?) on conflict(session_id, question_id) do update set "
                            "value = excluded.value, answered_at = excluded.answered_at",
                            [session_id, question_id, value, now])
        if status == "completed":  # a second round replaces the first
            earlier = [row[0] for row in self.db.execute(
                "select id from feedback_raters where request_id = (select request_id from feedback_raters "
                "where id = ?) and rater_id = ? and status = 'completed' and id != ?",
                [session_id, rater_id, session_id]).fetchall()]
            for earlier_id in earlier:
                self.db.execute("delete from feedback_answers where session_id = ?", [earlier_id])
                self.db.execute("update feedback_raters set status = 'replaced' where id = ?", [earlier_id])

    def to_remind(self, started_before: str) -> list[tuple[int, int, str]]:
        """(session, rater, manager's name) of raters who stopped halfway and were not reminded."""
        return [tuple(row) for row in self.db.execute(
            "select r.id, r.rater_id, q.manager_name from feedback_raters r join feedback_requests q "
            "on q.id = r.request_id where r.status = 'answering' and r.started_at <= ? and r.reminded_at is null "
            "and q.status = 'open'", [started_before]).fetchall()]

    def reminded(self, session_id: int, now: str) -> None:
        self.db.execute("update feedback_raters set reminded_at = ? where id = ?", [now, session_id])

