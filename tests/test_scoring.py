"""Scoring v3 (PRODUCT.md "Scoring"): pure functions, thresholds, targets, weights and the
priority order loaded from content."""

from __future__ import annotations

import itertools

import pytest

from bot.content import DIDNT_COME_UP, LAYERS
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


@pytest.mark.parametrize("ratings, home, grow", [
    ([4, 4, 4], ("richten", "inrichten", "verrichten"), None),  # at home in all three: nothing to grow in
    ([5, 4, 5], ("richten", "inrichten", "verrichten"), None),
    ([2, 4, 4], ("inrichten", "verrichten"), "richten"),
    ([5, 3, 3], ("richten",), "inrichten"),  # a tie for lowest: the higher layer first
    ([2, 1, 1], (), "inrichten"),  # none at 4 or more: no home ground claimed (set 2 said "a large part")
    ([3, 3, 3], (), "richten"),
    ([1, 5, 2], ("inrichten",), "richten"),
    ([None, 3, 4], ("verrichten",), "inrichten"),
    ([None, None, 5], ("verrichten",), None),  # the others not rated: nothing to grow in is claimed
    ([None, None, None], (), None),
])
def test_the_layers_name_home_ground_and_the_layer_to_grow(content, ratings, home, grow):
    home_from = content.scoring.home_from
    assert home_from == 4
    assert layer_profile(dict(zip(LAYERS, ratings)), home_from) == (home, grow)
    result = score(answers(content, leider=4, manager=4, layers=ratings, competencies=3), content)
    assert (result.home, result.grow, result.at_home_everywhere) == (home, grow, len(home) == 3)


def _profile(content, values: dict[str, int], rest: int | list[int] = 4) -> dict[str, int | None]:
    """Answers with ``values`` per competency id and ``rest`` for the others (a list: in turn)."""
    ids = of_kind(content, "competency")
    cycle = itertools.cycle(rest if isinstance(rest, list) else [rest])
    return answers(content, leider=4, manager=4, pitfall=1, layers=3,
                   competencies=[values.get(c, next(cycle)) for c in ids])


def test_development_points_start_where_the_person_scored_lowest(content):
    """The review's manager: five 2s and the rest 3-4 is told to start with a 2, never with a
    heavier-weighted competency rated 3."""
    twos = ["analytisch_vermogen", "it_infrastructuur", "communiceren_face_to_face", "problemen_oplossen",
            "streven_naar_voortreffelijkheid"]
    given = _profile(content, {c: 2 for c in twos} | {"resultaatgericht_sturen": 3, "mensen_meekrijgen": 3},
                     rest=[3, 4])
    result = score(given, content)
    assert not result.flat
    points = [p.competency for p in result.development_points]
    assert set(points[:5]) == set(twos)  # all the 2s first, whatever their weight
    assert all(p.score == 3 for p in result.development_points[5:])
    assert content.scoring.weights["resultaatgericht_sturen"] > max(content.scoring.weights[c] for c in twos)


def test_the_weight_orders_only_equal_scores_then_the_weakest_group_then_priority(content):
    weights, priority = content.scoring.weights, content.scoring.priority
    heavy = max(weights, key=lambda c: (weights[c], -priority.index(c)))
    light = next(c for c in priority[::-1] if weights[c] < 1)
    # a 2 on the lightest outranks a 3 on the heaviest; at 2 both, the heavier goes first
    result = score(_profile(content, {light: 2, heavy: 3}, rest=[4, 5]), content)
    assert [p.competency for p in result.development_points[:2]] == [light, heavy]
    result = score(_profile(content, {light: 2, heavy: 2}, rest=[4, 5]), content)
    assert [p.competency for p in result.development_points[:2]] == [heavy, light]
    # equal score and weight: the group where the person's mean is lowest goes first …
    business = next(q.id for q in content.competencies if q.group == "business" and weights[q.id] == 1)
    gedrag = [q.id for q in content.competencies if q.group == "gedrag" and weights[q.id] == 1]
    behind = max(gedrag, key=priority.index)  # later in priority than the business one? make it so
    assert priority.index(behind) > priority.index(business)
    low_gedrag = {c: 3 for c in gedrag if c != behind}
    result = score(_profile(content, {business: 2, behind: 2} | low_gedrag, rest=[4, 5]), content)
    assert result.group_means["gedrag"] < result.group_means["business"]
    assert [p.competency for p in result.development_points[:2]] == [behind, business]
    # … and with the same group mean too, the role's priority order decides
    first, second = sorted([c for c in gedrag if c != behind][:2], key=priority.index)
    result = score(_profile(content, {second: 2, first: 2}, rest=[4, 5]), content)
    assert [p.competency for p in result.development_points[:2]] == [first, second]


