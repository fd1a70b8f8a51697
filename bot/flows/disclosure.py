"""Admin statistics: the rules that keep aggregates aggregate. Counts in, screens out; no I/O.

``min_group`` (REGIECOACH_MIN_GROUP) is written *k* below.

Snapshots by calendar
    Figures are published as snapshots (:func:`publish`). The first appears as soon as k people
    completed an assessment; after that a snapshot renews at most once per calendar period
    (``REGIECOACH_STATS_PERIOD``, default a month) and only when at least k people completed
    since the last one (:func:`renewal_due`). A renewal counts what stood at the start of the
    period (:func:`period_start`), never what stands at the moment an admin looks, so looking
    sooner or later, or more often, changes nothing; and nothing counts down to the next one.
    Two snapshots are about populations that differ by at least k people.

Within one snapshot
    * A figure about fewer than k people is withheld (shown as ``<k``).
    * A partition (archetypes incl. "not enough answers"; home ground in the layers;
      the question where unfinished assessments stopped) shows a cell only with ≥ k people,
      and the withheld cells together hold 0 or ≥ k people: otherwise the next smallest shown
      cells are withheld too (:func:`suppress_partition`). So "total minus the shown cells"
      never names a group of 1 to k − 1 people.
    * The count per answer 1–5 of a question is shown whole or not at all: its mean is
      published too, and a mean plus a partly shown count would solve two withheld cells.
    * A count that is not a cell of a shown partition (people with a development point on a
      competency) is shown only when it and the rest of its people are each 0 or ≥ k
      (:func:`complement_allowed`).
    * No figure equals everyone's answer: where every person in a group gave the same answer
      to a statement, or one category of a partition holds everyone, the whole group is
      withheld as "no spread" (it would tell each of them what they answered). A count of
      people with a development point is withheld when it is 0 or everyone, for the same reason.
    * Activity counts (users, consented, assessments started and completed, people with a
      result, feedback requests and raters) are shown when ≥ k, and only as a snapshot: they
      move with the snapshot, never live. Skipped answers are not answers: how many people
      answered a question is shown with its mean.

Over time (per figure)
    Each group of figures — one question (mean, count per answer, development points), the
    archetypes, the layers, the stops of a question set — carries the number of people it is
    about. It is published anew only when that number is at least k above the number it was
    last published with (:func:`renew_or_keep`); otherwise the last published values stay,
    with their own date and people count, and they are withheld while fewer than k people are
    in the group now (after erasures). Published people counts of a figure therefore rise in
    steps of at least k: e.g. when of k new people only one answered a question, that
    question's mean is not republished, or it would give that one answer away.

What remains: between two snapshots a count can change by fewer than k (e.g. "Vakspecialist"
from 5 to 6); that says how many of the ≥ k people who completed in between fall in that
cell, never which of them, nor anybody's answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, time, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.content import RATINGS, Content
from bot.flows.scoring import INSUFFICIENT
from bot.flows.screens import BarChart, Items, Screen

TOP_GAPS = 10
ACTIVITY = ("people", "users", "consented", "started", "completed")
FEEDBACK_ACTIVITY = ("feedback_requests", "feedback_began", "feedback_completed")
ARCHETYPES, LAYERS = "archetypes", "home"
RETIRED = frozenset({"layers"})  # where the layers' weight lay (before home ground): not carried into new snapshots
TWO, ALL, NO_LAYER = "two", "all", "none"  # home ground in two layers, in all three, in none
CSV_HEADER = ("snapshot", "question_set", "section", "item", "measure", "value", "people", "published")


class Counts(Protocol):
    """What the rules need from storage (``storage.StatsCounts``)."""

    users: int
    consented: int
    started: int
    completed: int
    population: dict[int, int]  # question set version -> people
    answers: dict[tuple[int, str], dict[int, int]]  # (version, question id) -> {answer: people}
    archetypes: dict[str, int]
    levels: dict[str, int]  # home ground: "richten+inrichten" -> people; "" = no layer rated 4 or more
    stops: dict[tuple[int, int], int]  # (version, question index) -> unfinished assessments
    feedback: tuple[int, int, int]  # feedback requests, raters who began, raters who completed


class Withheld(str):
    """A figure not shown, written ``<k``."""


@dataclass(frozen=True)
class Group:
    """Published figures about one set of people, as they were when published."""

    people: int  # how many people the figures are about
    published: str  # date (YYYY-MM-DD) of the snapshot that published them
    cells: dict[str, int | None]  # a partition of the people; None = withheld
    mean: float | None = None  # questions: mean answer
    gaps: int | None = None  # competencies: people with a development point; None = withheld
    hidden: bool = False  # fewer than k people are in the group now: everything withheld
    unanimous: bool = False  # everybody gave the same answer or is in one category: withheld


@dataclass(frozen=True)
class Snapshot:
    taken: str  # date (YYYY-MM-DD)
    activity: dict[str, int | None]
    groups: dict[str, Group]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Snapshot:
        return cls(data["taken"], dict(data["activity"]),
                   {key: Group(**value) for key, value in data["groups"].items()})


def competency_key(competency_id: str) -> str:
    return f"competency:{competency_id}"


def statement_key(version: int, question_id: str) -> str:
    return f"statement:{version}:{question_id}"


def stops_key(version: int) -> str:
    return f"stops:{version}"


# --- the rules ---------------------------------------------------------------------------------

PERIOD_MONTHS = {"month": 1, "quarter": 3}


def period_start(moment: datetime, period: str, zone: str) -> datetime:
    """The start (midnight, local time) of the calendar period ``moment`` falls in, in UTC: a
    week starts on Monday, a month on its first day, a quarter in January, April, July, October."""
    local = moment.astimezone(ZoneInfo(zone)).date()
    if period == "week":
        first = local - timedelta(days=local.weekday())
    else:
        months = PERIOD_MONTHS[period]
        first = local.replace(month=(local.month - 1) // months * months + 1, day=1)
    return datetime.combine(first, time(0, 0), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def next_period_start(moment: datetime, period: str, zone: str) -> datetime:
    """The start of the period after the one ``moment`` falls in."""
    start = period_start(moment, period, zone).astimezone(ZoneInfo(zone))
    later = start + timedelta(days=7 if period == "week" else 31 * PERIOD_MONTHS[period] + 1)
    return period_start(later.astimezone(timezone.utc), period, zone)


def renewal_due(new_people: int, min_group: int) -> bool:
    """Enough new people for a renewal: at least ``min_group`` completed since the last one."""
    return new_people >= min_group


def small(count: int, min_group: int) -> bool:
    """1 to k − 1 people: too few to show, or to be the difference between two shown figures."""
    return 0 < count < min_group


def complement_allowed(count: int, total: int, min_group: int) -> bool:
    """A count of ``total`` people may be shown only if neither it nor ``total − count`` is small,
    and it is neither none nor everyone (that would tell each of them which side they are on)."""
    return 0 < count < total and not small(count, min_group) and not small(total - count, min_group)


def unanimous(cells: Mapping[str, int | None], total: int) -> bool:
    """One cell holds everybody (as far as the shown cells tell)."""
    return total > 0 and any(n == total for n in cells.values())


def suppress_partition(cells: Mapping[str, int | None], total: int, min_group: int) -> dict[str, int | None]:
    """Cells shown (≥ k) or withheld (None) so that the withheld ones hold 0 or ≥ k of ``total``.

    Cells already None stay withheld. While the withheld people are 1 to k − 1, the smallest
    shown cell (the first in order on a tie) is withheld as well, possibly all of them.
    """
    order = list(cells)
    shown = {key: n for key, n in cells.items() if n is not None and n >= min_group}
    while shown and small(total - sum(shown.values()), min_group):
        del shown[min(shown, key=lambda key: (shown[key], order.index(key)))]
    return {key: shown.get(key) for key in cells}


def whole_or_withheld(cells: Mapping[str, int | None], total: int, min_group: int) -> dict[str, int | None]:
    """A question's count per answer: every cell shown (the withheld ones are 0) or none."""
    suppressed = suppress_partition(cells, total, min_group)
    if total - sum(n for n in suppressed.values() if n is not None):
        return {key: None for key in cells}
    return suppressed


