"""Result screens (PRODUCT.md "Result (phone first)"): a scored assessment turned into coaching.

What arrives unasked is short: the chart with a short caption, and one summary with the
archetype and one line of why, the layer profile in one line, the number of watch-outs, the
change since last time, and one "start here" action that ties archetype, layers and the top
development point together. Buttons open the rest. Pure: content in, screens out.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import LAYERS, Content, Localized
from bot.flows.events import Event
from bot.flows.scoring import INSUFFICIENT, Point, Result, changes, heaviest
from bot.flows.screens import Chart, ChartSeries, Choice, Document, Items, Screen

# What the summary's buttons open (event, label key); watch-outs only when there are any.
DETAILS = (
    (Event.POINTS, "btn_points"),
    (Event.STRENGTHS, "btn_strengths"),
    (Event.WATCH_OUTS, "btn_watch_outs"),
    (Event.ALL_SCORES, "btn_all_scores"),
    (Event.START_PLAN, "btn_start_plan"),
    (Event.FEEDBACK, "btn_feedback"),
    (Event.REPORT, "btn_report"),
)


def _name(content: Content, competency: str) -> Localized:
    return content.names[competency]


def _plain(text: Localized | str) -> Screen:
    return Screen("plain", {"text": text})


def chart(content: Content, scores: dict[str, int | None], previous: dict[str, int | None] | None = None,
          others: dict[str, float | None] | None = None) -> Chart:
    """Self against the Regisseur's target per competency (groups told apart by the edge),
    with the previous scores and others' view when there are."""
    axes = tuple(q.id for q in content.competencies)
    series = [ChartSeries("series_target", tuple(content.scoring.targets[a] for a in axes), "target")]
    if previous is not None:
        series.append(ChartSeries("series_previous", tuple(previous.get(a) for a in axes), "previous"))
    if others is not None:
        series.append(ChartSeries("series_others", tuple(others.get(a) for a in axes), "others"))
    series.append(ChartSeries("series_self", tuple(scores.get(a) for a in axes), "self"))
    return Chart(axes, tuple(series))


def layer_line(content: Content, result: Result) -> Items:
    """"Richten 4 · Inrichten 3 · Verrichten 2" in the user's language."""
    return Items(tuple(Screen("layer_score", {"name": content.layers[layer].name, "score": result.layers[layer]})
                       for layer in LAYERS), separator=" · ")


def _in_sentence(content: Content, layer: str) -> Localized:
    return content.layers[layer].in_sentence


def home_line(content: Content, result: Result) -> Screen:
    """Home ground and the layer to grow in, as the ratings show them (nothing more): the layers
    rated at least ``home_from``, none claimed when there are none; "at home in all three"."""
    if all(value is None for value in result.layers.values()):
        return Screen("layers_unknown")
    grow = Items((Screen("layers_grow_next", {"layer": _in_sentence(content, result.grow)}),), separator="") \
        if result.grow else Items(())
    if result.at_home_everywhere:
        return Screen("layers_home_all")
    if not result.home:
        return Screen("layers_home_none", {"home_from": content.scoring.home_from, "grow": grow})
    names = [_in_sentence(content, layer) for layer in result.home]
    home = _plain(names[0]) if len(names) == 1 else Screen("layers_pair", {"first": names[0], "second": names[1]})
    return Screen("layers_home", {"home": Items((home,)), "grow": grow})


def start_here(content: Content, result: Result) -> Screen:
    """One action tying the archetype, the layer to grow and the top development point (a
    variant without a layer when there is none to grow in); for a flat profile, the Regisseur's
    heaviest-weighted competency and feedback from others."""
    profile = content.archetypes[result.archetype]
    if result.flat or not result.development_points:
        return Screen("start_here", template=profile.start_here_flat,
                      params={"competency": _name(content, heaviest(content)[0])})
    top = _name(content, result.development_points[0].competency)
    if result.grow is None:
        return Screen("start_here", template=profile.start_here_no_layer, params={"competency": top})
    return Screen("start_here", template=profile.start_here,
                  params={"competency": top, "layer": _in_sentence(content, result.grow)})


