"""Result screens: a scored assessment turned into coaching. Pure: content in, screens out."""

from __future__ import annotations

from bot.content import Content, Localized
from bot.flows.screens import Chart, ChartSeries, Choice, Items, Screen
from bot.flows.scoring import INSUFFICIENT, Result, changes

RESULT_CHOICES = (
    Choice("more_tips", "btn_more_tips"),
    Choice("full_list", "btn_full_list"),
    Choice("start_plan", "btn_start_plan"),
)


def _name(content: Content, competency: str) -> Localized:
    return content.by_id(competency).name  # type: ignore[return-value]


def _plain(text: Localized | str) -> Screen:
    return Screen("plain", {"text": text})


def chart(content: Content, current: Result, previous: Result | None) -> Chart:
    axes = tuple(q.id for q in content.competencies)
    series = [ChartSeries("series_target", tuple(content.scoring.targets[a] for a in axes), "target")]
    if previous is not None:
        series.append(ChartSeries("series_previous", tuple(previous.scores[a] for a in axes), "previous"))
    series.append(ChartSeries("series_self", tuple(current.scores[a] for a in axes), "self"))
    return Chart(axes, tuple(series))


def summary(content: Content, result: Result) -> Screen:
    groups = Items(tuple(
        Screen("group_score_item", {"group": name, "score": result.group_means[group]})
        for group, name in content.groups.items()
    ))
    shown = result.strengths[: content.scoring.strengths_shown]
    strengths = Items(tuple(
        Screen("strength_item", {"name": _name(content, c), "score": value}) for c, value in shown
    )) if shown else Items((Screen("no_strengths"),))
    if result.levels:
        first = content.levels[result.levels[-1]]  # a tie: the step from the lowest of them
        level: dict = {
            "level": Items(tuple(_plain(content.by_id(level).name) for level in result.levels),  # type: ignore[arg-type]
                           separator=" + "),
            "level_meaning": first.meaning, "level_next": first.next_step,
        }
        level_screen = Screen("result_level", level)
    else:
        level_screen = Screen("result_level_unknown")
    params = {"leider": result.leider, "manager": result.manager, "threshold": content.scoring.threshold,
              "level": Items((level_screen,)), "groups": groups, "strengths": strengths}
    if result.archetype == INSUFFICIENT:
        return Screen("result_insufficient", params | {"missing": len(result.missing_role_answers)},
                      choices=(Choice("complete_missing", "btn_complete_missing"),))
    profile = content.archetypes[result.archetype]
    return Screen("result_summary", params | {
        "archetype": profile.name, "meaning": profile.meaning, "next_step": profile.next_step})


def _development_item(content: Content, rank: int, competency: str, result: Result, tips: int) -> Screen:
    coaching = content.coaching[competency]
    return Screen("development_item", {
        "rank": rank, "name": _name(content, competency), "score": result.scores[competency],
        "target": content.scoring.targets[competency],
        "tips": Items(tuple(Screen("tip_item", {"tip": tip}) for tip in coaching.tips[:tips])),
        "reflection": coaching.reflections[0],
    })


def development(content: Content, result: Result) -> Screen:
    shown = result.development_points[: content.scoring.development_points_shown]
    if not shown:
        return Screen("result_no_gaps", choices=RESULT_CHOICES[1:])
    items = Items(tuple(
        _development_item(content, rank, competency, result, content.scoring.tips_shown)
        for rank, (competency, _) in enumerate(shown, start=1)
    ), separator="\n\n")
    return Screen("result_development", {"items": items, "count": len(shown)}, choices=RESULT_CHOICES)


def change_list(content: Content, current: Result, previous: Result) -> Screen:
    delta = changes(current, previous)
    moved = [c for c in (q.id for q in content.competencies) if delta.get(c)]
    items = Items(tuple(
        Screen("change_up" if delta[c] > 0 else "change_down",
               {"name": _name(content, c), "before": previous.scores[c], "after": current.scores[c]})
        for c in sorted(moved, key=lambda c: -delta[c])
    )) if moved else Items((Screen("no_changes"),))
    return Screen("result_changes", {
        "up": sum(1 for d in delta.values() if d > 0), "down": sum(1 for d in delta.values() if d < 0),
        "same": sum(1 for d in delta.values() if d == 0), "items": items,
    })


def result_screens(content: Content, current: Result, previous: Result | None) -> list[Screen]:
    """The whole result: chart, summary, changes since last time, development points."""
    screens = [
        Screen("result_chart_compared" if previous else "result_chart", chart=chart(content, current, previous)),
        summary(content, current),
    ]
    if previous is not None:
        screens.append(change_list(content, current, previous))
    screens.append(development(content, current))
    return screens


def more_tips(content: Content, result: Result) -> Screen:
    shown = result.development_points[: content.scoring.development_points_shown]
    if not shown:
        return Screen("result_no_gaps")
    items = Items(tuple(
        Screen("more_tips_item", {
            "name": _name(content, c),
            "tips": Items(tuple(Screen("tip_item", {"tip": t}) for t in content.coaching[c].tips)),
            "low": content.coaching[c].low, "high": content.coaching[c].high,
            "reflections": Items(tuple(Screen("reflection_item", {"question": r})
                                       for r in content.coaching[c].reflections)),
        }) for c, _ in shown
    ), separator="\n\n")
    return Screen("more_tips", {"items": items}, choices=(Choice("start_plan", "btn_start_plan"),))


def full_list(content: Content, result: Result, previous: Result | None) -> Screen:
    delta = changes(result, previous) if previous is not None else {}
    sections = []
    for group, group_name in content.groups.items():
        lines = tuple(
            Screen("full_list_item", {
                "name": q.name, "score": result.scores[q.id], "target": content.scoring.targets[q.id],
                "mark": Items((Screen(_mark(result, q.id, content)),)),
                "change": _change(delta.get(q.id)),
            })
            for q in content.competencies if q.group == group
        )
        sections.append(Screen("full_list_group", {"group": group_name, "items": Items(lines)}))
    return Screen("full_list", {"groups": Items(tuple(sections), separator="\n\n")},
                  choices=(Choice("start_plan", "btn_start_plan"),))


def _mark(result: Result, competency: str, content: Content) -> str:
    value = result.scores[competency]
    if value is None:
        return "mark_skipped"
    gap = content.scoring.targets[competency] - value
    return "mark_gap" if gap >= content.scoring.min_gap else "mark_ok" if gap <= 0 else "mark_near"


def _change(delta: int | None) -> Items:
    if not delta:
        return Items(())
    return Items((Screen("arrow_up" if delta > 0 else "arrow_down"),))
