"""Scoring table: every boundary, with the thresholds loaded from content."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.flows.scoring import INSUFFICIENT, changes, score


def with_mean(mean: float, count: int) -> list[int]:
    """``count`` ratings 1..5 whose mean is exactly ``mean``."""
    total = Fraction(str(mean)) * count
    assert total.denominator == 1, "choose a count that makes the mean reachable"
    base, extra = divmod(int(total), count)
    values = [base + 1] * extra + [base] * (count - extra)
    assert all(1 <= v <= 5 for v in values) and Fraction(sum(values), count) == Fraction(str(mean))
    return values


def answers(content, leider=(), manager=(), levels=None, competencies=None) -> dict:
    roles = {"leider": list(leider), "manager": list(manager)}
    result = {}
    for question in content.questions:
        if question.section == "role":
            values = roles[question.scale]
            if values:
                result[question.id] = values.pop(0)
        elif question.section == "level" and levels is not None:
            result[question.id] = levels.get(question.id)
        elif question.section == "competency" and competencies is not None:
            result[question.id] = competencies.get(question.id)
    return result


def rules(content):
    return content.scoring


def threshold_cases(content):
    t, step = rules(content).threshold, Fraction(1, 4)
    high, low = with_mean(t, 4), with_mean(float(Fraction(str(t)) - step), 4)
    return [
        ("both exactly at threshold", high + [None], high + [None] * 3, "it_regisseur"),
        ("leider at, manager just below", high, low, "leider"),
        ("leider just below, manager at", low, high, "manager"),
        ("both just below", low, low, "vakspecialist"),
        ("all 5", [5] * 5, [5] * 7, "it_regisseur"),
        ("all 1", [1] * 5, [1] * 7, "vakspecialist"),
    ]


def test_archetype_at_every_threshold_boundary(content):
    for name, leider, manager, expected in threshold_cases(content):
        result = score(answers(content, leider, manager), content)
        assert result.archetype == expected, name


def test_skipped_answers_are_left_out_of_the_means(content):
    minimum = rules(content).min_leider
    leider = [5] * minimum + [None] * (5 - minimum)
    result = score(answers(content, leider, [1, None, 1, None, 1, None, 1]), content)
    assert result.leider == 5 and result.manager == 1 and result.archetype == "leider"
    assert len(result.missing_role_answers) == (5 - minimum) + 3


@pytest.mark.parametrize("scale", ["leider", "manager"])
def test_too_few_answers_is_not_enough(content, scale):
    minimum = {"leider": rules(content).min_leider, "manager": rules(content).min_manager}
    leider = [5] * (minimum["leider"] - (scale == "leider"))
    manager = [5] * (minimum["manager"] - (scale == "manager"))
    leider += [None] * (5 - len(leider))
    manager += [None] * (7 - len(manager))
    assert score(answers(content, leider, manager), content).archetype == INSUFFICIENT
    enough = score(answers(content, [5] * minimum["leider"], [5] * minimum["manager"]), content)
    assert enough.archetype == "it_regisseur"


@pytest.mark.parametrize("levels, expected", [
    ({"richten": 5, "inrichten": 3, "verrichten": 1}, ("richten",)),
    ({"richten": 2, "inrichten": 4, "verrichten": 4}, ("inrichten", "verrichten")),
    ({"richten": 3, "inrichten": 3, "verrichten": 3}, ("richten", "inrichten", "verrichten")),
    ({"richten": None, "inrichten": None, "verrichten": 2}, ("verrichten",)),
    ({"richten": None, "inrichten": None, "verrichten": None}, ()),
])
def test_level_is_the_highest_rated_and_a_tie_names_both(content, levels, expected):
    assert score(answers(content, levels=levels), content).levels == expected


def test_everything_skipped(content):
    everything = {q.id: None for q in content.questions}
    result = score(everything, content)
    assert result.archetype == INSUFFICIENT and result.levels == ()
    assert result.leider is None and result.manager is None
    assert set(result.group_means.values()) == {None}
    assert result.development_points == () and result.strengths == ()
    assert len(result.missing_role_answers) == 12


def test_development_points_largest_gap_first_ties_in_content_order(content):
    competencies = [q.id for q in content.competencies]
    targets = rules(content).targets
    values = {cid: int(targets[cid]) for cid in competencies}  # at target: strengths
    values[competencies[9]] = int(targets[competencies[9]]) - 1
    values[competencies[2]] = int(targets[competencies[2]]) - 1
    values[competencies[20]] = int(targets[competencies[20]]) - 3
    values[competencies[5]] = None
    result = score(answers(content, competencies=values), content)
    assert [c for c, _ in result.development_points] == [competencies[20], competencies[2], competencies[9]]
    assert [gap for _, gap in result.development_points] == [3, 1, 1]
    strengths = [c for c, _ in result.strengths]
    assert competencies[5] not in strengths and competencies[2] not in strengths
    assert strengths == [c for c in competencies if c not in {competencies[i] for i in (2, 5, 9, 20)}]


def test_only_a_gap_of_at_least_the_minimum_is_a_development_point(content):
    first = content.competencies[0].id
    target, min_gap = rules(content).targets[first], rules(content).min_gap
    outcomes = {value: bool(score(answers(content, competencies={first: value}), content).development_points)
                for value in range(1, 6)}
    assert outcomes == {value: target - value >= min_gap for value in range(1, 6)}
    assert set(outcomes.values()) == {True, False}  # the boundary lies inside the scale


def test_strengths_highest_first(content):
    ids = [q.id for q in content.competencies]
    result = score(answers(content, competencies={ids[0]: 4, ids[1]: 5, ids[2]: 4, ids[3]: 5}), content)
    assert result.strengths == ((ids[1], 5), (ids[3], 5), (ids[0], 4), (ids[2], 4))


def test_group_means(content):
    ids = [q for q in content.competencies]
    values = {q.id: (5 if q.group == ids[0].group else 2) for q in ids}
    values[ids[0].id] = None
    result = score(answers(content, competencies=values), content)
    assert result.group_means[ids[0].group] == 5
    assert all(v == 2 for g, v in result.group_means.items() if g != ids[0].group)


def test_changes_per_competency(content):
    ids = [q.id for q in content.competencies]
    before = score(answers(content, competencies={ids[0]: 2, ids[1]: 4, ids[2]: 3}), content)
    after = score(answers(content, competencies={ids[0]: 4, ids[1]: 3, ids[2]: 3, ids[3]: 5}), content)
    assert changes(after, before) == {ids[0]: 2, ids[1]: -1, ids[2]: 0}


def test_the_same_answers_give_the_same_result(content):
    given = answers(content, [4, 3, 5, None, 2], [3, 3, 4, 4, 2, None, 5],
                    {"richten": 4, "inrichten": 4, "verrichten": 2},
                    {q.id: (i % 5) + 1 for i, q in enumerate(content.competencies)})
    assert score(dict(given), content) == score(dict(reversed(list(given.items()))), content)
