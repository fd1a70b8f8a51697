"""Carrying out a flow's effects: storage ones inside the turn's transaction, the rest after."""

from __future__ import annotations

from bot.conversation import Conversations, Turn, iso
from bot.flows.effects import (
    BecomeCoach,
    CancelSchedule,
    CloseOffer,
    CloseText,
    Connect,
    ContinueAssessment,
    CreateCoachInvite,
    CreateSchedule,
    Effect,
    EraseEverything,
    NoteCheckin,
    Notify,
    OpenOffer,
    OpenText,
    RateCheckin,
    RefreshMenu,
    RemoveCoach,
    RenewLink,
    Revoke,
    SaveComposer,
    SendDuePrompts,
    ShareNote,
    StoreReply,
)

def apply(conversations: Conversations, turn: Turn, effects: list[Effect], now: str) -> list[Effect]:
    """Carry out the storage effects (the caller holds the transaction); return the ones for
    after the commit, in order."""
    store, coaching, plans = conversations.store, conversations.coaching, conversations.plans
    user = turn.user_id
    after: list[Effect] = []
    for effect in effects:
        match effect:
            case Notify() | RefreshMenu() | SendDuePrompts():
                after.append(effect)
            case ContinueAssessment():
                pass  # the turn that got it goes on with the assessment
            case OpenText(kind=kind, ref=ref, text=text):
                store.set_text_context(user, {"kind": kind, "ref": ref} | ({"text": text} if text else {}))
            case CloseText():
                store.set_text_context(user, None)
            case RateCheckin(checkin_id=checkin, rating=rating):
                plans.rate(checkin, rating, now)
            case NoteCheckin(checkin_id=checkin, note=note):
                plans.note(checkin, note, now)
            case ShareNote(checkin_id=checkin, coach_id=coach):
                plans.share_note(checkin, coach, now)
            case CreateCoachInvite(code=code):
                coaching.create_coach_invite(code, user, now)
            case BecomeCoach(invite_code=invite, link_code=link, name=name):
                coaching.redeem_coach_invite(invite, user, name, link, now)
            case RenewLink(code=code):
                coaching.reissue_code(user, code)
            case RemoveCoach(coach_id=coach):
                coaching.remove_coach(coach, now)
            case OpenOffer(coach_id=coach, code=code):
                coaching.open_offer(user, coach, code, now)
            case CloseOffer():
                coaching.close_offer(user)
            case Connect(coach_id=coach, name=name):
                coaching.connect(coach, user, name, now)
            case Revoke():
                coaching.revoke(user, now)
            case StoreReply(delivery_id=delivery, text=text):
                coaching.add_reply(delivery, user, text, now)
            case SaveComposer(step=step, draft=draft):
                coaching.save_draft(user, step, draft)
            case CreateSchedule(values=values):
                coaching.create_schedule(values | {"next_due_at": iso(values["next_due_at"]), "created_at": now})
            case CancelSchedule(schedule_id=schedule):
                coaching.cancel_schedule(schedule, user)
            case EraseEverything():
                conversations.privacy.erase(user)
            case _:
                raise TypeError(f"no turn carries out {effect!r}")
    return after
