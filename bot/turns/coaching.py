"""The coaching turn: roles and links, the coachee's side, the coach's view, the composer.

What each event may see is loaded here for the acting user only: a coach's events find
coachees through the coach's own active relations, a coachee's through their own prompts.
"""

from __future__ import annotations

from typing import Any

from bot.buttons import Sizes, Spec, below, one_of
from bot.content import LANGUAGES
from bot.core import Core, FlowTurn
from bot.flows.coaching import coach_view, coachee, composer, desk, links, series
from bot.flows.coaching.coachee import PromptRef
from bot.flows.effects import EnsureUser, OpenText, PromptDraft, SaveComposer, Step
from bot.flows.events import Event
from bot.flows.screens import Screen
from bot.turn import Command, Stepped, Turn
from storage import CoacheeStatus, CoachRecord, Schedule

ADMIN_EVENTS = frozenset({Event.INVITECOACH, Event.COACHES, Event.COACH_REMOVE, Event.COACH_REMOVE_CONFIRMED,
                          Event.COACH_REMOVE_CANCELLED})
# /coachees, one coachee and the group view are the coach's desk (bot/turns/coach_view.py)
SCHEDULE_EVENTS = frozenset({Event.SCHEDULES, Event.SCHEDULES_BACK, Event.SCHEDULE_OPEN, Event.SCHEDULE_CANCEL,
                             Event.SCHEDULE_PAUSE, Event.SCHEDULE_RESUME, Event.SCHEDULE_CHANGE, Event.SCHEDULE_DAY,
                             Event.SCHEDULE_TIME})
COACH_EVENTS = frozenset({Event.INVITE, Event.INVITE_RENEW}) | SCHEDULE_EVENTS | composer.EVENTS
COACHEE_EVENTS = frozenset({Event.DEEP_LINK, Event.OFFER_ACCEPT, Event.OFFER_DECLINE, Event.MYCOACH, Event.COACH_REVOKE,
                            Event.REPLY_OPEN, Event.REPLY_TEXT, Event.REPLY_SEND, Event.REPLY_CANCEL})
COACH_COMMANDS = (Event.INVITE, Event.PROMPT, Event.SCHEDULES)  # in a coach's menu (with /coachees); nobody else's


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    language = core.language_of(turn.user_id, turn.language_code)  # no step here changes it
    if event in ADMIN_EVENTS:
        done = _admin(core, event, kwargs) if core.rules.is_admin(turn.user_id) else Step([Screen("unknown_command")])
    elif event in COACH_EVENTS:
        coach = core.stores.coaching.coach(turn.user_id)
        done = _coach(core, turn, coach, event, kwargs) if coach is not None \
            else Step([Screen("unknown_command") if event in COACH_COMMANDS else Screen("stale_button", notice=True)])
    else:
        done = _coachee(core, turn, event, kwargs)
    return Stepped(done.screens, [EnsureUser(language), *done.effects], language)


def _admin(core: Core, event: str, kwargs: dict[str, Any]) -> Step:
    coaching = core.stores.coaching
    if event == Event.INVITECOACH:
        return links.make_coach_invite(core.username)
    if event == Event.COACHES:
        return links.list_coaches(coaching.coaches_overview(), core.rules.min_group)
    coach_id = kwargs.get("coach_id")
    coach = coaching.coach(coach_id) if isinstance(coach_id, int) else None
    if coach is None:
        return Step([Screen("stale_button", notice=True)])
    if event == Event.COACH_REMOVE:
        return links.confirm_remove(coach)
    if event == Event.COACH_REMOVE_CONFIRMED:
        return links.remove_coach(coach, coaching.coachee_ids(coach.user_id))
    return Step([Screen("coach_kept", {"name": coach.display_name}, in_place=True)])