def unanswered_note(content: Content, result: Result) -> Items:
    """How many statements have no answer, said only when that lowers what the result can say:
    more than ``unanswered_after`` competencies, or any role or layer statement."""
    competencies = {q.id for q in content.questions_of(result.version).of_kind("competency")}
    without = (*result.skipped, *result.not_occurred)
    if result.unanswered_competencies <= content.scoring.unanswered_after and all(q in competencies for q in without):
        return Items(())
    parts = tuple(Screen(key, {"count": len(ids)}) for key, ids in (
        ("unanswered_skipped", result.skipped), ("unanswered_absent", result.not_occurred)) if ids)
    return Items((Screen("unanswered_note", {"parts": Items(parts, separator=", ")}),), separator="")


def why(content: Content, result: Result) -> Screen:
    """Why this archetype: the person's Leider and Manager scores against the threshold."""
    return Screen("why", template=content.archetypes[result.archetype].why, params={
        "leider": result.leider, "manager": result.manager, "threshold": content.scoring.threshold})


def large_jump(content: Content, result: Result, previous: Result | None) -> int:
    """How many competencies rose by at least ``jump_points`` since the previous assessment, when
    they are at least ``jump_competencies`` (a large self-reported jump); else 0."""
    if previous is None:
        return 0
    risen = sum(delta >= content.scoring.jump_points for delta in changes(result, previous).values())
    return risen if risen >= content.scoring.jump_competencies else 0


def summary(content: Content, result: Result, previous: Result | None) -> Screen:
    if result.archetype == INSUFFICIENT:
        return Screen("result_incomplete", {"missing": len(result.missing_role_answers)},
                      choices=(Choice(Event.COMPLETE_MISSING, "btn_complete_missing"),))
    profile = content.archetypes[result.archetype]
    watch = Items((Screen("watch_outs_count", {"count": len(result.watch_outs)}),)) if result.watch_outs else Items(())
    delta = changes(result, previous) if previous is not None else {}
    jump = large_jump(content, result, previous)
    moved = Items((Screen("changes_count", {"up": sum(d > 0 for d in delta.values()),
                                            "down": sum(d < 0 for d in delta.values())}),)
                  + ((Screen("jump_note", {"count": jump, "points": content.scoring.jump_points}),) if jump else ())) \
        if previous else Items(())
    details = DETAILS if previous is None else DETAILS[:4] + ((Event.BEFORE_AFTER, "btn_before_after"),) + DETAILS[4:]
    choices = tuple(Choice(event, label) for event, label in details
                    if event != "watch_outs" or result.watch_outs)
    return Screen("result_overview", {
        "archetype": profile.name, "why": Items((why(content, result),)), "layers": layer_line(content, result),
        "home": Items((home_line(content, result),)), "watch": watch, "changes": moved,
        "unanswered": unanswered_note(content, result), "start": Items((start_here(content, result),)),
    }, choices=choices)


def result_screens(content: Content, current: Result, previous: Result | None, *,
                   buttons: bool = True) -> list[Screen]:
    """What arrives unasked: the chart (a picture with a short caption) and the summary."""
    screens = [Screen("result_chart_compared" if previous else "result_chart",
                      chart=chart(content, current.scores, previous.scores if previous else None)),
               summary(content, current, previous)]
    if not buttons:  # e.g. in a coach's view: the coachee's buttons are not theirs
        screens = [replace(s, choices=()) for s in screens]
    return screens


def _band(content: Content, point: Point) -> str:
    return "low" if point.score <= content.scoring.low_band_up_to else "mid"


def reflection_of(content: Content, result: Result, rank: int, point: Point) -> Localized:
    """The reflection question shown with a point: rotates with the person's answers and the
    point's rank, so the same answers always show the same one and every one can appear."""
    reflections = content.coaching[point.competency].reflections
    answered = sum(value for value in result.scores.values() if value is not None)
    return reflections[(answered + rank - 1) % len(reflections)]


def _point_item(content: Content, result: Result, rank: int, point: Point) -> Screen:
    coaching = content.coaching[point.competency]
    tips = coaching.tips_for(_band(content, point))[: content.limits.tips_shown]
    reflection = reflection_of(content, result, rank, point)
    return Screen("point_item_relative" if point.relative else "point_item", {
        "rank": rank, "name": _name(content, point.competency), "score": point.score, "target": point.target,
        "tips": Items(tuple(Screen("tip_item", {"tip": tip}) for tip in tips)), "reflection": reflection,
    })


