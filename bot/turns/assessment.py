"""The assessment's turn: onboarding, answers, results, retake."""

from __future__ import annotations

from typing import Any

from bot.content import Content
from bot.conversation import Conversations, Outcome, Turn, pick_language
from bot.flows.assessment import AssessmentModel, Taken, fire
from bot.flows.effects import BeginAssessment, CompleteAssessment, GiveConsent, RecordAnswer, ReopenLatest
from bot.flows.scoring import RULES, score
from bot.turns import effects
from storage import AssessmentRecord


def result_row(answers: dict[str, int | None], language: str, content: Content, version: int) -> dict:
    """What statistics keep of a completed assessment (no names, no Telegram data): the
    archetype, the home-ground layers and the role means, by today's scoring rules."""
    result = score(answers, content, version)
    return {"language": language, "archetype": result.archetype, "levels": "+".join(result.home),
            "leider": result.leider, "manager": result.manager, "rules": RULES}


def run(conversations: Conversations, turn: Turn, event: str, kwargs: dict[str, Any]) -> Outcome:
    content, store = conversations.content, conversations.store
    with conversations.transaction(turn) as now:
        record = store.load(turn.user_id, pick_language(turn.language_code), "new")
        assessment = record.assessment
        model = AssessmentModel(
            content,
            state=record.user.flow_state,
            language=record.user.language,
            consented=record.user.consented_at is not None,
            assessment_id=assessment.id if assessment else None,
            cursor=assessment.cursor if assessment else 0,
            answers=record.answers,
            history=([Taken(assessment.version, record.answers)] if assessment and assessment.completed_at
                     else [])  # reopened: still the latest
            + [Taken(done.version, done.answers) for done in record.history],
            version=assessment.version if assessment else None,
            plan_focus=conversations.plans.load(turn.user_id).focus if event == "report" else None,
        )
        fire(model, event, **kwargs)

        record.user.flow_state = model.state
        record.user.language = model.language
        changed: dict[str, int | None] = {}
        result = None
        for effect in model.effects:
            match effect:
                case GiveConsent():
                    record.user.consented_at = now
                case BeginAssessment(version=version):
                    if assessment is not None:
                        record.abandon_id = assessment.id
                        if assessment.completed_at:  # a reopened result stands as it now is
                            record.restore_result = result_row(record.answers, record.user.language, content,
                                                               assessment.version) | {
                                "assessment_id": assessment.id, "user_id": turn.user_id,
                                "started_at": assessment.started_at, "completed_at": assessment.completed_at}
                    record.assessment = assessment = AssessmentRecord(None, "in_progress", 0, now, version=version)
                    changed = {}
                case ReopenLatest():
                    latest = record.history[0]
                    record.assessment = assessment = AssessmentRecord(
                        latest.id, "in_progress", model.cursor, store.started_at(latest.id), latest.completed_at,
                        latest.version)
                case RecordAnswer(question_id=question, value=value):
                    changed[question] = value
                case CompleteAssessment():
                    assert assessment is not None
                    assessment.status, assessment.completed_at = "completed", now
                    result = result_row(model.answers, model.language, content, assessment.version)
        if assessment is not None:
            assessment.cursor = model.cursor
        store.save(record, changed, now, result)
        after = effects.apply(conversations, turn, [e for e in model.effects if not isinstance(
            e, (GiveConsent, BeginAssessment, ReopenLatest, RecordAnswer, CompleteAssessment))], now)
    return Outcome(model.screens, model.language, assessment.id if assessment else None, after=after)


def backfill_results(conversations: Conversations) -> int:
    """Result rows for completed assessments that have none (e.g. from before statistics), or
    one computed by older scoring rules: statistics count everyone by today's rules."""
    from storage import StatsStore

    stats = StatsStore(conversations.db)
    missing = stats.completed_without_result(RULES)
    for row in missing:
        answers = stats.answers(row["id"])
        stats.save_result(result_row(answers, row["language"], conversations.content, row["version"]) | {
            "assessment_id": row["id"], "user_id": row["user_id"],
            "started_at": row["started_at"], "completed_at": row["completed_at"]})
    return len(missing)
