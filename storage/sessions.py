"""A user's conversation: profile, open assessment and its answers, loaded and saved whole."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database



@dataclass
class UserRecord:
    id: int
    language: str
    flow_state: str
    consented_at: str | None = None


@dataclass
class AssessmentRecord:
    id: int | None  # None until first saved
    status: str
    cursor: int
    started_at: str
    completed_at: str | None = None


@dataclass
class AnswerRecord:
    question_id: str
    value: int | None
    answered_at: str


@dataclass
class SessionRecord:
    """Everything the assessment flow needs about one user."""

    user: UserRecord
    is_new: bool
    assessment: AssessmentRecord | None = None
    answers: dict[str, int | None] = field(default_factory=dict)
    last_completed_id: int | None = None


class SessionStore:
    """Loads and saves :class:`SessionRecord` objects; one transaction per save."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, user_id: int, default_language: str, default_state: str) -> SessionRecord:
        row = next(self.db.query("select * from users where id = ?", [user_id]), None)
        if row is None:
            user = UserRecord(user_id, default_language, default_state)
            return SessionRecord(user=user, is_new=True)
        user = UserRecord(row["id"], row["language"], row["flow_state"], row["consented_at"])
        session = SessionRecord(user=user, is_new=False)
        open_row = next(
            self.db.query(
                "select * from assessments where user_id = ? and status = 'in_progress' "
                "order by id desc limit 1",
                [user_id],
            ),
            None,
        )
        if open_row is not None:
            session.assessment = AssessmentRecord(
                open_row["id"], open_row["status"], open_row["cursor"], open_row["started_at"]
            )
            session.answers = {
                r["question_id"]: r["value"]
                for r in self.db.query(
                    "select question_id, value from answers where assessment_id = ?",
                    [open_row["id"]],
                )
            }
        done = next(
            self.db.query(
                "select id from assessments where user_id = ? and status = 'completed' "
                "order by completed_at desc, id desc limit 1",
                [user_id],
            ),
            None,
        )
        session.last_completed_id = done["id"] if done else None
        return session

    def save(
        self,
        session: SessionRecord,
        changed_answers: dict[str, int | None],
        now: str,
    ) -> None:
        """Write the user, the assessment and the changed answers in one transaction.

        A new assessment (``id is None``) gets its id here.
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
            assessment = session.assessment
            if assessment is not None:
                values = {
                    "status": assessment.status,
                    "cursor": assessment.cursor,
                    "completed_at": assessment.completed_at,
                }
                assessments = self.db.table("assessments")
                if assessment.id is None:
                    values |= {"user_id": user.id, "started_at": assessment.started_at}
                    assessment.id = assessments.insert(values).last_pk
                else:
                    assessments.update(assessment.id, values)
                if changed_answers:
                    self.db.table("answers").upsert_all(
                        [
                            {"assessment_id": assessment.id, "question_id": qid,
                             "value": value, "answered_at": now}
                            for qid, value in changed_answers.items()
                        ],
                        pk=("assessment_id", "question_id"),
                    )
        session.is_new = False

    def language_of(self, user_id: int) -> str | None:
        row = next(self.db.query("select language from users where id = ?", [user_id]), None)
        return row["language"] if row else None

    def answers_of(self, assessment_id: int) -> list[AnswerRecord]:
        return [
            AnswerRecord(r["question_id"], r["value"], r["answered_at"])
            for r in self.db.query(
                "select question_id, value, answered_at from answers where assessment_id = ? "
                "order by rowid",
                [assessment_id],
            )
        ]

    def assessments_of(self, user_id: int) -> list[dict]:
        return list(
            self.db.query("select * from assessments where user_id = ? order by id", [user_id])
        )