def flat_screen(content: Content, key: str) -> Screen:
    """A flat profile: named as such, pointed to the heaviest-weighted competencies and feedback."""
    names = Items(tuple(_plain(_name(content, c)) for c in heaviest(content, 3)), separator=", ")
    return Screen(key, {"note": content.flat_note, "heaviest": names}, choices=(
        Choice(Event.FEEDBACK, "btn_feedback"), Choice(Event.START_PLAN, "btn_start_plan")))


def points(content: Content, result: Result) -> Screen:
    """The development points, each with tips that fit its score and a reflection question."""
    if result.flat:
        return flat_screen(content, "points_flat")
    shown = result.development_points[: content.limits.points_shown]
    if not shown:
        return Screen("points_none", choices=(Choice(Event.STRENGTHS, "btn_strengths"),))
    items = Items(tuple(_point_item(content, result, rank, point) for rank, point in enumerate(shown, start=1)),
                  separator="\n\n")
    more = (Choice(Event.MORE_TIPS, "btn_more_tips"),) if _more_tips(content, shown) else ()
    return Screen("points", {"items": items}, choices=more + (Choice(Event.START_PLAN, "btn_start_plan"),))


def _more_tips(content: Content, shown: tuple[Point, ...]) -> list[tuple[Point, tuple[Localized, ...]]]:
    """Per shown point, the tips of its band beyond those on the points screen."""
    more = [(point, content.coaching[point.competency].tips_for(_band(content, point))[content.limits.tips_shown:])
            for point in shown]
    return [(point, tips) for point, tips in more if tips]


def more_tips(content: Content, result: Result) -> Screen:
    """The rest of the tips for the score of each development point shown (no tip goes unseen)."""
    shown = () if result.flat else result.development_points[: content.limits.points_shown]
    more = _more_tips(content, shown)
    if not more:
        return Screen("more_tips_none", choices=(Choice(Event.POINTS, "btn_points"),))
    items = Items(tuple(Screen("more_tips_item", {
        "name": _name(content, point.competency),
        "tips": Items(tuple(Screen("tip_item", {"tip": tip}) for tip in tips))}) for point, tips in more),
        separator="\n\n")
    return Screen("more_tips", {"items": items}, choices=(Choice(Event.START_PLAN, "btn_start_plan"),))


def strengths(content: Content, result: Result) -> Screen:
    """The strengths, each with what happens when it is overdone."""
    if result.flat:
        return flat_screen(content, "strengths_flat")
    shown = result.strengths[: content.limits.strengths_shown]
    if not shown:
        return Screen("strengths_none", choices=(Choice(Event.POINTS, "btn_points"),))
    items = Items(tuple(Screen("strength_overuse", {"name": _name(content, c), "score": value,
                                                 "overuse": content.coaching[c].overuse})
                        for c, value in shown), separator="\n\n")
    return Screen("strengths", {"items": items})


def watch_outs(content: Content, result: Result) -> Screen:
    if not result.watch_outs:
        return Screen("watch_outs_none")
    items = Items(tuple(Screen("watch_out_item", {"name": content.pitfalls[p].name, "tip": content.pitfalls[p].tip})
                        for p in result.watch_outs), separator="\n\n")
    return Screen("watch_outs", {"items": items})


def all_scores(content: Content, result: Result, previous: Result | None) -> Screen:
    """Every score by group against its target, the change since last time, and the layers."""
    delta = changes(result, previous) if previous is not None else {}
    sections = []
    for group, group_name in content.groups.items():
        lines = tuple(
            Screen("score_item", {
                "name": q.name, "score": result.scores.get(q.id), "target": content.scoring.targets[q.id],
                "mark": Items((Screen(_mark(result, q.id, content)),)), "change": _change(delta.get(q.id)),
            })
            for q in content.competencies if q.group == group
        )
        sections.append(Screen("score_group", {"group": group_name, "score": result.group_means[group],
                                               "items": Items(lines)}))
    layers = Items(tuple(Screen("layer_item", {"name": content.layers[layer].name, "score": result.layers[layer],
                                               "meaning": content.layers[layer].meaning}) for layer in LAYERS))
    grow = Items((Screen("layer_grow", {"name": _in_sentence(content, result.grow),
                                        "advice": content.layers[result.grow].grow}),)) if result.grow else Items(())
    return Screen("all_scores", {"groups": Items(tuple(sections), separator="\n\n"), "layers": layers,
                                 "grow": grow}, choices=(Choice(Event.START_PLAN, "btn_start_plan"),))


