"""Scoring (PRODUCT.md "Scoring"): pure functions from answers and content to a result.

No language, no I/O. Means leave skipped answers out and are compared exactly (fractions),
so a mean of exactly 3.5 is 3.5. The same answers always give the same result. Every
threshold, target and weight comes from ``bot/content/scoring.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from bot.content import LAYERS, Content, QuestionSet

Answers = dict[str, "int | None"]
INSUFFICIENT = "insufficient"


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
    weight: tuple[str, ...]  # the layer(s) rated highest (a tie names all); empty when none rated
    grow: str | None  # the weakest layer to grow in; None when balanced or not rated
    scores: dict[str, int | None]  # per competency, None = skipped or unanswered
    group_means: dict[str, float | None]
    flat: bool  # no competency score stands apart from the rest
    development_points: tuple[Point, ...]
    strengths: tuple[tuple[str, int], ...]  # (competency, score), strongest first
    missing_role_answers: tuple[str, ...]  # Leider / Manager statements without an answer


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


def layer_profile(layers: dict[str, float | None]) -> tuple[tuple[str, ...], str | None]:
    """Where the weight lies (every layer rated highest) and the layer to grow in: the one
    rated lowest, measured against the source's ideal of a leader at home in all three. A
    balanced profile gets no growth layer, and growth never points to a layer rated highest.
    Ties for lowest go to the higher layer (richten before inrichten before verrichten)."""
    rated = {layer: value for layer, value in layers.items() if value is not None}
    if not rated:
        return (), None
    top, low = max(rated.values()), min(rated.values())
    weight = tuple(layer for layer in LAYERS if rated.get(layer) == top)
    grow = next((layer for layer in LAYERS if rated.get(layer) == low), None) if low < top else None
    return weight, grow


def development_points(scores: dict[str, int | None], own_mean: Fraction | None, flat: bool,
                       content: Content) -> tuple[Point, ...]:
    """Gap >= min_gap, ordered by gap x weight, then by how far the score lies below the own
    mean, then content order; completed to ``min_points`` with competencies below the own
    mean (lowest first), marked relative. A flat profile gets none: nothing stands out."""
    if flat or own_mean is None:
        return ()
    rules = content.scoring
    order = {competency: n for n, competency in enumerate(scores)}
    points = []
    for competency, value in scores.items():
        if value is None:
            continue
        gap = rules.targets[competency] - value
        if gap >= rules.min_gap:
            points.append(Point(competency, value, rules.targets[competency], gap))
    points.sort(key=lambda p: (-p.gap * content.scoring.weights[p.competency], p.score - own_mean,
                               order[p.competency]))
    if len(points) < rules.min_points:
        chosen = {p.competency for p in points}
        below = sorted((c for c, v in scores.items() if v is not None and c not in chosen and v < own_mean),
                       key=lambda c: (scores[c], order[c]))
        for competency in below[: rules.min_points - len(points)]:
            value = scores[competency]
            points.append(Point(competency, value, rules.targets[competency], rules.targets[competency] - value,  # type: ignore[arg-type,operator]
                                relative=True))
    return tuple(points)


def strengths(scores: dict[str, int | None], own_mean: Fraction | None, flat: bool,
              content: Content) -> tuple[tuple[str, int], ...]:
    """Score >= target, ordered by score, then by height above the own mean, then content order."""
    if flat or own_mean is None:
        return ()
    order = {competency: n for n, competency in enumerate(scores)}
    strong = [(c, v) for c, v in scores.items() if v is not None and v >= content.scoring.targets[c]]
    return tuple(sorted(strong, key=lambda item: (-item[1], -(item[1] - own_mean), order[item[0]])))


def heaviest(content: Content, count: int = 1) -> tuple[str, ...]:
    """The competencies that weigh most for the Regisseur (then content order: the sort is stable)."""
    ranked = sorted((q.id for q in content.competencies), key=lambda c: -content.scoring.weights[c])
    return tuple(ranked[:count])


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
    missing, watch_outs = [], []
    layers: dict[str, int | None] = {layer: None for layer in LAYERS}
    scores: dict[str, int | None] = {}
    for question in questions.questions:
        value = answers.get(question.id)
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
    rated = _rated(list(scores.values()))
    own_mean = _exact_mean(rated)
    flat = not rated or max(rated) - min(rated) < rules.flat_spread
    weight, grow = layer_profile(layers)
    return Result(
        version=questions.version,
        leider=mean(by_kind["leider"]),
        manager=mean(by_kind["manager"]),
        archetype=archetype(by_kind["leider"], by_kind["manager"], content),
        watch_outs=tuple(watch_outs),
        layers=layers,
        weight=weight,
        grow=grow,
        scores=scores,
        group_means={group: mean([scores[q.id] for q in questions.of_kind("competency") if q.group == group])
                     for group in content.groups},
        flat=flat,
        development_points=development_points(scores, own_mean, flat, content),
        strengths=strengths(scores, own_mean, flat, content),
        missing_role_answers=tuple(missing),
    )


def changes(current: Result, previous: Result) -> dict[str, int]:
    """Per competency answered both times (whatever the question sets): the change in score."""
    return {
        competency: value - previous.scores[competency]
        for competency, value in current.scores.items()
        if value is not None and previous.scores.get(competency) is not None
    }
