"""Load a user's conversation, fire one flow event, save it: the core of every handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot.content import DEFAULT_LANGUAGE, LANGUAGES, Content
from bot.flows.assessment import AssessmentModel, fire
from bot.flows.screens import Screen
from storage import AssessmentRecord, SessionStore

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


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
    """Runs flow events for users against the store; one transaction per event."""

    def __init__(self, store: SessionStore, content: Content, clock: Clock = utc_now) -> None:
        self.store = store
        self.content = content
        self.clock = clock

    async def handle(
        self, user_id: int, event: str, *, language_code: str | None = None, **kwargs: Any
    ) -> Outcome:
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
        )
        await fire(model, event, **kwargs)

        now = self.clock().isoformat(timespec="seconds")
        record.user.flow_state = model.state
        record.user.language = model.language
        if model.consent_given:
            record.user.consented_at = now
        if model.started:
            record.assessment = assessment = AssessmentRecord(None, "in_progress", 0, now)
        if assessment is not None:
            assessment.cursor = model.cursor
            if model.completed:
                assessment.status, assessment.completed_at = "completed", now
        self.store.save(record, model.changed, now)
        return Outcome(model.screens, model.language, assessment.id if assessment else None)

    def language_of(self, user_id: int, language_code: str | None = None) -> str:
        return self.store.language_of(user_id) or pick_language(language_code)
