"""Versioned schema migrations (sqlite-utils' built-in ``Migrations``).

Never edit a migration that has shipped: add a new one below it.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("regiecoach")


@MIGRATIONS()
def m001_users_assessments_answers(db: Database) -> None:
    db.table("users").create(
        {
            "id": int,  # Telegram user id (0 is the terminal user)
            "language": str,
            "flow_state": str,
            "consented_at": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"language", "flow_state", "created_at", "updated_at"},
    )
    db.table("assessments").create(
        {
            "id": int,
            "user_id": int,
            "status": str,  # in_progress | completed
            "cursor": int,  # index of the question the user is at
            "started_at": str,
            "completed_at": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
        not_null={"user_id", "status", "cursor", "started_at"},
    )
    db.table("assessments").create_index(["user_id", "status"])
    db.table("answers").create(
        {
            "assessment_id": int,
            "question_id": str,
            "value": int,  # 1..5, NULL when skipped
            "answered_at": str,
        },
        pk=("assessment_id", "question_id"),
        foreign_keys=[("assessment_id", "assessments", "id")],
        not_null={"answered_at"},
    )
