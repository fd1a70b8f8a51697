"""Feedback from colleagues (PRODUCT.md "Feedback from others (360 light)").

A manager shares a link; a colleague who opens it agrees, says how they work with the
manager, and rates the role statements, the layers and the competencies in the third person.
Nobody ever sees one rater's answers: the summary is computed only when the request closes
(by the manager, or after ``feedback_open_days`` of limits.yaml) and only from at least ``minimum`` completed raters; it
is a snapshot, never updated while raters come in. Per relation only where that relation
has ``minimum`` raters, and only if what the shown relations leave over is 0 or at least
``minimum`` raters, so no group can be found by subtraction.

The rater's questions are a small machine like the assessment's; the rest are plain
functions. Pure: loaded state in, screens and effects out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from transitions import EventData

from bot.content import DIDNT_COME_UP, LANGUAGES, RATINGS, Content, Question
from bot.flows import machine
from bot.flows.coaching import invite_link, new_code
from bot.flows.effects import (
    CloseRequest,
    Effect,
    OpenRequest,
    RenewRequestLink,
    Step,
)
from bot.flows.events import Event
from bot.flows.records import RequestView
from bot.flows.results import chart
from bot.flows.scoring import archetype_of, layer_profile, mean, rating, score
from bot.flows.screens import Choice, Items, Screen

RELATIONS = ("peer", "report", "manager", "other")


def link(bot_username: str, code: str) -> str:
    return invite_link(bot_username, "f", code)


def rater_questions(content: Content) -> tuple[Question, ...]:
    """What colleagues rate: the role statements, the layers and the competencies of the
    current question set, each in the third person."""
    return tuple(q for q in content.current.questions if q.about is not None)


# --- the manager's side -------------------------------------------------------------------
def show_request(content: Content, request: RequestView | None, bot_username: str, minimum: int, has_result: bool) -> Step:
    """/feedback: the link to share and how many started and completed; close or renew it."""
    if request is None or request.status != "open":
        if not has_result:
            return Step([Screen("feedback_needs_result")])
        screens = []
        if request is not None and request.summary is not None:
            screens.append(Screen("feedback_last_closed", {"date": request.closed_at[:10]}, choices=(
                Choice(Event.FEEDBACK_SUMMARY, "btn_feedback_summary", ref=request.id),)))
        code = new_code()
        screens.append(_request_screen(content, link(bot_username, code), 0, 0, minimum))
        return Step(screens, [OpenRequest(code)])
    return Step([_request_screen(content, link(bot_username, request.code), request.started, request.completed,
                                 minimum)])


def _request_screen(content: Content, shared: str, started: int, completed: int, minimum: int) -> Screen:
    return Screen("feedback_request", {"link": shared, "started": started, "completed": completed, "min": minimum,
                                       "days": content.limits.feedback_open_days}, choices=_request_choices())


def _request_choices() -> tuple[Choice, ...]:
    return (Choice(Event.FEEDBACK_CLOSE, "btn_feedback_close"), Choice(Event.FEEDBACK_RENEW, "btn_feedback_renew"))


def renew_link(request: RequestView | None, bot_username: str) -> Step:
    if request is None or request.status != "open":
        return Step([Screen("stale_button", notice=True)])
    code = new_code()
    return Step([Screen("feedback_link_renewed", {"link": link(bot_username, code)}, in_place=True)],
                [RenewRequestLink(request.id, code)])


def close_request(content: Content, request: RequestView | None, minimum: int, summary: FeedbackSummary | None) -> Step:
    """Close and show the summary; with too few raters, say how many more are needed and close
    as soon as they have rated (the request stays open until then)."""
    if request is None or request.status != "open":
        return Step([Screen("stale_button", notice=True)])
    if summary is None:
        return Step([Screen("feedback_need_more", {"more": minimum - request.completed, "min": minimum},
                            in_place=True)], [CloseRequest(request.id, None, when_ready=True)])
    return Step(summary_screens(content, summary), [CloseRequest(request.id, summary)])


# --- the summary --------------------------------------------------------------------------
def _means(answer_sets: list[dict[str, int | None]], question_ids: list[str], minimum: int) -> dict[str, float]:
    """Per question the mean over raters who rated it (a skip or "didn't come up" is no rating),
    only where at least ``minimum`` did."""
    out = {}
    for question_id in question_ids:
        values = [rating(answers.get(question_id)) for answers in answer_sets]
        rated = [v for v in values if v is not None]
        if len(rated) >= minimum:
            out[question_id] = sum(rated) / len(rated)
    return out


@dataclass(frozen=True)
class FeedbackSummary:
    """A closed request's summary as published: self next to the combined view of others. No
    rater ids, no single answers. Stored as JSON (``to_dict``), read back with ``from_dict``."""

    raters: int
    taken: str  # date
    version: int  # of the question set raters answered
    self_scores: dict[str, int | None]  # per competency
    others: dict[str, float]  # per question, only where enough raters answered it
    leider: tuple[float | None, float | None]  # (self, others)
    manager: tuple[float | None, float | None]
    archetype: tuple[str, str]
    layers: dict[str, Any]  # {"self": …, "others": …, "home": […]}
    groups: dict[str, dict[str, float | None]]  # group -> {"self", "others"}
    relations: dict[str, dict[str, Any]]  # relation -> {"count", "groups"}, only where enough of them
    blind: tuple[str, ...]
    hidden: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"raters": self.raters, "taken": self.taken, "version": self.version, "self": self.self_scores,
                "others": self.others, "leider": list(self.leider), "manager": list(self.manager),
                "archetype": list(self.archetype), "layers": self.layers, "groups": self.groups,
                "relations": self.relations, "blind": list(self.blind), "hidden": list(self.hidden)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedbackSummary:
        return cls(data["raters"], data["taken"], data.get("version", 1), dict(data["self"]), dict(data["others"]),
                   tuple(data["leider"]), tuple(data["manager"]), tuple(data["archetype"]), dict(data["layers"]),
                   dict(data["groups"]), dict(data["relations"]), tuple(data["blind"]), tuple(data["hidden"]))


def summarize(content: Content, self_answers: dict[str, int | None], self_version: int,
              raters: list[tuple[str, dict[str, int | None]]], minimum: int, taken: str) -> FeedbackSummary | None:
    """The summary snapshot (JSON-able, no rater ids, no single answers), or None with fewer
    than ``minimum`` completed raters."""
    if len(raters) < minimum:
        return None
    questions = rater_questions(content)
    answer_sets = [answers for _, answers in raters]
    others = _means(answer_sets, [q.id for q in questions], minimum)
    own = score(self_answers, content, self_version)
    competencies = [q.id for q in content.competencies]
    by_kind = {kind: [q.id for q in questions if q.kind == kind] for kind in ("leider", "manager", "layer")}
    leider = mean([others.get(q) for q in by_kind["leider"]])
    manager = mean([others.get(q) for q in by_kind["manager"]])
    blind = [c for c in competencies if own.scores.get(c) is not None and c in others
             and own.scores[c] - others[c] >= content.scoring.feedback_gap]
    hidden = [c for c in competencies if own.scores.get(c) is not None and c in others
              and others[c] - own.scores[c] >= content.scoring.feedback_gap]
    counts = {relation: sum(1 for r, _ in raters if r == relation) for relation in RELATIONS}
    shown = {relation for relation, n in counts.items() if n >= minimum}
    remainder = len(raters) - sum(counts[r] for r in shown)
    if 0 < remainder < minimum:  # the hidden ones could be found by subtraction: no breakdown
        shown = set()
    groups = {}
    for group in content.groups:
        ids = [q.id for q in content.competencies if q.group == group]
        groups[group] = {"self": own.group_means.get(group), "others": mean([others.get(c) for c in ids])}
    relations = {}
    for relation in sorted(shown, key=RELATIONS.index):
        subset = [answers for r, answers in raters if r == relation]
        means = _means(subset, [q.id for q in questions], minimum)
        relations[relation] = {"count": counts[relation], "groups": {
            group: mean([means.get(q.id) for q in content.competencies if q.group == group])
            for group in content.groups}}
    layers = {q: others.get(q) for q in by_kind["layer"]}
    home, _ = layer_profile(layers, content.scoring.home_from)
    return FeedbackSummary(
        len(raters), taken, content.version, {c: own.scores.get(c) for c in competencies}, others,
        (own.leider, leider), (own.manager, manager), (own.archetype, archetype_of(leider, manager, content)),
        {"self": own.layers, "others": layers, "home": list(home)}, groups, relations, tuple(blind), tuple(hidden))


def summary_screens(content: Content, summary: FeedbackSummary) -> list[Screen]:
    """Self next to others: chart, groups, blind spots and hidden strengths, others' view of
    the archetype and the layers, and relations where there are enough of them."""
    self_scores, others = summary.self_scores, summary.others
    groups = Items(tuple(Screen("feedback_group_line", {"group": content.groups[g], "own": v["self"],
                                                        "others": v["others"]})
                         for g, v in summary.groups.items()))

    def gap_lines(ids: list[str]) -> Items:
        if not ids:
            return Items((Screen("feedback_none"),))
        return Items(tuple(Screen("feedback_gap_line", {"name": content.names[c], "own": self_scores[c],
                                                        "others": others[c]}) for c in ids))

    layers = Items(tuple(Screen("feedback_layer_line", {
        "name": content.layers[layer].name, "own": summary.layers["self"].get(layer),
        "others": summary.layers["others"].get(layer)}) for layer in content.layers), separator=" · ")
    relations = Items(tuple(Screen("feedback_relation_line", {
        "relation": content.ui[f"relation_group_{relation}"], "count": data["count"],
        "groups": Items(tuple(Screen("feedback_relation_group", {"group": content.groups[g], "score": score_})
                              for g, score_ in data["groups"].items()), separator=" · ")})
        for relation, data in summary.relations.items())) if summary.relations else Items(
        (Screen("feedback_relations_hidden"),))
    self_arch, others_arch = summary.archetype
    text = Screen("feedback_summary", {
        "count": summary.raters, "date": summary.taken, "groups": groups,
        "blind": gap_lines(list(summary.blind)), "hidden": gap_lines(list(summary.hidden)),
        "self_archetype": content.archetype_name(self_arch), "others_archetype": content.archetype_name(others_arch),
        "leider_self": summary.leider[0], "leider_others": summary.leider[1],
        "manager_self": summary.manager[0], "manager_others": summary.manager[1],
        "layers": layers, "relations": relations})
    picture = chart(content, self_scores, others=others)
    return [Screen("feedback_chart", chart=picture), text]


def withheld(minimum: int) -> Screen:
    return Screen("feedback_withheld", {"min": minimum})


# --- the rater's side --------------------------------------------------------------------------
STATES = ["offered", "relation", "answering", "completed"]
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": Event.FB_AGREE, "source": "offered", "dest": "relation", "after": "show_relations"},
    {"trigger": Event.FB_RELATION, "source": "relation", "dest": "answering", "conditions": "known_relation",
     "after": ["set_relation", "show_current"]},
    *[t for trigger in (Event.FB_ANSWER, Event.FB_SKIP, Event.FB_NOT_OCCURRED) for t in (
        {"trigger": trigger, "source": "answering", "dest": "completed",
         "conditions": ["is_current", "valid_value", "is_last"], "after": ["record", "thank"]},
        {"trigger": trigger, "source": "answering", "dest": "=", "conditions": ["is_current", "valid_value"],
         "after": ["record", "show_current"]},
        {"trigger": trigger, "source": "answering", "dest": "=", "conditions": ["is_earlier", "valid_value"],
         "after": ["change", "show_current"]},
    )],
    {"trigger": Event.FB_NOT_OCCURRED, "source": "answering", "dest": None, "conditions": "is_mine_and_asked",
     "unless": "valid_value", "after": "refuse_not_occurred"},
    {"trigger": Event.FB_BACK, "source": "answering", "dest": "=", "conditions": ["is_current", "has_previous"],
     "after": ["step_back", "show_current"]},
    {"trigger": Event.FB_RESUME, "source": "answering", "dest": "=", "after": "show_current_new"},
    {"trigger": Event.FB_RESUME, "source": "offered", "dest": "=", "after": "show_offer"},
    {"trigger": Event.FB_RESUME, "source": "relation", "dest": "=", "after": "show_relations"},
]


class RaterModel:
    """One rater's session for one event."""

    def __init__(self, content: Content, *, session_id: int, request_id: int, status: str, relation: str | None,
                 cursor: int, answers: dict[str, int | None], manager: str) -> None:
        self.content = content
        self.session_id, self.request_id = session_id, request_id
        self.state = "relation" if status == "answering" and relation is None else status
        self.relation, self.cursor, self.answers = relation, cursor, dict(answers)
        self.manager = manager
        self.questions = rater_questions(content)
        self.changed: dict[str, int | None] = {}
        self.screens: list[Screen] = []
        self.effects: list[Effect] = []

    # conditions
    def known_relation(self, event: EventData) -> bool:
        return event.kwargs.get("relation") in RELATIONS

    def _mine(self, event: EventData) -> bool:
        return event.kwargs.get("session_id") == self.session_id

    def is_current(self, event: EventData) -> bool:
        return self._mine(event) and event.kwargs.get("question") == self.cursor

    def is_earlier(self, event: EventData) -> bool:
        question = event.kwargs.get("question")
        return self._mine(event) and isinstance(question, int) and 0 <= question < self.cursor

    def is_mine_and_asked(self, event: EventData) -> bool:
        return self.is_current(event) or self.is_earlier(event)

    def valid_value(self, event: EventData) -> bool:
        """A rating 1..5, a skip, or "didn't come up" on a statement that needs an occasion."""
        if event.event.name == Event.FB_NOT_OCCURRED:
            question = event.kwargs.get("question")
            return isinstance(question, int) and 0 <= question < len(self.questions) \
                and self.questions[question].occasion
        return event.kwargs.get("value") is None or event.kwargs.get("value") in RATINGS

    def is_last(self, event: EventData) -> bool:
        return self.cursor == len(self.questions) - 1

    def has_previous(self, event: EventData) -> bool:
        return self.cursor > 0

    # actions
    def set_relation(self, event: EventData) -> None:
        self.relation = event.kwargs["relation"]

    def _set(self, index: int, value: int | None) -> None:
        question_id = self.questions[index].id
        self.answers[question_id] = value
        self.changed[question_id] = value

    @staticmethod
    def _value(event: EventData) -> int | None:
        return DIDNT_COME_UP if event.event.name == Event.FB_NOT_OCCURRED else event.kwargs.get("value")

    def record(self, event: EventData) -> None:
        self._set(self.cursor, self._value(event))
        self.cursor += 1

    def change(self, event: EventData) -> None:
        self._set(event.kwargs["question"], self._value(event))

    def refuse_not_occurred(self, event: EventData) -> None:
        self.screens.append(Screen("not_occurred_refused", notice=True))

    def step_back(self, event: EventData) -> None:
        self.cursor -= 1

    def thank(self, event: EventData) -> None:
        self.cursor = len(self.questions)
        self.screens.append(Screen("feedback_thanks", {"name": self.manager}, in_place=True))

    # screens
    def show_offer(self, event: EventData) -> None:
        self.screens.append(offer_screen(self.manager, self.request_id))

    def show_relations(self, event: EventData) -> None:
        self.screens.append(Screen("feedback_relation", {"name": self.manager}, choices=tuple(
            Choice(Event.FB_RELATION, f"relation_{relation}", relation, ref=self.session_id) for relation in RELATIONS),
            in_place=event.event.name != Event.FB_RESUME))

    def _question(self, in_place: bool) -> Screen:
        question = self.questions[self.cursor]
        scale = self.content.current.scale_lines[question.scale]
        statement = {lang: question.about[lang].replace("{name}", self.manager) for lang in LANGUAGES}  # type: ignore[union-attr]
        choices = [Choice(Event.FB_ANSWER, str(v), v, literal=True, ref=self.session_id) for v in RATINGS]
        if self.cursor > 0:
            choices.append(Choice(Event.FB_BACK, "btn_back", ref=self.session_id))
        choices.append(Choice(Event.FB_SKIP, "btn_skip", ref=self.session_id))
        if question.occasion:
            choices.append(Choice(Event.FB_NOT_OCCURRED, "btn_not_occurred", ref=self.session_id))
        return Screen("feedback_question", {"n": self.cursor + 1, "total": len(self.questions),
                                            "statement": statement, "scale": scale, "name": self.manager},
                      choices=tuple(choices), question=self.cursor, answered=question.id in self.answers,
                      chosen=self.answers.get(question.id), in_place=in_place)

    def show_current(self, event: EventData) -> None:
        self.screens.append(self._question(in_place=True))

    def show_current_new(self, event: EventData) -> None:
        self.screens.append(self._question(in_place=False))


MACHINE = machine.build(STATES, TRANSITIONS, "offered")
RATER_EVENTS = frozenset(MACHINE.events)


def fire(model: RaterModel, event: str, **kwargs: Any) -> RaterModel:
    machine.fire(MACHINE, model, event, **kwargs)
    return model


def offer_screen(manager: str, request_id: int) -> Screen:
    return Screen("feedback_offer", {"name": manager}, choices=(
        Choice(Event.FB_AGREE, "btn_feedback_agree", ref=request_id),
        Choice(Event.FB_DECLINE, "btn_feedback_decline", ref=request_id)))
