"""The feedback turn: a manager's request, a colleague's rating, the summary when it closes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.conversation import Conversations, Outcome, Turn, iso
from bot.flows import feedback as flow
from bot.flows.effects import (
    BeginRating,
    CloseIfReady,
    CloseRequest,
    Effect,
    Notify,
    OpenRequest,
    RenewRequestLink,
    SaveRating,
    Step,
)
from bot.flows.screens import Choice, Screen
from bot.turns import effects
from storage import FeedbackStore, RequestRecord

MANAGER_EVENTS = frozenset({"feedback", "feedback_close", "feedback_renew", "feedback_summary"})
RATER_EVENTS = flow.RATER_EVENTS | {"fb_decline", "fb_again"}
EVENTS = MANAGER_EVENTS | RATER_EVENTS


def summary_of(conversations: Conversations, request: RequestRecord) -> dict | None:
    """The summary a request would publish now (None: fewer than the threshold completed)."""
    latest = conversations.store.completed(request.manager_id, limit=1)
    if not latest:
        return None
    return flow.summarize(conversations.content, latest[0].answers, latest[0].version,
                          FeedbackStore(conversations.db).completed_answers(request.id), conversations.feedback_min,
                          conversations.clock().date().isoformat())


def shown_summary(conversations: Conversations, request: RequestRecord | None) -> list:
    """A closed request's summary as published, or withheld once too few of its raters remain."""
    if request is None or request.summary is None:
        return []
    if FeedbackStore(conversations.db).covered(request.id) < conversations.feedback_min:
        return [flow.withheld(conversations.feedback_min)]
    return flow.summary_screens(conversations.content, request.summary)


def run(conversations: Conversations, turn: Turn, event: str, kwargs: dict[str, Any]) -> Outcome:
    store = FeedbackStore(conversations.db)
    language = conversations.language_of(turn.user_id, turn.language_code)  # no step here changes it
    with conversations.transaction(turn) as now:
        conversations.store.ensure_user(turn.user_id, language, now)
        if event in MANAGER_EVENTS:
            step = _manager(conversations, turn, store, event, kwargs)
        else:
            step = _rater(conversations, turn, store, event, kwargs)
        after = effects.apply(conversations, turn, carry_out(conversations, turn, step.effects, now), now)
    return Outcome(step.screens, language, after=after)


def _manager(conversations: Conversations, turn: Turn, store: FeedbackStore, event: str,
             kwargs: dict[str, Any]) -> Step:
    request = store.latest_of(turn.user_id)
    minimum, username = conversations.feedback_min, conversations.bot_username
    if event == "feedback":
        has_result = bool(conversations.store.completed(turn.user_id, limit=1))
        return flow.show_request(conversations.content, request, username, minimum, has_result)
    if event == "feedback_renew":
        return flow.renew_link(request, username)
    if event == "feedback_close":
        summary = summary_of(conversations, request) if request is not None and request.status == "open" else None
        return flow.close_request(conversations.content, request, minimum, summary)
    wanted = store.request(kwargs.get("request_id", -1))
    if wanted is None or wanted.manager_id != turn.user_id:
        return Step([Screen("stale_button", notice=True)])
    return Step(shown_summary(conversations, wanted) or [Screen("feedback_no_summary")])


