"""The feedback turn: a manager's request, a colleague's rating, the summary when it closes."""

from __future__ import annotations

from typing import Any

from bot.buttons import Sizes, Spec, one_of, rating
from bot.core import Core, FlowTurn
from bot.flows import feedback as flow
from bot.flows.effects import (
    BeginRating,
    CloseIfReady,
    Effect,
    EnsureUser,
    SaveRating,
    Step,
)
from bot.flows.events import Event
from bot.flows.screens import Choice, Screen
from bot.turn import Command, Stepped, Turn
from bot.turns.summaries import shown_summary, summary_of
from storage import FeedbackStore, RequestRecord

MANAGER_EVENTS = frozenset({Event.FEEDBACK, Event.FEEDBACK_CLOSE, Event.FEEDBACK_RENEW, Event.FEEDBACK_SUMMARY})
RATER_EVENTS = flow.RATER_EVENTS | {Event.FB_DECLINE, Event.FB_AGAIN}


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    language = core.language_of(turn.user_id, turn.language_code)  # no step here changes it
    if event in MANAGER_EVENTS:
        done = _manager(core, turn, event, kwargs)
    else:
        done = _rater(core, turn, core.stores.feedback, event, kwargs)
    return Stepped(done.screens, [EnsureUser(language), *done.effects], language)


def _manager(core: Core, turn: Turn, event: str, kwargs: dict[str, Any]) -> Step:
    store = core.stores.feedback
    request = store.latest_of(turn.user_id)
    minimum, username = core.rules.feedback_min, core.username
    if event == Event.FEEDBACK:
        has_result = bool(core.stores.assessments.completed(turn.user_id, limit=1))
        return flow.show_request(core.content, request, username, minimum, has_result)
    if event == Event.FEEDBACK_RENEW:
        return flow.renew_link(request, username)
    if event == Event.FEEDBACK_CLOSE:
        summary = summary_of(core, request) if request is not None and request.status == "open" else None
        return flow.close_request(core.content, request, minimum, summary)
    wanted = store.request(kwargs.get("request_id", -1))
    if wanted is None or wanted.manager_id != turn.user_id:
        return Step([Screen("stale_button", notice=True)])
    return Step(shown_summary(core, wanted) or [Screen("feedback_no_summary")])


def _rater(core: Core, turn: Turn, store: FeedbackStore, event: str, kwargs: dict[str, Any]) -> Step:
    if event == Event.DEEP_LINK:
        return _open_link(store, turn, store.by_code(str(kwargs.get("payload", ""))[1:]))
    if event == Event.FB_AGAIN:  # only for who completed a round through the request's current link
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
    if event == Event.FB_DECLINE:
        return Step([Screen("feedback_declined", in_place=True)],
                    [SaveRating(session.id, session.relation, "void", session.cursor, {})])
    model = flow.RaterModel(core.content, session_id=session.id, request_id=request.id,
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
            Choice(Event.FB_AGAIN, "btn_feedback_again", ref=request.id),))])
    return Step([flow.offer_screen(request.manager_name, request.id)], [BeginRating(request.id, request.code)])


def buttons(sizes: Sizes) -> dict[str, Spec]:
    return {
        Event.FEEDBACK: Spec("xf"),
        Event.FEEDBACK_CLOSE: Spec("xc"),
        Event.FEEDBACK_RENEW: Spec("xn"),
        Event.FEEDBACK_SUMMARY: Spec("xv", "request_id"),
        Event.FB_AGREE: Spec("fa", "request_id"),
        Event.FB_DECLINE: Spec("fd", "request_id"),
        Event.FB_AGAIN: Spec("fg", "request_id"),
        Event.FB_RELATION: Spec("fr", "session_id", arg="relation", parse=one_of({r: r for r in flow.RELATIONS})),
        Event.FB_ANSWER: Spec("fq", "session_id", "question", "value", rating),
        Event.FB_SKIP: Spec("fs", "session_id", "question"),
        Event.FB_NOT_OCCURRED: Spec("fn", "session_id", "question"),
        Event.FB_BACK: Spec("fk", "session_id", "question"),
        Event.FB_RESUME: Spec("fu", "session_id"),
    }


TURN = FlowTurn("feedback", MANAGER_EVENTS | RATER_EVENTS, step, buttons, link_kinds="f",
                commands=(Command("feedback", Event.FEEDBACK, rank=30),))
