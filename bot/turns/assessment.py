"""The assessment's turn: onboarding, answers, results, retake."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.buttons import Sizes, Spec, one_of, rating
from bot.content import LANGUAGES
from bot.core import Core, FlowTurn
from bot.flows.assessment import EVENTS, AssessmentModel, Taken, fire
from bot.flows.effects import MoveCursor, SaveProgress
from bot.flows.events import Event
from bot.turn import Command, Stepped, Turn, pick_language

NEW = "new"  # the state of somebody the bot has never seen
ANSWERING = frozenset({Event.ANSWER, Event.SKIP, Event.NOT_OCCURRED})


def step(core: Core, turn: Turn, event: str, kwargs: dict[str, Any], now: str) -> Stepped:
    stores = core.stores
    user = stores.users.load(turn.user_id)
    opened = stores.assessments.open_of(turn.user_id) if user else None
    history = stores.assessments.completed(turn.user_id, limit=2) if user else []
    # the plan: for the report, and offered for renewal when a retake completes (at its last question)
    last = opened is not None and opened.cursor == core.content.questions_of(opened.version).total - 1
    plan = stores.plans.load(turn.user_id) if user and (event == Event.REPORT or (last and event in ANSWERING)) \
        else None
    taken = [Taken(opened.id, opened.version, opened.answers)] if opened and opened.completed_at else []
    model = AssessmentModel(
        core.content,
        state=user.flow_state if user else NEW,
        language=user.language if user else pick_language(turn.language_code),
        consented=bool(user and user.consented_at),
        assessment_id=opened.id if opened else None,
        cursor=opened.cursor if opened else 0,
        answers=opened.answers if opened else {},
        history=taken + [Taken(done.id, done.version, done.answers) for done in history],  # reopened: still the latest
        version=opened.version if opened else None,
        plan_focus=plan.focus if plan else None,
        plan_active=bool(plan and plan.active),
        today=core.clock().astimezone(ZoneInfo(core.rules.zone)).date().isoformat(),
    )
    fire(model, event, **kwargs)
    effects = [*model.effects, SaveProgress(model.state, model.language)]
    if model.assessment_id is not None and (opened is None or model.cursor != opened.cursor
                                            or model.assessment_id != opened.id):
        effects.append(MoveCursor(model.assessment_id, model.cursor))
    return Stepped(model.screens, effects, model.language, model.assessment_id)


def buttons(sizes: Sizes) -> dict[str, Spec]:
    return {
        Event.ANSWER: Spec("a", "assessment_id", "question", "value", rating),
        Event.SKIP: Spec("s", "assessment_id", "question"),
        Event.NOT_OCCURRED: Spec("na", "assessment_id", "question"),  # "didn't come up": only where the flow allows it
        Event.BACK: Spec("b", "assessment_id", "question"),
        Event.SET_LANGUAGE: Spec("l", arg="language", parse=one_of({code: code for code in LANGUAGES})),
        Event.CONSENT: Spec("c", arg="accepted", parse=one_of({"yes": True, "no": False})),
        Event.NEXT: Spec("n"),
        Event.RESUME: Spec("r"),
        Event.RETAKE_CONFIRMED: Spec("o"),
        Event.COMPLETE_MISSING: Spec("m"),
        Event.POINTS: Spec("t"),  # (was "more tips": older buttons still open the development points)
        Event.ALL_SCORES: Spec("f"),  # (was "full list")
        Event.MORE_TIPS: Spec("mt"),
        Event.STRENGTHS: Spec("st"),
        Event.WATCH_OUTS: Spec("wo"),
        Event.REPORT: Spec("rp"),
        Event.BEFORE_AFTER: Spec("v"),
        Event.RETAKE: Spec("yr"),  # offered by the plan's review
    }


TURN = FlowTurn("assessment", EVENTS, step, buttons, commands=(
    Command("start", Event.START, rank=10),
    Command("resume", Event.RESUME, rank=11),
    Command("pause", Event.PAUSE, rank=12),
    Command("result", Event.RESULT, rank=13),
    Command("report", Event.REPORT, rank=14),
    Command("retake", Event.RETAKE, rank=15),
    Command("language", Event.ASK_LANGUAGE, rank=90),
))