def renew_or_keep(before: Group | None, fresh: Group | None, people: int, min_group: int) -> Group | None:
    """The group to publish now: ``fresh`` (computed over ``people`` now; None when < k) if this
    is its first publication or ``people`` is at least k above the last published count;
    otherwise the last published group, withheld while fewer than k people are in it now."""
    if fresh is not None and (before is None or people >= before.people + min_group):
        return fresh
    if before is None:
        return None
    return replace(before, hidden=people < min_group)


def _no_spread(people: int, today: str, cells: Mapping[str, int | None]) -> Group:
    return Group(people, today, {key: None for key in cells}, unanimous=True)


def _partition(cells: dict[str, int], min_group: int, today: str) -> tuple[int, Group | None]:
    people = sum(cells.values())
    if people < min_group:
        return people, None
    if unanimous(cells, people):
        return people, _no_spread(people, today, cells)
    return people, Group(people, today, suppress_partition(cells, people, min_group))


def _question(answers: Mapping[int, int], min_group: int, today: str,
              gap_limit: float | None = None) -> tuple[int, Group | None]:
    answers = {v: n for v, n in answers.items() if v in RATINGS}
    people = sum(answers.values())
    if people < min_group:
        return people, None
    if unanimous({str(v): n for v, n in answers.items()}, people):
        return people, _no_spread(people, today, {str(v): 0 for v in RATINGS})
    cells = whole_or_withheld({str(v): answers.get(v, 0) for v in RATINGS}, people, min_group)
    mean = round(sum(v * n for v, n in answers.items()) / people, 2)
    gaps = None
    if gap_limit is not None:
        count = sum(n for v, n in answers.items() if v <= gap_limit)
        gaps = count if complement_allowed(count, people, min_group) else None
    return people, Group(people, today, cells, mean, gaps)