def _mark(result: Result, competency: str, content: Content) -> str:
    value = result.scores.get(competency)
    if value is None:
        return "mark_skipped"
    return "mark_gap" if content.scoring.targets[competency] - value >= content.scoring.min_gap else "mark_ok"


def before_after(content: Content, result: Result, previous: Result | None) -> Screen:
    """Every competency before (the previous assessment) and after (this one), by group, with the
    change; a large self-reported jump is named, with colleagues as the check."""
    if previous is None:
        return Screen("before_after_none")
    delta = changes(result, previous)
    sections = []
    for group, group_name in content.groups.items():
        lines = tuple(Screen("before_after_item", {
            "name": q.name, "before": previous.scores.get(q.id), "after": result.scores.get(q.id),
            "change": Items((Screen("change_up" if delta[q.id] > 0 else "change_down",
                                    {"delta": abs(delta[q.id])}),), separator="") if delta.get(q.id) else Items(()),
        }) for q in content.competencies if q.group == group)
        sections.append(Screen("before_after_group", {"group": group_name, "items": Items(lines)}))
    jump = large_jump(content, result, previous)
    note = Items((Screen("jump_note", {"count": jump, "points": content.scoring.jump_points}),), separator="") \
        if jump else Items(())
    return Screen("before_after", {"groups": Items(tuple(sections), separator="\n\n"), "jump": note,
                                   "up": sum(d > 0 for d in delta.values()), "down": sum(d < 0 for d in delta.values())},
                  choices=(Choice(Event.FEEDBACK, "btn_feedback"),) if jump else ())


def renewal(content: Content, focus: list[str], result: Result, previous: Result, active: bool) -> Screen:
    """After a retake, the plan so far with its focus before and after: keep it, or choose anew."""
    items = Items(tuple(Screen("renewal_item", {"name": _name(content, c), "before": previous.scores.get(c),
                                                "after": result.scores.get(c)}) for c in focus))
    return Screen("plan_renewal", {"items": items, "weeks": content.limits.review_weeks}, choices=(
        Choice(Event.PLAN_RENEW, "btn_renew_plan"),
        Choice(Event.PLAN_CHANGE_FOCUS if active else Event.START_PLAN, "btn_new_focus")))


def _change(delta: int | None) -> Items:
    if not delta:
        return Items(())
    return Items((Screen("arrow_up" if delta > 0 else "arrow_down"),))


def report(content: Content, result: Result, previous: Result | None, focus: list[str], today: str = "") -> Screen:
    """The result as a one-page PDF to keep or share: chart, archetype, layers, start here,
    the top development points with a tip each, strengths, and the plan."""
    if result.archetype == INSUFFICIENT:
        return summary(content, result, previous)
    profile = content.archetypes[result.archetype]
    layers = [Screen("plain", {"text": layer_line(content, result)}), home_line(content, result)]
    if result.grow:
        layers.append(Screen("layer_grow_plain", {"name": _in_sentence(content, result.grow),
                                                  "advice": content.layers[result.grow].grow}))
    if result.flat:
        points_part: tuple[Screen, ...] = (_plain(content.flat_note),)
    else:
        points_part = tuple(Screen("report_point", {
            "name": _name(content, p.competency), "score": p.score, "target": p.target,
            "tip": content.coaching[p.competency].tips_for(_band(content, p))[0]})
            for p in result.development_points[: content.limits.points_shown]) or (Screen("points_none"),)
    strong = tuple(Screen("report_strength", {"name": _name(content, c), "score": v})
                   for c, v in result.strengths[: content.limits.strengths_shown])
    plan = tuple(_plain(_name(content, c)) for c in focus) or (Screen("report_no_plan"),)
    sections = (
        ("report_archetype", (_plain(profile.name), why(content, result), _plain(profile.meaning))),
        ("report_layers", tuple(layers)),
        ("report_start_here", (start_here(content, result),)),
        ("report_points", points_part),
        ("report_strengths", strong or (Screen("report_none"),)),
        ("report_watch_outs", tuple(Screen("report_watch_out", {"name": content.pitfalls[p].name,
                                                                 "tip": content.pitfalls[p].tip})
                                    for p in result.watch_outs) or (Screen("report_none"),)),
        ("report_plan", plan),
    )
    document = Document(Screen("report_title"), sections,
                        chart(content, result.scores, previous.scores if previous else None), "regiecoach-report.pdf",
                        today)
    return Screen("report_ready", document=document)
