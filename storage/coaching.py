"""Coaches, their coachees (with consent), prompt schedules, deliveries and replies."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlite_utils import Database


@dataclass
class CoachRecord:
    user_id: int
    display_name: str
    invite_code: str
    step: str = "idle"
    draft: dict = field(default_factory=dict)


@dataclass
class Relation:
    id: int
    coach_id: int
    coachee_id: int
    coachee_name: str
    status: str
    consented_at: str
    coach_name: str | None = None
    label: str | None = None  # the coach's own short label for this coachee


@dataclass
class CoacheeStatus:
    """One line of a coach's list: where a consenting coachee stands."""

    relation: Relation
    cursor: int | None  # position in an open assessment
    completed_at: str | None  # of the latest completed assessment
    latest_answers: dict[str, int | None] | None
    version: int = 1  # of the question set of the latest completed assessment
    language: str = "nl"  # the coachee's language


@dataclass
class Schedule:
    id: int
    coach_id: int
    coachee_id: int | None
    competency: str | None
    prompt_index: int | None
    own_text: str | None
    kind: str
    weekday: int | None
    time: str | None
    next_due_at: str | None
    active: bool
    own_versions: dict[str, str] = field(default_factory=dict)  # the coach's versions per language
    paused: bool = False


@dataclass
class DeliveryPrompt:
    """The prompt one delivery carries, chosen when it was claimed."""

    competency: str | None = None
    prompt_index: int | None = None
    text: str | None = None  # the coach's own text, as this coachee receives it
    own_words: bool = False  # sent as written, with the note that these are the coach's own words


@dataclass
class CoachSummary:
    user_id: int
    display_name: str
    coachees: int


@dataclass
class OfferRecord:
    coach_id: int
    coach_name: str
    valid: bool  # opened from the coach's current link (a renewed link voids it)


@dataclass
class PromptRecord:
    delivery_id: int
    coach_id: int
    coach_name: str
    own_name: str  # the coachee's name as that coach knows it
    shared: bool  # the coachee shares with that coach now
    relation_id: int | None = None  # that relation, while active
    competency: str | None = None  # the prompt: a library prompt, or the coach's own text
    prompt_index: int | None = None
    own_text: str | None = None


@dataclass
class Delivery:
    id: int
    schedule: Schedule
    coachee_id: int
    language: str
    coach_name: str
    attempts: int = 0
    prompt: DeliveryPrompt = field(default_factory=DeliveryPrompt)


class CoachStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- coach invites and coaches -------------------------------------------------------
    def create_coach_invite(self, code: str, admin_id: int, now: str) -> None:
        self.db.table("coach_invites").insert({"code": code, "created_by": admin_id, "created_at": now})

    def invite_unused(self, code: str) -> bool:
        return next(self.db.query("select 1 from coach_invites where code = ? and used_by is null", [code]),
                    None) is not None

    def redeem_coach_invite(self, code: str, user_id: int, display_name: str, coachee_code: str,
                            now: str) -> CoachRecord | None:
        """Make ``user_id`` a coach with an unused invite; ``None`` if the code is not valid (or
        the user is a coach already: then the invite stays unused)."""
        with self.db.atomic():
            if self.coach(user_id) is not None:
                return None
            used = self.db.execute(
                "update coach_invites set used_by = ?, used_at = ? where code = ? and used_by is null",
                [user_id, now, code]).rowcount
            if not used:
                return None
            self.db.table("coaches").insert({
                "user_id": user_id, "display_name": display_name, "invite_code": coachee_code,
                "created_at": now})
        return self.coach(user_id)

    def coach(self, user_id: int) -> CoachRecord | None:
        row = next(self.db.query("select * from coaches where user_id = ?", [user_id]), None)
        return _coach(row) if row else None

    def coach_ids(self) -> list[int]:
        return [row["user_id"] for row in self.db.query("select user_id from coaches")]

    def coach_by_code(self, code: str) -> CoachRecord | None:
        row = next(self.db.query("select * from coaches where invite_code = ?", [code]), None)
        return _coach(row) if row else None

    def reissue_code(self, coach_id: int, code: str) -> None:
        self.db.execute("update coaches set invite_code = ? where user_id = ?", [code, coach_id])

    def save_draft(self, coach_id: int, step: str, draft: dict) -> None:
        self.db.execute("update coaches set step = ?, draft = ? where user_id = ?",
                        [step, json.dumps(draft), coach_id])

    def coaches_overview(self) -> list[CoachSummary]:
        """Every coach with the number of people sharing with them now (for admins)."""
        return [CoachSummary(row["user_id"], row["display_name"], row["coachees"]) for row in self.db.query(
            "select c.user_id, c.display_name, count(r.id) as coachees from coaches c left join coach_relations r "
            "on r.coach_id = c.user_id and r.status = 'active' group by c.user_id order by c.display_name, c.user_id")]

    def remove_coach(self, coach_id: int, now: str) -> None:
        """The coach loses the role: relations end, schedules stop, the link dies."""
        with self.db.atomic():
            self.db.execute("update coach_relations set status = 'ended', ended_at = ? "
                            "where coach_id = ? and status = 'active'", [now, coach_id])
            self.db.execute("update prompt_schedules set active = 0, next_due_at = null where coach_id = ?", [coach_id])
            self.db.execute("update prompt_deliveries set status = 'cancelled', last_error = 'coach removed' "
                            "where coach_id = ? and status = 'pending'", [coach_id])
            self.db.execute("delete from coach_offers where coach_id = ?", [coach_id])
            self.db.execute("delete from coaches where user_id = ?", [coach_id])

    def coachee_ids(self, coach_id: int) -> list[int]:
        return [row[0] for row in self.db.execute(
            "select coachee_id from coach_relations where coach_id = ? and status = 'active'", [coach_id]).fetchall()]

    # --- offers: a coach's link opened, not yet answered --------------------------------------
    def open_offer(self, user_id: int, coach_id: int, code: str, now: str) -> None:
        self.db.execute("insert into coach_offers (user_id, coach_id, code, opened_at) values (?, ?, ?, ?) "
                        "on conflict(user_id) do update set coach_id = excluded.coach_id, code = excluded.code, "
                        "opened_at = excluded.opened_at", [user_id, coach_id, code, now])

    def offer_of(self, user_id: int) -> OfferRecord | None:
        """The offer this user opened, and whether its link is still the coach's current one."""
        row = next(self.db.query(
            "select o.coach_id, c.display_name, o.code = c.invite_code as valid from coach_offers o "
            "join coaches c on c.user_id = o.coach_id where o.user_id = ?", [user_id]), None)
        return OfferRecord(row["coach_id"], row["display_name"], bool(row["valid"])) if row else None

    def close_offer(self, user_id: int) -> None:
        self.db.execute("delete from coach_offers where user_id = ?", [user_id])

    # --- relations ------------------------------------------------------------------------
    def connect(self, coach_id: int, coachee_id: int, coachee_name: str, now: str) -> tuple[Relation, list[int]]:
        """Start sharing with ``coach_id``; any earlier coach of the coachee is ended. Returns the
        new relation and the ids of coaches whose relation ended."""
        with self.db.atomic():
            ended = [row["coach_id"] for row in self.db.query(
                "select coach_id from coach_relations where coachee_id = ? and status = 'active'", [coachee_id])]
            self.db.execute("update coach_relations set status = 'revoked', ended_at = ? "
                            "where coachee_id = ? and status = 'active'", [now, coachee_id])
            relation_id = self.db.table("coach_relations").insert({
                "coach_id": coach_id, "coachee_id": coachee_id, "coachee_name": coachee_name,
                "status": "active", "consented_at": now}).last_pk
        return self.relation_by_id(relation_id), [c for c in ended if c != coach_id]  # type: ignore[return-value]

    def relation_by_id(self, relation_id: int) -> Relation | None:
        row = next(self.db.query("select * from coach_relations where id = ?", [relation_id]), None)
        return _relation(row) if row else None

    def active_relation_of_coachee(self, coachee_id: int) -> Relation | None:
        row = next(self.db.query(
            "select r.*, c.display_name as coach_name from coach_relations r "
            "join coaches c on c.user_id = r.coach_id where r.coachee_id = ? and r.status = 'active'",
            [coachee_id]), None)
        return _relation(row) if row else None

    def coach_relation(self, relation_id: int, coach_id: int) -> Relation | None:
        """The relation only if it is ``coach_id``'s own and still active (consent in force)."""
        row = next(self.db.query(
            "select * from coach_relations where id = ? and coach_id = ? and status = 'active'",
            [relation_id, coach_id]), None)
        return _relation(row) if row else None

    def revoke(self, coachee_id: int, now: str) -> Relation | None:
        relation = self.active_relation_of_coachee(coachee_id)
        if relation is not None:
            self.db.execute("update coach_relations set status = 'revoked', ended_at = ? where id = ?",
                            [now, relation.id])
        return relation

    def mark_unreachable(self, coachee_id: int, now: str) -> str | None:
        """End the coachee's active relation as unreachable; returns the coachee's name."""
        relation = self.active_relation_of_coachee(coachee_id)
        self.db.execute("update coach_relations set status = 'unreachable', ended_at = ? "
                        "where coachee_id = ? and status = 'active'", [now, coachee_id])
        return relation.coachee_name if relation else None

    def coachees(self, coach_id: int, coachee_id: int | None = None) -> list[CoacheeStatus]:
        """Active coachees (or the one ``coachee_id``) with their progress; only data of
        consenting coachees is read."""
        return [self._status(_relation(row), row["language"]) for row in self.db.query(
            "select r.*, coalesce(u.language, 'nl') as language from coach_relations r left join users u "
            "on u.id = r.coachee_id where r.coach_id = ? and r.status = 'active' and (? is null or r.coachee_id = ?) "
            "order by r.coachee_name, r.id", [coach_id, coachee_id, coachee_id])]

    def _status(self, relation: Relation, language: str) -> CoacheeStatus:
        open_row = next(self.db.query(
            "select cursor from assessments where user_id = ? and status = 'in_progress' order by id desc limit 1",
            [relation.coachee_id]), None)
        done = next(self.db.query(
            "select id, completed_at, version from assessments where user_id = ? and status = 'completed' "
            "order by completed_at desc, id desc limit 1", [relation.coachee_id]), None)
        answers = None
        if done is not None:
            answers = {r["question_id"]: r["value"] for r in self.db.query(
                "select question_id, value from answers where assessment_id = ?", [done["id"]])}
        return CoacheeStatus(relation, open_row["cursor"] if open_row else None,
                             done["completed_at"] if done else None, answers, done["version"] if done else 1, language)

    def coachee_status(self, coach_id: int, coachee_id: int) -> CoacheeStatus | None:
        """One coachee's status, only while they share with ``coach_id``."""
        return next(iter(self.coachees(coach_id, coachee_id)), None)

    # --- prompts ----------------------------------------------------------------------------
    def create_schedule(self, values: dict) -> int:
        """A new schedule; ``own_versions`` ({language: text}) is stored as JSON."""
        versions = values.get("own_versions")
        return self.db.table("prompt_schedules").insert(
            values | {"own_versions": json.dumps(versions, ensure_ascii=False) if versions else None}).last_pk

    def schedules_of(self, coach_id: int) -> list[Schedule]:
        """A coach's schedules still to come (paused ones included), soonest first."""
        return [_schedule(row) for row in self.db.query(
            "select * from prompt_schedules where coach_id = ? and active = 1 order by paused_at is not null, "
            "next_due_at, id", [coach_id])]

    def cancel_schedule(self, schedule_id: int, coach_id: int) -> bool:
        return bool(self.db.execute(
            "update prompt_schedules set active = 0, next_due_at = null where id = ? and coach_id = ? and active = 1",
            [schedule_id, coach_id]).rowcount)

    def pause_schedule(self, schedule_id: int, coach_id: int, now: str) -> bool:
        return bool(self.db.execute(
            "update prompt_schedules set paused_at = ? where id = ? and coach_id = ? and active = 1 "
            "and paused_at is null", [now, schedule_id, coach_id]).rowcount)

    def move_schedule(self, schedule_id: int, coach_id: int, next_due_at: str, weekday: int | None = None,
                      at: str | None = None, resume: bool = False) -> bool:
        """Set when a schedule goes next (a weekly one also on which day and time); ``resume``
        lifts a pause."""
        return bool(self.db.execute(
            "update prompt_schedules set next_due_at = ?, weekday = coalesce(?, weekday), time = coalesce(?, time), "
            "paused_at = case when ? then null else paused_at end where id = ? and coach_id = ? and active = 1",
            [next_due_at, weekday, at, resume, schedule_id, coach_id]).rowcount)

    def due_schedule_ids(self, now: str, limit: int = 200) -> list[int]:
        return [row["id"] for row in self.db.query(
            "select id from prompt_schedules where active = 1 and paused_at is null and next_due_at <= ? "
            "order by next_due_at limit ?", [now, limit])]

    def recent_prompts(self, coachee_id: int, since: str) -> list[tuple[str, int]]:
        """The library prompts and reflections put to ``coachee_id`` (by any coach) since
        ``since``, newest first: a series never asks them again within its window."""
        return [(row[0], row[1]) for row in self.db.execute(
            "select competency, prompt_index from prompt_deliveries where coachee_id = ? and due_at >= ? "
            "and competency is not null and status not in ('cancelled', 'failed') order by due_at desc, id desc",
            [coachee_id, since]).fetchall()]

    def sent_in_schedule(self, schedule_id: int, coachee_id: int) -> int:
        """How many prompts of this schedule went (or go) to ``coachee_id`` so far."""
        return self.db.execute("select count(*) from prompt_deliveries where schedule_id = ? and coachee_id = ? "
                               "and status not in ('cancelled', 'failed')", [schedule_id, coachee_id]).fetchone()[0]

    def claim_schedule(self, schedule_id: int, now: str, next_due: Callable[[Schedule], str | None],
                       choose: Callable[[Schedule, int, str], DeliveryPrompt]) -> int:
        """Create the deliveries of a due schedule and move it on, atomically; returns how many.
        Only coachees whose relation with the coach stands now get one (consent at claim), each
        with the prompt ``choose(schedule, coachee_id, language)`` picks for them."""
        with self.db.atomic():
            row = next(self.db.query("select * from prompt_schedules where id = ? and active = 1 "
                                     "and paused_at is null and next_due_at <= ?", [schedule_id, now]), None)
            if row is None:
                return 0
            schedule = _schedule(row)
            targets = list(self.db.execute(
                "select r.coachee_id, coalesce(u.language, 'nl') from coach_relations r left join users u "
                "on u.id = r.coachee_id where r.coach_id = ? and r.status = 'active' and (? is null or r.coachee_id = ?) "
                "order by r.id", [schedule.coach_id, schedule.coachee_id, schedule.coachee_id]).fetchall())
            created = 0
            for coachee_id, language in targets:
                prompt = choose(schedule, coachee_id, language)
                created += self.db.execute(
                    "insert or ignore into prompt_deliveries (schedule_id, coach_id, coachee_id, due_at, status, "
                    "next_attempt_at, competency, prompt_index, text, own_words) "
                    "values (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
                    [schedule.id, schedule.coach_id, coachee_id, schedule.next_due_at, now, prompt.competency,
                     prompt.prompt_index, prompt.text, int(prompt.own_words)]).rowcount
            following = next_due(schedule)
            self.db.execute("update prompt_schedules set next_due_at = ?, active = ?, failures = 0, last_error = null "
                            "where id = ?", [following, int(following is not None), schedule.id])
        return created

    def schedule_failures(self, schedule_id: int) -> int:
        row = self.db.execute("select failures from prompt_schedules where id = ?", [schedule_id]).fetchone()
        return row[0] if row else 0

    def claim_failed(self, schedule_id: int, error: str, retry_at: str, give_up: bool) -> None:
        """The schedule could not be claimed: try again at ``retry_at``, or stop it (failed)."""
        self.db.execute(
            "update prompt_schedules set failures = failures + 1, last_error = ?, "
            "next_due_at = case when ? then null else ? end, active = case when ? then 0 else active end "
            "where id = ?", [error, give_up, retry_at, give_up, schedule_id])

    def sendable_deliveries(self, now: str, limit: int = 1000) -> list[Delivery]:
        """Deliveries waiting to be sent (or sent again after a transient fault), oldest first."""
        rows = self.db.query(
            f"select {_DELIVERY_COLUMNS} from prompt_deliveries d join prompt_schedules s on s.id = d.schedule_id "
            "join users u on u.id = d.coachee_id join coaches c on c.user_id = d.coach_id "
            "where d.status = 'pending' and coalesce(d.next_attempt_at, '') <= ? order by d.id limit ?",
            [now, limit])
        return [_delivery(row) for row in rows]

    def start_sending(self, delivery: "Delivery") -> bool:
        """Take a pending delivery for sending; only one sender wins, so it is never sent twice.
        If the coachee no longer shares with this coach, it is cancelled instead (consent at send)."""
        with self.db.atomic():
            if not self.relation_stands(delivery.schedule.coach_id, delivery.coachee_id):
                self.db.execute("update prompt_deliveries set status = 'cancelled', last_error = 'consent ended' "
                                "where id = ? and status = 'pending'", [delivery.id])
                return False
            return bool(self.db.execute("update prompt_deliveries set status = 'sending', attempts = attempts + 1 "
                                        "where id = ? and status = 'pending'", [delivery.id]).rowcount)

    def relation_stands(self, coach_id: int, coachee_id: int) -> bool:
        return next(self.db.query("select 1 from coach_relations where coach_id = ? and coachee_id = ? "
                                  "and status = 'active'", [coach_id, coachee_id]), None) is not None

    def mark_sent(self, delivery: "Delivery", message_id: int | None, now: str) -> None:
        """Sent. The message id lets a Telegram reply to it find its way to this coach; what the
        coachee is typing elsewhere is not touched."""
        self.db.execute("update prompt_deliveries set status = 'sent', sent_at = ?, message_id = ?, "
                        "last_error = null where id = ?", [now, message_id, delivery.id])

    def retry_delivery(self, delivery_id: int, error: str, retry_at: str) -> None:
        self.db.execute("update prompt_deliveries set status = 'pending', next_attempt_at = ?, last_error = ? "
                        "where id = ?", [retry_at, error, delivery_id])

    def end_delivery(self, delivery_id: int, status: str, error: str | None, now: str) -> None:
        """Given up: ``failed`` (with its reason), ``unreachable`` (blocked) or ``unknown``."""
        self.db.execute("update prompt_deliveries set status = ?, last_error = ?, sent_at = ? where id = ?",
                        [status, error, now, delivery_id])

    def interrupted_deliveries(self) -> list[Delivery]:
        """Deliveries that were being sent when the process stopped are marked ``unknown``: they
        may or may not have arrived, so they are never sent again (at most once). Returned so
        that their coaches can be told."""
        with self.db.atomic():
            rows = list(self.db.query(
                f"select {_DELIVERY_COLUMNS} from prompt_deliveries d join prompt_schedules s on s.id = d.schedule_id "
                "join users u on u.id = d.coachee_id join coaches c on c.user_id = d.coach_id "
                "where d.status = 'sending'"))
            self.db.execute("update prompt_deliveries set status = 'unknown', last_error = 'interrupted while sending' "
                            "where status = 'sending'")
        return [_delivery(row) for row in rows]

    def coachee_name(self, coach_id: int, coachee_id: int) -> str | None:
        row = next(self.db.query("select coachee_name from coach_relations where coach_id = ? and coachee_id = ? "
                                 "order by id desc limit 1", [coach_id, coachee_id]), None)
        return row["coachee_name"] if row else None

    def add_reply(self, delivery_id: int, coachee_id: int, text: str, now: str) -> int | None:
        """Store a reply to a delivery of ``coachee_id``'s own; returns the coach to forward it to."""
        with self.db.atomic():
            row = next(self.db.query(
                "select d.coach_id from prompt_deliveries d join coach_relations r on r.coach_id = d.coach_id "
                "and r.coachee_id = d.coachee_id and r.status = 'active' where d.id = ? and d.coachee_id = ?",
                [delivery_id, coachee_id]), None)
            if row is None:
                return None
            self.db.table("prompt_replies").insert({
                "delivery_id": delivery_id, "coach_id": row["coach_id"], "coachee_id": coachee_id,
                "text": text, "created_at": now})
        return row["coach_id"]

    def prompt_ref(self, delivery_id: int, coachee_id: int) -> PromptRecord | None:
        """A prompt delivered to ``coachee_id`` (never someone else's) and whether the coachee
        still shares with the coach who sent it."""
        row = next(self.db.query(
            "select d.id, d.coach_id, c.display_name, r.coachee_name, r.id as relation, d.competency, d.prompt_index, "
            "d.text as own_text from prompt_deliveries d "
            "join coaches c on c.user_id = d.coach_id left join coach_relations r on r.coach_id = d.coach_id "
            "and r.coachee_id = d.coachee_id and r.status = 'active' "
            "where d.id = ? and d.coachee_id = ? and d.status in ('sent', 'unknown')", [delivery_id, coachee_id]), None)
        if row is None:
            return None
        return PromptRecord(row["id"], row["coach_id"], row["display_name"], row["coachee_name"] or "",
                            row["relation"] is not None, row["relation"], row["competency"], row["prompt_index"],
                            row["own_text"])

    def delivery_by_message(self, coachee_id: int, message_id: int) -> int | None:
        """The prompt delivery shown to ``coachee_id`` as Telegram message ``message_id``."""
        row = self.db.execute("select id from prompt_deliveries where coachee_id = ? and message_id = ?",
                              [coachee_id, message_id]).fetchone()
        return row[0] if row else None

    def focus_of_many(self, user_ids: list[int]) -> dict[int, list[str]]:
        """The focus of each of these people's active plans (people without one are left out)."""
        found: dict[int, list[str]] = {}
        for start in range(0, len(user_ids), 500):
            chunk = user_ids[start:start + 500]
            for row in self.db.execute(f"select user_id, focus from plans where active = 1 and user_id in "
                                       f"({', '.join('?' * len(chunk))})", chunk).fetchall():
                found[row[0]] = json.loads(row[1])
        return found

    def focus_of(self, user_id: int) -> list[str]:
        return self.focus_of_many([user_id]).get(user_id, [])


