"""The coach's desk: /coachees by need, one coachee seen by the coach (every detail one tap
away), the coach's labels, the group view, and the daily notes switched on or off.

Every event loads the coachee only through the acting coach's own *active* relation: a forged,
another coach's or a revoked relation id finds nothing and gets the stale-button notice.
"""

from __future__ import annotations

from typing import Any

from bot.buttons import Sizes, Spec, below, one_of
from bot.core import Core, FlowTurn
from bot.flows.coaching import coach_view, desk
from bot.flows.effects import (
    CloseText,
    EnsureUser,
    MarkLooked,
    OpenText,
    SetCoacheeLabel,
    SetCoachNotes,
    Step,
)
from bot.flows.events import Event
from bot.flows.screens import Choice, Screen
from bot.turn import Command, Stepped, Turn

LIST_EVENTS = frozenset({Event.COACHEES, Event.COACHEES_PAGE, Event.COACHEES_BACK, Event.GROUP_VIEW,
                         Event.COACH_NOTES})
CARD_EVENTS = frozenset({Event.COACH_VIEW, Event.COACHEE_BACK, Event.COACHEE_POINTS, Event.COACHEE_STRENGTHS,
                         Event.COACHEE_WATCH_OUTS, Event.COACHEE_SCORES, Event.COACHEE_PLAN, Event.COACHEE_FEEDBACK,
                         Event.COACHEE_CHANGES, Event.COACHEE_LABEL,
                         Event.COACHEE_LABEL_TEXT})
DETAILS = {Event.COACHEE_POINTS: desk.points, Event.COACHEE_STRENGTHS: desk.strengths,
           Event.COACHEE_WATCH_OUTS: desk.watch_outs, Event.COACHEE_SCORES: desk.all_scores,
           Event.COACHEE_PLAN: desk.plan, Event.COACHEE_CHANGES: desk.changes_since}


def _desk(core: Core) -> desk.Desk:
    return desk.Desk(core.content, core.clock(), core.rules.zone, core.rules.min_group)


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    language = core.language_of(turn.user_id, turn.language_code)
    if core.stores.coaching.coach(turn.user_id) is None:
        done = Step([Screen("unknown_command")]) if event == Event.COACHEES else \
            Step([Screen("stale_button", notice=True)], [CloseText()] if event == Event.COACHEE_LABEL_TEXT else [])
    elif event in LIST_EVENTS:
        done = _list(core, turn, event, kwargs)
    else:
        done = _card(core, turn, event, kwargs)
    return Stepped(done.screens, [EnsureUser(language), *done.effects], language)


def _list(core: Core, turn: Turn, event: str, kwargs: dict[str, Any]) -> Step:
    store, view = core.stores.desk, _desk(core)
    if event == Event.GROUP_VIEW:
        return coach_view.show_group(core.content, core.stores.coaching.coachees(turn.user_id), core.rules.min_group)
    effects: list = []
    notes_on = store.notes_on(turn.user_id)
    if event == Event.COACH_NOTES:
        wanted = kwargs.get("switch") == "on"
        if wanted != notes_on:
            effects.append(SetCoachNotes(wanted))
        notes_on = wanted
    names = desk.shown_names(store.names(turn.user_id))
    shown = desk.show_coachees(view, store.desk(turn.user_id), names, kwargs.get("page", 0), notes_on,
                               in_place=event != Event.COACHEES)
    if event == Event.COACH_NOTES:
        shown.screens.insert(0, Screen("cv_notes_switched_on" if notes_on else "cv_notes_switched_off", notice=True))
    return Step(shown.screens, effects + shown.effects)


