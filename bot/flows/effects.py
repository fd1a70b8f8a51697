"""What a flow asks to happen besides showing screens, as typed values.

A flow never stores or sends anything itself: it returns these, and the edge carries them
out — storage effects in the same transaction as the state change, the rest after commit.
Checks that depend on stored state (consent, a link still valid) were loaded before the
flow ran, in that same transaction, so they still hold when the effect is carried out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from bot.flows.screens import Screen


# --- after commit: to other people, Telegram's menus, scheduled work ---------------------
@dataclass(frozen=True)
class Notify:
    """Show ``screen`` to another person (a coach, a coachee)."""

    user_id: int
    screen: Screen
    thread: tuple[int, int] | None = None  # (coach, coachee): a reply to it goes to their thread


@dataclass(frozen=True)
class RefreshMenu:
    """This person's role changed: their own command menu changes now."""

    user_id: int


@dataclass(frozen=True)
class SendDuePrompts:
    """A prompt is due now: send it without waiting for the next job run."""


@dataclass(frozen=True)
class WipeFreedBytes:
    """Someone was erased: after the commit, no copy of their bytes may stay in the -wal."""


@dataclass(frozen=True)
class ContinueAssessment:
    """After this step the assessment goes on from where the person is (e.g. a new
    coachee's introduction after connecting, or after a link that is no longer valid)."""


# --- free text ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenText:
    """The user chose where their next text goes: ``note`` (of check-in ``ref``), ``reply`` (to
    prompt delivery ``ref``), ``confirm_reply`` (``text`` waits for Send), ``compose`` (a
    coach's own prompt), ``action`` (one's own action for the focus being planned), ``answer`` (a coach's answer in
    the thread of relation ``ref``), ``answer_back`` / ``confirm_answer_back`` (a coachee's
    answer to coach ``ref``), ``stray`` (``text`` typed outside any context, offered to coach
    ``ref``). Only the user's own action opens one. Stored as it is (``to_dict``)."""

    kind: str
    ref: int | None = None
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ref": self.ref} | ({"text": self.text} if self.text else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> OpenText | None:
        if not data or not isinstance(data.get("kind"), str):
            return None
        ref, text = data.get("ref"), data.get("text")
        return cls(data["kind"], ref if isinstance(ref, int) else None, text if isinstance(text, str) else None)


@dataclass(frozen=True)
class CloseText:
    """Nothing typed is expected any more."""


# --- users and the assessment ---------------------------------------------------------------
@dataclass(frozen=True)
class EnsureUser:
    """The acting person has a row (a coach, a coachee or a rater may come before any
    assessment); an existing row is left as it is."""

    language: str


@dataclass(frozen=True)
class SaveProgress:
    """Where the user is in the conversation now, and their language."""

    state: str
    language: str


@dataclass(frozen=True)
class GiveConsent:
    pass


@dataclass(frozen=True)
class BeginAssessment:
    """A new assessment with question set ``version``; the one still open (``closing``) is
    abandoned, its answers kept — or, if it was a result reopened to complete answers, it is
    completed again as it now stands."""

    version: int
    closing: int | None = None


@dataclass(frozen=True)
class ReopenLatest:
    """The latest completed assessment is opened again (at ``cursor``) to complete missing role answers."""

    assessment_id: int
    cursor: int


@dataclass(frozen=True)
class RecordAnswer:
    assessment_id: int
    question_id: str
    value: int | None  # None = skipped; DIDNT_COME_UP = didn't come up


@dataclass(frozen=True)
class MoveCursor:
    assessment_id: int
    cursor: int


@dataclass(frozen=True)
class CompleteAssessment:
    """Completed now; its result row (for statistics) is scored in ``language``'s name."""

    assessment_id: int
    language: str


# --- plan ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SavePlan:
    """The plan as it stands after the event (moments as stored: UTC ISO text)."""

    step: str
    focus: tuple[str, ...]
    draft: tuple[str, ...] | None
    weekday: int | None
    time: str | None
    active: bool
    next_due_at: str | None
    draft_action: str | None = None  # JSON of the action being chosen
    paused_until: str | None = None
    quiet_until: str | None = None
    cycle_started_at: str | None = None
    review_due_at: str | None = None
    reminders_off_at: str | None = None


@dataclass(frozen=True)
class SaveAction:
    """A new action for ``competency`` (the one it replaces ends): ``tip`` where it came from
    one, ``cadence`` weekly or once (then by ``due_on``, a local ISO date)."""

    competency: str
    text: str
    tip: int | None
    cadence: str
    due_on: str | None = None