def archetype_ids(content: Content) -> list[str]:
    return [*content.archetypes, INSUFFICIENT]


def layer_ids(content: Content) -> list[str]:
    return [*content.layers, TWO, ALL, NO_LAYER]


def _current(counts: Counts, content: Content, min_group: int, today: str) -> dict[str, tuple[int, Group | None]]:
    """Every group as it would be published now, with the people it is about now."""
    k = min_group
    archetypes = {a: 0 for a in archetype_ids(content)}
    for archetype, people in counts.archetypes.items():
        archetypes[archetype] = archetypes.get(archetype, 0) + people
    layers = {layer: 0 for layer in layer_ids(content)}
    for joined, people in counts.levels.items():
        home = [layer for layer in joined.split("+") if layer in content.layers]
        cell = {0: NO_LAYER, 1: home[0] if home else NO_LAYER, len(content.layers): ALL}.get(len(home), TWO)
        layers[cell] = layers.get(cell, 0) + people
    groups = {ARCHETYPES: _partition(archetypes, k, today), LAYERS: _partition(layers, k, today)}
    rules = content.scoring
    competencies = {q.id for q in content.competencies}
    for q in content.competencies:  # shared by every question set version
        answers: dict[int, int] = {}
        for (_, question_id), per_answer in counts.answers.items():
            if question_id == q.id:
                for value, people in per_answer.items():
                    answers[value] = answers.get(value, 0) + people
        groups[competency_key(q.id)] = _question(answers, k, today, rules.targets[q.id] - rules.min_gap)
    for (version, question_id), per_answer in counts.answers.items():
        if question_id not in competencies:  # role and layer statements differ per version
            groups[statement_key(version, question_id)] = _question(per_answer, k, today)
    for version in sorted({version for version, _ in counts.stops}):
        cells = {str(index + 1): n for (v, index), n in sorted(counts.stops.items()) if v == version}
        groups[stops_key(version)] = _partition(cells, k, today)
    return groups


def publish(previous: Snapshot | None, counts: Counts, content: Content, min_group: int, today: str) -> Snapshot:
    """The next snapshot: every group renewed or kept (see :func:`renew_or_keep`)."""
    current = _current(counts, content, min_group, today)
    groups = {}
    for key in sorted(set(current) | (set(previous.groups) - RETIRED if previous else set())):
        people, fresh = current.get(key, (0, None))
        group = renew_or_keep(previous.groups.get(key) if previous else None, fresh, people, min_group)
        if group is not None:
            groups[key] = group
    activity = {"people": sum(counts.population.values()), "users": counts.users, "consented": counts.consented,
                "started": counts.started, "completed": counts.completed,
                **dict(zip(FEEDBACK_ACTIVITY, counts.feedback))}
    return Snapshot(today, {name: (n if n >= min_group else None) for name, n in activity.items()}, groups)


