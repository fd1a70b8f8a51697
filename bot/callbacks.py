"""The one strict builder and parser of callback data.

Format ``1:<code>:<ref>:<index>:<arg>`` (version 1), at most 64 bytes: ``code`` (one or two
letters) names the event, ``ref`` a stored object (an assessment, a check-in), ``index`` a
question. Anything that does not parse
exactly, or whose fields are out of range, is ``None``: callback data comes from the client
and is treated as hostile. Ownership (is this the user's own assessment or check-in?) is
checked by the flows against the user's stored state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.content import LANGUAGES, Content
from bot.flows.screens import Choice, Screen

VERSION = "1"
MAX_BYTES = 64
_PATTERN = re.compile(r"1:([a-zA-Z]{1,2}):([0-9]{0,15}):([0-9]{0,3}):([a-z0-9]{0,8})")


def _rating(arg: str) -> int | None:
    return int(arg) if arg in {"1", "2", "3", "4", "5"} else None


def _small_int(limit: int) -> Callable[[str], int | None]:
    def parse(arg: str) -> int | None:
        return int(arg) if arg.isdigit() and len(arg) <= 3 and int(arg) < limit else None
    return parse


def _small_id(arg: str) -> int | None:
    """A stored row's id that fits the arg field (up to 8 digits)."""
    return int(arg) if arg.isdigit() and len(arg) <= 8 else None


def _choice(mapping: dict[str, object]) -> Callable[[str], object | None]:
    return mapping.get


@dataclass(frozen=True)
class Spec:
    """How one event travels: its code and which fields it carries (as which keyword)."""

    code: str
    ref: str | None = None  # keyword for the ref field
    index: str | None = None  # keyword for the index field
    arg: str | None = None  # keyword for the arg field
    parse: Callable[[str], object | None] | None = None  # arg -> value, None when invalid


def specs(total_questions: int = 43, total_competencies: int = 28, time_slots: int = 6) -> dict[str, Spec]:
    return {
        "answer": Spec("a", "assessment_id", "question", "value", _rating),
        "skip": Spec("s", "assessment_id", "question"),
        "not_occurred": Spec("na", "assessment_id", "question"),  # "didn't come up": only where the flow allows it
        "back": Spec("b", "assessment_id", "question"),
        "set_language": Spec("l", arg="language", parse=_choice({code: code for code in LANGUAGES})),
        "consent": Spec("c", arg="accepted", parse=_choice({"yes": True, "no": False})),
        "next": Spec("n"),
        "resume": Spec("r"),
        "retake_confirmed": Spec("o"),
        "complete_missing": Spec("m"),
        "points": Spec("t"),  # (was "more tips": older buttons still open the development points)
        "all_scores": Spec("f"),  # (was "full list")
        "more_tips": Spec("mt"),
        "strengths": Spec("st"),
        "watch_outs": Spec("wo"),
        "report": Spec("rp"),
        "start_plan": Spec("p"),
        "plan_toggle": Spec("g", arg="index", parse=_small_int(total_competencies)),
        "plan_all": Spec("h"),
        "plan_focus_done": Spec("d"),
        "plan_change_focus": Spec("e"),
        "plan_change_time": Spec("i"),
        "plan_stop": Spec("x"),
        "plan_day": Spec("w", arg="day", parse=_small_int(7)),
        "plan_time": Spec("u", arg="slot", parse=_small_int(time_slots)),
        "checkin_rating": Spec("k", "checkin_id", arg="rating", parse=_rating),
        "checkin_skip_note": Spec("q", "checkin_id"),
        "stats": Spec("S"),
        "delete_confirmed": Spec("E"),
        "delete_cancelled": Spec("F"),
        "offer_accept": Spec("Y", "coach_id"),
        "offer_decline": Spec("Z", "coach_id"),
        "coach_revoke": Spec("V"),
        "invite_renew": Spec("J"),
        "coach_view": Spec("C", "relation_id"),
        "group_view": Spec("G"),
        "schedule_cancel": Spec("X", "schedule_id"),
        "prompt_target": Spec("T", "relation_id"),
        "prompt_target_all": Spec("A"),
        "prompt_competency": Spec("K", arg="index", parse=_small_int(total_competencies)),
        "prompt_other": Spec("O"),
        "prompt_pick": Spec("P", arg="choice", parse=_small_int(total_competencies * 10)),
        "prompt_own": Spec("W"),
        "prompt_now": Spec("N"),
        "prompt_once": Spec("Q"),
        "prompt_weekly": Spec("R"),
        "prompt_day": Spec("D", arg="day", parse=_small_int(7)),
        "prompt_time": Spec("U", arg="slot", parse=_small_int(time_slots)),
        "reply_open": Spec("ro", "delivery_id"),
        "reply_send": Spec("rs", "delivery_id"),
        "reply_cancel": Spec("rc", "delivery_id"),
        "share_note": Spec("ns", "checkin_id"),
        "share_note_confirmed": Spec("ny", "checkin_id", arg="relation_id", parse=_small_id),
        "share_note_cancelled": Spec("nn", "checkin_id"),
        "coach_remove": Spec("cr", "coach_id"),
        "coach_remove_confirmed": Spec("cy", "coach_id"),
        "coach_remove_cancelled": Spec("cn", "coach_id"),
        "coachees_page": Spec("cp", arg="page", parse=_small_int(1000)),
        "prompt_targets_page": Spec("tp", arg="page", parse=_small_int(1000)),
        "feedback": Spec("xf"),
        "feedback_close": Spec("xc"),
        "feedback_renew": Spec("xn"),
        "feedback_summary": Spec("xv", "request_id"),
        "fb_agree": Spec("fa", "request_id"),
        "fb_decline": Spec("fd", "request_id"),
        "fb_again": Spec("fg", "request_id"),
        "fb_relation": Spec("fr", "session_id", arg="relation",
                            parse=_choice({r: r for r in ("peer", "report", "manager", "other")})),
        "fb_answer": Spec("fq", "session_id", "question", "value", _rating),
        "fb_skip": Spec("fs", "session_id", "question"),
        "fb_not_occurred": Spec("fn", "session_id", "question"),
        "fb_back": Spec("fk", "session_id", "question"),
        "fb_resume": Spec("fu", "session_id"),
    }


