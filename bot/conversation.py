"""Load a user's state, fire one flow event, save it: the core of every handler.

Each event is one SQLite transaction, committed before anything is shown to the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot.content import DEFAULT_LANGUAGE, LANGUAGES, Content
from bot.flows import plan as plan_flow
from bot.flows.assessment import AssessmentModel, fire
from bot.flows.screens import Screen
from bot.flows.scoring import score
from storage import AssessmentRecord, Database, PlanStore, SessionStore

Clock = Callable[[], datetime]


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


class Conversations:
    """Runs flow events for users against the database."""

    def __init__(self, db: Database, content: Content, clock: Clock = utc_now,
                 zone: str = "Europe/Amsterdam") -> None:
        self.store = SessionStore(db)
        self.plans = PlanStore(db)
        self.content = content
        self.clock = clock
        self.zone = zone

    async def handle(
        self, user_id: int, event: str, *, language_code: str | None = None, **kwargs: Any
    ) -> Outcome:
        if event == "text":
            awaiting = self.plans.awaiting(user_id) or ""
            if awaiting.startswith("checkin:"):
                event, kwargs = "checkin_note", {"checkin_id": int(awaiting.split(":")[1]), **kwargs}
            else:
                event, kwargs = "unexpected_input", {"kind": "text"}
        if event in plan_flow.EVENTS:
            return await self._handle_plan(user_id, event, language_code, kwargs)
        return await self._handle_assessment(user_id, event, language_code, kwargs)

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
            history=[done.answers for done in record.history],
        )
        await fire(model, event, **kwargs)

        now = iso(self.clock())
        record.user.flow_state = model.state
        record.user.language = model.language
        if model.consent_given:
            record.user.consented_at = now
        if model.started:
            record.abandon_id = assessment.id if assessment else None
            record.assessment = assessment = AssessmentRecord(None, "in_progress", 0, now)
        elif model.reopened:
            record.assessment = assessment = AssessmentRecord(record.history[0].id, "in_progress", model.cursor, now)
        if assessment is not None:
            assessment.cursor = model.cursor
            if model.completed:
                assessment.status, assessment.completed_at = "completed", now
        self.store.save(record, model.changed, now)
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
            suggestions=[c for c, _ in latest.development_points] if latest else [],
        )
        await plan_flow.fire(model, event, **kwargs)

        before = (plan.step, plan.focus, plan.weekday, plan.time, plan.active, plan.next_due_at)
        plan.step, plan.focus, plan.weekday, plan.time = model.state, model.focus, model.weekday, model.at
        plan.active = model.is_active
        if model.next_due is not None:
            plan.next_due_at = iso(model.next_due)
        elif not model.is_active:
            plan.next_due_at = None
        changed = (plan.step, plan.focus, plan.weekday, plan.time, plan.active, plan.next_due_at) != before
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