@dataclass(frozen=True)
class EndAction:
    """An action ends: done, dropped (no longer relevant) or removed (its focus went)."""

    action_id: int
    status: str


@dataclass(frozen=True)
class SeeTips:
    """These tips of ``competency`` were shown to the user now (none again until all were)."""

    competency: str
    tips: tuple[int, ...]


@dataclass(frozen=True)
class AnswerCheckin:
    """The answer to a check-in about an action, and the tip given with it."""

    checkin_id: int
    answer: str
    tip: int | None = None


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
    text: str


@dataclass(frozen=True)
class StoreThreadMessage:
    """A message in the thread of ``coach_id`` and ``coachee_id`` by ``author`` (coach | coachee)."""

    coach_id: int
    coachee_id: int
    author: str
    text: str


@dataclass(frozen=True)
class PromptDraft:
    """A prompt a coach is composing: to whom, what, when (as far as chosen)."""

    coachee_id: int | None = None  # None: every coachee
    relation_id: int | None = None  # the one coachee's consent it goes on
    name: str | None = None  # how the coach knows that coachee
    receivers: tuple[int, ...] | None = None  # relations the confirmation named (bound to them)
    competency: str | None = None
    prompt_index: int | None = None
    own_text: str | None = None
    kind: str | None = None  # now | once | weekly
    day: int | None = None
    series: bool = False  # a weekly series: each week the next prompt on each person's own points
    versions: dict[str, str] | None = None  # the coach's own text per language, besides own_text as written
    version_language: str | None = None  # the language of the version being typed
    browsing: int | None = None  # the other competency whose prompts are shown

    def to_dict(self) -> dict[str, Any]:
        return {key: (list(value) if isinstance(value, tuple) else value)
                for key, value in asdict(self).items() if value is not None and value is not False}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PromptDraft:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in (data or {}).items() if key in known}
        if isinstance(values.get("receivers"), list):
            values["receivers"] = tuple(values["receivers"])
        return cls(**values)


@dataclass(frozen=True)
class SaveComposer:
    step: str
    draft: PromptDraft = PromptDraft()


@dataclass(frozen=True)
class CreateSchedule:
    """A prompt schedule from a composed draft (``next_due_at`` UTC)."""

    coach_id: int
    coachee_id: int | None
    competency: str | None
    prompt_index: int | None
    own_text: str | None
    kind: str  # now | once | weekly
    weekday: int | None
    time: str | None
    next_due_at: datetime
    own_versions: dict[str, str] | None = None


@dataclass(frozen=True)
class PauseSchedule:
    schedule_id: int


@dataclass(frozen=True)
class MoveSchedule:
    """A schedule's next time (a weekly one's day and time too); ``resume`` lifts a pause."""

    schedule_id: int
    next_due_at: datetime
    weekday: int | None = None
    time: str | None = None
    resume: bool = False


@dataclass(frozen=True)
class CancelSchedule:
    schedule_id: int


# --- the coach's desk --------------------------------------------------------------------------
@dataclass(frozen=True)
class MarkLooked:
    """The coach opened this coachee now: what happened before is no longer "new"."""

    relation_id: int


@dataclass(frozen=True)
class SetCoacheeLabel:
    """The coach's own short label for a coachee (None: no label)."""

    relation_id: int
    label: str | None


@dataclass(frozen=True)
class SetCoachNotes:
    """The coach's daily notes of what coachees did: on or off."""

    on: bool


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
    summary: Any = None  # a FeedbackSummary (bot/flows/feedback.py)
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


Effect = (Notify | RefreshMenu | SendDuePrompts | WipeFreedBytes | ContinueAssessment | OpenText | CloseText
          | EnsureUser | SaveProgress | GiveConsent | BeginAssessment | ReopenLatest | RecordAnswer | MoveCursor | CompleteAssessment
          | SavePlan | RateCheckin | NoteCheckin | ShareNote | SaveAction | EndAction | SeeTips | AnswerCheckin
          | CreateCoachInvite | BecomeCoach | RenewLink | RemoveCoach | OpenOffer | CloseOffer | Connect | Revoke
          | StoreReply | StoreThreadMessage | SaveComposer | CreateSchedule | CancelSchedule | EraseEverything
          | OpenRequest | RenewRequestLink | CloseRequest | CloseIfReady | BeginRating | SaveRating
          | MarkLooked | SetCoacheeLabel | SetCoachNotes)