def visible(snapshot: Snapshot, key: str, min_group: int) -> Group | None:
    """The group as it may be shown under today's threshold (it may have been raised since)."""
    group = snapshot.groups.get(key)
    if group is None or group.hidden or group.people < min_group:
        return None
    if group.unanimous or unanimous(group.cells, group.people):  # (also in snapshots from before this rule)
        return _no_spread(group.people, group.published, group.cells)
    k = min_group
    if group.mean is not None:
        gaps = group.gaps if group.gaps is not None and complement_allowed(group.gaps, group.people, k) else None
        return replace(group, cells=whole_or_withheld(group.cells, group.people, k), gaps=gaps)
    return replace(group, cells=suppress_partition(group.cells, group.people, k))


def activity(snapshot: Snapshot, min_group: int, names: tuple[str, ...] = ACTIVITY) -> dict[str, int | None]:
    return {name: (n if n is not None and n >= min_group else None)
            for name, n in ((name, snapshot.activity.get(name)) for name in names)}


def versions(snapshot: Snapshot, prefix: str) -> list[int]:
    return sorted({int(key.split(":")[1]) for key in snapshot.groups if key.startswith(prefix + ":")})


def statement_ids(snapshot: Snapshot, version: int, content: Content) -> list[str]:
    """The role and layer statements of ``version`` in asking order (as far as content knows it)."""
    prefix = f"statement:{version}:"
    ids = [key[len(prefix):] for key in snapshot.groups if key.startswith(prefix)]
    questions = content.question_sets.get(version)
    known = {q.id: q.index for q in questions.questions} if questions else {}
    return sorted(ids, key=lambda question_id: (known.get(question_id, len(known)), question_id))


def statement_name(content: Content, version: int, question_id: str) -> dict[str, str] | str:
    """A statement's number in its question set and a short name: the layer, the pitfall, or its id."""
    questions = content.question_sets.get(version)
    question = questions.by_id(question_id) if questions else None
    if question is None:
        return question_id
    if question.kind == "layer" and question_id in content.layers:
        short: dict[str, str] | str = content.layers[question_id].name
    elif question.pitfall in content.pitfalls:
        short = content.pitfalls[question.pitfall].name
    else:
        short = question_id
    if isinstance(short, str):
        return f"{question.index + 1} {short}"
    return {language: f"{question.index + 1} {text}" for language, text in short.items()}


def remainder(group: Group) -> int:
    """People in the withheld cells of a shown partition together (0 or ≥ k)."""
    return group.people - sum(n for n in group.cells.values() if n is not None)


# --- screens ------------------------------------------------------------------------------------

def _figure(value: int | float | None, min_group: int) -> int | float | Withheld:
    return Withheld(f"<{min_group}") if value is None else value


def _shown(group: Group | None, value: int | float | None, min_group: int,
           content: Content) -> int | float | Withheld | dict[str, str]:
    """A group's figure as shown: the value, ``<k``, or "no spread" when everyone answered alike."""
    if group is not None and group.unanimous:
        return content.ui["stats_no_spread"]
    return _figure(value, min_group)


def feedback_activity(snapshot: Snapshot, min_group: int) -> Screen:
    """Feedback from colleagues in numbers as the snapshot published them (activity, never
    anybody's ratings), each withheld under the anonymity threshold."""
    shown = activity(snapshot, min_group, FEEDBACK_ACTIVITY)
    requests, began, completed = (shown[name] for name in FEEDBACK_ACTIVITY)
    per_request = round(completed / requests, 1) if requests and completed else None
    return Screen("stats_feedback", {"requests": _figure(requests, min_group), "began": _figure(began, min_group),
                                     "completed": _figure(completed, min_group),
                                     "per_request": _figure(per_request, min_group)})


