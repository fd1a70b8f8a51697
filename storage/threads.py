"""One conversation per coach and coachee: what each wrote to the other, and which messages in
whose chat belong to it (so a Telegram reply to one goes to that conversation only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

_ACTIVE = ("join coach_relations r on r.coach_id = {t}.coach_id and r.coachee_id = {t}.coachee_id "
           "and r.status = 'active'")


@dataclass(frozen=True)
class ThreadItem:
    """One entry of a thread, oldest first: a prompt sent, a reply to it, a shared check-in
    note, or a message (``coach`` / ``coachee``). A prompt names its library prompt or own text."""

    kind: str  # prompt | reply | note | coach | coachee
    at: str
    text: str | None = None
    competency: str | None = None
    prompt_index: int | None = None


@dataclass(frozen=True)
class ThreadLink:
    coach_id: int
    coachee_id: int


class ThreadStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, coach_id: int, coachee_id: int, author: str, text: str, now: str) -> int | None:
        """Store a message of ``author`` while the coachee shares with the coach; None (and
        nothing stored) when they no longer do."""
        with self.db.atomic():
            shared = self.db.execute("select 1 from coach_relations where coach_id = ? and coachee_id = ? "
                                     "and status = 'active'", [coach_id, coachee_id]).fetchone()
            if shared is None:
                return None
            return self.db.table("thread_messages").insert({
                "coach_id": coach_id, "coachee_id": coachee_id, "author": author, "text": text,
                "created_at": now}).last_pk

    def link(self, user_id: int, message_id: int, coach_id: int, coachee_id: int, now: str) -> None:
        self.db.table("thread_links").upsert({"user_id": user_id, "message_id": message_id, "coach_id": coach_id,
                                              "coachee_id": coachee_id, "created_at": now},
                                             pk=("user_id", "message_id"))

    def link_of(self, user_id: int, message_id: int) -> ThreadLink | None:
        """The thread a message in ``user_id``'s own chat belongs to, if that person is in it."""
        row = self.db.execute("select coach_id, coachee_id from thread_links where user_id = ? and message_id = ? "
                              "and ? in (coach_id, coachee_id)", [user_id, message_id, user_id]).fetchone()
        return ThreadLink(row[0], row[1]) if row else None

    def relation_between(self, coach_id: int, coachee_id: int) -> int | None:
        """The active relation of this coach and coachee, if the coachee still shares."""
        row = self.db.execute("select id from coach_relations where coach_id = ? and coachee_id = ? "
                              "and status = 'active'", [coach_id, coachee_id]).fetchone()
        return row[0] if row else None

    def items(self, coach_id: int, coachee_id: int) -> list[ThreadItem]:
        """Everything in the thread, oldest first, only while the coachee shares with the coach."""
        args = [coach_id, coachee_id]
        prompts = self.db.query(
            "select coalesce(d.sent_at, d.due_at) as at, d.text as own_text, d.competency, d.prompt_index "
            f"from prompt_deliveries d {_ACTIVE.format(t='d')} "
            "where d.coach_id = ? and d.coachee_id = ? and d.status in ('sent', 'unknown') order by d.id", args)
        found = [ThreadItem("prompt", row["at"], row["own_text"], row["competency"], row["prompt_index"])
                 for row in prompts]
        found += [ThreadItem("reply", row["created_at"], row["text"]) for row in self.db.query(
            f"select p.text, p.created_at from prompt_replies p {_ACTIVE.format(t='p')} "
            "where p.coach_id = ? and p.coachee_id = ? order by p.id", args)]
        found += [ThreadItem("note", row["shared_at"], row["note"], row["competency"]) for row in self.db.query(
            "select k.competency, k.note, k.shared_at from checkins k join coach_relations r on r.coach_id = "
            "k.shared_with and r.coachee_id = k.user_id and r.status = 'active' where k.shared_with = ? "
            "and k.user_id = ? and k.note is not null", args)]
        found += [ThreadItem(row["author"], row["created_at"], row["text"]) for row in self.db.query(
            f"select m.author, m.text, m.created_at from thread_messages m {_ACTIVE.format(t='m')} "
            "where m.coach_id = ? and m.coachee_id = ? order by m.id", args)]
        # by time; within one second a prompt comes first, and messages keep the order they were written
        return sorted(found, key=lambda item: (item.at, item.kind != "prompt"))
