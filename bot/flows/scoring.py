"""Scoring: pure functions from answers and content to a result. No language, no I/O.

Means leave skipped answers out. Threshold comparisons are exact (fractions), so a mean of
exactly 3.5 is 3.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from bot.content import Content

Answers = dict[str, "int | None"]
INSUFFICIENT = "insufficient"


@dataclass(frozen=True)
class Result:
    leider: float | None
    manager: float | None
    archetype: str  # it_regisseur | leider | manager | vakspecialist | insufficient
    levels: tuple[str, ...]  # the highest rated level(s); empty when none was rated
    level_scores: dict[str, int | None]
    group_means: dict[str, float | None]
    scores: dict[str, int | None]  # per competency, None = skipped or unanswered
    development_points: tuple[tuple[str, float], ...]  # (competency, gap), largest first
    strengths: tuple[tuple[str, int], ...]  # (competency, score), highest first
    missing_role_answers: tuple[str, ...]  # role statements without an answer


def _rated(values: list[int | None]) -> list[int]:
    return [v for v in values if v is not None]


def mean(values: list[int | None]) -> float | None:
    rated = _rated(values)
    return sum(rated) / len(rated) if rated else None


def _at_least(values: list[int], threshold: float) -> bool:
    return Fraction(sum(values), len(values)) >= Fraction(str(threshold))


def archetype(leider: list[int | None], manager: list[int | None], content: Content) -> str:
    rules = content.scoring
    rated_leider, rated_manager = _rated(leider), _rated(manager)
    if len(rated_leider) < rules.min_leider or len(rated_manager) < rules.min_manager:
        return INSUFFICIENT
    high_leider = _at_least(rated_leider, rules.threshold)
    high_manager = _at_least(rated_manager, rules.threshold)
    if high_leider and high_manager:
        return "it_regisseur"
    if high_leider:
        return "leider"
    if high_manager:
        return "manager"
    return "vakspecialist"


def score(answers: Answers, content: Content) -> Result:
    rules = content.scoring
    by_scale: dict[str, list[int | None]] = {"leider": [], "manager": []}
    missing: list[str] = []
    level_scores: dict[str, int | None] = {}
    scores: dict[str, int | None] = {}
    for question in content.questions:
        value = answers.get(question.id)
        if question.section == "role":
            by_scale[question.scale].append(value)  # type: ignore[index]
            if value is None:
                missing.append(question.id)
        elif question.section == "level":
            level_scores[question.id] = value
        else:
            scores[question.id] = value

    rated_levels = {level: value for level, value in level_scores.items() if value is not None}
    top = max(rated_levels.values(), default=None)
    levels = tuple(level for level, value in rated_levels.items() if value == top)

    group_means = {
        group: mean([scores[q.id] for q in content.competencies if q.group == group])
        for group in content.groups
    }
    gaps = [
        (competency, rules.targets[competency] - value)
        for competency, value in scores.items()
        if value is not None and rules.targets[competency] - value >= rules.min_gap
    ]
    strengths = [
        (competency, value)
        for competency, value in scores.items()
        if value is not None and value >= rules.targets[competency]
    ]
    return Result(
        leider=mean(by_scale["leider"]),
        manager=mean(by_scale["manager"]),
        archetype=archetype(by_scale["leider"], by_scale["manager"], content),
        levels=levels,
        level_scores=level_scores,
        group_means=group_means,
        scores=scores,
        development_points=tuple(sorted(gaps, key=lambda item: -item[1])),  # stable: ties keep content order
        strengths=tuple(sorted(strengths, key=lambda item: -item[1])),
        missing_role_answers=tuple(missing),
    )


def changes(current: Result, previous: Result) -> dict[str, int]:
    """Per competency answered both times: the change in score (0 = unchanged)."""
    return {
        competency: value - previous.scores[competency]
        for competency, value in current.scores.items()
        if value is not None and previous.scores.get(competency) is not None
    }