def _rater(conversations: Conversations, turn: Turn, store: FeedbackStore, event: str,
           kwargs: dict[str, Any]) -> Step:
    if event == "deep_link":
        return _open_link(store, turn, store.by_code(str(kwargs.get("payload", ""))[1:]))
    if event == "fb_again":  # only for who completed a round through the request's current link
        request = store.request(kwargs.get("request_id", -1))
        if request is None or request.status != "open" or request.manager_id == turn.user_id \
                or store.completed_by(request.id, turn.user_id, request.code) is None:
            return Step([Screen("stale_button", notice=True)])
        return Step([flow.offer_screen(request.manager_name, request.id)], [BeginRating(request.id, request.code)])
    if "session_id" in kwargs:  # the rater's own session only
        session = store.session(kwargs["session_id"], turn.user_id)
    else:  # agree or decline on the offer: the session the link opened
        session = store.open_session(kwargs.get("request_id", -1), turn.user_id)
    if session is None:
        return Step([Screen("stale_button", notice=True)])
    request = store.request(session.request_id)
    if request is None or request.status != "open" or request.code != session.code or session.status == "void":
        return Step([Screen("feedback_link_gone", in_place=True)])
    if event == "fb_decline":
        return Step([Screen("feedback_declined", in_place=True)],
                    [SaveRating(session.id, session.relation, "void", session.cursor, {})])
    model = flow.RaterModel(conversations.content, session_id=session.id, request_id=request.id,
                            status=session.status, relation=session.relation, cursor=session.cursor,
                            answers=session.answers, manager=request.manager_name)
    flow.fire(model, event, **({"session_id": session.id} | kwargs))
    status = {"relation": "answering"}.get(model.state, model.state)
    changes: list[Effect] = [SaveRating(session.id, model.relation, status, model.cursor, model.changed)]
    if status == "completed" and request.close_when_ready:
        changes.append(CloseIfReady(request.id))
    return Step(model.screens, changes)


def _open_link(store: FeedbackStore, turn: Turn, request: RequestRecord | None) -> Step:
    if request is None:
        return Step([Screen("link_invalid")])
    if request.manager_id == turn.user_id:
        return Step([Screen("feedback_own_link")])
    if request.status != "open":
        return Step([Screen("feedback_closed_for_raters", {"name": request.manager_name})])
    done = store.completed_by(request.id, turn.user_id, request.code)
    if done is not None:  # a second round replaces the first, once it is complete
        return Step([Screen("feedback_rated_before", {"name": request.manager_name, "date": done[:10]}, choices=(
            Choice("fb_again", "btn_feedback_again", ref=request.id),))])
    return Step([flow.offer_screen(request.manager_name, request.id)], [BeginRating(request.id, request.code)])


def carry_out(conversations: Conversations, turn: Turn, step_effects: list[Effect], now: str) -> list[Effect]:
    """The feedback effects, in the turn's transaction; the others are returned for the shared
    carrying out."""
    store = FeedbackStore(conversations.db)
    rest: list[Effect] = []
    for effect in step_effects:
        match effect:
            case OpenRequest(code=code):
                store.create(turn.user_id, turn.name, code, now, iso(datetime.fromisoformat(now) + timedelta(
                    days=conversations.content.limits.feedback_open_days)))
            case RenewRequestLink(request_id=request_id, code=code):
                store.renew_code(request_id, code)
            case BeginRating(request_id=request_id, code=code):
                store.begin(request_id, turn.user_id, code, now)
            case SaveRating(session_id=session_id, relation=relation, status=status, cursor=cursor):
                store.save_session(session_id, turn.user_id, relation, status, cursor, effect.changed, now)
            case CloseRequest(request_id=request_id, summary=summary, when_ready=True):
                store.close_when_ready(request_id)
            case CloseRequest(request_id=request_id, summary=summary):
                store.close(request_id, "closed", summary, now)
            case CloseIfReady(request_id=request_id):
                rest += close_now(conversations, request_id, now)
            case _:
                rest.append(effect)
    return rest


def close_now(conversations: Conversations, request_id: int, now: str, expired: bool = False) -> list[Effect]:
    """Close a request with its summary (or, expired with too few raters, without); the
    manager is told. Returns the notices for after the commit."""
    store = FeedbackStore(conversations.db)
    request = store.request(request_id)
    if request is None or request.status != "open":
        return []
    summary = summary_of(conversations, request)
    if summary is None and not expired:
        return []
    store.close(request.id, "closed" if summary else "expired", summary, now)
    if summary is None:
        return [Notify(request.manager_id, Screen("feedback_expired", {
            "min": conversations.feedback_min, "days": conversations.content.limits.feedback_open_days}))]
    return [Notify(request.manager_id, screen) for screen in
            [Screen("feedback_closed_notice")] + flow.summary_screens(conversations.content, summary)]
