"""Load a user's state, fire one flow event, save it: the core of every handler.

Each event is one SQLite transaction, committed before anything is shown to the user.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.content import DEFAULT_LANGUAGE, LANGUAGES, Content
from bot.flows import coach as coach_flow
from bot.flows import plan as plan_flow
from bot.flows import privacy as privacy_flow
from bot.flows import stats as stats_flow
from bot.flows.assessment import AssessmentModel, fire
from bot.flows.screens import Screen
from bot.flows.scoring import score
from storage import (
    AssessmentRecord,
    CoachStore,
    Database,
    InboxStore,
    PlanStore,
    PrivacyStore,
    SessionStore,
    StatsStore,
)

Clock = Callable[[], datetime]
# The inbox update being handled, per asyncio task (users are handled concurrently).
_UPDATE_ID: ContextVar[int | None] = ContextVar("update_id", default=None)
NAME_LIMIT = 64  # characters of a Telegram first name kept for a coach or coachee
SCHEDULE_EVENTS = frozenset({"schedules", "schedule_cancel"})  # the only ones that need the coach's schedules
# Events a user makes as a coachee (or anybody), as opposed to as a coach
COACHEE_EVENTS = frozenset({"deep_link", "offer_accept", "offer_decline", "mycoach", "coach_revoke",
                            "reply_text", "invitecoach"})


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """The one text form of a moment in the database: UTC, seconds, sortable."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def pick_language(language_code: str | None) -> str:
    """Telegram's ``language_code`` (``en-GB``, ``nl`` …) to one of ours; otherwise Dutch."""
    prefix = (language_code or "")[:2].lower()
    return prefix if prefix in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Outcome:
    """What one event produced: the screens to show and what is needed to render them."""

    screens: list[Screen]
    language: str
    assessment_id: int | None
    others: list[tuple[int, str, Screen]] = field(default_factory=list)  # (user id, language, screen)
    dispatch: bool = False  # prompts are due now: send them without waiting for the job
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # attachment -> (file name, data)


def result_row(answers: dict[str, int | None], language: str, content: Content) -> dict:
    """What statistics keep of a completed assessment (no names, no Telegram data)."""
    result = score(answers, content)
    return {"language": language, "archetype": result.archetype, "levels": "+".join(result.levels),
            "leider": result.leider, "manager": result.manager,
            "scores": {q.id: answers.get(q.id) for q in content.questions}}