def _about(group: Group | None, snapshot: Snapshot) -> Items:
    """How many people a group is about, and since when when it is older than the snapshot."""
    if group is None:
        return Items(())
    if group.published == snapshot.taken:
        return Items((Screen("stats_about", {"people": group.people}),), separator="")
    return Items((Screen("stats_about_since", {"people": group.people, "date": group.published}),), separator="")


def _name(content: Content, item: str) -> dict[str, str] | str:
    if item in content.archetypes or item == INSUFFICIENT:
        return content.archetype_name(item)
    if item in (TWO, ALL, NO_LAYER):
        return content.ui[f"stats_layer_{item}"]
    if item in content.layers:
        return content.layers[item].name
    return content.names.get(item, item)


def _count_lines(content: Content, group: Group | None, ids: Iterable[str], min_group: int) -> Items:
    cells = group.cells if group else {}
    return Items(tuple(Screen("stats_count_item", {"name": _name(content, item),
                                                   "count": _shown(group, cells.get(item), min_group, content)})
                       for item in ids))


def admin_screens(snapshot: Snapshot | None, content: Content, min_group: int, next_from: str) -> list[Screen]:
    """The /stats screens of the latest snapshot; ``next_from``: the date from which the next one
    may be published (nothing says how many more people that needs)."""
    k = min_group
    if snapshot is None:
        return [Screen("stats_none_yet", {"min": k})]
    shown = activity(snapshot, k)
    started, completed = shown["started"], shown["completed"]
    rate = (Items((Screen("percent", {"value": round(100.0 * completed / started, 1)}),))
            if started and completed is not None else Withheld(f"<{k}"))
    overview = Screen("stats_overview", {
        "date": snapshot.taken, **{name: _figure(n, k) for name, n in shown.items()},
        "rate": rate, "next": next_from, "min": k})

    archetypes, layers = visible(snapshot, ARCHETYPES, k), visible(snapshot, LAYERS, k)
    distribution = Screen("stats_distribution", {
        "archetypes": _count_lines(content, archetypes, archetype_ids(content), k),
        "archetypes_about": _about(archetypes, snapshot),
        "layers": _count_lines(content, layers, layer_ids(content), k),
        "layers_about": _about(layers, snapshot)})

    lines, frequent = [], []
    for q in content.competencies:
        group = visible(snapshot, competency_key(q.id), k)
        lines.append(Screen("stats_competency_item", {
            "name": q.name, "mean": _shown(group, group.mean if group else None, k, content),
            "target": content.scoring.targets[q.id], "about": _about(group, snapshot)}))
        if group is not None and group.gaps is not None:
            frequent.append((group.gaps, q))
    competencies = Screen("stats_competencies", {"items": Items(tuple(lines))})
    frequent.sort(key=lambda item: -item[0])
    gaps = Screen("stats_gaps", {"items": Items(tuple(
        Screen("stats_count_item", {"name": q.name, "count": n}) for n, q in frequent[:TOP_GAPS]
    ) or (Screen("stats_none_shown", {"min": k}),))})

    screens = [overview, distribution, competencies, gaps, feedback_activity(snapshot, k)]
    for version in versions(snapshot, "statement"):
        items = []
        for question_id in statement_ids(snapshot, version, content):
            group = visible(snapshot, statement_key(version, question_id), k)
            items.append(Screen("stats_statement_item", {
                "name": statement_name(content, version, question_id),
                "mean": _shown(group, group.mean if group else None, k, content),
                "about": _about(group, snapshot)}))
        screens.append(Screen("stats_statements", {"version": version, "items": Items(tuple(items))}))
    stop_versions = versions(snapshot, "stops")
    for version in stop_versions:
        group = visible(snapshot, stops_key(version), k)
        items = []
        if group is not None and group.unanimous:
            items = [Screen("stats_no_spread_item")]
        elif group is not None:
            items = [Screen("stats_stop_item", {"n": n, "count": count})
                     for n, count in group.cells.items() if count is not None]
            if remainder(group):
                items.append(Screen("stats_stop_elsewhere", {"count": remainder(group)}))
        screens.append(Screen("stats_dropoff", {
            "version": version, "about": _about(group, snapshot),
            "items": Items(tuple(items) or (Screen("stats_no_stops", {"min": k}),))}))
    if not stop_versions:
        screens.append(Screen("stats_dropoff_none", {"min": k}))
    return screens + charts(snapshot, content, k)