def _coach(core: Core, turn: Turn, coach: CoachRecord, event: str, kwargs: dict[str, Any]) -> Step:
    content, coaching = core.content, core.stores.coaching
    if event == Event.INVITE:
        return links.show_link(coach, core.username)
    if event == Event.INVITE_RENEW:
        return links.renew_link(core.username)
    coachees = coaching.coachees(turn.user_id)
    if event in composer.EVENTS:
        relation = coaching.coach_relation(kwargs["relation_id"], turn.user_id) if "relation_id" in kwargs else None
        draft = PromptDraft.from_dict(coach.draft)
        model = composer.ComposerModel(content, coach_id=turn.user_id, step=coach.step, draft=draft,
                                       coachees=coachees, relation=relation, now=core.clock(), zone=core.rules.zone,
                                       focus=coaching.focus_of_many([s.relation.coachee_id for s in coachees]))
        composer.fire(model, event, **kwargs)
        saved = [SaveComposer(model.state, model.draft)] if (model.state, model.draft) != (coach.step, draft) else []
        return Step(model.screens, model.effects + saved)
    return _schedules(core, coachees, coaching.schedules_of(turn.user_id), event, kwargs)


def _schedules(core: Core, coachees: list[CoacheeStatus], schedules: list[Schedule], event: str,
               kwargs: dict[str, Any]) -> Step:
    """/schedules and one schedule: only the coach's own schedules still to come are found."""
    content, zone, now = core.content, core.rules.zone, core.clock()
    shown = desk.shown_names([(s.relation.id, s.relation.coachee_name, s.relation.label) for s in coachees])
    names = {s.relation.coachee_id: shown[s.relation.id] for s in coachees}  # equal names told apart
    ref = kwargs.get("schedule_id")
    if event in (Event.SCHEDULES, Event.SCHEDULES_BACK):
        return Step([coach_view.schedules_screen(content, schedules, names, zone, event == Event.SCHEDULES_BACK)])
    if event == Event.SCHEDULE_OPEN:
        return coach_view.open_schedule(content, ref, schedules, names, zone)
    if event == Event.SCHEDULE_PAUSE:
        return coach_view.pause_schedule(content, ref, schedules, names, zone)
    if event == Event.SCHEDULE_RESUME:
        return coach_view.resume_schedule(content, ref, schedules, names, zone, now)
    if event == Event.SCHEDULE_CHANGE:
        return coach_view.change_day(ref, schedules, now, zone)
    if event == Event.SCHEDULE_DAY:
        return coach_view.change_time(content, ref, kwargs.get("day"), schedules)
    if event == Event.SCHEDULE_TIME:
        return coach_view.move_schedule(content, ref, kwargs.get("moment"), schedules, names, zone, now)
    return coach_view.cancel_schedule(content, ref, schedules, names, zone)


def _prompt(core: Core, turn: Turn, delivery_id: Any) -> PromptRef | None:
    record = core.stores.coaching.prompt_ref(delivery_id, turn.user_id) if isinstance(delivery_id, int) else None
    if record is None:
        return None
    return PromptRef(record.delivery_id, record.coach_id, record.coach_name, record.own_name or turn.name,
                     record.shared, record.relation_id,
                     series.prompt_words(core.content, record.own_text, record.competency, record.prompt_index))


def _coachee(core: Core, turn: Turn, event: str, kwargs: dict[str, Any]) -> Step:
    content, coaching = core.content, core.stores.coaching
    if event == Event.DEEP_LINK:
        payload = kwargs.get("payload")
        match = links.PAYLOAD.fullmatch(payload) if isinstance(payload, str) else None
        kind, code = match.groups() if match else ("", "")
        return links.open_link(
            payload, user_id=turn.user_id, name=turn.name, bot_username=core.username,
            own_coach=coaching.coach(turn.user_id), invite_unused=kind == "c" and coaching.invite_unused(code),
            link_owner=coaching.coach_by_code(code) if kind == "k" else None)
    if event in (Event.OFFER_ACCEPT, Event.OFFER_DECLINE):
        record = coaching.offer_of(turn.user_id)
        offer = links.Offer(record.coach_id, record.coach_name, record.valid) if record else None
        if event == Event.OFFER_DECLINE:
            return links.decline_offer(offer, kwargs.get("coach_id"))
        return links.accept_offer(offer, kwargs.get("coach_id"), turn.name,
                                  coaching.active_relation_of_coachee(turn.user_id))
    if event == Event.MYCOACH:
        return coachee.show_mycoach(coaching.active_relation_of_coachee(turn.user_id),
                                    coaching.coach(turn.user_id) is not None)
    if event == Event.COACH_REVOKE:
        return coachee.revoke(coaching.active_relation_of_coachee(turn.user_id))
    prompt = _prompt(core, turn, kwargs.get("delivery_id"))
    if event == Event.REPLY_OPEN:
        return coachee.open_reply(prompt)
    if event == Event.REPLY_TEXT:
        return coachee.draft_reply(content, prompt, kwargs.get("text", ""))
    if event == Event.REPLY_SEND:
        context = OpenText.from_dict(core.stores.users.text_context(turn.user_id))
        pending = context.text if context is not None and context.kind == "confirm_reply" and prompt is not None \
            and context.ref == prompt.delivery_id else None
        return coachee.send_reply(content, prompt, pending, turn.user_id)
    return coachee.cancel_reply()


