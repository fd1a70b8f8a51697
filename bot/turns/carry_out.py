"""The one interpreter of a flow's effects: storage effects inside the turn's transaction, in
order; the rest are returned for after the commit."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core import Core
from bot.flows.effects import (
    AnswerCheckin,
    BecomeCoach,
    BeginAssessment,
    BeginRating,
    CancelSchedule,
    CloseIfReady,
    CloseOffer,
    CloseRequest,
    CloseText,
    CompleteAssessment,
    Connect,
    ContinueAssessment,
    CreateCoachInvite,
    CreateSchedule,
    Effect,
    EndAction,
    EnsureUser,
    EraseEverything,
    GiveConsent,
    MarkLooked,
    MoveCursor,
    MoveSchedule,
    NoteCheckin,
    Notify,
    OpenOffer,
    OpenRequest,
    OpenText,
    PauseSchedule,
    RateCheckin,
    RecordAnswer,
    RefreshMenu,
    RemoveCoach,
    RenewLink,
    RenewRequestLink,
    ReopenLatest,
    Revoke,
    SaveAction,
    SaveComposer,
    SavePlan,
    SaveProgress,
    SaveRating,
    SeeTips,
    SendDuePrompts,
    SetCoacheeLabel,
    SetCoachNotes,
    ShareNote,
    StoreReply,
    StoreThreadMessage,
    WipeFreedBytes,
)
from bot.turn import Turn, iso
from bot.turns.result_rows import result_row
from bot.turns.summaries import close_now
from storage import PlanRecord


@dataclass
class Applied:
    """What carrying out left for after the commit, and a new assessment's id (its question
    buttons name it)."""

    after: list[Effect] = field(default_factory=list)
    assessment_id: int | None = None


def _save_result(core: Core, user: int, assessment_id: int, language: str) -> None:
    record = core.stores.assessments.one(assessment_id)
    if record is not None and record.completed_at:
        core.stores.stats.save_result(result_row(record.answers, language, core.content, record.version) | {
            "assessment_id": assessment_id, "user_id": user, "started_at": record.started_at,
            "completed_at": record.completed_at})


def carry_out(core: Core, turn: Turn, effects: list[Effect], now: str) -> Applied:
    """Carry out the storage effects (the caller holds the transaction), in order."""
    stores, user = core.stores, turn.user_id
    applied = Applied()
    for effect in effects:
        match effect:
            case Notify() | RefreshMenu() | SendDuePrompts() | WipeFreedBytes():
                applied.after.append(effect)
            case ContinueAssessment():
                pass  # handled by the router: the assessment goes on in the same transaction
            # --- free text
            case OpenText():
                stores.users.set_text_context(user, effect.to_dict())
            case CloseText():
                stores.users.set_text_context(user, None)
            # --- the assessment
            case EnsureUser(language=language):
                stores.users.ensure_user(user, language, now)
            case SaveProgress(state=state, language=language):
                stores.users.save_state(user, state, language, now)
            case GiveConsent():
                stores.users.consent(user, now)
            case BeginAssessment(version=version, closing=closing):
                if closing is not None:
                    stores.assessments.close(closing)
                    _save_result(core, user, closing, core.language_of(user))  # a reopened result, as it now is
                applied.assessment_id = stores.assessments.begin(user, version, now)
            case ReopenLatest(assessment_id=assessment_id, cursor=cursor):
                stores.assessments.reopen(assessment_id, cursor)
            case RecordAnswer(assessment_id=assessment_id, question_id=question, value=value):
                stores.assessments.answer(assessment_id, question, value, now)
            case MoveCursor(assessment_id=assessment_id, cursor=cursor):
                stores.assessments.move(assessment_id, cursor)
            case CompleteAssessment(assessment_id=assessment_id, language=language):
                stores.assessments.complete(assessment_id, now)
                _save_result(core, user, assessment_id, language)
                stores.desk.happened(user, stores.desk.completion_kind(user, assessment_id), assessment_id, now)
            # --- the plan
            case SavePlan():
                if effect.active and not stores.plans.load(user).active:  # a plan made (again): its coach is told
                    stores.desk.happened(user, "plan", None, now)
                stores.plans.save(PlanRecord(
                    user, list(effect.focus), effect.weekday, effect.time, effect.active, effect.step,
                    effect.next_due_at, draft_focus=None if effect.draft is None else list(effect.draft),
                    draft_action=json.loads(effect.draft_action) if effect.draft_action else None,
                    paused_until=effect.paused_until, quiet_until=effect.quiet_until,
                    cycle_started_at=effect.cycle_started_at, review_due_at=effect.review_due_at,
                    reminders_off_at=effect.reminders_off_at), now)
            case SaveAction():
                stores.plans.add_action(user, effect.competency, effect.text, effect.tip, effect.cadence,
                                        effect.due_on, now)
            case EndAction(action_id=action, status=status):
                stores.plans.end_action(action, user, status, now)
            case SeeTips(competency=competency, tips=tips):
                stores.plans.see_tips(user, competency, tips, now)
            case AnswerCheckin(checkin_id=checkin, answer=answer, tip=tip):
                stores.plans.answer(checkin, answer, tip, now)
            case RateCheckin(checkin_id=checkin, rating=rating):
                stores.plans.rate(checkin, rating, now)
            case NoteCheckin(checkin_id=checkin, note=note):
                stores.plans.note(checkin, note, now)
            case ShareNote(checkin_id=checkin, coach_id=coach):
                stores.plans.share_note(checkin, coach, now)
            # --- coaching
            case CreateCoachInvite(code=code):
                stores.coaching.create_coach_invite(code, user, now)
            case BecomeCoach(invite_code=invite, link_code=link, name=name):
                stores.coaching.redeem_coach_invite(invite, user, name, link, now)
            case RenewLink(code=code):
                stores.coaching.reissue_code(user, code)
            case RemoveCoach(coach_id=coach):
                stores.coaching.remove_coach(coach, now)
            case OpenOffer(coach_id=coach, code=code):
                stores.coaching.open_offer(user, coach, code, now)
            case CloseOffer():
                stores.coaching.close_offer(user)
            case Connect(coach_id=coach, name=name):
                stores.coaching.connect(coach, user, name, now)
            case Revoke():
                stores.coaching.revoke(user, now)
            case StoreReply(delivery_id=delivery, text=text):
                stores.coaching.add_reply(delivery, user, text, now)
            case StoreThreadMessage(coach_id=coach, coachee_id=coachee, author=author, text=text):
                stores.threads.add(coach, coachee, author, text, now)
            case SaveComposer(step=step, draft=draft):
                stores.coaching.save_draft(user, step, draft.to_dict())
            case CreateSchedule():
                stores.coaching.create_schedule({
                    "coach_id": effect.coach_id, "coachee_id": effect.coachee_id, "competency": effect.competency,
                    "prompt_index": effect.prompt_index, "own_text": effect.own_text, "kind": effect.kind,
                    "weekday": effect.weekday, "time": effect.time, "next_due_at": iso(effect.next_due_at),
                    "own_versions": effect.own_versions,
                    "active": 1, "created_at": now})
            case CancelSchedule(schedule_id=schedule):
                stores.coaching.cancel_schedule(schedule, user)
            case PauseSchedule(schedule_id=schedule):
                stores.coaching.pause_schedule(schedule, user, now)
            case MoveSchedule(schedule_id=schedule, next_due_at=due, weekday=weekday, time=at, resume=resume):
                stores.coaching.move_schedule(schedule, user, iso(due), weekday, at, resume)
            # --- feedback from colleagues
            case OpenRequest(code=code):
                stores.feedback.create(user, turn.name, code, now, iso(datetime.fromisoformat(now) + timedelta(
                    days=core.content.limits.feedback_open_days)))
            case RenewRequestLink(request_id=request_id, code=code):
                stores.feedback.renew_code(request_id, code)
            case BeginRating(request_id=request_id, code=code):
                stores.feedback.begin(request_id, user, code, now)
            case SaveRating(session_id=session_id, relation=relation, status=status, cursor=cursor):
                stores.feedback.save_session(session_id, user, relation, status, cursor, effect.changed, now)
            case CloseRequest(request_id=request_id, when_ready=True):
                stores.feedback.close_when_ready(request_id)
            case CloseRequest(request_id=request_id, summary=summary):
                stores.feedback.close(request_id, "closed", summary.to_dict() if summary else None, now)
            case CloseIfReady(request_id=request_id):
                applied.after += close_now(core, request_id, now)
            # --- the coach's desk
            case MarkLooked(relation_id=relation):
                stores.desk.mark_looked(relation, user, now)
            case SetCoacheeLabel(relation_id=relation, label=label):
                stores.desk.set_label(relation, user, label)
            case SetCoachNotes(on=on):
                stores.desk.set_notes(user, on, now)
            # --- privacy
            case EraseEverything():
                stores.privacy.erase(user)
            case _:
                raise TypeError(f"no turn carries out {effect!r}")
    return applied
