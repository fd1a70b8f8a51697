"""The coach's desk: what a coach sees of the coachees who share with them now (their status
for "who needs me", one coachee's card), the coach's labels and last looks, and the daily notes
of what coachees did. Every read goes through the coach's own *active* relation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from storage.coaching import Relation, _relation

KINDS = ("completed", "plan", "retake")


@dataclass
class DeskRow:
    """One coachee as the coach's list needs them: where they stand and what waits."""

    relation: Relation
    label: str | None
    looked_at: str | None
    last_active: str | None  # the coachee's last activity in the bot
    cursor: int | None  # position in an open assessment
    touched_at: str | None  # the open assessment's last answer (or its start)
    completed_at: str | None  # of the latest completed assessment
    latest_answers: dict[str, int | None] | None
    version: int = 1
    prompts_unanswered: int = 0  # this coach's prompts sent since consent without a reply
    checkins_unanswered: int = 0  # check-ins in a row, newest first, that went unanswered
    plan_since: str | None = None  # the running plan's round began then
    plan_answered: int = 0  # check-ins answered in that round
    new: int = 0  # happenings, replies and shared notes since the coach's last look


@dataclass
class CheckinLine:
    """A check-in of the coachee's plan, as the coach's plan view shows it over time."""

    due_at: str
    competency: str
    action_id: int | None
    answer: str | None
    rating: int | None


@dataclass
class Happening:
    id: int
    relation_id: int
    coachee_id: int
    kind: str
    happened_at: str


@dataclass
class Previous:
    answers: dict[str, int | None]
    version: int
    completed_at: str


@dataclass
class Card:
    """One coachee's card: the desk row, the assessment before the latest, the plan and its
    check-ins over time."""

    row: DeskRow
    previous: Previous | None
    focus: list[str] = field(default_factory=list)
    plan_active: bool = False
    checkins: list[CheckinLine] = field(default_factory=list)


class CoachDeskStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- the list ------------------------------------------------------------------------------
    def desk(self, coach_id: int) -> list[DeskRow]:
        """Every coachee who shares with ``coach_id`` now, with their status."""
        return [self._row(row) for row in self.db.query(
            "select r.*, u.updated_at as last_active from coach_relations r left join users u on u.id = r.coachee_id "
            "where r.coach_id = ? and r.status = 'active' order by r.coachee_name, r.id", [coach_id])]

    def names(self, coach_id: int) -> list[tuple[int, str, str | None]]:
        """(relation id, name, label) of every active relation of the coach (to tell names apart)."""
        return [(row[0], row[1], row[2]) for row in self.db.execute(
            "select id, coachee_name, label from coach_relations where coach_id = ? and status = 'active' "
            "order by id", [coach_id]).fetchall()]

    def _row(self, row: dict) -> DeskRow:
        relation = _relation(row)
        coachee, since = relation.coachee_id, relation.consented_at
        run = self.db.execute
        open_row = run("select a.cursor, coalesce((select max(answered_at) from answers where assessment_id = a.id), "
                       "a.started_at) from assessments a where a.user_id = ? and a.status = 'in_progress' "
                       "order by a.id desc limit 1", [coachee]).fetchone()
        done = run("select id, completed_at, version from assessments where user_id = ? and status = 'completed' "
                   "order by completed_at desc, id desc limit 1", [coachee]).fetchone()
        answers = dict(run("select question_id, value from answers where assessment_id = ?", [done[0]]).fetchall()) \
            if done else None
        prompts = run("select count(*) from prompt_deliveries d where d.coach_id = ? and d.coachee_id = ? and "
                      "d.status = 'sent' and d.sent_at >= ? and not exists (select 1 from prompt_replies p where "
                      "p.delivery_id = d.id)", [relation.coach_id, coachee, since]).fetchone()[0]
        plan = run("select active, cycle_started_at, created_at from plans where user_id = ?", [coachee]).fetchone()
        unanswered, plan_since, answered = 0, None, 0
        if plan and plan[0]:
            plan_since = plan[1] or plan[2]
            for kind, answer, rating, note in run(
                    "select kind, answer, rating, note from checkins where user_id = ? and status = 'sent' "
                    "order by due_at desc, id desc limit 20", [coachee]).fetchall():
                if kind == "silence" or answer is not None or rating is not None or note is not None:
                    break
                unanswered += 1
            answered = run("select count(*) from checkins where user_id = ? and kind = 'checkin' and due_at >= ? and "
                           "(answer is not null or rating is not null)", [coachee, plan_since]).fetchone()[0]
        # new: since the last look; a coachee never opened is new, with all since the consent
        looked = row.get("looked_at")
        after = ">" if looked else ">="
        looked = looked or since
        new = run(f"select count(*) from coach_happenings where relation_id = ? and happened_at {after} ?",
                  [relation.id, looked]).fetchone()[0]
        new += run(f"select count(*) from prompt_replies where coach_id = ? and coachee_id = ? and created_at {after} ?",
                   [relation.coach_id, coachee, looked]).fetchone()[0]
        new += run(f"select count(*) from checkins where shared_with = ? and user_id = ? and shared_at {after} ?",
                   [relation.coach_id, coachee, looked]).fetchone()[0]
        if row.get("looked_at") is None:
            new = max(new, 1)
        return DeskRow(relation, row.get("label"), row.get("looked_at"), row.get("last_active"),
                       open_row[0] if open_row else None, open_row[1] if open_row else None,
                       done[1] if done else None, answers, done[2] if done else 1, prompts, unanswered,
                       plan_since, answered, new)

    # --- one coachee ---------------------------------------------------------------------------
    def card(self, relation_id: int, coach_id: int, checkins: int = 12) -> Card | None:
        """One coachee's card, only through ``coach_id``'s own active relation."""
        row = next(self.db.query(
            "select r.*, u.updated_at as last_active from coach_relations r left join users u on u.id = r.coachee_id "
            "where r.id = ? and r.coach_id = ? and r.status = 'active'", [relation_id, coach_id]), None)
        if row is None:
            return None
        desk = self._row(row)
        coachee = desk.relation.coachee_id
        previous = None
        done = self.db.execute("select id, version, completed_at from assessments where user_id = ? and "
                               "status = 'completed' order by completed_at desc, id desc limit 1 offset 1",
                               [coachee]).fetchone()
        if done:
            previous = Previous(dict(self.db.execute("select question_id, value from answers where assessment_id = ?",
                                                     [done[0]]).fetchall()), done[1], done[2])
        plan = self.db.execute("select focus, active from plans where user_id = ?", [coachee]).fetchone()
        lines = [CheckinLine(*r) for r in self.db.execute(
            "select due_at, competency, action_id, answer, rating from checkins where user_id = ? and kind = 'checkin' "
            "and status = 'sent' order by due_at desc, id desc limit ?", [coachee, checkins]).fetchall()]
        return Card(desk, previous, json.loads(plan[0]) if plan else [], bool(plan and plan[1]), lines[::-1])

    def mark_looked(self, relation_id: int, coach_id: int, now: str) -> None:
        self.db.execute("update coach_relations set looked_at = ? where id = ? and coach_id = ? and status = 'active'",
                        [now, relation_id, coach_id])

    def set_label(self, relation_id: int, coach_id: int, label: str | None) -> None:
        self.db.execute("update coach_relations set label = ? where id = ? and coach_id = ? and status = 'active'",
                        [label, relation_id, coach_id])

    # --- daily notes of what coachees did ------------------------------------------------------
    def notes_on(self, coach_id: int) -> bool:
        row = self.db.execute("select notes_off_at from coaches where user_id = ?", [coach_id]).fetchone()
        return bool(row) and row[0] is None

    def set_notes(self, coach_id: int, on: bool, now: str) -> None:
        """Daily notes on or off; switched off, what waits is not sent (later either)."""
        self.db.execute("update coaches set notes_off_at = ? where user_id = ?", [None if on else now, coach_id])
        if not on:
            self.db.execute("update coach_happenings set status = 'off' where coach_id = ? and status = 'pending'",
                            [coach_id])

    def happened(self, coachee_id: int, kind: str, ref: int | None, now: str) -> None:
        """Note what ``coachee_id`` did for the coach they share with now (if any); once per
        assessment. Recorded also when notes are off (the list's "new"), then never sent."""
        if kind not in KINDS:
            raise ValueError(f"never stored: {kind!r} is not a happening")
        row = self.db.execute("select r.id, r.coach_id, c.notes_off_at from coach_relations r join coaches c on "
                              "c.user_id = r.coach_id where r.coachee_id = ? and r.status = 'active'",
                              [coachee_id]).fetchone()
        if row is None:
            return
        self.db.execute("insert or ignore into coach_happenings (relation_id, coach_id, coachee_id, kind, ref, "
                        "happened_at, status) values (?, ?, ?, ?, ?, ?, ?)",
                        [row[0], row[1], coachee_id, kind, ref, now, "off" if row[2] else "pending"])

    def completion_kind(self, user_id: int, assessment_id: int) -> str:
        """A completion is a retake when the person completed another assessment before."""
        earlier = self.db.execute("select 1 from assessments where user_id = ? and status = 'completed' and id != ?",
                                  [user_id, assessment_id]).fetchone()
        return "retake" if earlier else "completed"

    def coaches_with_notes(self, before: str) -> list[int]:
        """Coaches with notes on and something waiting that happened before ``before``."""
        return [row[0] for row in self.db.execute(
            "select distinct h.coach_id from coach_happenings h join coaches c on c.user_id = h.coach_id "
            "where h.status = 'pending' and h.happened_at <= ? and c.notes_off_at is null order by h.coach_id",
            [before]).fetchall()]

    def pending_notes(self, coach_id: int, before: str) -> list[Happening]:
        """What waits for the coach, only of coachees who share with the coach now (consent at
        send); what a coachee did under a consent that ended is dropped."""
        self.db.execute("update coach_happenings set status = 'dropped' where coach_id = ? and status = 'pending' and "
                        "not exists (select 1 from coach_relations r where r.id = relation_id and r.status = 'active')",
                        [coach_id])
        return [Happening(*row) for row in self.db.execute(
            "select h.id, h.relation_id, h.coachee_id, h.kind, h.happened_at from coach_happenings h join coaches c "
            "on c.user_id = h.coach_id where h.coach_id = ? and h.status = 'pending' and h.happened_at <= ? "
            "and c.notes_off_at is null order by h.happened_at, h.id", [coach_id, before]).fetchall()]

    def claim_day(self, coach_id: int, day: str) -> str | None:
        """Take ``day``'s note of the coach (one note a day, one sender); returns the day of the
        note before (to give the claim back), or None when the day was taken already."""
        previous = self.db.execute("select coalesce(notes_day, '') from coaches where user_id = ?",
                                   [coach_id]).fetchone()
        if previous is None:
            return None
        taken = self.db.execute("update coaches set notes_day = ? where user_id = ? and coalesce(notes_day, '') < ?",
                                [day, coach_id, day]).rowcount
        return previous[0] if taken else None

    def give_back_day(self, coach_id: int, day: str, previous: str) -> None:
        self.db.execute("update coaches set notes_day = ? where user_id = ? and notes_day = ?",
                        [previous or None, coach_id, day])

    def notes_settled(self, ids: list[int], status: str, now: str) -> None:
        for happening in ids:
            self.db.execute("update coach_happenings set status = ?, sent_at = ? where id = ? and status = 'pending'",
                            [status, now, happening])