def _seen(core: Core, turn: Turn, relation_id: Any) -> desk.Seen | None:
    """The coachee behind ``relation_id``, only if it is this coach's own active relation."""
    if not isinstance(relation_id, int):
        return None
    card = core.stores.desk.card(relation_id, turn.user_id, checkins=core.content.limits.coach_checkins_shown)
    if card is None:
        return None
    coachee = card.row.relation.coachee_id
    names = desk.shown_names(core.stores.desk.names(turn.user_id))
    request = core.stores.feedback.latest_closed_of(coachee)
    summary, withheld = None, False
    if request is not None and request.summary is not None:
        withheld = core.stores.feedback.covered(request.id) < core.rules.feedback_min
        summary = None if withheld else request.summary
    actions = core.stores.plans.actions(coachee) if card.plan_active else {}
    return desk.Seen(_desk(core), card, names.get(relation_id, card.row.relation.coachee_name), actions, summary,
                     withheld, core.rules.feedback_min)


def _card(core: Core, turn: Turn, event: str, kwargs: dict[str, Any]) -> Step:
    relation_id = kwargs.get("relation_id")
    seen = _seen(core, turn, relation_id)
    if seen is None:
        return Step([Screen("stale_button", notice=True)],
                    [CloseText()] if event == Event.COACHEE_LABEL_TEXT else [])
    if event == Event.COACH_VIEW:
        return Step(desk.open_coachee(seen), [MarkLooked(seen.relation_id)])
    if event == Event.COACHEE_BACK:
        return Step([desk.header(seen, in_place=True)], [MarkLooked(seen.relation_id), CloseText()])
    if event in DETAILS:
        return DETAILS[event](seen)
    if event == Event.COACHEE_FEEDBACK:
        shown = desk.feedback_summary(seen)
        return shown if isinstance(shown, Step) else Step(shown)
    limit = core.content.limits.coach_label_chars
    if event == Event.COACHEE_LABEL:
        return Step([Screen("cv_label_ask", {"name": seen.card.row.relation.coachee_name, "limit": limit},
                            choices=(Choice(Event.COACHEE_BACK, "btn_cancel", ref=seen.relation_id),))],
                    [OpenText("coach_label", seen.relation_id)])
    text = " ".join(str(kwargs.get("text", "")).split())
    if len(text) > limit:
        return Step([Screen("cv_label_too_long", {"limit": limit, "length": len(text)})])
    label = None if text in ("", "-") else text
    relation = seen.card.row.relation
    labelled = desk.Seen(seen.desk, seen.card, desk.shown_names(
        [(rid, name, label if rid == relation.id else own) for rid, name, own in core.stores.desk.names(turn.user_id)]
    )[relation.id], seen.actions, seen.feedback_summary, seen.feedback_withheld, seen.feedback_min)
    return Step([Screen("cv_label_set" if label else "cv_label_removed", {"name": labelled.name}),
                 desk.header(labelled)], [SetCoacheeLabel(relation.id, label), CloseText()])


def buttons(sizes: Sizes) -> dict[str, Spec]:
    """Codes "cA".."cL" are the desk's own (callback codes are letters only, bot/callbacks.py)."""
    return {
        Event.COACH_VIEW: Spec("C", "relation_id"),
        Event.GROUP_VIEW: Spec("G"),
        Event.COACHEES_PAGE: Spec("cp", arg="page", parse=below(1000)),
        Event.COACHEE_POINTS: Spec("cA", "relation_id"),
        Event.COACHEE_STRENGTHS: Spec("cB", "relation_id"),
        Event.COACHEE_WATCH_OUTS: Spec("cC", "relation_id"),
        Event.COACHEE_SCORES: Spec("cD", "relation_id"),
        Event.COACHEE_PLAN: Spec("cE", "relation_id"),
        Event.COACHEE_FEEDBACK: Spec("cF", "relation_id"),
        Event.COACHEE_CHANGES: Spec("cG", "relation_id"),
        Event.COACHEE_LABEL: Spec("cI", "relation_id"),
        Event.COACHEE_BACK: Spec("cJ", "relation_id"),
        Event.COACHEES_BACK: Spec("cK", arg="page", parse=below(1000)),
        Event.COACH_NOTES: Spec("cL", arg="switch", parse=one_of({"on": "on", "off": "off"})),
    }


TURN = FlowTurn("coach_view", LIST_EVENTS | CARD_EVENTS, step, buttons, commands=(
    Command("coachees", Event.COACHEES, menu="coach", rank=61),
))
