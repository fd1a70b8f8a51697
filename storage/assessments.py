"""Assessments and their answers: the open one, the completed ones, each change as it happens."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

HISTORY = 2  # completed assessments a turn loads: the latest and the one before
DIDNT_COME_UP = 0  # answers.value (and feedback_answers.value) of "didn't come up"; NULL is a skip


@dataclass
class AssessmentRecord:
    """An assessment with its answers (the open one, or a completed one)."""

    id: int
    status: str  # in_progress | completed | abandoned
    cursor: int
    started_at: str
    completed_at: str | None = None
    version: int = 1  # of the question set it is taken with
    answers: dict[str, int | None] = field(default_factory=dict)


class AssessmentStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _answers(self, ids: list[int]) -> dict[int, dict[str, int | None]]:
        found: dict[int, dict[str, int | None]] = {assessment_id: {} for assessment_id in ids}
        if ids:
            for assessment_id, question_id, value in self.db.execute(
                    f"select assessment_id, question_id, value from answers where assessment_id in "
                    f"({','.join('?' * len(ids))})", ids):
                found[assessment_id][question_id] = value
        return found

    def _records(self, where: str, params: list) -> list[AssessmentRecord]:
        rows = self.db.execute("select id, status, cursor, started_at, completed_at, version from assessments "
                               "where " + where, params).fetchall()
        answers = self._answers([row[0] for row in rows])
        return [AssessmentRecord(*row, answers=answers[row[0]]) for row in rows]

    def open_of(self, user_id: int) -> AssessmentRecord | None:
        """The user's assessment in progress, with its answers."""
        found = self._records("user_id = ? and status = 'in_progress' order by id desc limit 1", [user_id])
        return found[0] if found else None

    def completed(self, user_id: int, limit: int | None = None) -> list[AssessmentRecord]:
        """The user's completed assessments with their answers, latest first."""
        return self._records("user_id = ? and status = 'completed' order by completed_at desc, id desc"
                             + (" limit ?" if limit else ""), [user_id, limit] if limit else [user_id])

    def answers(self, assessment_id: int) -> dict[str, int | None]:
        return self._answers([assessment_id])[assessment_id]

    def one(self, assessment_id: int) -> AssessmentRecord | None:
        found = self._records("id = ?", [assessment_id])
        return found[0] if found else None

    def begin(self, user_id: int, version: int, now: str) -> int:
        return self.db.execute("insert into assessments (user_id, status, cursor, started_at, version) "
                               "values (?, 'in_progress', 0, ?, ?)", [user_id, now, version]).lastrowid

    def close(self, assessment_id: int) -> None:
        """An open assessment is left: abandoned, or (one reopened to complete answers) completed again."""
        self.db.execute("update assessments set status = case when completed_at is null then 'abandoned' "
                        "else 'completed' end where id = ?", [assessment_id])

    def reopen(self, assessment_id: int, cursor: int) -> None:
        self.db.execute("update assessments set status = 'in_progress', cursor = ? where id = ?",
                        [cursor, assessment_id])

    def answer(self, assessment_id: int, question_id: str, value: int | None, now: str) -> None:
        # a plain statement: this runs on every answer
        self.db.execute("insert into answers (assessment_id, question_id, value, answered_at) values (?, ?, ?, ?) "
                        "on conflict(assessment_id, question_id) do update set value = excluded.value, "
                        "answered_at = excluded.answered_at", [assessment_id, question_id, value, now])

    def move(self, assessment_id: int, cursor: int) -> None:
        self.db.execute("update assessments set cursor = ? where id = ?", [cursor, assessment_id])

    def complete(self, assessment_id: int, now: str) -> None:
        """Completed now (one reopened to complete answers: completed again now)."""
        self.db.execute("update assessments set status = 'completed', completed_at = ? "
                        "where id = ?", [now, assessment_id])
