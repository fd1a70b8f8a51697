"""Scoring v2 (PRODUCT.md "Scoring"): pure functions, thresholds and targets loaded from content."""

from __future__ import annotations

import pytest

from bot.content import LAYERS
from bot.flows.scoring import INSUFFICIENT, heaviest, layer_profile, score


def of_kind(content, kind, version=None):
    return [q.id for q in content.questions_of(version).of_kind(kind)]


def answers(content, *, leider=None, manager=None, pitfall=None, layers=None, competencies=None, version=None):
    """Answers by kind: a number for all of that kind, or a list (None = skipped)."""
    result = {}
    for kind, given in (("leider", leider), ("manager", manager), ("pitfall", pitfall), ("layer", layers),
                        ("competency", competencies)):
        ids = of_kind(content, kind, version)
        values = given if isinstance(given, list) else [given] * len(ids)
        result |= {question: value for question, value in zip(ids, values) if given is not None}
    return result


def test_the_v2_order_is_the_contract(content):
    kinds = [q.kind for q in content.current.questions]
    assert kinds == ["leider"] * 5 + ["manager"] * 4 + ["pitfall"] * 3 + ["layer"] * 3 + ["competency"] * 28
    assert [q.id for q in content.current.of_kind("layer")] == list(LAYERS)


def test_a_mean_of_exactly_the_threshold_is_high(content):
    # L = 17/5 = 3.4 (< 3.5), M = 14/4 = 3.5 exactly (>= 3.5): Manager
    result = score(answers(content, leider=[4, 3, 4, 3, 3], manager=[4, 3, 4, 3]), content)
    assert (result.leider, result.manager, result.archetype) == (3.4, 3.5, "manager")


@pytest.mark.parametrize("leider, manager, archetype", [
    (5, 5, "it_regisseur"), (5, 2, "leider"), (2, 5, "manager"), (1, 1, "vakspecialist"), (3, 4, "manager"),
])
def test_archetype_from_leider_and_manager_strengths_only(content, leider, manager, archetype):
    for pitfalls in (1, 5):  # pitfalls never change the archetype
        result = score(answers(content, leider=leider, manager=manager, pitfall=pitfalls), content)
        assert result.archetype == archetype


def test_skipped_answers_are_left_out_and_too_few_is_not_enough(content):
    result = score(answers(content, leider=[5, None, 4, None, None], manager=[4, 4, 4, None]), content)
    assert result.archetype == INSUFFICIENT and len(result.missing_role_answers) == 4
    result = score(answers(content, leider=[5, None, 4, None, 3], manager=[4, 4, None, None]), content)
    assert result.archetype == INSUFFICIENT
    result = score(answers(content, leider=[5, None, 4, None, 3], manager=[4, 4, 3, None]), content)
    assert (result.leider, result.manager, result.archetype) == (4, pytest.approx(11 / 3), "it_regisseur")


def test_pitfalls_rated_at_or_above_the_level_are_watch_outs(content):
    level = content.scoring.pitfall_from
    result = score(answers(content, leider=4, manager=4, pitfall=[level, level - 1, 5]), content)
    assert result.watch_outs == ("vision_of_other", "inside_out")
    assert result.archetype == "it_regisseur"


@pytest.mark.parametrize("ratings, weight, grow", [
    ([4, 4, 4], ("richten", "inrichten", "verrichten"), None),  # balanced: no advice
    ([2, 4, 4], ("inrichten", "verrichten"), "richten"),
    ([5, 3, 3], ("richten",), "inrichten"),  # a tie for lowest: the higher layer first
    ([1, 5, 2], ("inrichten",), "richten"),
    ([None, 3, 4], ("verrichten",), "inrichten"),
    ([None, None, None], (), None),
])
def test_the_layers_are_a_profile(ratings, weight, grow):
    got_weight, got_grow = layer_profile(dict(zip(LAYERS, ratings)))
    assert (got_weight, got_grow) == (weight, grow)
    assert got_grow not in got_weight  # advice never points to a layer rated highest


