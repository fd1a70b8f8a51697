"""What a flow asks to happen besides showing screens, as typed values.

A flow never stores or sends anything itself: it returns these, and the edge carries them
out — storage effects in the same transaction as the state change, the rest after commit.
Checks that depend on stored state (consent, a link still valid) were loaded before the
flow ran, in that same transaction, so they still hold when the effect is carried out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.flows.screens import Screen


# --- after commit: to other people, Telegram's menus, scheduled work ---------------------
@dataclass(frozen=True)
class Notify:
    """Show ``screen`` to another person (a coach, a coachee)."""

    user_id: int
    screen: Screen


@dataclass(frozen=True)
class RefreshMenu:
    """This person's role changed: their own command menu changes now."""

    user_id: int


@dataclass(frozen=True)
class SendDuePrompts:
    """A prompt is due now: send it without waiting for the next job run."""


@dataclass(frozen=True)
class ContinueAssessment:
    """After this step the assessment goes on from where the person is (e.g. a new
    coachee's introduction after connecting, or after a link that is no longer valid)."""


# --- free text ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenText:
    """The user chose where their next text goes: ``note`` (of check-in ``ref``), ``reply`` (to
    prompt delivery ``ref``), ``confirm_reply`` (``text`` waits for Send), ``compose`` (a
    coach's own prompt). Only the user's own action opens one."""

    kind: str
    ref: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class CloseText:
    """Nothing typed is expected any more."""


# --- assessment ----------------------------------------------------------------------------
@dataclass(frozen=True)
class GiveConsent:
    pass


@dataclass(frozen=True)
class BeginAssessment:
    """A new assessment with question set ``version``; one still open is abandoned (its
    answers stay stored)."""

    version: int


@dataclass(frozen=True)
class ReopenLatest:
    """The latest completed assessment is opened again to complete missing role answers."""


@dataclass(frozen=True)
class RecordAnswer:
    question_id: str
    value: int | None  # None = skipped


@dataclass(frozen=True)
class CompleteAssessment:
    pass


# --- plan ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RateCheckin:
    checkin_id: int
    rating: int


@dataclass(frozen=True)
class NoteCheckin:
    checkin_id: int
    note: str


@dataclass(frozen=True)
class ShareNote:
    """The user chose to share a check-in note with their coach (consent checked on load)."""

    checkin_id: int
    coach_id: int


# --- coaching ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CreateCoachInvite:
    code: str


@dataclass(frozen=True)
class BecomeCoach:
    invite_code: str  # used up now
    link_code: str  # the new coach's coachee link
    name: str


@dataclass(frozen=True)
class RenewLink:
    code: str


@dataclass(frozen=True)
class RemoveCoach:
    coach_id: int


@dataclass(frozen=True)
class OpenOffer:
    """A coach's link was opened: remembered with the code it came from."""

    coach_id: int
    code: str


@dataclass(frozen=True)
class CloseOffer:
    pass


@dataclass(frozen=True)
class Connect:
    """Start sharing with ``coach_id``; an earlier coach's relation ends."""

    coach_id: int
    name: str


@dataclass(frozen=True)
class Revoke:
    pass


@dataclass(frozen=True)
class StoreReply:
    delivery_id: int
    coach_id: int
    text: str


@dataclass(frozen=True)
class SaveComposer:
    step: str
    draft: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CreateSchedule:
    values: dict[str, Any]


@dataclass(frozen=True)
class CancelSchedule:
    schedule_id: int


# --- privacy ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EraseEverything:
    pass


# --- feedback from colleagues ------------------------------------------------------------------
@dataclass(frozen=True)
class OpenRequest:
    code: str


@dataclass(frozen=True)
class RenewRequestLink:
    request_id: int
    code: str


@dataclass(frozen=True)
class CloseRequest:
    """Close now with this summary, or (``when_ready``) as soon as enough raters completed."""

    request_id: int
    summary: dict | None
    when_ready: bool = False


@dataclass(frozen=True)
class CloseIfReady:
    """A rater completed: close the request if its manager asked to and enough raters did."""

    request_id: int


@dataclass(frozen=True)
class BeginRating:
    request_id: int
    code: str


@dataclass(frozen=True)
class SaveRating:
    session_id: int
    relation: str | None
    status: str
    cursor: int
    changed: dict[str, int | None]


@dataclass
class Step:
    """What one event of a plain-function flow produced: screens to show, effects to carry out."""

    screens: list[Screen] = field(default_factory=list)
    effects: list["Effect"] = field(default_factory=list)


Effect = (Notify | RefreshMenu | SendDuePrompts | ContinueAssessment | OpenText | CloseText | GiveConsent | BeginAssessment
          | ReopenLatest | RecordAnswer | CompleteAssessment | RateCheckin | NoteCheckin | ShareNote
          | CreateCoachInvite | BecomeCoach | RenewLink | RemoveCoach | OpenOffer | CloseOffer | Connect | Revoke
          | StoreReply | SaveComposer | CreateSchedule | CancelSchedule | EraseEverything
          | OpenRequest | RenewRequestLink | CloseRequest | CloseIfReady | BeginRating | SaveRating)