def _coach(row: dict) -> CoachRecord:
    return CoachRecord(row["user_id"], row["display_name"], row["invite_code"], row["step"], json.loads(row["draft"]))


def _relation(row: dict) -> Relation:
    return Relation(row["id"], row["coach_id"], row["coachee_id"], row["coachee_name"], row["status"],
                    row["consented_at"], row.get("coach_name"), row.get("label"))


def _schedule(row: dict) -> Schedule:
    return Schedule(row["id"], row["coach_id"], row["coachee_id"], row["competency"], row["prompt_index"],
                    row["own_text"], row["kind"], row["weekday"], row["time"], row["next_due_at"],
                    bool(row["active"]), json.loads(row.get("own_versions") or "{}"), row.get("paused_at") is not None)


# A delivery with its schedule; the delivery's own prompt columns under their own names.
_DELIVERY_COLUMNS = ("s.*, d.id as delivery_id, d.coachee_id as target_id, d.attempts, u.language, c.display_name, "
                     "d.competency as d_competency, d.prompt_index as d_prompt_index, d.text as d_text, "
                     "d.own_words as d_own_words")


def _delivery(row: dict) -> Delivery:
    return Delivery(row["delivery_id"], _schedule(row), row["target_id"], row["language"], row["display_name"],
                    row["attempts"], DeliveryPrompt(row["d_competency"], row["d_prompt_index"], row["d_text"],
                                                    bool(row["d_own_words"])))