def buttons(sizes: Sizes) -> dict[str, Spec]:
    return {
        Event.OFFER_ACCEPT: Spec("Y", "coach_id"),
        Event.OFFER_DECLINE: Spec("Z", "coach_id"),
        Event.COACH_REVOKE: Spec("V"),
        Event.INVITE_RENEW: Spec("J"),
        Event.SCHEDULE_CANCEL: Spec("X", "schedule_id"),
        Event.PROMPT_TARGET: Spec("T", "relation_id"),
        Event.PROMPT_TARGET_ALL: Spec("A"),
        Event.PROMPT_COMPETENCY: Spec("K", arg="index", parse=below(sizes.competencies)),
        Event.PROMPT_OTHER: Spec("O"),
        Event.PROMPT_PICK: Spec("P", arg="choice", parse=below(sizes.competencies * composer.PROMPT_SLOTS)),
        Event.PROMPT_OWN: Spec("W"),
        Event.PROMPT_NOW: Spec("N"),
        Event.PROMPT_ONCE: Spec("Q"),
        Event.PROMPT_WEEKLY: Spec("R"),
        Event.PROMPT_DAY: Spec("D", arg="day", parse=below(7)),
        Event.PROMPT_TIME: Spec("U", arg="slot", parse=below(sizes.time_slots)),
        Event.REPLY_OPEN: Spec("ro", "delivery_id"),
        Event.REPLY_SEND: Spec("rs", "delivery_id"),
        Event.REPLY_CANCEL: Spec("rc", "delivery_id"),
        Event.COACH_REMOVE: Spec("cr", "coach_id"),
        Event.COACH_REMOVE_CONFIRMED: Spec("cy", "coach_id"),
        Event.COACH_REMOVE_CANCELLED: Spec("cn", "coach_id"),
        Event.PROMPT_TARGETS_PAGE: Spec("tp", arg="page", parse=below(1000)),
        Event.PROMPT_BACK: Spec("pB"),
        Event.PROMPT_CANCEL: Spec("pC"),
        Event.PROMPT_SERIES: Spec("pS"),
        Event.PROMPT_VERSION: Spec("pV", arg="language", parse=one_of({language: language for language in LANGUAGES})),
        Event.SCHEDULES_BACK: Spec("sB"),
        Event.SCHEDULE_OPEN: Spec("sO", "schedule_id"),
        Event.SCHEDULE_PAUSE: Spec("sP", "schedule_id"),
        Event.SCHEDULE_RESUME: Spec("sR", "schedule_id"),
        Event.SCHEDULE_CHANGE: Spec("sC", "schedule_id"),
        Event.SCHEDULE_DAY: Spec("sD", "schedule_id", arg="day", parse=below(coach_view.DAYS_AHEAD)),
        Event.SCHEDULE_TIME: Spec("sT", "schedule_id", arg="moment",
                                  parse=below(coach_view.DAYS_AHEAD * coach_view.TIME_SLOTS)),
    }


TURN = FlowTurn("coaching", ADMIN_EVENTS | COACH_EVENTS | COACHEE_EVENTS, step, buttons, link_kinds="ck", commands=(
    Command("mycoach", Event.MYCOACH, rank=40),
    *(Command(str(event), event, menu="coach", rank=60 + 2 * n) for n, event in enumerate(COACH_COMMANDS)),
    Command("invitecoach", Event.INVITECOACH, menu="admin", rank=82),
    Command("coaches", Event.COACHES, menu="admin", rank=83),
))
