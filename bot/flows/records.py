"""What the flows read of stored rows, as Protocols: the storage records satisfy them by their
fields, and a flow never needs to know where they came from."""

from __future__ import annotations

from typing import Protocol


class RelationView(Protocol):
    """A coachee sharing with a coach (the consent a flow acts on)."""

    id: int
    coach_id: int
    coachee_id: int
    coachee_name: str
    consented_at: str
    coach_name: str | None
    label: str | None


class CoacheeView(Protocol):
    """One line of a coach's list: a consenting coachee and where they stand."""

    relation: RelationView
    cursor: int | None
    completed_at: str | None
    latest_answers: dict[str, int | None] | None
    version: int
    language: str


class CoachView(Protocol):
    user_id: int
    display_name: str
    invite_code: str


class CoachCount(Protocol):
    """A coach as an admin lists them: how many people share with them now."""

    user_id: int
    display_name: str
    coachees: int


class ScheduleView(Protocol):
    id: int
    coachee_id: int | None
    competency: str | None
    prompt_index: int | None
    own_text: str | None
    kind: str
    weekday: int | None
    time: str | None
    next_due_at: str | None
    active: bool
    own_versions: dict[str, str]  # the coach's own text per language, besides own_text as written
    paused: bool


class RequestView(Protocol):
    """A manager's feedback request."""

    id: int
    manager_name: str
    code: str
    status: str
    closed_at: str | None
    summary: dict | None
    started: int
    completed: int


class CheckinView(Protocol):
    """A check-in of the acting user (a flow may note its answer, rating and note on it)."""

    id: int
    competency: str
    rating: int | None
    note: str | None
    action_id: int | None
    answer: str | None
    tip: int | None


class ActionView(Protocol):
    """One concrete action for a focus competency."""

    id: int
    competency: str
    text: str
    tip: int | None
    cadence: str  # weekly | once
    due_on: str | None
    status: str
    created_at: str


class ThreadEntry(Protocol):
    """One entry of a coach's thread with a coachee (storage's ThreadItem)."""

    kind: str  # prompt | reply | note | coach | coachee
    at: str
    text: str | None
    competency: str | None
    prompt_index: int | None
