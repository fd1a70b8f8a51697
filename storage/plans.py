"""Development plans, their actions and check-ins, and the tips a person has seen; claiming a
due check-in is atomic."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlite_utils import Database

ANSWERS = ("done", "partly", "notyet", "dropped")  # what a check-in about an action may be answered


@dataclass
class PlanRecord:
    user_id: int
    focus: list[str]
    weekday: int | None
    time: str | None
    active: bool
    step: str
    next_due_at: str | None
    checkins_sent: int = 0
    draft_focus: list[str] | None = None  # the focus being changed, until it is confirmed
    draft_action: dict | None = None  # the action being chosen: competency, queue, text, tip
    paused_until: str | None = None  # the user paused check-ins until then
    quiet_until: str | None = None  # check-ins went unanswered: quiet until then, unless answered
    cycle_started_at: str | None = None  # the plan's current round, reviewed at ``review_due_at``
    review_due_at: str | None = None
    reminders_off_at: str | None = None  # no reminders about a stalled self-assessment


@dataclass
class ActionRecord:
    """One concrete action for a focus competency."""

    id: int
    competency: str
    text: str
    tip: int | None  # the tip it came from
    cadence: str  # weekly | once
    due_on: str | None  # a one-off action's local date
    status: str  # active | done | dropped | replaced | removed
    created_at: str


@dataclass
class CheckinRecord:
    id: int
    user_id: int
    competency: str
    reflection: int
    due_at: str
    rating: int | None  # the 1-5 answer of a check-in without an action
    note: str | None
    kind: str = "checkin"  # checkin | silence (the offer to pause or change)
    action_id: int | None = None
    answer: str | None = None  # done | partly | notyet | dropped
    tip: int | None = None  # the tip given with the answer

    @property
    def answered(self) -> bool:
        return self.answer is not None or self.rating is not None or self.note is not None


@dataclass
class DueCheckin:
    """A claimed check-in, ready to send: the plan has moved on to its next due time. With the
    action it asks about, and for an offer the plan's focus and how long it stays quiet."""

    checkin: CheckinRecord
    language: str
    attempts: int = 0
    action: ActionRecord | None = None
    focus: list[str] = field(default_factory=list)
    quiet_until: str | None = None


@dataclass(frozen=True)
class ClaimInput:
    """What deciding the next check-in needs: the plan, its active actions by competency, and
    how many check-ins in a row went unanswered since the last offer."""

    plan: PlanRecord
    actions: dict[str, int]
    ignored: int


@dataclass(frozen=True)
class Claim:
    """What a claim records: a check-in (about ``action_id``, if the focus has one) or the offer
    (``kind`` 'silence', then quiet until ``quiet_until``); the plan's next due time; and the
    first review for a plan that has none planned yet."""

    kind: str
    competency: str
    reflection: int
    action_id: int | None
    next_due_at: str
    quiet_until: str | None = None
    review_due_at: str | None = None


class PlanStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, user_id: int) -> PlanRecord:
        row = next(self.db.query("select * from plans where user_id = ?", [user_id]), None)
        return _plan(row) if row is not None else PlanRecord(user_id, [], None, None, False, "idle", None)

    def save(self, plan: PlanRecord, now: str) -> None:
        if plan.active and not (plan.focus and plan.weekday is not None and plan.time and plan.next_due_at):
            raise ValueError(f"never stored: an active plan needs focus, a day, a time and a due time: {plan!r}")
        self.db.execute(
            "insert into plans (user_id, focus, draft_focus, weekday, time, active, step, next_due_at, "
            "checkins_sent, created_at, updated_at, draft_action, paused_until, quiet_until, cycle_started_at, "
            "review_due_at, reminders_off_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "on conflict(user_id) do update set focus = excluded.focus, draft_focus = excluded.draft_focus, "
            "weekday = excluded.weekday, time = excluded.time, active = excluded.active, step = excluded.step, "
            "next_due_at = excluded.next_due_at, updated_at = excluded.updated_at, "
            "draft_action = excluded.draft_action, paused_until = excluded.paused_until, "
            "quiet_until = excluded.quiet_until, cycle_started_at = excluded.cycle_started_at, "
            "review_due_at = excluded.review_due_at, reminders_off_at = excluded.reminders_off_at",
            [plan.user_id, json.dumps(plan.focus), None if plan.draft_focus is None else json.dumps(plan.draft_focus),
             plan.weekday, plan.time, int(plan.active), plan.step, plan.next_due_at, plan.checkins_sent, now, now,
             None if plan.draft_action is None else json.dumps(plan.draft_action, ensure_ascii=False),
             plan.paused_until, plan.quiet_until, plan.cycle_started_at, plan.review_due_at, plan.reminders_off_at],
        )

    # --- actions and the tips seen ------------------------------------------------------------
    def actions(self, user_id: int) -> dict[str, ActionRecord]:
        """The user's active actions, by competency (one per focus at most)."""
        return {row["competency"]: _action(row) for row in self.db.query(
            "select * from plan_actions where user_id = ? and status = 'active' order by id", [user_id])}

    def add_action(self, user_id: int, competency: str, text: str, tip: int | None, cadence: str,
                   due_on: str | None, now: str) -> int:
        """A new active action for ``competency``; the one it replaces ends as 'replaced'."""
        self.db.execute("update plan_actions set status = 'replaced', ended_at = ? where user_id = ? and "
                        "competency = ? and status = 'active'", [now, user_id, competency])
        return self.db.execute(
            "insert into plan_actions (user_id, competency, text, tip, cadence, due_on, status, created_at) "
            "values (?, ?, ?, ?, ?, ?, 'active', ?)", [user_id, competency, text, tip, cadence, due_on, now]).lastrowid

    def end_action(self, action_id: int, user_id: int, status: str, now: str) -> None:
        """The action ends (done, dropped, removed from the focus), if it is still active."""
        self.db.execute("update plan_actions set status = ?, ended_at = ? where id = ? and user_id = ? and "
                        "status = 'active'", [status, now, action_id, user_id])

    def answers_of(self, action_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
        """Each action's answered check-ins as (check-in id, answer), oldest first."""
        ids = list(action_ids)
        found: dict[int, list[tuple[int, str]]] = {action_id: [] for action_id in ids}
        if ids:
            for row in self.db.execute(
                    f"select action_id, id, answer from checkins where action_id in ({','.join('?' * len(ids))}) "
                    "and answer is not null order by due_at, id", ids):
                found[row[0]].append((row[1], row[2]))
        return found

    def tips_seen(self, user_id: int) -> dict[str, dict[int, str]]:
        """competency -> {tip index: when it was last shown to the user}."""
        seen: dict[str, dict[int, str]] = {}
        for competency, tip, seen_at in self.db.execute(
                "select competency, tip, seen_at from tips_seen where user_id = ?", [user_id]):
            seen.setdefault(competency, {})[tip] = seen_at
        return seen

    def see_tips(self, user_id: int, competency: str, tips: Iterable[int], now: str) -> None:
        for tip in tips:
            self.db.execute("insert into tips_seen (user_id, competency, tip, seen_at) values (?, ?, ?, ?) "
                            "on conflict(user_id, competency, tip) do update set seen_at = excluded.seen_at",
                            [user_id, competency, tip, now])

    def checkin(self, checkin_id: int, user_id: int) -> CheckinRecord | None:
        """The check-in ``checkin_id`` if it belongs to ``user_id`` (an offer is not a check-in)."""
        row = next(self.db.query("select * from checkins where id = ? and user_id = ? and kind = 'checkin'",
                                 [checkin_id, user_id]), None)
        return _checkin(row) if row else None

    def action_of(self, action_id: int, user_id: int) -> ActionRecord | None:
        """The action ``action_id`` (whatever its status) if it is ``user_id``'s."""
        row = next(self.db.query("select * from plan_actions where id = ? and user_id = ?",
                                 [action_id, user_id]), None)
        return _action(row) if row else None

    def answer(self, checkin_id: int, answer: str, tip: int | None, now: str) -> None:
        """The answer to a check-in about an action, and the tip given with it (if one was)."""
        if answer not in ANSWERS:
            raise ValueError(f"never stored: {answer!r} is not a check-in answer")
        self.db.execute("update checkins set answer = ?, tip = coalesce(?, tip), answered_at = ? where id = ?",
                        [answer, tip, now, checkin_id])

    def rate(self, checkin_id: int, rating: int, now: str) -> None:
        self.db.execute("update checkins set rating = ?, answered_at = ? where id = ?", [rating, now, checkin_id])

    def note(self, checkin_id: int, note: str, now: str) -> None:
        self.db.execute("update checkins set note = ?, answered_at = ? where id = ?", [note, now, checkin_id])

    def share_note(self, checkin_id: int, coach_id: int, now: str) -> None:
        """The user shares this check-in's note with their coach (their own choice)."""
        self.db.execute("update checkins set shared_with = ?, shared_at = ? where id = ?", [coach_id, now, checkin_id])

    def due_user_ids(self, now: str, limit: int = 500) -> list[int]:
        return [row["user_id"] for row in self.db.query(
            "select user_id from plans where active = 1 and next_due_at <= ? order by next_due_at limit ?",
            [now, limit])]

    def ignored(self, user_id: int, since: str | None = None, limit: int = 20) -> int:
        """Check-ins in a row, newest first, that arrived and went unanswered since the last
        offer (and since ``since``, the plan's round); one that may never have arrived
        (unknown, failed) counts neither way."""
        count = 0
        for row in self.db.query("select kind, status, answer, rating, note from checkins where user_id = ? "
                                 "and due_at >= ? order by due_at desc, id desc limit ?", [user_id, since or "", limit]):
            if row["kind"] == "silence" or row["answer"] is not None or row["rating"] is not None \
                    or row["note"] is not None:
                break
            count += row["status"] == "sent"
        return count

    def claim(self, user_id: int, now: str, decide: Callable[[ClaimInput], Claim]) -> int | None:
        """Record the due check-in (or offer) of ``user_id``, to be sent, and move the plan to
        its next due time, atomically; returns the check-in's id.

        Returns ``None`` when nothing is due (any more): a check-in is claimed at most once per
        due time, so it is never sent twice, also not across restarts. Raises when the plan
        cannot make a check-in (nothing is written then).
        """
        with self.db.atomic():
            row = next(self.db.query(
                "select * from plans where user_id = ? and active = 1 and next_due_at <= ?", [user_id, now]), None)
            if row is None:
                return None
            actions = {competency: action.id for competency, action in self.actions(user_id).items()}
            claim = decide(ClaimInput(_plan(row), actions, self.ignored(user_id, row["cycle_started_at"])))
            try:
                checkin_id = self.db.table("checkins").insert({
                    "user_id": user_id, "competency": claim.competency, "reflection": claim.reflection,
                    "due_at": row["next_due_at"], "status": "pending", "next_attempt_at": now,
                    "kind": claim.kind, "action_id": claim.action_id,
                }).last_pk
            except sqlite3.IntegrityError:  # this due time was claimed before
                checkin_id = None
            counted = int(checkin_id is not None and claim.kind == "checkin")
            self.db.execute(
                "update plans set next_due_at = ?, checkins_sent = checkins_sent + ?, failures = 0, "
                "last_error = null, updated_at = ?, quiet_until = ?, review_due_at = coalesce(review_due_at, ?), "
                "cycle_started_at = coalesce(cycle_started_at, ?) where user_id = ?",
                [claim.next_due_at, counted, now, claim.quiet_until, claim.review_due_at, now, user_id])
        return checkin_id

    def failures(self, user_id: int) -> int:
        row = self.db.execute("select failures from plans where user_id = ?", [user_id]).fetchone()
        return row[0] if row else 0

    def claim_failed(self, user_id: int, error: str, now: str, retry_at: str, give_up: bool) -> None:
        """The plan could not make its check-in: try again at ``retry_at``, or stop it (failed)."""
        self.db.execute(
            "update plans set failures = failures + 1, last_error = ?, updated_at = ?, "
            "next_due_at = case when ? then null else ? end, active = case when ? then 0 else active end "
            "where user_id = ?", [error, now, give_up, retry_at, give_up, user_id])

    def sendable_checkins(self, now: str, limit: int = 500) -> list[DueCheckin]:
        """Claimed check-ins waiting to be sent (or sent again after a transient fault), with the
        action each asks about."""
        rows = self.db.query(
            "select c.*, u.language, p.focus as plan_focus, p.quiet_until as plan_quiet_until, a.id as a_id, "
            "a.competency as a_competency, a.text as a_text, a.tip as a_tip, a.cadence as a_cadence, "
            "a.due_on as a_due_on, a.status as a_status, a.created_at as a_created_at "
            "from checkins c join users u on u.id = c.user_id left join plans p on p.user_id = c.user_id "
            "left join plan_actions a on a.id = c.action_id "
            "where c.status = 'pending' and c.next_attempt_at <= ? order by c.next_attempt_at, c.id limit ?",
            [now, limit])
        return [DueCheckin(_checkin(row), row["language"], row["attempts"],
                           ActionRecord(row["a_id"], row["a_competency"], row["a_text"], row["a_tip"],
                                        row["a_cadence"], row["a_due_on"], row["a_status"], row["a_created_at"])
                           if row["a_id"] is not None else None,
                           json.loads(row["plan_focus"] or "[]"), row["plan_quiet_until"]) for row in rows]

    def start_sending(self, checkin_id: int) -> bool:
        """Take a pending check-in for sending; only one sender wins."""
        return bool(self.db.execute(
            "update checkins set status = 'sending', attempts = attempts + 1 where id = ? and status = 'pending'",
            [checkin_id]).rowcount)

    def checkin_sent(self, checkin_id: int, message_id: int | None, now: str) -> None:
        self.db.execute("update checkins set status = 'sent', sent_at = ?, message_id = ?, last_error = null "
                        "where id = ?", [now, message_id, checkin_id])

    def checkin_retry(self, checkin_id: int, error: str, retry_at: str) -> None:
        self.db.execute("update checkins set status = 'pending', next_attempt_at = ?, last_error = ? where id = ?",
                        [retry_at, error, checkin_id])

    def checkin_ended(self, checkin_id: int, status: str, error: str | None) -> None:
        """Given up: ``failed`` (with its reason), ``unreachable`` (blocked) or ``unknown``."""
        self.db.execute("update checkins set status = ?, last_error = ? where id = ?", [status, error, checkin_id])

    def interrupted_checkins(self) -> int:
        """Check-ins that were being sent when the process stopped: they may or may not have
        arrived, so they are never sent again (at most once) and marked ``unknown``."""
        return self.db.execute("update checkins set status = 'unknown', last_error = 'interrupted while sending' "
                               "where status = 'sending'").rowcount

    def stop(self, user_id: int, now: str) -> None:
        self.db.execute("update plans set active = 0, next_due_at = null, updated_at = ? where user_id = ?",
                        [now, user_id])


def _plan(row: dict) -> PlanRecord:
    draft = json.loads(row["draft_focus"]) if row["draft_focus"] is not None else None
    action = json.loads(row["draft_action"]) if row["draft_action"] else None
    return PlanRecord(row["user_id"], json.loads(row["focus"]), row["weekday"], row["time"], bool(row["active"]),
                      row["step"], row["next_due_at"], row["checkins_sent"], draft, action, row["paused_until"],
                      row["quiet_until"], row["cycle_started_at"], row["review_due_at"], row["reminders_off_at"])


def _action(row: dict) -> ActionRecord:
    return ActionRecord(row["id"], row["competency"], row["text"], row["tip"], row["cadence"], row["due_on"],
                        row["status"], row["created_at"])


def _checkin(row: dict) -> CheckinRecord:
    return CheckinRecord(row["id"], row["user_id"], row["competency"], row["reflection"], row["due_at"],
                         row["rating"], row["note"], row["kind"], row["action_id"], row["answer"], row["tip"])