def test_fewer_than_three_points_are_completed_with_relative_ones_below_the_own_mean(content):
    ids = of_kind(content, "competency")
    values = [4 if n % 2 == 0 else 5 for n in range(len(ids))]  # mean 4.5, standard deviation 0.5: not flat
    values[7] = 3  # the one gap to the target of 4
    result = score(answers(content, leider=4, manager=4, competencies=values), content)
    points = result.development_points
    assert [(p.competency, p.relative) for p in points[:1]] == [(ids[7], False)]
    # completed with 4s below the own mean, the heaviest-weighted first (then the weaker group)
    assert [(p.score, p.relative) for p in points[1:]] == [(4, True), (4, True)]
    weights = content.scoring.weights
    fours = [c for n, c in enumerate(ids) if values[n] == 4]
    assert [weights[p.competency] for p in points[1:]] == sorted((weights[c] for c in fours), reverse=True)[:2]


def test_strengths_by_score_then_weight_then_priority(content):
    weights, priority = content.scoring.weights, content.scoring.priority
    heavy = max(weights, key=lambda c: (weights[c], -priority.index(c)))
    plain = [c for c in priority if weights[c] == 1]
    result = score(_profile(content, {plain[-1]: 5, heavy: 4, plain[3]: 5, plain[1]: 5}, rest=[2, 3]), content)
    assert result.strengths[:4] == ((plain[1], 5), (plain[3], 5), (plain[-1], 5), (heavy, 4))


@pytest.mark.parametrize("value", [1, 3, 4, 5])
def test_a_flat_profile_invents_no_strengths_or_points(content, value):
    result = score(answers(content, leider=value, manager=value, pitfall=value, layers=value, competencies=value),
                   content)
    assert result.flat and result.development_points == () and result.strengths == ()


@pytest.mark.parametrize("values, flat", [
    ([4] * 27 + [3], True),  # one step off: the review's profile whose strengths fell to file order
    ([4] * 24 + [3] * 4, True),  # standard deviation 0.35
    ([4] * 21 + [3] * 7, True),  # 0.433
    ([4] * 14 + [5] * 14, False),  # exactly 0.5 is not below it
    ([2] * 5 + [3, 4] * 11 + [3], False),  # the review's manager with five 2s
    ([None] * 27 + [2], True),  # one answer stands out from nothing
    ([None] * 28, True),
])
def test_a_profile_is_flat_when_the_standard_deviation_is_below_the_content_limit(content, values, flat):
    assert content.scoring.flat_below_sd == 0.5
    result = score(answers(content, leider=4, manager=4, competencies=values), content)
    assert result.flat is flat
    assert (result.development_points == () and result.strengths == ()) or not flat


def test_unanswered_competencies_are_neither_points_nor_strengths(content):
    ids = of_kind(content, "competency")
    given = _profile(content, {ids[0]: None, ids[1]: DIDNT_COME_UP, ids[2]: 1}, rest=[3, 4, 5])
    result = score(given, content)
    chosen = {p.competency for p in result.development_points} | {c for c, _ in result.strengths}
    assert ids[2] in chosen and not {ids[0], ids[1]} & chosen
    assert (result.scores[ids[0]], result.scores[ids[1]]) == (None, None)
    assert (result.skipped, result.not_occurred) == ((ids[0],), (ids[1],))


def test_didnt_come_up_counts_like_skip_everywhere_in_the_score(content):
    role = of_kind(content, "leider")
    with_skips = score(answers(content, leider=[5, None, None, 4, 4], manager=4, pitfall=1, layers=3,
                               competencies=3), content)
    with_absent = score(answers(content, leider=[5, DIDNT_COME_UP, DIDNT_COME_UP, 4, 4], manager=4, pitfall=1,
                                layers=3, competencies=3), content)
    assert (with_absent.leider, with_absent.archetype) == (with_skips.leider, with_skips.archetype)
    assert with_absent.missing_role_answers == with_skips.missing_role_answers == (role[1], role[2])
    assert with_absent.not_occurred == (role[1], role[2]) and with_absent.skipped == ()


def test_the_priority_order_holds_every_competency_once(content):
    assert sorted(content.scoring.priority) == sorted(of_kind(content, "competency"))
    assert set(content.scoring.targets.values()) == {4}  # no target counts the weight's intent again


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
    assert result.home == ("richten",) and result.grow == "verrichten"
    assert set(result.scores) == set(of_kind(content, "competency"))  # compares with v2 by competency


def test_the_same_answers_give_the_same_result(content):
    ids = of_kind(content, "competency")
    given = answers(content, leider=[5, 4, 3, 2, 1], manager=[2, 3, 4, 5], pitfall=[4, 1, 5], layers=[3, 2, 4],
                    competencies=[(n * 7) % 5 + 1 for n in range(len(ids))])
    assert score(dict(given), content) == score(dict(reversed(list(given.items()))), content)