def test_development_points_rank_by_gap_times_weight_then_below_mean_then_order(content):
    ids = of_kind(content, "competency")
    weights, targets = content.scoring.weights, content.scoring.targets
    values = {c: 4 for c in ids}
    light = next(c for c in ids if weights[c] == 1 and targets[c] == 4)
    heavy = max(ids, key=lambda c: (weights[c], -ids.index(c)))
    values[light] = 2  # gap 2 x weight 1 = 2
    values[heavy] = 3  # gap (target - 3) x its weight
    result = score(answers(content, leider=4, manager=4, competencies=[values[c] for c in ids]), content)
    order = [p.competency for p in result.development_points]
    expected = sorted([light, heavy], key=lambda c: -(targets[c] - values[c]) * weights[c])
    assert order[:2] == expected
    assert not any(p.relative for p in result.development_points[:2])


def test_fewer_than_three_points_are_completed_with_relative_ones_below_the_own_mean(content):
    ids = of_kind(content, "competency")
    values = [5] * len(ids)
    values[3], values[7] = 4, 3  # one gap (3 < 4); one score of 4 below the own mean of almost 5
    result = score(answers(content, leider=4, manager=4, competencies=values), content)
    # ids[7] has a gap to its target of 4; ids[3] only lies below the own mean (4 < 137/28):
    # only these two, so nothing is invented to reach three
    assert [(p.competency, p.relative) for p in result.development_points] == [(ids[7], False), (ids[3], True)]


def test_strengths_by_score_then_height_above_the_own_mean(content):
    ids = of_kind(content, "competency")
    values = [3] * len(ids)
    values[10], values[2], values[5] = 5, 4, 5
    result = score(answers(content, leider=4, manager=4, competencies=values), content)
    # the two 5s are as high above the mean: content order decides between them
    assert result.strengths == ((ids[5], 5), (ids[10], 5), (ids[2], 4))


@pytest.mark.parametrize("value", [1, 3, 4, 5])
def test_a_flat_profile_invents_no_strengths_or_points(content, value):
    result = score(answers(content, leider=value, manager=value, pitfall=value, layers=value, competencies=value),
                   content)
    assert result.flat and result.development_points == () and result.strengths == ()


def test_heaviest_weighted_competencies_come_from_content(content):
    weights = content.scoring.weights
    top = heaviest(content, 3)
    assert weights[top[0]] == max(weights.values())
    assert [weights[c] for c in top] == sorted((weights[c] for c in top), reverse=True)
    assert all(weights[c] <= weights[top[-1]] for c in weights if c not in top)


def test_the_issue_profiles(content):
    """PRODUCT.md's worked profiles."""
    regisseur = score(answers(content, leider=5, manager=5, pitfall=1, layers=4, competencies=4), content)
    assert (regisseur.archetype, regisseur.watch_outs) == ("it_regisseur", ())
    assert score(answers(content, leider=5, manager=2, pitfall=1, layers=3, competencies=3), content).archetype \
        == "leider"
    assert score(answers(content, leider=2, manager=5, pitfall=1, layers=3, competencies=3), content).archetype \
        == "manager"
    assert score(answers(content, leider=1, manager=1, pitfall=1, layers=1, competencies=1), content).archetype \
        == "vakspecialist"
    everything = score(answers(content, leider=5, manager=5, pitfall=5, layers=5, competencies=5), content)
    assert (everything.archetype, len(everything.watch_outs)) == ("it_regisseur", 3)


def test_a_version_1_assessment_is_scored_by_todays_rules(content):
    v1 = answers(content, leider=5, manager=5, pitfall=5, layers=[5, 3, 2], competencies=3, version=1)
    result = score(v1, content, version=1)
    assert result.version == 1 and result.archetype == "it_regisseur" and len(result.watch_outs) == 3
    assert result.weight == ("richten",) and result.grow == "verrichten"
    assert set(result.scores) == set(of_kind(content, "competency"))  # compares with v2 by competency


def test_the_same_answers_give_the_same_result(content):
    ids = of_kind(content, "competency")
    given = answers(content, leider=[5, 4, 3, 2, 1], manager=[2, 3, 4, 5], pitfall=[4, 1, 5], layers=[3, 2, 4],
                    competencies=[(n * 7) % 5 + 1 for n in range(len(ids))])
    assert score(dict(given), content) == score(dict(reversed(list(given.items()))), content)
