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


@MIGRATIONS()
def m002_plans_and_checkins(db: Database) -> None:
    db.table("users").add_column("awaiting", str)  # free text expected next, e.g. "checkin:12"
    db.table("plans").create(
        {
            "user_id": int,
            "focus": str,  # JSON list of competency ids
            "weekday": int,  # 0 = Monday
            "time": str,  # HH:MM in the configured time zone
            "active": int,
            "step": str,  # where the user is in setting it up: idle | focus | day | time
            "next_due_at": str,  # UTC ISO time of the next check-in, NULL when not active
            "checkins_sent": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="user_id",
        foreign_keys=[("user_id", "users", "id")],
        not_null={"focus", "active", "step", "checkins_sent", "created_at", "updated_at"},
        defaults={"active": 0, "step": "idle", "checkins_sent": 0, "focus": "[]"},
    )
    db.table("plans").create_index(["active", "next_due_at"])
    db.table("checkins").create(
        {
            "id": int,
            "user_id": int,
            "competency": str,
            "reflection": int,  # index of the reflection question asked
            "due_at": str,
            "sent_at": str,
            "rating": int,  # 1..5 progress, NULL until answered
            "note": str,
            "answered_at": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
        not_null={"user_id", "competency", "reflection", "due_at"},
    )
    # One check-in per plan and due time: a second claim of the same due time fails.
    db.table("checkins").create_index(["user_id", "due_at"], unique=True)


@MIGRATIONS()
def m003_coaching(db: Database) -> None:
    db.table("coach_invites").create(
        {"code": str, "created_by": int, "created_at": str, "used_by": int, "used_at": str},
        pk="code", not_null={"created_by", "created_at"},
    )
    db.table("coaches").create(
        {
            "user_id": int,
            "display_name": str,
            "invite_code": str,  # the coachee link's code; replaced when the coach re-issues it
            "step": str,  # where the coach is in composing a prompt
            "draft": str,  # JSON: the prompt being composed
            "created_at": str,
        },
        pk="user_id",
        foreign_keys=[("user_id", "users", "id")],
        not_null={"display_name", "invite_code", "step", "draft", "created_at"},
        defaults={"step": "idle", "draft": "{}"},
    )
    db.table("coaches").create_index(["invite_code"], unique=True)
    db.table("coach_relations").create(
        {
            "id": int,
            "coach_id": int,
            "coachee_id": int,
            "coachee_name": str,
            "status": str,  # active | revoked | unreachable
            "consented_at": str,
            "ended_at": str,
        },
        pk="id",
        foreign_keys=[("coach_id", "users", "id"), ("coachee_id", "users", "id")],
        not_null={"coach_id", "coachee_id", "coachee_name", "status", "consented_at"},
    )
    db.table("coach_relations").create_index(["coach_id", "status"])
    db.table("coach_relations").create_index(["coachee_id", "status"])
    db.table("prompt_schedules").create(
        {
            "id": int,
            "coach_id": int,
            "coachee_id": int,  # NULL = every active coachee at the time of sending
            "competency": str,  # library prompt: competency and index; NULL for own text
            "prompt_index": int,
            "own_text": str,
            "kind": str,  # now | once | weekly
            "weekday": int,
            "time": str,
            "next_due_at": str,  # NULL when done or cancelled
            "active": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("coach_id", "users", "id")],
        not_null={"coach_id", "kind", "active", "created_at"},
    )
    db.table("prompt_schedules").create_index(["active", "next_due_at"])
    db.table("prompt_deliveries").create(
        {
            "id": int,
            "schedule_id": int,
            "coach_id": int,
            "coachee_id": int,
            "due_at": str,
            "status": str,  # pending | sending | sent | unreachable
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[("schedule_id", "prompt_schedules", "id")],
        not_null={"schedule_id", "coach_id", "coachee_id", "due_at", "status"},
    )
    # One delivery per schedule, coachee and due time: a schedule is never claimed twice.
    db.table("prompt_deliveries").create_index(["schedule_id", "coachee_id", "due_at"], unique=True)
    db.table("prompt_deliveries").create_index(["status"])
    db.table("prompt_replies").create(
        {"id": int, "delivery_id": int, "coach_id": int, "coachee_id": int, "text": str, "created_at": str},
        pk="id",
        foreign_keys=[("delivery_id", "prompt_deliveries", "id")],
        not_null={"delivery_id", "coach_id", "coachee_id", "text", "created_at"},
    )
    db.table("prompt_replies").create_index(["coach_id", "coachee_id"])


# The questions as of this migration. Since m008 these columns are no longer written:
# statistics read per-question scores from ``answers``, per question set version.
QUESTION_IDS_M004 = (
    "leider_visie", "manager_inrichten", "leider_mensen", "manager_visie_ander", "leider_ondersteunend",
    "manager_structuur", "leider_emotie", "manager_harde_kant", "leider_opstaan", "manager_ervaring",
    "manager_bepaalt", "manager_procedures", "richten", "inrichten", "verrichten", "bedrijfsstrategie",
    "business_requirements", "processtrategie", "kwaliteitsstandaarden", "verandermanagement",
    "uitrol_systemen", "organisatiesensitiviteit", "applicatieontwerp", "it_infrastructuur",
    "systeemmanagement", "technische_problemen", "aandacht_voor_detail", "analytisch_vermogen",
    "besluitvaardigheid", "communiceren_face_to_face", "communiceren_schriftelijk",
    "communiceren_presentaties", "klantgerichtheid", "leiderschap", "plannen_organiseren",
    "problemen_oplossen", "relaties_onderhouden", "werken_in_team", "streven_naar_voortreffelijkheid",
    "ethisch_handelen", "samenwerken", "mensen_meekrijgen", "resultaatgericht_sturen",
)


@MIGRATIONS()
def m004_results(db: Database) -> None:
    """One wide row per completed assessment, so statistics and exports need no joins."""
    columns: dict = {
        "assessment_id": int,
        "user_id": int,
        "started_at": str,
        "completed_at": str,
        "language": str,
        "archetype": str,
        "levels": str,  # the highest rated level(s), joined with "+"
        "leider": float,
        "manager": float,
    }
    columns |= {f"q_{question_id}": int for question_id in QUESTION_IDS_M004}
    db.table("results").create(
        columns, pk="assessment_id",
        foreign_keys=[("assessment_id", "assessments", "id"), ("user_id", "users", "id")],
        not_null={"user_id", "started_at", "completed_at", "language", "archetype", "levels"},
    )
    db.table("results").create_index(["completed_at"])
    db.table("assessments").create_index(["started_at"])


@MIGRATIONS()
def m005_inbox(db: Database) -> None:
    """Updates are committed here before Telegram is told they arrived, and marked done in
    the same transaction as the state change they caused."""
    db.table("inbox").create(
        {
            "update_id": int,
            "user_id": int,  # the sender, for ordering per user and for erasure
            "payload": str,  # the update as Telegram sent it (JSON)
            "status": str,  # pending | done
            "received_at": str,
            "done_at": str,
        },
        pk="update_id",
        not_null={"payload", "status", "received_at"},
    )
    db.table("inbox").create_index(["status", "update_id"])
    db.table("inbox").create_index(["user_id"])
    db.table("meta").create({"key": str, "value": str}, pk="key")


@MIGRATIONS()
def m006_faults(db: Database) -> None:
    """Work item by item: unparseable or failed updates keep their reason; scheduled sends
    carry attempts, a next attempt time and their last error; a plan edits a draft focus."""
    inbox = db.table("inbox")
    inbox.add_column("error", str)  # why the update is unparseable or failed
    db.table("inbox").create_index(["status", "user_id"])
    plans = db.table("plans")
    plans.add_column("draft_focus", str)  # JSON list while the focus is being changed, else NULL
    plans.add_column("failures", int, not_null_default=0)  # check-ins that could not be claimed in a row
    plans.add_column("last_error", str)
    # An active plan without focus cannot make check-ins: stop it (it can no longer be saved).
    db.execute("update plans set active = 0, next_due_at = null where active = 1 and focus = '[]'")
    checkins = db.table("checkins")
    checkins.add_column("status", str, not_null_default="sent")  # pending | sending | sent | failed | unknown | unreachable
    checkins.add_column("attempts", int, not_null_default=0)
    checkins.add_column("next_attempt_at", str)
    checkins.add_column("last_error", str)
    checkins.add_column("message_id", int)  # the Telegram message that asked it
    checkins.create_index(["status", "next_attempt_at"])
    deliveries = db.table("prompt_deliveries")
    # status gains: failed (gave up, last_error says why), unknown (interrupted while sending:
    # may or may not have arrived, never sent again), cancelled (the relation ended first)
    deliveries.add_column("attempts", int, not_null_default=0)
    deliveries.add_column("next_attempt_at", str)
    deliveries.add_column("last_error", str)
    deliveries.add_column("message_id", int)
    schedules = db.table("prompt_schedules")
    schedules.add_column("failures", int, not_null_default=0)  # claims that failed in a row
    schedules.add_column("last_error", str)


@MIGRATIONS()
def m007_text_contexts_offers_versions(db: Database) -> None:
    """Free text goes where its writer chose: ``users.text_context`` (JSON, opened only by the
    user's own action) replaces ``awaiting``, which every prompt sent used to overwrite. An
    offer opened from a coach's link is kept with the code it came from. Assessments keep the
    version of the question set they were taken with. A check-in note is shared only on request."""
    users = db.table("users")
    users.add_column("text_context", str)
    users.transform(drop={"awaiting"})
    db.table("coach_offers").create(
        {"user_id": int, "coach_id": int, "code": str, "opened_at": str},
        pk="user_id",  # one open offer per person: the last link opened
        foreign_keys=[("user_id", "users", "id"), ("coach_id", "users", "id")],
        not_null={"coach_id", "code", "opened_at"},
    )
    db.table("assessments").add_column("version", int, not_null_default=1)
    checkins = db.table("checkins")
    checkins.add_column("shared_with", int)  # the coach the user chose to share the note with
    checkins.add_column("shared_at", str)


@MIGRATIONS()
def m008_statistics_snapshots(db: Database) -> None:
    """Admin statistics are published as snapshots: a new one only after enough new people
    completed, so that no two published figure sets differ by fewer people. ``watermark`` is
    the latest completion a snapshot counted; ``figures`` the published aggregates (JSON).
    Per-question scores are read from ``answers``: the ``q_*`` columns of ``results`` are no
    longer written."""
    db.table("statistics_snapshots").create(
        {"id": int, "taken_at": str, "watermark": str, "figures": str},
        pk="id", not_null={"taken_at", "figures"},
    )
    db.table("assessments").create_index(["completed_at"])  # completions since the last snapshot
    db.table("answers").create_index(["question_id", "value", "assessment_id"])  # counts per answer, no sort


@MIGRATIONS()
def m009_feedback(db: Database) -> None:
    """Feedback from colleagues (360 light): a manager's request with its shareable code, the
    raters' sessions and answers, and the summary published when the request closes. The
    summary is a snapshot; ``feedback_summary_raters`` names whom it covers, so that it is
    withheld (never recomputed) once fewer than the threshold of them remain."""
    db.table("feedback_requests").create(
        {
            "id": int,
            "manager_id": int,
            "manager_name": str,  # shown to raters: whose request it is
            "code": str,  # the link's code; replaced when the manager renews the link
            "status": str,  # open | closed | expired
            "close_when_ready": int,  # the manager asked to close before enough raters completed
            "created_at": str,
            "closes_at": str,  # closed automatically then
            "closed_at": str,
            "summary": str,  # JSON snapshot, only when at least the threshold of raters completed
        },
        pk="id",
        foreign_keys=[("manager_id", "users", "id")],
        not_null={"manager_id", "manager_name", "code", "status", "close_when_ready", "created_at", "closes_at"},
        defaults={"close_when_ready": 0},
    )
    db.table("feedback_requests").create_index(["code"], unique=True)
    db.table("feedback_requests").create_index(["manager_id", "status"])
    db.table("feedback_requests").create_index(["status", "closes_at"])
    db.table("feedback_raters").create(
        {
            "id": int,
            "request_id": int,
            "rater_id": int,
            "code": str,  # the request's code when this session began: a renewed link voids it
            "relation": str,  # peer | report | manager | other
            "status": str,  # offered | answering | completed | replaced | void
            "cursor": int,
            "started_at": str,
            "completed_at": str,
            "reminded_at": str,  # the one reminder after two days, if it stopped halfway
        },
        pk="id",
        foreign_keys=[("request_id", "feedback_requests", "id"), ("rater_id", "users", "id")],
        not_null={"request_id", "rater_id", "code", "status", "cursor", "started_at"},
        defaults={"cursor": 0},
    )
    db.table("feedback_raters").create_index(["request_id", "status"])
    db.table("feedback_raters").create_index(["rater_id", "status"])
    db.table("feedback_answers").create(
        {"session_id": int, "question_id": str, "value": int, "answered_at": str},
        pk=("session_id", "question_id"),
        foreign_keys=[("session_id", "feedback_raters", "id")],
        not_null={"answered_at"},
    )
    db.table("feedback_summary_raters").create(
        {"request_id": int, "rater_id": int},
        pk=("request_id", "rater_id"),
        foreign_keys=[("request_id", "feedback_requests", "id")],
    )


@MIGRATIONS()
def m010_results_without_answer_copies(db: Database) -> None:
    """Drop the ``q_*`` columns of ``results``: since m008 nothing writes or reads them
    (statistics count from ``answers``), so they held only stale copies of early answers.
    One rewrite of the table; the rows, their keys and indexes stay."""
    results = db.table("results")
    copies = {column.name for column in results.columns if column.name.startswith("q_")}
    if copies:
        results.transform(drop=copies)


@MIGRATIONS()
def m011_index_prompts_by_message(db: Database) -> None:
    """A coachee's Telegram reply is matched to the prompt it answers by message id (m007):
    index that lookup, which runs for every reply, instead of scanning all deliveries. Drop
    the index on ``assessments.started_at``: no query filters or sorts by it since m008."""
    db.table("prompt_deliveries").create_index(["coachee_id", "message_id"])
    db.table("assessments").drop_index("idx_assessments_started_at")


@MIGRATIONS()
def m012_results_scoring_rules(db: Database) -> None:
    """``results.rules``: the version of the scoring rules a row was computed with (NULL: before
    scoring v3). Rows of older rules are computed anew at start-up, so statistics count every
    assessment by today's rules (home ground in ``levels`` instead of where the weight lay)."""
    db.table("results").add_column("rules", int)


@MIGRATIONS()
def m013_plan_actions_reviews_reminders(db: Database) -> None:
    """The development loop. A plan holds one concrete action per focus competency
    (``plan_actions``: typed or taken from a tip, weekly or by a date; ended as done, dropped,
    replaced or removed), and check-ins ask about that action (``checkins.answer``: done |
    partly | notyet | dropped; ``checkins.tip``: the tip given with the answer). A check-in row
    of ``kind`` 'silence' is the one offer to pause or change after check-ins went unanswered.
    ``tips_seen``: which tips a person was shown, so none is shown twice until all were.
    ``plan_reviews``: the review after some weeks, a stored summary (the coach with consent
    is told, ``coach_id``). ``assessment_reminders``: one reminder per stalled self-assessment.
    Plans gain the action being chosen, a pause, the quiet after the offer, the review cycle
    and the user's choice to have no reminders. Plans from before keep working: their focus
    has no action until the user picks one, and their first review is planned at their next
    check-in."""
    plans = db.table("plans")
    plans.add_column("draft_action", str)  # JSON: the action being chosen (competency, text, tip, queue)
    plans.add_column("paused_until", str)  # the user paused check-ins until then (UTC ISO)
    plans.add_column("quiet_until", str)  # check-ins went unanswered: quiet until then, unless answered
    plans.add_column("cycle_started_at", str)  # the plan's current round, reviewed at review_due_at
    plans.add_column("review_due_at", str)
    plans.add_column("reminders_off_at", str)  # the user asked for no reminders about a stalled assessment
    db.execute("update plans set cycle_started_at = created_at where cycle_started_at is null")
    plans.create_index(["active", "review_due_at"])
    db.table("plan_actions").create(
        {
            "id": int,
            "user_id": int,
            "competency": str,
            "text": str,  # what the user will do (their own words, or a tip's in their language)
            "tip": int,  # the tip it came from (index in the competency's tips), NULL when typed
            "cadence": str,  # weekly | once
            "due_on": str,  # a one-off action's date (local ISO date), NULL when weekly
            "status": str,  # active | done | dropped | replaced | removed
            "created_at": str,
            "ended_at": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
        not_null={"user_id", "competency", "text", "cadence", "status", "created_at"},
    )
    db.table("plan_actions").create_index(["user_id", "status"])
    checkins = db.table("checkins")
    checkins.add_column("kind", str, not_null_default="checkin")  # checkin | silence
    checkins.add_column("action_id", int)  # the action it asks about (NULL: a focus without one)
    checkins.add_column("answer", str)  # done | partly | notyet | dropped
    checkins.add_column("tip", int)  # a tip given with the answer
    checkins.create_index(["action_id"])
    db.table("tips_seen").create(
        {"user_id": int, "competency": str, "tip": int, "seen_at": str},
        pk=("user_id", "competency", "tip"),
        foreign_keys=[("user_id", "users", "id")],
        not_null={"seen_at"},
    )
    db.table("plan_reviews").create(
        {
            "id": int,
            "user_id": int,
            "due_at": str,
            "created_at": str,
            "summary": str,  # JSON: the actions and check-ins of the round, as counted at the claim
            "status": str,  # pending | sending | sent | failed | unknown | unreachable
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "message_id": int,
            "sent_at": str,
            "coach_id": int,  # the coach with consent who was told, when one was
            "coach_told_at": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
        not_null={"user_id", "due_at", "created_at", "summary", "status", "attempts"},
        defaults={"attempts": 0},
    )
    db.table("plan_reviews").create_index(["user_id", "due_at"], unique=True)  # one review per due time
    db.table("plan_reviews").create_index(["status", "next_attempt_at"])
    db.table("assessment_reminders").create(
        {
            "id": int,
            "user_id": int,
            "assessment_id": int,
            "touched_at": str,  # the assessment's last answer (or start) this reminder is about
            "cursor": int,
            "created_at": str,
            "status": str,  # pending | sending | sent | failed | unknown | unreachable | cancelled
            "attempts": int,
            "next_attempt_at": str,
            "sent_at": str,
            "message_id": int,
            "last_error": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id"), ("assessment_id", "assessments", "id")],
        not_null={"user_id", "assessment_id", "touched_at", "cursor", "created_at", "status", "attempts"},
        defaults={"attempts": 0},
    )
    db.table("assessment_reminders").create_index(["assessment_id", "touched_at"], unique=True)  # one per stall
    db.table("assessment_reminders").create_index(["user_id", "created_at"])
    db.table("assessment_reminders").create_index(["status"])
    # Stalled assessments are looked for among the open ones only (a few among many completed).
    db.execute("create index idx_assessments_open on assessments (started_at) where status = 'in_progress'")


@MIGRATIONS()
def m014_coach_threads(db: Database) -> None:
    """One conversation per coach and coachee beyond prompts and replies. ``thread_messages``:
    a coach's answer, a coachee's answer back, or a coachee's own message they chose to send
    (``author``: coach | coachee). ``thread_links``: a message the bot showed in ``user_id``'s
    chat that belongs to a thread (a reply notification, an answer), so a Telegram reply to it
    goes to that thread and nowhere else."""
    db.table("thread_messages").create(
        {"id": int, "coach_id": int, "coachee_id": int, "author": str, "text": str, "created_at": str},
        pk="id",
        foreign_keys=[("coach_id", "users", "id"), ("coachee_id", "users", "id")],
        not_null={"coach_id", "coachee_id", "author", "text", "created_at"},
    )
    db.table("thread_messages").create_index(["coach_id", "coachee_id"])
    db.table("thread_links").create(
        {"user_id": int, "message_id": int, "coach_id": int, "coachee_id": int, "created_at": str},
        pk=("user_id", "message_id"),
        not_null={"coach_id", "coachee_id", "created_at"},
    )


@MIGRATIONS()
def m015_coach_view_looks_labels_notes(db: Database) -> None:
    """The coach's desk: a coach's own label and last look per coachee, daily notes of what
    coachees did (completed, made a plan, retook), and whether the coach wants those notes."""
    relations = db.table("coach_relations")
    relations.add_column("label", str)  # the coach's short label for this coachee (tells equal names apart)
    relations.add_column("looked_at", str)  # when the coach last opened this coachee
    coaches = db.table("coaches")
    coaches.add_column("notes_off_at", str)  # the coach switched the daily notes off (NULL: on)
    coaches.add_column("notes_day", str)  # the local day of the last daily note (at most one a day)
    db.table("coach_happenings").create(
        {
            "id": int,
            "relation_id": int,  # the consent it happened under: a note goes only while it stands
            "coach_id": int,
            "coachee_id": int,
            "kind": str,  # completed | plan | retake
            "ref": int,  # the assessment completed (NULL for a plan)
            "happened_at": str,
            "status": str,  # pending | sent | off (notes switched off) | dropped (consent ended) | failed
            "sent_at": str,
        },
        pk="id",
        not_null={"relation_id", "coach_id", "coachee_id", "kind", "happened_at", "status"},
    )
    db.table("coach_happenings").create_index(["relation_id", "kind", "ref"], unique=True)
    db.table("coach_happenings").create_index(["coach_id", "status"])
    db.table("coach_happenings").create_index(["coachee_id"])


@MIGRATIONS()
def m016_prompt_series_versions_pause(db: Database) -> None:
    """Prompts that fit the person. A delivery records the prompt it carries, chosen when it was
    claimed: a weekly series picks the next reflection for that coachee, and a coach's own text
    the version in the coachee's language (``own_words``: sent as written, with a note that
    these are the coach's own words). A schedule keeps the coach's versions per language and
    may be paused."""
    deliveries = db.table("prompt_deliveries")
    deliveries.add_column("competency", str)
    deliveries.add_column("prompt_index", int)  # into that competency's prompts, then its reflections
    deliveries.add_column("text", str)  # the coach's own text as this coachee receives it
    deliveries.add_column("own_words", int)  # 1: the text went as written, with the note
    db.execute("update prompt_deliveries set competency = (select s.competency from prompt_schedules s "
               "where s.id = schedule_id), prompt_index = (select s.prompt_index from prompt_schedules s "
               "where s.id = schedule_id), text = (select s.own_text from prompt_schedules s where s.id = schedule_id)")
    db.execute("update prompt_deliveries set own_words = 1 where text is not null")
    deliveries.create_index(["coachee_id", "due_at"])  # what this person was asked lately
    schedules = db.table("prompt_schedules")
    schedules.add_column("own_versions", str)  # JSON {language: text}: the coach's versions beside own_text
    schedules.add_column("paused_at", str)  # paused by the coach: not sent until resumed
