"""A user's conversation: profile, open assessment and its answers, loaded and saved whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlite_utils import Database

from storage.stats import StatsStore

HISTORY = 2  # completed assessments loaded with a session: the latest and the one before



@dataclass
class UserRecord:
    id: int
    language: str
    flow_state: str
    consented_at: str | None = None


@dataclass
class AssessmentRecord:
    id: int | None  # None until first saved
    status: str  # in_progress | completed | abandoned
    cursor: int
    started_at: str
    completed_at: str | None = None
    version: int = 1  # of the question set it is taken with


DIDNT_COME_UP = 0  # answers.value (and feedback_answers.value) of "didn't come up"; NULL is a skip


@dataclass
class AnswerRecord:
    question_id: str
    value: int | None
    answered_at: str


@dataclass
class CompletedRecord:
    id: int
    completed_at: str
    answers: dict[str, int | None]
    version: int = 1


@dataclass
class SessionRecord:
    """Everything the assessment flow needs about one user."""

    user: UserRecord
    is_new: bool
    assessment: AssessmentRecord | None = None  # the open one
    answers: dict[str, int | None] = field(default_factory=dict)
    history: list[CompletedRecord] = field(default_factory=list)  # the last completed ones, latest first
    abandon_id: int | None = None  # an open assessment to close on save: abandoned, or completed
    restore_result: dict | None = None  # again if it had been completed before (then its result row)


class SessionStore:
    """Loads and saves :class:`SessionRecord` objects; one transaction per save."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _query(self, sql: str, params: list) -> Iterator[dict]:
        """Rows as dicts, without sqlite-utils' per-query savepoint (this runs on every update)."""
        cursor = self.db.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        return (dict(zip(columns, row)) for row in cursor.fetchall())

    def load(self, user_id: int, default_language: str, default_state: str) -> SessionRecord:
        row = next(self._query("select * from users where id = ?", [user_id]), None)
        if row is None:
            user = UserRecord(user_id, default_language, default_state)
            return SessionRecord(user=user, is_new=True)
        user = UserRecord(row["id"], row["language"], row["flow_state"], row["consented_at"])
        session = SessionRecord(user=user, is_new=False)
        open_row = next(
            self._query(
                "select * from assessments where user_id = ? and status = 'in_progress' "
                "order by id desc limit 1",
                [user_id],
            ),
            None,
        )
        if open_row is not None:
            session.assessment = AssessmentRecord(
                open_row["id"], open_row["status"], open_row["cursor"], open_row["started_at"],
                open_row["completed_at"], open_row["version"],
            )
            session.answers = {
                r["question_id"]: r["value"]
                for r in self._query(
                    "select question_id, value from answers where assessment_id = ?",
                    [open_row["id"]],
                )
            }
        session.history = self.completed(user_id, limit=HISTORY)
        return session

    def completed(self, user_id: int, limit: int | None = None) -> list[CompletedRecord]:
        """The user's completed assessments with their answers, latest first."""
        rows = list(self._query(
            "select id, completed_at, version from assessments where user_id = ? and status = 'completed' "
            "order by completed_at desc, id desc" + (" limit ?" if limit else ""),
            [user_id, limit] if limit else [user_id],
        ))
        records = {row["id"]: CompletedRecord(row["id"], row["completed_at"], {}, row["version"]) for row in rows}
        if records:
            marks = ",".join("?" * len(records))
            for row in self._query(
                f"select assessment_id, question_id, value from answers where assessment_id in ({marks})",
                list(records),
            ):
                records[row["assessment_id"]].answers[row["question_id"]] = row["value"]
        return list(records.values())

    def save(
        self,
        session: SessionRecord,
        changed_answers: dict[str, int | None],
        now: str,
        result: dict | None = None,
    ) -> None:
        """Write the user, the assessment, the changed answers and (when it was completed) its
        result row in one transaction. A new assessment (``id is None``) gets its id here.
        """
        user = session.user
        with self.db.atomic():
            self.db.execute(
                "insert into users (id, language, flow_state, consented_at, created_at, updated_at) "
                "values (?, ?, ?, ?, ?, ?) on conflict(id) do update set "
                "language = excluded.language, flow_state = excluded.flow_state, "
                "consented_at = excluded.consented_at, updated_at = excluded.updated_at",
                [user.id, user.language, user.flow_state, user.consented_at, now, now],
            )
            if session.abandon_id is not None:
                # an assessment reopened to complete missing answers goes back to completed
                self.db.execute("update assessments set status = case when completed_at is null "
                                "then 'abandoned' else 'completed' end where id = ?", [session.abandon_id])
                if session.restore_result is not None:
                    StatsStore(self.db).save_result(session.restore_result)
            assessment = session.assessment
            if assessment is not None:
                # plain statements: this runs on every answer (sqlite-utils' table helpers
                # introspect the schema on each call)
                if assessment.id is None:
                    assessment.id = self.db.execute(
                        "insert into assessments (user_id, status, cursor, started_at, completed_at, version) "
                        "values (?, ?, ?, ?, ?, ?)",
                        [user.id, assessment.status, assessment.cursor, assessment.started_at,
                         assessment.completed_at, assessment.version]).lastrowid
                else:
                    self.db.execute(
                        "update assessments set status = ?, cursor = ?, completed_at = ? where id = ?",
                        [assessment.status, assessment.cursor, assessment.completed_at, assessment.id])
                for question_id, value in changed_answers.items():
                    self.db.execute(
                        "insert into answers (assessment_id, question_id, value, answered_at) values (?, ?, ?, ?) "
                        "on conflict(assessment_id, question_id) do update set value = excluded.value, "
                        "answered_at = excluded.answered_at", [assessment.id, question_id, value, now])
                if result is not None:
                    StatsStore(self.db).save_result(result | {
                        "assessment_id": assessment.id, "user_id": user.id,
                        "started_at": assessment.started_at, "completed_at": assessment.completed_at})
        session.is_new = False

    def ensure_user(self, user_id: int, language: str, now: str) -> None:
        """A row for ``user_id`` (a coach or coachee may arrive before any assessment)."""
        self.db.execute(
            "insert into users (id, language, flow_state, created_at, updated_at) values (?, ?, 'new', ?, ?) "
            "on conflict(id) do nothing", [user_id, language, now, now])

    def started_at(self, assessment_id: int) -> str:
        return next(self._query("select started_at from assessments where id = ?", [assessment_id]))["started_at"]

    def text_context(self, user_id: int) -> dict | None:
        """Where the user's next free text goes, as they chose it (None: nowhere in particular)."""
        row = self.db.execute("select text_context from users where id = ?", [user_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def set_text_context(self, user_id: int, context: dict | None) -> None:
        self.db.execute("update users set text_context = ? where id = ?",
                        [json.dumps(context, ensure_ascii=False) if context else None, user_id])

    def language_of(self, user_id: int) -> str | None:
        row = next(self._query("select language from users where id = ?", [user_id]), None)
        return row["language"] if row else None

    def answers_of(self, assessment_id: int) -> list[AnswerRecord]:
        return [
            AnswerRecord(r["question_id"], r["value"], r["answered_at"])
            for r in self._query(
                "select question_id, value, answered_at from answers where assessment_id = ? "
                "order by rowid",
                [assessment_id],
            )
        ]
