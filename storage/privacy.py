"""A person's data: everything about them for export, and erasure of every row about them."""

from __future__ import annotations

from sqlite_utils import Database

# Every table and the columns that hold a user's id. A test checks that no table with a
# user id is missing here, so a new table cannot be forgotten by /delete.
USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "inbox": ("user_id",),
    "prompt_replies": ("coach_id", "coachee_id"),
    "prompt_deliveries": ("coach_id", "coachee_id"),
    "prompt_schedules": ("coach_id", "coachee_id"),
    "coach_relations": ("coach_id", "coachee_id"),
    "coaches": ("user_id",),
    "coach_invites": ("created_by", "used_by"),
    "checkins": ("user_id",),
    "plans": ("user_id",),
    "results": ("user_id",),
    "answers": (),  # through assessments
    "assessments": ("user_id",),
    "users": ("id",),
}


class PrivacyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def export(self, user_id: int) -> dict:
        """All data about ``user_id`` as plain JSON-able structures."""
        def rows(sql: str, *args: object) -> list[dict]:
            return list(self.db.query(sql, list(args)))

        assessments = rows("select * from assessments where user_id = ? order by id", user_id)
        for assessment in assessments:
            assessment["answers"] = rows("select question_id, value, answered_at from answers "
                                         "where assessment_id = ? order by rowid", assessment["id"])
        profile = rows("select id, language, flow_state, consented_at, created_at, updated_at from users "
                       "where id = ?", user_id)
        return {
            "profile": profile[0] if profile else None,
            "assessments": assessments,
            "results": rows("select * from results where user_id = ? order by assessment_id", user_id),
            "plan": rows("select * from plans where user_id = ?", user_id),
            "checkins": rows("select * from checkins where user_id = ? order by id", user_id),
            "coach_relations": rows("select r.id, r.coach_id, c.display_name as coach_name, r.status, "
                                    "r.consented_at, r.ended_at from coach_relations r left join coaches c "
                                    "on c.user_id = r.coach_id where r.coachee_id = ? order by r.id", user_id),
            "reflection_replies": rows("select text, created_at from prompt_replies where coachee_id = ? "
                                       "order by id", user_id),
            "prompts_received": rows("select d.due_at, d.status, s.competency, s.prompt_index, s.own_text "
                                     "from prompt_deliveries d join prompt_schedules s on s.id = d.schedule_id "
                                     "where d.coachee_id = ? order by d.id", user_id),
            "as_coach": rows("select display_name, created_at from coaches where user_id = ?", user_id),
            "coachees": rows("select coachee_name, status, consented_at, ended_at from coach_relations "
                             "where coach_id = ? order by id", user_id),
            "prompts_sent": rows("select * from prompt_schedules where coach_id = ? order by id", user_id),
        }

    def erase(self, user_id: int) -> int:
        """Delete every row about ``user_id`` in one transaction; returns how many rows went."""
        with self.db.atomic():
            deleted = self.db.execute(
                "delete from answers where assessment_id in (select id from assessments where user_id = ?)",
                [user_id]).rowcount
            deleted += self.db.execute(
                "delete from prompt_replies where delivery_id in (select d.id from prompt_deliveries d join "
                "prompt_schedules s on s.id = d.schedule_id where s.coach_id = ? or s.coachee_id = ?)",
                [user_id, user_id]).rowcount
            deleted += self.db.execute(
                "delete from prompt_deliveries where schedule_id in (select id from prompt_schedules "
                "where coach_id = ? or coachee_id = ?)", [user_id, user_id]).rowcount
            for table, columns in USER_COLUMNS.items():
                if columns:
                    where = " or ".join(f"{c} = ?" for c in columns)
                    deleted += self.db.execute(f"delete from {table} where {where}",
                                               [user_id] * len(columns)).rowcount
        return deleted

    def inactive_since(self, before: str) -> list[int]:
        return [r["id"] for r in self.db.query(
            "select id from users where updated_at < ? and id != 0", [before])]

    def touch(self, user_id: int, now: str) -> None:
        self.db.execute("update users set updated_at = ? where id = ?", [now, user_id])
