"""Scoring (PRODUCT.md "Scoring"): pure functions from answers and content to a result.

No language, no I/O. Means leave unanswered statements out (skipped, or "didn't come up":
only a rating 1..5 is a score) and are compared exactly (fractions), so a mean of exactly 3.5
is 3.5. The same answers always give the same result. Every threshold, target, weight and
the priority order comes from ``bot/content/scoring.yaml``.

Development points start where the person scored lowest: the weight only orders equal
scores, then the group with the person's lowest mean, then the role's priority order.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from bot.content import DIDNT_COME_UP, LAYERS, RATINGS, Content, QuestionSet

Answers = dict[str, "int | None"]
INSUFFICIENT = "insufficient"
RULES = 3  # the version of these rules: stored results computed by others are computed anew


@dataclass(frozen=True)
class Point:
    """A development point: a competency to grow in."""

    competency: str
    score: int
    target: float
    gap: float
    relative: bool = False  # not a gap to the target, but below the person's own mean


@dataclass(frozen=True)
class Result:
    version: int
    leider: float | None
    manager: float | None
    archetype: str  # it_regisseur | leider | manager | vakspecialist | insufficient
    watch_outs: tuple[str, ...]  # pitfall ids rated at or above the watch-out level
    layers: dict[str, int | None]  # richten, inrichten, verrichten -> rating
    home: tuple[str, ...]  # home ground: the layers rated at least ``home_from`` (none: no claim)
    grow: str | None  # the lowest layer below ``home_from``; None when all are home ground or none rated
    scores: dict[str, int | None]  # per competency, None = skipped, didn't come up or unanswered
    group_means: dict[str, float | None]
    flat: bool  # the answered competency scores hardly differ: nothing stands out
    development_points: tuple[Point, ...]
    strengths: tuple[tuple[str, int], ...]  # (competency, score), strongest first
    missing_role_answers: tuple[str, ...]  # Leider / Manager statements without a rating
    skipped: tuple[str, ...] = ()  # statements skipped (or never answered)
    not_occurred: tuple[str, ...] = ()  # statements that "didn't come up"

    @property
    def unanswered_competencies(self) -> int:
        return sum(value is None for value in self.scores.values())

    @property
    def at_home_everywhere(self) -> bool:
        return len(self.home) == len(LAYERS)


def rating(value: object) -> int | None:
    """The rating in a stored answer: 1..5, or None (skipped, didn't come up, anything else)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value in RATINGS else None


def did_not_occur(value: object) -> bool:
    """Whether a stored answer is "didn't come up"."""
    return isinstance(value, int) and not isinstance(value, bool) and value == DIDNT_COME_UP


def _rated(values: list[int | None]) -> list[int]:
    return [v for v in values if v is not None]


def mean(values: list[int | None]) -> float | None:
    rated = _rated(values)
    return sum(rated) / len(rated) if rated else None


def _exact_mean(values: list[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def archetype(leider: list[int | None], manager: list[int | None], content: Content) -> str:
    """L >= threshold and M >= threshold: IT Regisseur; only L: Leider; only M: Manager; neither:
    Vakspecialist; too few answers on either scale: not enough to say."""
    rules = content.scoring
    rated_leider, rated_manager = _rated(leider), _rated(manager)
    if len(rated_leider) < rules.min_leider or len(rated_manager) < rules.min_manager:
        return INSUFFICIENT
    return archetype_of(_exact_mean(rated_leider), _exact_mean(rated_manager), content)


def archetype_of(leider: Fraction | float | None, manager: Fraction | float | None, content: Content) -> str:
    """The archetype of two means (None: not enough to say), compared exactly."""
    if leider is None or manager is None:
        return INSUFFICIENT
    threshold = Fraction(str(content.scoring.threshold))
    high_leider = Fraction(leider) >= threshold
    high_manager = Fraction(manager) >= threshold
    if high_leider and high_manager:
        return "it_regisseur"
    if high_leider:
        return "leider"
    if high_manager:
        return "manager"
    return "vakspecialist"


def layer_profile(layers: dict[str, float | None], home_from: float) -> tuple[tuple[str, ...], str | None]:
    """Home ground (every layer rated at least ``home_from``; none: no claim) and the layer to
    grow in: the lowest rated below ``home_from``, a tie going to the higher layer (richten
    before inrichten before verrichten). All three home ground: nothing to grow in, measured
    against the source's ideal of a leader at home in all three."""
    rated = {layer: value for layer, value in layers.items() if value is not None}
    home = tuple(layer for layer in LAYERS if layer in rated and rated[layer] >= home_from)
    below = [layer for layer in LAYERS if layer in rated and rated[layer] < home_from]
    grow = min(below, key=lambda layer: (rated[layer], LAYERS.index(layer))) if below else None
    return home, grow


def flat(values: list[int], content: Content) -> bool:
    """A flat profile: the standard deviation of the answered scores (over the answers
    themselves, compared exactly) lies below ``flat_below_sd``; no answers at all is flat too
    (nothing stands out)."""
    average = _exact_mean(values)
    if average is None:
        return True
    variance = sum((value - average) ** 2 for value in values) / len(values)
    return variance < Fraction(str(content.scoring.flat_below_sd)) ** 2


def _tie_order(content: Content, scores: dict[str, int | None], group_of: dict[str, str]):
    """After the score: the weight (heaviest first), the group in which the person's mean is
    lowest, then the role's priority order."""
    rules = content.scoring
    priority = {competency: n for n, competency in enumerate(rules.priority)}
    group_means = {group: _exact_mean([v for c, v in scores.items() if v is not None and group_of[c] == group])
                   for group in set(group_of.values())}

    def key(competency: str) -> tuple:
        group_mean = group_means[group_of[competency]]
        return (-rules.weights[competency], group_mean if group_mean is not None else Fraction(6),
                priority[competency])
    return key


def development_points(scores: dict[str, int | None], group_of: dict[str, str], is_flat: bool,
                       content: Content) -> tuple[Point, ...]:
    """Gap >= min_gap, lowest score first; equal scores by weight, then the group with the
    person's lowest mean, then priority. Completed to ``min_points`` with competencies below the
    person's own mean (lowest first, the same order for equal scores), marked relative. A flat
    profile gets none: nothing stands out."""
    rated = {c: v for c, v in scores.items() if v is not None}
    own_mean = _exact_mean(list(rated.values()))
    if is_flat or own_mean is None:
        return ()
    rules = content.scoring
    ties = _tie_order(content, scores, group_of)
    ordered = sorted(rated, key=lambda c: (rated[c], *ties(c)))
    points = [Point(c, rated[c], rules.targets[c], rules.targets[c] - rated[c]) for c in ordered
              if rules.targets[c] - rated[c] >= rules.min_gap]
    chosen = {p.competency for p in points}
    for competency in [c for c in ordered if c not in chosen and rated[c] < own_mean]:
        if len(points) >= rules.min_points:
            break
        points.append(Point(competency, rated[competency], rules.targets[competency],
                            rules.targets[competency] - rated[competency], relative=True))
    return tuple(points)


def strengths(scores: dict[str, int | None], is_flat: bool, content: Content) -> tuple[tuple[str, int], ...]:
    """Score >= target, highest score first; equal scores by weight, then priority."""
    if is_flat:
        return ()
    rules = content.scoring
    priority = {competency: n for n, competency in enumerate(rules.priority)}
    strong = [(c, v) for c, v in scores.items() if v is not None and v >= rules.targets[c]]
    return tuple(sorted(strong, key=lambda item: (-item[1], -rules.weights[item[0]], priority[item[0]])))


def heaviest(content: Content, count: int = 1) -> tuple[str, ...]:
    """The competencies that weigh most for the Regisseur (equal weights: the priority order)."""
    rules = content.scoring
    return tuple(sorted(rules.priority, key=lambda c: -rules.weights[c])[:count])


def to_work_on(content: Content, result: Result, count: int) -> list[str]:
    """The competencies to suggest first: the top development points; for a flat profile
    (nothing stands out) those that weigh most for the Regisseur."""
    if result.flat:
        return list(heaviest(content, count))
    return [point.competency for point in result.development_points[:count]]


def score(answers: Answers, content: Content, version: int | None = None) -> Result:
    """The result of one assessment's answers, scored by the rules of today with the
    statements of the question set it was taken with."""
    questions: QuestionSet = content.questions_of(version)
    rules = content.scoring
    by_kind: dict[str, list[int | None]] = {"leider": [], "manager": []}
    missing, watch_outs, skipped, not_occurred = [], [], [], []
    layers: dict[str, int | None] = {layer: None for layer in LAYERS}
    scores: dict[str, int | None] = {}
    group_of: dict[str, str] = {}
    for question in questions.questions:
        stored = answers.get(question.id)
        value = rating(stored)
        if value is None:
            (not_occurred if did_not_occur(stored) else skipped).append(question.id)
        if question.kind in by_kind:
            by_kind[question.kind].append(value)
            if value is None:
                missing.append(question.id)
        elif question.kind == "pitfall":
            if value is not None and value >= rules.pitfall_from:
                watch_outs.append(question.pitfall)
        elif question.kind == "layer":
            layers[question.id] = value
        else:
            scores[question.id] = value
            group_of[question.id] = question.group  # type: ignore[assignment]
    is_flat = flat(_rated(list(scores.values())), content)
    home, grow = layer_profile(layers, rules.home_from)
    return Result(
        version=questions.version,
        leider=mean(by_kind["leider"]),
        manager=mean(by_kind["manager"]),
        archetype=archetype(by_kind["leider"], by_kind["manager"], content),
        watch_outs=tuple(watch_outs),
        layers=layers,
        home=home,
        grow=grow,
        scores=scores,
        group_means={group: mean([scores[q.id] for q in questions.of_kind("competency") if q.group == group])
                     for group in content.groups},
        flat=is_flat,
        development_points=development_points(scores, group_of, is_flat, content),
        strengths=strengths(scores, is_flat, content),
        missing_role_answers=tuple(missing),
        skipped=tuple(skipped),
        not_occurred=tuple(not_occurred),
    )


def changes(current: Result, previous: Result) -> dict[str, int]:
    """Per competency answered both times (whatever the question sets): the change in score."""
    return {
        competency: value - previous.scores[competency]
        for competency, value in current.scores.items()
        if value is not None and previous.scores.get(competency) is not None
    }
