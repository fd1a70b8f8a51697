"""A person's data: everything about them for export, and erasure of every trace of them.

Erasure removes the rows keyed by the person, and the person's id, name or text inside other
people's rows: a coach's prompt draft naming them, another user's open reply to them, a
note shared with them, raw updates of others that mention them.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from storage.assessments import DIDNT_COME_UP

# Every table and the columns that hold a user's id; rows with the id in one of them are
# deleted (checkins.shared_with, the coach a note was shared with, and plan_reviews.coach_id,
# the coach who was told of a review, are cleared instead). A
# test builds every kind of link between two people and searches every column afterwards.
USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "inbox": ("user_id",),
    "feedback_answers": (),  # through feedback_raters
    "feedback_summary_raters": ("rater_id",),  # a summary covering fewer than the threshold is withheld
    "feedback_raters": ("rater_id",),
    "feedback_requests": ("manager_id",),
    "thread_links": ("user_id", "coach_id", "coachee_id"),
    "thread_messages": ("coach_id", "coachee_id"),
    "coach_happenings": ("coach_id", "coachee_id"),
    "prompt_replies": ("coach_id", "coachee_id"),
    "prompt_deliveries": ("coach_id", "coachee_id"),
    "prompt_schedules": ("coach_id", "coachee_id"),
    "coach_offers": ("user_id", "coach_id"),
    "coach_relations": ("coach_id", "coachee_id"),
    "coaches": ("user_id",),
    "coach_invites": ("created_by", "used_by"),
    "checkins": ("user_id",),
    "plan_reviews": ("user_id",),
    "plan_actions": ("user_id",),
    "tips_seen": ("user_id",),
    "assessment_reminders": ("user_id",),  # before assessments: it names one
    "plans": ("user_id",),
    "results": ("user_id",),
    "answers": (),  # through assessments
    "assessments": ("user_id",),
    "users": ("id",),
    "statistics_snapshots": (),  # published aggregates only: nobody's id, row or date
}


_SHARING = "select coachee_id from coach_relations where coach_id = ? and status = 'active'"


class PrivacyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _rows(self, sql: str, *args: object) -> list[dict]:
        return list(self.db.query(sql, list(args)))

    def _answers(self, table: str, key: str, owner: int) -> list[dict]:
        """Answers as exported: the rating (1..5, or null), and whether it "didn't come up"."""
        return [{"question_id": row["question_id"],
                 "value": row["value"] if row["value"] not in (None, DIDNT_COME_UP) else None,
                 "didnt_come_up": row["value"] == DIDNT_COME_UP, "answered_at": row["answered_at"]}
                for row in self._rows(f"select question_id, value, answered_at from {table} where {key} = ? "
                                      "order by rowid", owner)]

    def export(self, user_id: int) -> dict:
        """All data about ``user_id`` as plain JSON-able structures, one key per kind."""
        rows = self._rows
        assessments = rows("select * from assessments where user_id = ? order by id", user_id)
        for assessment in assessments:
            assessment["answers"] = self._answers("answers", "assessment_id", assessment["id"])
        profile = rows("select * from users where id = ?", user_id)
        for row in profile:
            row["text_context"] = json.loads(row["text_context"]) if row["text_context"] else None
        coach = rows("select * from coaches where user_id = ?", user_id)
        for row in coach:
            row["draft"] = json.loads(row["draft"])
        updates = rows("select update_id, status, received_at, done_at, payload from inbox where user_id = ? "
                       "order by update_id", user_id)
        for row in updates:
            row["payload"] = json.loads(row["payload"])
        return {
            "profile": profile[0] if profile else None,
            "assessments": assessments,
            "results": rows("select * from results where user_id = ? order by assessment_id", user_id),
            "plan": rows("select * from plans where user_id = ?", user_id),
            "checkins": rows("select * from checkins where user_id = ? order by id", user_id),
            "plan_actions": rows("select * from plan_actions where user_id = ? order by id", user_id),
            "tips_seen": rows("select * from tips_seen where user_id = ? order by competency, tip", user_id),
            "plan_reviews": [row | {"summary": json.loads(row["summary"])}
                             for row in rows("select * from plan_reviews where user_id = ? order by id", user_id)],
            "assessment_reminders": rows("select * from assessment_reminders where user_id = ? order by id",
                                         user_id),
            "coach_offers": rows("select o.*, c.display_name as coach_name from coach_offers o left join coaches c "
                                 "on c.user_id = o.coach_id where o.user_id = ?", user_id),
            "coach_relations": rows("select r.*, c.display_name as coach_name from coach_relations r left join "
                                    "coaches c on c.user_id = r.coach_id where r.coachee_id = ? order by r.id", user_id),
            "reflection_replies": rows("select * from prompt_replies where coachee_id = ? order by id", user_id),
            "messages_with_my_coach": rows("select * from thread_messages where coachee_id = ? order by id", user_id),
            "prompts_received": rows("select * from prompt_deliveries where coachee_id = ? order by id", user_id),
            # as a coach: only what concerns coachees who share with this coach now
            "as_coach": coach,
            "coachees": rows("select * from coach_relations where coach_id = ? and status = 'active' order by id",
                             user_id),
            "prompts_sent": rows("select * from prompt_schedules where coach_id = ? and (coachee_id is null or "
                                 f"coachee_id in ({_SHARING})) order by id", user_id, user_id),
            "prompts_scheduled_for_me": rows("select * from prompt_schedules where coachee_id = ? order by id",
                                             user_id),
            "prompt_deliveries_sent": rows("select * from prompt_deliveries where coach_id = ? and "
                                           f"coachee_id in ({_SHARING}) order by id", user_id, user_id),
            "replies_received": rows("select * from prompt_replies where coach_id = ? and "
                                     f"coachee_id in ({_SHARING}) order by id", user_id, user_id),
            "messages_with_coachees": rows("select * from thread_messages where coach_id = ? and "
                                           f"coachee_id in ({_SHARING}) order by id", user_id, user_id),
            # which messages in my own chat belong to a thread (with a coachee only while they share)
            "thread_links": rows("select * from thread_links where user_id = ? and (coachee_id = ? or coachee_id in "
                                 f"({_SHARING})) order by message_id", user_id, user_id, user_id),
            # the daily notes: what this person did, as noted for their coach; as a coach, only of
            # coachees who share with this coach now
            "coach_notes_about_me": rows("select kind, happened_at, status, sent_at from coach_happenings "
                                         "where coachee_id = ? order by id", user_id),
            "coach_notes_received": rows("select * from coach_happenings where coach_id = ? and "
                                         f"coachee_id in ({_SHARING}) order by id", user_id, user_id),
            "coach_invites": rows("select * from coach_invites where created_by = ? or used_by = ?", user_id, user_id),
            "raw_updates": updates,
            "feedback_requests": [row | {"summary": json.loads(row["summary"]) if row["summary"] else None}
                                  for row in rows("select * from feedback_requests where manager_id = ? order by id",
                                                  user_id)],
            "feedback_given": [row | {"answers": self._answers("feedback_answers", "session_id", row["id"])}
                               for row in rows("select r.*, q.manager_name from feedback_raters r join "
                                               "feedback_requests q on q.id = r.request_id where r.rater_id = ? "
                                               "order by r.id", user_id)],
            "feedback_summaries_i_am_in": rows("select request_id from feedback_summary_raters where rater_id = ?",
                                               user_id),
        }

    def names_of(self, user_id: int) -> set[str]:
        """The names others know this person by (as a coach, as a coachee)."""
        return {row[0] for row in self.db.execute(
            "select display_name from coaches where user_id = ? union "
            "select coachee_name from coach_relations where coachee_id = ?", [user_id, user_id]).fetchall() if row[0]}

    def erase(self, user_id: int) -> int:
        """Delete every row about ``user_id`` and scrub them from others' rows, in one
        transaction; returns how many rows went."""
        with self.db.atomic():
            names = self.names_of(user_id)
            run = self.db.execute
            # others' open replies to this person's prompts, and coaches' drafts naming them
            run("update users set text_context = null where json_extract(text_context, '$.ref') in "
                "(select id from prompt_deliveries where coach_id = ?) and "
                "json_extract(text_context, '$.kind') in ('reply', 'confirm_reply')", [user_id])
            # a coachee's answer or message being written to this coach; a coach's answer to this coachee
            run("update users set text_context = null where json_extract(text_context, '$.ref') = ? and "
                "json_extract(text_context, '$.kind') in ('answer_back', 'confirm_answer_back', 'stray')", [user_id])
            run("update users set text_context = null where json_extract(text_context, '$.kind') = 'answer' and "
                "json_extract(text_context, '$.ref') in (select id from coach_relations where coachee_id = ?)",
                [user_id])
            run("update coaches set draft = '{}', step = 'idle' where json_extract(draft, '$.coachee_id') = ?",
                [user_id])
            run("update checkins set shared_with = null, shared_at = null where shared_with = ?", [user_id])
            run("update plan_reviews set coach_id = null, coach_told_at = null where coach_id = ?", [user_id])
            deleted = run("delete from answers where assessment_id in (select id from assessments where user_id = ?)",
                          [user_id]).rowcount
            # feedback: the ratings this person gave, and their own requests with everything rated there
            requests = "select id from feedback_requests where manager_id = ?"
            deleted += run("delete from feedback_answers where session_id in (select id from feedback_raters where "
                           f"rater_id = ? or request_id in ({requests}))", [user_id, user_id]).rowcount
            deleted += run(f"delete from feedback_raters where request_id in ({requests})", [user_id]).rowcount
            deleted += run(f"delete from feedback_summary_raters where request_id in ({requests})", [user_id]).rowcount
            deleted += run("delete from prompt_replies where delivery_id in (select d.id from prompt_deliveries d join "
                           "prompt_schedules s on s.id = d.schedule_id where s.coach_id = ? or s.coachee_id = ?)",
                           [user_id, user_id]).rowcount
            deleted += run("delete from prompt_deliveries where schedule_id in (select id from prompt_schedules "
                           "where coach_id = ? or coachee_id = ?)", [user_id, user_id]).rowcount
            for table, columns in USER_COLUMNS.items():
                if columns:
                    where = " or ".join(f"{c} = ?" for c in columns)
                    deleted += run(f"delete from {table} where {where}", [user_id] * len(columns)).rowcount
            deleted += self._scrub_updates(user_id, names)
        return deleted

    def _scrub_updates(self, user_id: int, names: set[str]) -> int:
        """Raw updates of others that mention the person: handled ones go, pending ones keep
        their action but lose the name."""
        marks = [f'%"id": {user_id},%', f'%"id": {user_id}}}%']
        for name in names:
            quoted = json.dumps(name, ensure_ascii=False)[1:-1]
            marks.append(f"%{quoted}%")
            self.db.execute("update inbox set payload = replace(payload, ?, '…') where status = 'pending' "
                            "and instr(payload, ?) > 0", [quoted, quoted])
        where = " or ".join("payload like ?" for _ in marks)
        return self.db.execute(f"delete from inbox where status != 'pending' and ({where})", marks).rowcount

    def user_ids(self) -> list[int]:
        """Every person stored now (the terminal user 0 too)."""
        return [row[0] for row in self.db.execute("select id from users order by id").fetchall()]

    def inactive_since(self, before: str) -> list[int]:
        return [r["id"] for r in self.db.query(
            "select id from users where updated_at < ? and id != 0", [before])]

    def touch(self, user_id: int, now: str) -> None:
        self.db.execute("update users set updated_at = ? where id = ?", [now, user_id])
