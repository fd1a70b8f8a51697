"""Admin statistics: figures in, screens out, with every small group withheld.

Any figure about fewer than ``minimum`` people is shown as ``<minimum`` and left out of the
charts. A machine guards the admin-only events.
"""

from __future__ import annotations

from typing import Any

from transitions import EventData
from transitions import Machine

from bot.content import Content
from bot.flows.screens import BarChart, Choice, Items, Screen

PERIODS = {"all": None, "30": 30}  # period key -> days
TOP_GAPS = 10


class Withheld(str):
    """A figure not shown because it is about too few people."""


def shown(value: Any, people: int, minimum: int) -> Any:
    return value if people >= minimum else Withheld(f"<{minimum}")


def reached(figures: Any, total: int) -> list[int]:
    """How many assessments started in the period reached each question (a funnel)."""
    after = [0] * (total + 1)
    for cursor, count in figures.stopped_at.items():
        after[min(max(cursor, 0), total)] += count
    funnel, running = [], figures.completed
    for index in range(total, -1, -1):
        running += after[index]
        funnel.append(running)
    return list(reversed(funnel))[:total]


def stats_screens(content: Content, figures: Any, minimum: int, period: str) -> list[Screen]:
    m = minimum
    rate = (shown(Items((Screen("percent", {"value": round(100.0 * figures.completed / figures.started, 1)}),)),
                  figures.started, m) if figures.started else None)
    median = (shown(Items((Screen("minutes", {"value": round(figures.median_minutes, 1)}),)),
                    figures.completed_in_period, m) if figures.median_minutes is not None else None)
    overview = Screen("stats_overview", {
        "period": content.ui[f"period_{period}"],
        "users": shown(figures.users, figures.users, m), "consented": shown(figures.consented, figures.consented, m),
        "started": shown(figures.started, figures.started, m),
        "completed": shown(figures.completed_in_period, figures.completed_in_period, m),
        "rate": rate, "median": median, "min": m,
    }, choices=tuple(Choice("stats", f"btn_period_{key}", key) for key in PERIODS if key != period))

    archetypes = Items(tuple(
        Screen("stats_count_item", {"name": content.archetypes[a].name if a in content.archetypes
                                    else content.ui["archetype_unknown"],
                                    "count": shown(figures.archetypes.get(a, 0), figures.archetypes.get(a, 0), m)})
        for a in [*content.archetypes, "insufficient"]))
    levels = Items(tuple(
        Screen("stats_count_item", {"name": content.by_id(level).name,
                                    "count": shown(figures.levels.get(level, 0), figures.levels.get(level, 0), m)})
        for level in content.levels))
    distribution = Screen("stats_distribution", {"archetypes": archetypes, "levels": levels})

    lines = []
    for q in content.competencies:
        mean, people, gaps = figures.competency[q.id]
        lines.append(Screen("stats_competency_item", {
            "name": q.name, "mean": shown(mean, people, m) if mean is not None else None,
            "target": content.scoring.targets[q.id]}))
    competencies = Screen("stats_competencies", {"items": Items(tuple(lines))})

    frequent = sorted(((c, figures.competency[c][2]) for c in (q.id for q in content.competencies)),
                      key=lambda item: -item[1])
    visible = [(c, n) for c, n in frequent if n >= m][:TOP_GAPS]
    gaps = Screen("stats_gaps", {"items": Items(tuple(
        Screen("stats_count_item", {"name": content.by_id(c).name, "count": n}) for c, n in visible
    )) if visible else Items((Screen("stats_none_shown", {"min": m}),))})

    stops = [(cursor, n) for cursor, n in sorted(figures.stopped_at.items()) if cursor < content.total]
    dropoff = Screen("stats_dropoff", {"items": Items(tuple(
        Screen("stats_stop_item", {"n": cursor + 1, "total": content.total, "count": shown(n, n, m)})
        for cursor, n in stops)) if stops else Items((Screen("stats_no_stops"),))})

    return [overview, distribution, competencies, gaps, dropoff] + charts(content, figures, m)


def charts(content: Content, figures: Any, m: int) -> list[Screen]:
    """The figures as pictures; withheld values are left out (None)."""
    archetype_ids = [*content.archetypes, "insufficient"]
    archetype_chart = BarChart(
        "bars",
        tuple(content.archetypes[a].name if a in content.archetypes else content.ui["archetype_unknown"]
              for a in archetype_ids),
        tuple(n if (n := figures.archetypes.get(a, 0)) >= m else None for a in archetype_ids))
    means = []
    for q in content.competencies:
        mean, people, _ = figures.competency[q.id]
        means.append(mean if people >= m else None)
    competency_chart = BarChart("horizontal", tuple(q.name for q in content.competencies), tuple(means),
                                tuple(content.scoring.targets[q.id] for q in content.competencies))
    funnel = reached(figures, content.total)
    funnel_chart = BarChart("funnel", tuple(str(n) for n in range(1, content.total + 1)),
                            tuple(n if n >= m else None for n in funnel))
    screens = []
    for key, chart in (("chart_archetypes", archetype_chart), ("chart_competencies", competency_chart),
                       ("chart_funnel", funnel_chart)):
        if any(value is not None for value in chart.values):
            screens.append(Screen(key, chart=chart))
    return screens


class StatsModel:
    def __init__(self, content: Content, *, is_admin: bool) -> None:
        self.content = content
        self.admin = is_admin
        self.state = "ready"
        self.period: str | None = None  # the figures to load and show
        self.export = False
        self.screens: list[Screen] = []

    def is_admin(self, event: EventData) -> bool:
        return self.admin

    def known_period(self, event: EventData) -> bool:
        return event.kwargs.get("period", "all") in PERIODS

    def ask_figures(self, event: EventData) -> None:
        self.period = event.kwargs.get("period", "all")

    def ask_export(self, event: EventData) -> None:
        self.export = True


MACHINE = Machine(model=None, states=["ready"], initial="ready", auto_transitions=False,
                       send_event=True, ignore_invalid_triggers=True, transitions=[
                           {"trigger": "stats", "source": "ready", "dest": None,
                            "conditions": ["is_admin", "known_period"], "after": "ask_figures"},
                           {"trigger": "exportcsv", "source": "ready", "dest": None,
                            "conditions": "is_admin", "after": "ask_export"},
                       ])
EVENTS = frozenset(MACHINE.events)


async def fire(model: StatsModel, event: str, **kwargs: Any) -> StatsModel:
    handled = MACHINE.events[event].trigger(model, **kwargs)
    if not handled:  # not an admin: the ordinary unknown-command reply, nothing about stats
        model.screens.append(Screen("unknown_command"))
    return model