_CODES = {event: spec.code for event, spec in specs().items()}


@dataclass(frozen=True)
class Action:
    """A parsed button press: a flow event and its keyword arguments."""

    event: str
    kwargs: dict


def encode(event: str, arg: str | int | None = None, *, ref: int | None = None, index: int | None = None) -> str:
    data = ":".join((
        VERSION,
        _CODES[event],
        "" if ref is None else str(ref),
        "" if index is None else str(index),
        "" if arg is None else str(arg),
    ))
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def choice_data(choice: Choice, screen: Screen, assessment_id: int | None) -> str:
    """The callback data of ``choice`` on ``screen``."""
    on_question = screen.question is not None
    ref = choice.ref if choice.ref is not None else (assessment_id if on_question else None)
    return encode(choice.event, choice.arg, ref=ref, index=screen.question)


class Decoder:
    """Parses callback data against the sizes of the content (questions, competencies, times)."""

    def __init__(self, content: Content) -> None:
        self.total_questions = content.total
        sizes = (content.total, len(content.competencies), len(content.limits.checkin_times))
        self.by_code = {spec.code: (event, spec) for event, spec in specs(*sizes).items()}

    def __call__(self, data: object) -> Action | None:
        if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
            return None
        match = _PATTERN.fullmatch(data)
        if match is None:
            return None
        code, ref, index, arg = match.groups()
        event, spec = self.by_code.get(code, (None, None))
        if spec is None:
            return None
        kwargs: dict = {}
        for keyword, raw in ((spec.ref, ref), (spec.index, index)):
            if (keyword is None) != (raw == ""):
                return None
            if keyword is not None:
                kwargs[keyword] = int(raw)
        if spec.index is not None and kwargs[spec.index] >= self.total_questions:
            return None
        if spec.arg is None:
            return Action(event, kwargs) if arg == "" else None
        value = spec.parse(arg) if spec.parse else (arg or None)
        if value is None:
            return None
        kwargs[spec.arg] = value
        return Action(event, kwargs)