class Conversations:
    """Runs flow events for users against the database."""

    def __init__(self, db: Database, content: Content, clock: Clock = utc_now,
                 zone: str = "Europe/Amsterdam", admin_ids: frozenset[int] = frozenset(),
                 min_group: int = 5, pseudonym_secret: str | None = None,
                 retention_days: int | None = None) -> None:
        self.db = db
        self.store = SessionStore(db)
        self.plans = PlanStore(db)
        self.coaching = CoachStore(db)
        self.stats = StatsStore(db)
        self.inbox = InboxStore(db)
        self.privacy = PrivacyStore(db)
        self.pseudonym_secret = pseudonym_secret
        self.retention_days = retention_days
        self.content = content
        self.clock = clock
        self.zone = zone
        self.admin_ids = admin_ids
        self.min_group = min_group
        self.bot_username = "regiecoach_bot"  # replaced by the real one once Telegram told us
        self.sending_lock = asyncio.Lock()  # one sender of scheduled check-ins and prompts at a time
        self.interrupted_resolved = False  # sends cut off by the last stop are settled before new ones

    async def handle(
        self, user_id: int, event: str, *, language_code: str | None = None, update_id: int | None = None,
        **kwargs: Any
    ) -> Outcome:
        """Fire ``event`` for ``user_id``. With ``update_id`` (from the inbox), that update is
        marked done in the same transaction as the change it caused."""
        _UPDATE_ID.set(update_id)
        if event == "text":
            event, kwargs = self._text_event(user_id, kwargs)
        if event in plan_flow.EVENTS:
            return await self._handle_plan(user_id, event, language_code, kwargs)
        if event in coach_flow.EVENTS:
            return await self._handle_coach(user_id, event, language_code, kwargs)
        if event in stats_flow.EVENTS:
            return await self._handle_stats(user_id, event, language_code, kwargs)
        if event in privacy_flow.EVENTS:
            return await self._handle_privacy(user_id, event, language_code, kwargs)
        return await self._handle_assessment(user_id, event, language_code, kwargs)

    @contextmanager
    def _saving(self, user_id: int | None = None) -> Iterator[None]:
        """One transaction for an event's writes, the user's last activity and its update's
        'done' mark."""
        with self.db.atomic():
            yield
            if user_id is not None:
                self.privacy.touch(user_id, iso(self.clock()))
            self._mark_done()

    def _mark_done(self) -> None:
        """Mark the inbox update being handled (if any) as done."""
        if (update_id := _UPDATE_ID.get()) is not None:
            self.inbox.mark_done(update_id, iso(self.clock()))

    def _text_event(self, user_id: int, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Free text is a note, a reply or a prompt when one is awaited; otherwise unexpected."""
        awaiting = self.plans.awaiting(user_id) or ""
        kind, _, ref = awaiting.partition(":")
        text = {"text": kwargs.get("text", "")}
        if kind == "checkin" and ref.isdigit():
            return "checkin_note", {"checkin_id": int(ref), **text}
        if kind == "reply" and ref.isdigit():
            return "reply_text", {"delivery_id": int(ref), **text}
        if kind == "coach_text":
            return "own_text", text
        return "unexpected_input", {"kind": "text"}

    async def _handle_assessment(self, user_id: int, event: str, language_code: str | None,
                                 kwargs: dict[str, Any]) -> Outcome:
        record = self.store.load(user_id, pick_language(language_code), "new")
        assessment = record.assessment
        model = AssessmentModel(
            self.content,
            state=record.user.flow_state,
            language=record.user.language,
            consented=record.user.consented_at is not None,
            assessment_id=assessment.id if assessment else None,
            cursor=assessment.cursor if assessment else 0,
            answers=record.answers,
            history=([record.answers] if assessment and assessment.completed_at else [])  # reopened: still the latest
            + [done.answers for done in record.history],
        )
        await fire(model, event, **kwargs)

        now = iso(self.clock())
        record.user.flow_state = model.state
        record.user.language = model.language
        if model.consent_given:
            record.user.consented_at = now
        if model.started:
            if assessment is not None:
                record.abandon_id = assessment.id
                if assessment.completed_at:  # a reopened result stands as it now is
                    record.restore_result = result_row(record.answers, record.user.language, self.content) | {
                        "assessment_id": assessment.id, "user_id": user_id,
                        "started_at": assessment.started_at, "completed_at": assessment.completed_at}
            record.assessment = assessment = AssessmentRecord(None, "in_progress", 0, now)
        elif model.reopened:
            latest = record.history[0]
            started = self.store.started_at(latest.id)
            record.assessment = assessment = AssessmentRecord(latest.id, "in_progress", model.cursor, started,
                                                              latest.completed_at)
        result = None
        if assessment is not None:
            assessment.cursor = model.cursor
            if model.completed:
                assessment.status, assessment.completed_at = "completed", now
                result = result_row(model.answers, model.language, self.content)
        with self._saving():
            self.store.save(record, model.changed, now, result)
        return Outcome(model.screens, model.language, assessment.id if assessment else None)

    async def _handle_plan(self, user_id: int, event: str, language_code: str | None,
                           kwargs: dict[str, Any]) -> Outcome:
        record = self.store.load(user_id, pick_language(language_code), "new")
        plan = self.plans.load(user_id)
        checkin = self.plans.checkin(kwargs["checkin_id"], user_id) if "checkin_id" in kwargs else None
        latest = score(record.history[0].answers, self.content) if record.history else None
        now = self.clock()
        model = plan_flow.PlanModel(
            self.content, step=plan.step, focus=plan.focus, weekday=plan.weekday, at=plan.time,
            active=plan.active, has_result=latest is not None, zone=self.zone, now=now, checkin=checkin,
            suggestions=[c for c, _ in latest.development_points] if latest else [], draft=plan.draft_focus,
        )
        await plan_flow.fire(model, event, **kwargs)

        before = (plan.step, plan.focus, plan.draft_focus, plan.weekday, plan.time, plan.active, plan.next_due_at)
        plan.step, plan.focus, plan.weekday, plan.time = model.state, model.focus, model.weekday, model.at
        plan.draft_focus = model.draft
        plan.active = model.is_active
        if model.next_due is not None:
            plan.next_due_at = iso(model.next_due)
        elif not model.is_active:
            plan.next_due_at = None
        changed = (plan.step, plan.focus, plan.draft_focus, plan.weekday, plan.time, plan.active,
                   plan.next_due_at) != before
        with self._saving(user_id):
            self.plans.save_outcome(
                user_id,
                plan if changed and not record.is_new else None,
                checkin if model.checkin_changed else None,
                model.awaiting if model.awaiting is not False else False,
                iso(now),
            )
        return Outcome(model.screens, record.user.language, None)

    def language_of(self, user_id: int, language_code: str | None = None) -> str:
        return self.store.language_of(user_id) or pick_language(language_code)

    async def _handle_coach(self, user_id: int, event: str, language_code: str | None,
                            kwargs: dict[str, Any]) -> Outcome:
        now = self.clock()
        language = pick_language(language_code)
        name = str(kwargs.pop("name", "") or "")[:NAME_LIMIT] or "?"
        self.store.ensure_user(user_id, language, iso(now))
        coaches = self.coaching
        coach = coaches.coach(user_id)
        awaiting = self.plans.awaiting(user_id) or ""
        offer = None
        invite_unused = False
        payload = kwargs.get("payload") if event == "deep_link" else None
        if isinstance(payload, str) and payload[:1] == "k":
            offer = coaches.coach_by_code(payload[1:])
        elif isinstance(payload, str) and payload[:1] == "c":
            invite_unused = coaches.invite_unused(payload[1:])
        elif event in ("offer_accept", "offer_decline") and awaiting.startswith("offer:"):
            offer = coaches.coach(int(awaiting.split(":")[1]))
        is_coach_event = coach is not None and event not in COACHEE_EVENTS
        coachees = coaches.coachees(user_id) if is_coach_event else []
        relation = coaches.coach_relation(kwargs["relation_id"], user_id) if (
            coach is not None and "relation_id" in kwargs) else None
        model = coach_flow.CoachModel(
            self.content, user_id=user_id, name=name, is_admin=user_id in self.admin_ids, coach=coach,
            bot_username=self.bot_username, now=now, zone=self.zone, min_group=self.min_group,
            coachees=coachees, relation=relation, offer=offer, invite_unused=invite_unused,
            own_relation=coaches.active_relation_of_coachee(user_id) if event in COACHEE_EVENTS else None,
            schedules=coaches.schedules_of(user_id) if is_coach_event and event in SCHEDULE_EVENTS else [],
            replies=coaches.replies(user_id, relation.coachee_id) if relation else [],
            focus=coaches.focus_of(relation.coachee_id) if relation else [],
        )
        await coach_flow.fire(model, event, **kwargs)

        stamp = iso(now)
        with self._saving(user_id):
            if model.new_coach_invite:
                coaches.create_coach_invite(model.new_coach_invite, user_id, stamp)
            if model.redeem_code:
                coaches.redeem_coach_invite(model.redeem_code, user_id, name, model.renewed_code, stamp)
            elif model.renewed_code and coach is not None:
                coaches.reissue_code(user_id, model.renewed_code)
            if model.connect_to is not None:
                coaches.connect(model.connect_to, user_id, name, stamp)
            if model.revoked:
                coaches.revoke(user_id, stamp)
            if model.new_schedule is not None:
                coaches.create_schedule(model.new_schedule | {
                    "next_due_at": iso(model.new_schedule["next_due_at"]), "created_at": stamp})
            if model.cancelled is not None:
                coaches.cancel_schedule(model.cancelled, user_id)
            if model.reply is not None:
                coaches.add_reply(model.reply[0], user_id, model.reply[1], stamp)
            if model.set_awaiting is not False:
                self.plans.set_awaiting(user_id, model.set_awaiting)
            if coach is not None and (model.state, model.draft) != (coach.step, coach.draft):
                coaches.save_draft(user_id, model.state, model.draft)
        others = [(other, self.language_of(other), screen) for other, screen in model.notify]
        screens, assessment_id = list(model.screens), None
        if model.continue_with_start:
            started = await self._handle_assessment(user_id, "start", language_code, {})
            screens += started.screens
            assessment_id, language = started.assessment_id, started.language
        else:
            language = self.language_of(user_id, language_code)
        dispatch = model.new_schedule is not None and model.new_schedule["kind"] == "now"
        return Outcome(screens, language, assessment_id, others, dispatch)

    async def _handle_stats(self, user_id: int, event: str, language_code: str | None,
                            kwargs: dict[str, Any]) -> Outcome:
        model = stats_flow.StatsModel(self.content, is_admin=user_id in self.admin_ids)
        await stats_flow.fire(model, event, **{k: v for k, v in kwargs.items() if k == "period"})
        self._mark_done()  # nothing to save: statistics only read
        screens, files = list(model.screens), {}
        if model.period is not None:
            screens += self.statistics(model.period)
        if model.export:
            if not self.pseudonym_secret:
                screens.append(Screen("csv_no_secret"))
            else:
                out = io.StringIO()
                count = self.export_csv(out)
                screens.append(Screen("csv_export", {"count": count}, attachment="results_csv"))
                files["results_csv"] = ("regiecoach-results.csv", out.getvalue().encode("utf-8"))
        return Outcome(screens, self.language_of(user_id, language_code), None, files=files)

    def statistics(self, period: str) -> list[Screen]:
        """The admin figures for ``period`` (a key of ``stats.PERIODS``), small groups withheld."""
        days = stats_flow.PERIODS[period]
        since = iso(self.clock() - timedelta(days=days)) if days else None
        rules = self.content.scoring
        targets = {q.id: (rules.targets[q.id], rules.min_gap) for q in self.content.competencies}
        figures = self.stats.figures(since, targets)
        return stats_flow.stats_screens(self.content, figures, self.min_group, period)

    def export_csv(self, out: Any) -> int:
        return self.stats.write_csv(out, [q.id for q in self.content.questions], self.pseudonym_secret or "")

    def backfill_results(self) -> int:
        """Result rows for completed assessments that have none (e.g. from before statistics)."""
        missing = self.stats.completed_without_result()
        for row in missing:
            answers = self.stats.answers(row["id"])
            self.stats.save_result(result_row(answers, row["language"], self.content) | {
                "assessment_id": row["id"], "user_id": row["user_id"],
                "started_at": row["started_at"], "completed_at": row["completed_at"]})
        return len(missing)

    async def _handle_privacy(self, user_id: int, event: str, language_code: str | None,
                              kwargs: dict[str, Any]) -> Outcome:
        language = self.language_of(user_id, language_code)
        model = privacy_flow.PrivacyModel(self.retention_days)
        await privacy_flow.fire(model, event)
        files = {}
        if model.export:
            data = json.dumps(self.privacy.export(user_id), ensure_ascii=False, indent=2, default=str)
            files["my_data"] = ("regiecoach-my-data.json", data.encode("utf-8"))
        with self._saving():
            if model.erase_all:
                self.privacy.erase(user_id)
        return Outcome(model.screens, language, None, files=files)

    def erase_inactive(self) -> int:
        """Erase everybody inactive for longer than the retention period; returns how many."""
        if not self.retention_days:
            return 0
        before = iso(self.clock() - timedelta(days=self.retention_days))
        users = self.privacy.inactive_since(before)
        for user_id in users:
            self.privacy.erase(user_id)
        return len(users)
