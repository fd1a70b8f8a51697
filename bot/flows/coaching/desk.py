"""The coach's desk, pure: "who needs me" (the coachees sorted by need, each with a one-line
status), one coachee seen by the coach in the third person with every detail one tap away, and
the daily note of what coachees did.

The need order (first needs the coach most):

0. **new** — something happened since the coach last opened the coachee (completed, a plan, a
   retake, a reply, a shared note);
1. **waiting** — prompts or check-ins left unanswered, or a plan without an answered check-in;
2. **stalled** — a self-assessment started and left untouched for ``stalled_days``;
3. **quiet** — no activity for ``coach_quiet_days``;
4. **fine** — the rest.

Within one level, who was active longest ago comes first; then by name.

Everything shown to the coach speaks *about* the coachee (their name, never "you" meaning them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Protocol

from bot.content import LAYERS, Content
from bot.flows import feedback
from bot.flows.actions import Trend, action_text
from bot.flows.effects import Step
from bot.flows.events import Event
from bot.flows.results import chart
from bot.flows.scoring import INSUFFICIENT, Result, changes, score
from bot.flows.screens import Choice, Items, Screen, When

PAGE = 20  # coachees a page of the list shows: a keyboard stays within Telegram's limits
NEW, WAITING, STALLED, QUIET, FINE = range(5)


class Row(Protocol):
    """One coachee of the desk (storage's DeskRow)."""

    relation: object
    label: str | None
    looked_at: str | None
    last_active: str | None
    cursor: int | None
    touched_at: str | None
    completed_at: str | None
    latest_answers: dict | None
    version: int
    prompts_unanswered: int
    checkins_unanswered: int
    plan_since: str | None
    plan_answered: int
    new: int


def shown_names(names: list[tuple[int, str, str | None]]) -> dict[int, str]:
    """relation id -> how the coach reads the name: with the coach's label, and where two read
    the same, a number after each (in the order they began to share)."""
    base = {rid: f"{name} · {label}" if label else name for rid, name, label in names}
    count: dict[str, list[int]] = {}
    for rid in sorted(base):
        count.setdefault(base[rid].casefold(), []).append(rid)
    return {rid: f"{base[rid]} #{same.index(rid) + 1}" if len(same := count[base[rid].casefold()]) > 1
            else base[rid] for rid in base}


@dataclass(frozen=True)
class Desk:
    """What the list and the card are judged by: content, the moment, the zone, and settings."""

    content: Content
    now: datetime
    zone: str
    min_group: int

    def iso(self, delta: timedelta) -> str:
        return (self.now - delta).astimezone(timezone.utc).isoformat(timespec="seconds")

    def stalled(self, row: Row) -> bool:
        return row.cursor is not None and row.touched_at is not None and \
            row.touched_at <= self.iso(timedelta(days=self.content.limits.stalled_days))

    def plan_without_checkins(self, row: Row) -> bool:
        return row.plan_since is not None and row.plan_answered == 0 and row.plan_since <= self.iso(timedelta(weeks=1))

    def level(self, row: Row) -> int:
        if row.new:
            return NEW
        if row.prompts_unanswered or row.checkins_unanswered or self.plan_without_checkins(row):
            return WAITING
        if self.stalled(row):
            return STALLED
        if (row.last_active or "") <= self.iso(timedelta(days=self.content.limits.coach_quiet_days)):
            return QUIET
        return FINE

    def sort(self, rows: list[Row], names: dict[int, str]) -> list[Row]:
        return sorted(rows, key=lambda r: (self.level(r), r.last_active or "", names.get(r.relation.id, "").casefold(),
                                           r.relation.id))

    def when(self, moment: str, with_time: bool = False) -> When:
        return When(moment, self.zone, with_time=with_time)


def _result_part(desk: Desk, row: Row) -> Screen:
    content = desk.content
    if desk.stalled(row):
        return Screen("cv_status_stalled", {"n": row.cursor + 1, "total": content.total,
                                            "since": desk.when(row.touched_at)})
    if row.latest_answers is not None:
        archetype = score(row.latest_answers, content, row.version).archetype
        return Screen("cv_status_completed", {"archetype": content.archetype_name(archetype),
                                              "date": desk.when(row.completed_at)})
    if row.cursor is not None:
        return Screen("cv_status_in_progress", {"n": row.cursor + 1, "total": content.total})
    return Screen("cv_status_not_started")


def status_parts(desk: Desk, row: Row) -> Items:
    parts = [_result_part(desk, row)]
    if row.last_active:
        parts.append(Screen("cv_status_active", {"date": desk.when(row.last_active)}))
    if row.prompts_unanswered:
        parts.append(Screen("cv_status_prompts", {"count": row.prompts_unanswered}))
    if row.checkins_unanswered:
        parts.append(Screen("cv_status_checkins", {"count": row.checkins_unanswered}))
    if desk.plan_without_checkins(row):
        parts.append(Screen("cv_status_plan_quiet", {"since": desk.when(row.plan_since)}))
    if row.new:
        parts.append(Screen("cv_status_new", {"count": row.new}))
    return Items(tuple(parts), separator=" · ")


def _literal(text: str) -> dict[str, str]:
    return {"nl": text, "en": text}


def show_coachees(desk: Desk, rows: list[Row], names: dict[int, str], page: int, notes_on: bool,
                  in_place: bool = False) -> Step:
    """The coachees by need, a page at a time, each with a one-line status; Previous and Next;
    the group view only when it can show something; the daily notes on or off."""
    content = desk.content
    if not rows:
        return Step([Screen("no_coachees", in_place=in_place)])
    ordered = desk.sort(rows, names)
    pages = (len(ordered) - 1) // PAGE + 1
    page = max(0, min(page, pages - 1))
    shown = ordered[page * PAGE:(page + 1) * PAGE]
    lines = Items(tuple(Screen("cv_line", {"name": names[r.relation.id], "status": status_parts(desk, r)})
                        for r in shown))
    choices = [Choice(Event.COACH_VIEW, _literal(names[r.relation.id]), ref=r.relation.id) for r in shown]
    if page > 0:
        choices.append(Choice(Event.COACHEES_PAGE, "cv_btn_previous", page - 1))
    if page < pages - 1:
        choices.append(Choice(Event.COACHEES_PAGE, "cv_btn_next", page + 1))
    completed = sum(r.latest_answers is not None for r in rows)
    if completed >= desk.min_group:
        choices.append(Choice(Event.GROUP_VIEW, "btn_group_view"))
    choices.append(Choice(Event.COACH_NOTES, "cv_btn_notes_off", "off") if notes_on
                   else Choice(Event.COACH_NOTES, "cv_btn_notes_on", "on"))
    pager = Items((Screen("cv_page", {"page": page + 1, "pages": pages}),), separator="") if pages > 1 else Items(())
    return Step([Screen("cv_coachees", {"count": len(rows), "items": lines, "page": pager,
                                        "notes": Items((Screen("cv_notes_on", {"time": content.limits.coach_notes_time}) if notes_on
                                                         else Screen("cv_notes_off"),))},
                        choices=tuple(choices), in_place=in_place)])


# --- one coachee -----------------------------------------------------------------------------------
class CardView(Protocol):
    row: Row
    previous: object | None
    focus: list[str]
    plan_active: bool
    checkins: list


@dataclass(frozen=True)
class Seen:
    """One coachee as the coach sees them now: the card, the name as the coach reads it, the
    scored results, the plan's actions and whether a 360 summary can be shown."""

    desk: Desk
    card: CardView
    name: str
    actions: dict  # competency -> ActionView (the plan's active actions)
    feedback_summary: dict | None = None  # the published summary (None: none)
    feedback_withheld: bool = False
    feedback_min: int = 3

    @property
    def relation_id(self) -> int:
        return self.card.row.relation.id

    @property
    def result(self) -> Result | None:
        row = self.card.row
        return score(row.latest_answers, self.desk.content, row.version) if row.latest_answers is not None else None

    @property
    def previous(self) -> Result | None:
        before = self.card.previous
        return score(before.answers, self.desk.content, before.version) if before is not None else None


def stale() -> Step:
    return Step([Screen("stale_button", notice=True)])


def _back(seen: Seen) -> tuple[Choice, ...]:
    return (Choice(Event.COACHEE_BACK, seen.desk.content.localized("cv_btn_back_to", name=seen.name),
                   ref=seen.relation_id), Choice(Event.COACHEES_BACK, "cv_btn_list", 0))


def _detail(seen: Seen, key: str, params: dict) -> Step:
    return Step([Screen(key, {"name": seen.name} | params, choices=_back(seen), in_place=True)])


def coach_chart(seen: Seen) -> Screen | None:
    """The coachee's profile chart, captioned for the coach (now and the time before, if any)."""
    result, previous = seen.result, seen.previous
    if result is None:
        return None
    picture = chart(seen.desk.content, result.scores, previous.scores if previous else None)
    picture = replace(picture, title="cv_chart_title",
                      series=tuple(replace(s, label=f"cv_{s.label}") if s.label in ("series_self", "series_previous")
                                   else s for s in picture.series))
    return Screen("cv_chart_compared" if previous else "cv_chart", {"name": seen.name}, chart=picture)


def header(seen: Seen, in_place: bool = False) -> Screen:
    """"Kees: Manager, Manager-score 4 …": where the coachee stands, and a button per detail."""
    desk, row, content = seen.desk, seen.card.row, seen.desk.content
    result, previous = seen.result, seen.previous
    lines: list[Screen] = []
    if result is not None and result.archetype != INSUFFICIENT:
        lines.append(Screen("cv_archetype", {
            "name": seen.name, "archetype": content.archetype_name(result.archetype), "leider": result.leider,
            "manager": result.manager, "threshold": content.scoring.threshold, "date": desk.when(row.completed_at)}))
        lines.append(Screen("cv_layers", {"layers": Items(tuple(
            Screen("layer_score", {"name": content.layers[layer].name, "score": result.layers[layer]})
            for layer in LAYERS), separator=" · ")}))
        lines.append(Screen("cv_counts", {"points": len(result.development_points[: content.limits.points_shown]),
                                          "strengths": len(result.strengths[: content.limits.strengths_shown]),
                                          "watch": len(result.watch_outs)}))
    elif result is not None:
        lines.append(Screen("cv_insufficient", {"name": seen.name, "date": desk.when(row.completed_at)}))
    else:
        lines.append(Screen("cv_no_result", {"name": seen.name}))
    if row.cursor is not None and row.touched_at:
        lines.append(Screen("cv_open_assessment", {"n": row.cursor + 1, "total": content.total,
                                                   "since": desk.when(row.touched_at)}))
    if result is not None and previous is not None:
        delta = changes(result, previous)
        lines.append(Screen("cv_changes_line", {"date": desk.when(seen.card.previous.completed_at),
                                                "up": sum(d > 0 for d in delta.values()),
                                                "down": sum(d < 0 for d in delta.values())}))
    lines.append(Screen("cv_plan_line", {"count": len(seen.card.focus)}) if seen.card.plan_active
                 else Screen("cv_no_plan_line", {"name": seen.name}))
    lines.append(Screen("cv_status_line", {"status": status_parts(desk, row)}))
    choices: list[Choice] = []
    if result is not None and result.archetype != INSUFFICIENT:
        choices += [Choice(Event.COACHEE_POINTS, "cv_btn_points", ref=seen.relation_id),
                    Choice(Event.COACHEE_STRENGTHS, "cv_btn_strengths", ref=seen.relation_id)]
        if result.watch_outs:
            choices.append(Choice(Event.COACHEE_WATCH_OUTS, "cv_btn_watch_outs", ref=seen.relation_id))
        choices.append(Choice(Event.COACHEE_SCORES, "cv_btn_scores", ref=seen.relation_id))
        if previous is not None:
            choices.append(Choice(Event.COACHEE_CHANGES, "cv_btn_changes", ref=seen.relation_id))
    choices.append(Choice(Event.COACHEE_PLAN, "cv_btn_plan", ref=seen.relation_id))
    if seen.feedback_summary is not None or seen.feedback_withheld:
        choices.append(Choice(Event.COACHEE_FEEDBACK, "cv_btn_feedback", ref=seen.relation_id))
    choices += [Choice(Event.THREAD_OPEN, "btn_open_thread", 0, ref=seen.relation_id),
                Choice(Event.COACHEE_LABEL, "cv_btn_label", ref=seen.relation_id),
                Choice(Event.COACHEES_BACK, "cv_btn_list", 0)]
    since = seen.card.row.relation.consented_at
    return Screen("cv_header", {"name": seen.name, "since": desk.when(since), "lines": Items(tuple(lines))},
                  choices=tuple(choices), in_place=in_place)


def open_coachee(seen: Seen) -> list[Screen]:
    """The chart (captioned for the coach) and the header with its buttons."""
    picture = coach_chart(seen)
    return ([picture] if picture else []) + [header(seen)]


def points(seen: Seen) -> Step:
    content, result = seen.desk.content, seen.result
    if result is None:
        return stale()
    shown = () if result.flat else result.development_points[: content.limits.points_shown]
    if not shown:
        return _detail(seen, "cv_points_none", {})
    items = []
    for rank, point in enumerate(shown, start=1):
        band = "low" if point.score <= content.scoring.low_band_up_to else "mid"
        tips = content.coaching[point.competency].tips_for(band)[: content.limits.tips_shown]
        items.append(Screen("cv_point_item", {"rank": rank, "name": content.names[point.competency],
                                              "score": point.score, "target": point.target,
                                              "tips": Items(tuple(Screen("tip_item", {"tip": t}) for t in tips))}))
    return _detail(seen, "cv_points", {"items": Items(tuple(items), separator="\n\n")})


def strengths(seen: Seen) -> Step:
    content, result = seen.desk.content, seen.result
    if result is None:
        return stale()
    shown = () if result.flat else result.strengths[: content.limits.strengths_shown]
    if not shown:
        return _detail(seen, "cv_strengths_none", {})
    items = Items(tuple(Screen("cv_strength_item", {"name": content.names[c], "score": value,
                                                    "overuse": content.coaching[c].overuse}) for c, value in shown),
                  separator="\n\n")
    return _detail(seen, "cv_strengths", {"items": items})


def watch_outs(seen: Seen) -> Step:
    content, result = seen.desk.content, seen.result
    if result is None:
        return stale()
    if not result.watch_outs:
        return _detail(seen, "cv_watch_outs_none", {})
    items = Items(tuple(Screen("cv_watch_out_item", {"name": content.pitfalls[p].name, "tip": content.pitfalls[p].tip})
                        for p in result.watch_outs), separator="\n\n")
    return _detail(seen, "cv_watch_outs", {"items": items})


def all_scores(seen: Seen) -> Step:
    content, result, previous = seen.desk.content, seen.result, seen.previous
    if result is None:
        return stale()
    delta = changes(result, previous) if previous is not None else {}
    sections = []
    for group, group_name in content.groups.items():
        lines = tuple(Screen("cv_score_item", {
            "name": q.name, "score": result.scores.get(q.id), "target": content.scoring.targets[q.id],
            "mark": Items((Screen(_mark(content, result, q.id)),)),
            "change": Items((Screen("arrow_up" if delta[q.id] > 0 else "arrow_down"),)) if delta.get(q.id)
            else Items(())}) for q in content.competencies if q.group == group)
        sections.append(Screen("cv_score_group", {"group": group_name, "score": result.group_means[group],
                                                  "items": Items(lines)}))
    layers = Items(tuple(Screen("layer_score", {"name": content.layers[layer].name, "score": result.layers[layer]})
                         for layer in LAYERS), separator=" · ")
    return _detail(seen, "cv_scores", {"groups": Items(tuple(sections), separator="\n\n"), "layers": layers})


def _mark(content: Content, result: Result, competency: str) -> str:
    value = result.scores.get(competency)
    if value is None:
        return "mark_skipped"
    return "mark_gap" if content.scoring.targets[competency] - value >= content.scoring.min_gap else "mark_ok"


def changes_since(seen: Seen) -> Step:
    """Every competency that moved since the previous assessment: before → after."""
    content, result, previous = seen.desk.content, seen.result, seen.previous
    if result is None or previous is None:
        return stale()
    delta = changes(result, previous)
    moved = [q for q in content.competencies if delta.get(q.id)]
    items = Items(tuple(Screen("cv_change_item", {
        "name": q.name, "before": previous.scores.get(q.id), "after": result.scores.get(q.id),
        "arrow": Items((Screen("arrow_up" if delta[q.id] > 0 else "arrow_down"),), separator="")})
        for q in moved)) if moved else Items((Screen("cv_changes_none"),))
    return _detail(seen, "cv_changes", {
        "date": seen.desk.when(seen.card.previous.completed_at), "now": seen.desk.when(seen.card.row.completed_at),
        "before": content.archetype_name(previous.archetype), "after": content.archetype_name(result.archetype),
        "up": sum(d > 0 for d in delta.values()), "down": sum(d < 0 for d in delta.values()), "items": items})


def plan(seen: Seen) -> Step:
    """The plan: each focus with its action, and the check-ins over time with their answers."""
    content, card = seen.desk.content, seen.card
    if not card.plan_active or not card.focus:
        return _detail(seen, "cv_plan_none", {})
    items = []
    for n, competency in enumerate(card.focus, start=1):
        action = seen.actions.get(competency)
        answers = [c for c in card.checkins if action is not None and c.action_id == action.id and c.answer]
        trend = Trend.of([c.answer for c in answers])
        items.append(Screen("cv_plan_item", {
            "n": n, "name": content.names[competency],
            "action": Items((Screen("cv_plan_action", {"action": action_text(content, action)}),)) if action
            else Items((Screen("cv_plan_no_action"),)),
            "trend": Items((Screen("cv_plan_trend", {"done": trend.count("done"), "weeks": len(trend.answers)}),))
            if trend.answers else Items(())}))
    history = Items(tuple(_checkin_line(seen, c) for c in card.checkins)) if card.checkins \
        else Items((Screen("cv_checkins_none"),))
    return _detail(seen, "cv_plan", {"items": Items(tuple(items), separator="\n\n"), "history": history})


def _checkin_line(seen: Seen, line) -> Screen:
    content = seen.desk.content
    if line.answer:
        given = Screen(f"symbol_{line.answer}") if line.answer != "dropped" else Screen("cv_dropped")
    elif line.rating is not None:
        given = Screen("cv_rating", {"rating": line.rating})
    else:
        given = Screen("cv_unanswered")
    return Screen("cv_checkin_item", {"date": seen.desk.when(line.due_at), "name": content.names[line.competency],
                                      "answer": Items((given,))})


def feedback_summary(seen: Seen) -> list[Screen] | Step:
    """The 360 summary in the third person (with consent: the relation stands), or withheld."""
    content = seen.desk.content
    if seen.feedback_withheld:
        return _detail(seen, "cv_feedback_withheld", {"min": seen.feedback_min})
    summary = feedback.FeedbackSummary.from_dict(seen.feedback_summary) if seen.feedback_summary else None
    if summary is None:
        return stale()
    own, others = summary.self_scores, summary.others
    groups = Items(tuple(Screen("cv_fb_line", {"name": content.groups[g], "who": seen.name, "own": v["self"],
                                               "others": v["others"]}) for g, v in summary.groups.items()))

    def gaps(ids: list[str]) -> Items:
        if not ids:
            return Items((Screen("feedback_none"),))
        return Items(tuple(Screen("cv_fb_line", {"name": content.names[c], "who": seen.name, "own": own[c],
                                                 "others": others[c]}) for c in ids))

    self_arch, others_arch = summary.archetype
    text = Screen("cv_feedback", {
        "name": seen.name, "count": summary.raters, "groups": groups,
        "date": When(f"{summary.taken[:10]}T12:00:00+00:00", seen.desk.zone, with_time=False),
        "blind": gaps(list(summary.blind)), "hidden": gaps(list(summary.hidden)),
        "self_archetype": content.archetype_name(self_arch), "others_archetype": content.archetype_name(others_arch),
    }, choices=_back(seen))
    picture = chart(content, own, others=others)
    picture = replace(picture, title="cv_chart_title", series=tuple(
        replace(s, label="cv_series_self") if s.label == "series_self" else s for s in picture.series))
    return [Screen("cv_feedback_chart", {"name": seen.name}, chart=picture), text]


# --- the daily note ----------------------------------------------------------------------------------
def daily_note(happenings: list, names: dict[int, str], zone: str) -> Screen:
    """What coachees did since the last note, one line each, with a button to open each one."""
    items = Items(tuple(Screen(f"cv_note_{h.kind}", {"name": names.get(h.relation_id, "?"),
                                                     "when": When(h.happened_at, zone)}) for h in happenings))
    opened: list[int] = []
    for h in happenings:
        if h.relation_id not in opened and h.relation_id in names:
            opened.append(h.relation_id)
    choices = tuple(Choice(Event.COACH_VIEW, _literal(names[rid]), ref=rid) for rid in opened[:PAGE])
    return Screen("cv_daily_note", {"items": items},
                  choices=choices + (Choice(Event.COACH_NOTES, "cv_btn_notes_off", "off"),))