def charts(snapshot: Snapshot, content: Content, min_group: int) -> list[Screen]:
    """The shown figures as pictures; withheld ones are left out (None)."""
    k = min_group
    archetypes = visible(snapshot, ARCHETYPES, k)
    ids = archetype_ids(content)
    screens = []
    if archetypes is not None and any(archetypes.cells.get(a) is not None for a in ids):
        screens.append(Screen("chart_archetypes", chart=BarChart(
            "bars", tuple(_name(content, a) for a in ids), tuple(archetypes.cells.get(a) for a in ids))))
    means = tuple(group.mean if (group := visible(snapshot, competency_key(q.id), k)) else None
                  for q in content.competencies)
    if any(mean is not None for mean in means):
        screens.append(Screen("chart_competencies", chart=BarChart(
            "horizontal", tuple(q.name for q in content.competencies), means,
            tuple(content.scoring.targets[q.id] for q in content.competencies))))
    for version in versions(snapshot, "stops"):
        group = visible(snapshot, stops_key(version), k)
        if group is None or all(n is None for n in group.cells.values()):
            continue
        last = max(content.questions_of(version).total, *(int(n) for n in group.cells))
        screens.append(Screen("chart_stops", {"version": version}, chart=BarChart(
            "bars", tuple(str(n) for n in range(1, last + 1)),
            tuple(group.cells.get(str(n)) for n in range(1, last + 1)))))
    return screens


# --- CSV ------------------------------------------------------------------------------------------

NO_SPREAD = "no_spread"  # the CSV's mark of a figure withheld because everyone answered alike


def csv_rows(snapshot: Snapshot | None, min_group: int, next_from: str, content: Content) -> list[tuple[str, ...]]:
    """The published aggregates as CSV rows: one row per figure, never one per person."""
    k = min_group
    rows: list[tuple[str, ...]] = [CSV_HEADER, ("", "", "status", "next_snapshot", "not_before", next_from, "", "")]
    if snapshot is None:
        return rows
    date = snapshot.taken

    def cell(value: int | float | None, group: Group | None) -> str:
        if group is not None and group.unanimous:
            return NO_SPREAD
        if value is None:
            return f"<{k}"
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    def row(version: str, section: str, item: str, measure: str, value: int | float | None,
            group: Group | None) -> None:
        rows.append((date, version, section, item, measure, cell(value, group),
                     str(group.people) if group else "", group.published if group else ""))

    for name, n in activity(snapshot, k, ACTIVITY + FEEDBACK_ACTIVITY).items():
        rows.append((date, "", "activity", name, "count", cell(n, None), "", date))
    for section, key, ids in (("archetype", ARCHETYPES, archetype_ids(content)),
                              ("home_ground", LAYERS, layer_ids(content))):
        group = visible(snapshot, key, k)
        for item in ids:
            row("", section, item, "count", group.cells.get(item) if group else None, group)

    def question(version: str, section: str, item: str, group: Group | None, with_gaps: bool) -> None:
        row(version, section, item, "mean", group.mean if group else None, group)
        for value in RATINGS:
            row(version, section, item, f"answer_{value}", group.cells.get(str(value)) if group else None, group)
        if with_gaps:
            row(version, section, item, "gaps", group.gaps if group else None, group)

    for q in content.competencies:
        question("all", "competency", q.id, visible(snapshot, competency_key(q.id), k), True)
    for version in versions(snapshot, "statement"):
        for question_id in statement_ids(snapshot, version, content):
            question(str(version), "statement", question_id,
                     visible(snapshot, statement_key(version, question_id), k), False)
    for version in versions(snapshot, "stops"):
        group = visible(snapshot, stops_key(version), k)
        if group is None or group.unanimous:
            row(str(version), "stopped_at", "all", "count", None, group)
            continue
        for n, count in group.cells.items():
            if count is not None:
                row(str(version), "stopped_at", n, "count", count, group)
        row(str(version), "stopped_at", "other", "count", remainder(group), group)  # 0 or ≥ k
    return rows
