"""The judgement bench (PRODUCT.md "Scoring"): is the coaching personal, and does every text
read as a sentence?

Simulates answer sets in five answering styles with a fixed seed, scores each with the real
scoring and renders its result texts with the real screens, in Dutch and English. Per style
it reports:

* the share of people whose #1 development point is among their lowest-scored answered
  competencies (goal: all of them);
* the competency most often #1 and its share of the people with a #1 (goal, for the lenient
  and central styles: at most 12 %);
* the share of flat profiles (no strengths or points picked);
* the share of people all of whose result texts pass the text check in both languages;
* a coach's weekly series over ``SERIES_WEEKS`` weeks (``bot/flows/coaching/series.py``): the
  share whose first prompt is on their own #1 development point, the competency most often
  first and its share (goal as for the #1), and the share who got no prompt twice.

The text check, per rendered text: no unfilled ``{…}``, no empty slot (an empty value, a
"None", a double space or a space before a full stop or comma), no "all three" where a layer
belongs, no layer name capitalised in the middle of a sentence, and no layer named as home
ground (or as where the work lies) that the person rated below "largely" (4).

Each statement is drawn on its own from the style's distribution; 2 % of the statements are
skipped, and a statement that needs an occasion is "didn't come up" for 10 % of the people.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.content import DIDNT_COME_UP, LANGUAGES, RATINGS, Content, load_content
from bot.flows import results
from bot.flows.coaching import series
from bot.flows.scoring import INSUFFICIENT, Result, score
from bot.flows.screens import Document, Items, Screen
from bot.render import plain_text, screen_text

SEED = 2026
PEOPLE = 10_000  # in all, spread evenly over the styles

# How likely each answer 1..5 is, per style (percent). "lenient" is the review's mild
# upward lean of self-ratings; "generous" leans much further up; "harsh" mirrors lenient;
# "central" stays around the middle; "uniform" makes every point equally likely.
STYLES: dict[str, tuple[int, int, int, int, int]] = {
    "lenient": (2, 8, 30, 45, 15),
    "central": (5, 20, 50, 20, 5),
    "harsh": (15, 45, 30, 8, 2),
    "generous": (1, 4, 15, 40, 40),
    "uniform": (20, 20, 20, 20, 20),
}
CONCENTRATION_GOAL = {"lenient": 0.12, "central": 0.12}  # the most frequent #1 at most this share
SKIP_RATE = 0.02  # a statement skipped
NOT_OCCURRED_RATE = 0.10  # a statement that needs an occasion: it did not come up
HOME_FROM = 4  # a layer named as home ground must be rated at least "largely" (PRODUCT.md, not content)
SERIES_WEEKS = 12  # weeks of a coach's weekly series per simulated person


@dataclass
class StyleFigures:
    """What one style's people got."""

    people: int = 0
    with_top: int = 0  # people with a #1 development point
    top_is_lowest: int = 0
    flat: int = 0
    tops: Counter = field(default_factory=Counter)
    checked: int = 0  # people whose texts were checked
    passed: int = 0
    faults: Counter = field(default_factory=Counter)  # kind of fault -> texts
    example: str = ""  # the first failing text, for the report
    series_first_on_top: int = 0  # people with a #1 whose series began on it
    series_firsts: Counter = field(default_factory=Counter)  # competency of the series' first prompt
    series_no_repeat: int = 0  # people who got no prompt twice in SERIES_WEEKS weeks


def answer_set(content: Content, rng: random.Random, weights: tuple[int, ...]) -> dict[str, int | None]:
    """One simulated person's answers to the current question set."""
    answers: dict[str, int | None] = {}
    for question in content.current.questions:
        if question.occasion and rng.random() < NOT_OCCURRED_RATE:
            answers[question.id] = DIDNT_COME_UP
        elif rng.random() < SKIP_RATE:
            answers[question.id] = None
        else:
            answers[question.id] = rng.choices(RATINGS, weights)[0]
    return answers


def top_is_among_lowest(result: Result) -> bool | None:
    """Whether the #1 development point is among the lowest-scored answered competencies
    (None: there is no #1, e.g. a flat profile)."""
    if result.flat or not result.development_points:
        return None
    answered = [value for value in result.scores.values() if value is not None]
    return result.development_points[0].score == min(answered)


# --- the text check ----------------------------------------------------------------------
_LAYER_WORDS = ("alle drie", "all three")
_SLOT_FAULTS = (
    ("unfilled slot", re.compile(r"[{}]")),
    ("empty slot", re.compile(r"\bNone\b|\S  +\S| [.,;:!?](?!\S)|\(\s*\)")),
    ("all three in a layer slot", re.compile(r"\b(laag|layer) (alle drie|all three)\b|\b(alle drie|all three) layer\b",
                                             re.IGNORECASE)),
)


def _layer_names(content: Content) -> dict[str, str]:
    """Each capitalised layer name (every language) -> its layer id."""
    return {layer.name[language]: layer_id for layer_id, layer in content.layers.items() for language in LANGUAGES}


def _screens(screen: Screen) -> Iterator[Screen]:
    """A screen and every screen inside its parameters."""
    yield screen
    for value in screen.params.values():
        if isinstance(value, Items):
            for item in value.screens:
                yield from _screens(item)
        elif isinstance(value, Screen):
            yield from _screens(value)


def result_texts(content: Content, result: Result) -> list[Screen]:
    """Every text a person can be shown about their result: what arrives unasked (the chart's
    caption, the summary with start here), the development points, strengths, watch-outs,
    all scores, and the sections of the report."""
    screens = results.result_screens(content, result, None)
    if result.archetype != INSUFFICIENT:
        screens += [results.points(content, result), results.strengths(content, result),
                    results.watch_outs(content, result), results.all_scores(content, result, None)]
        document: Document | None = results.report(content, result, None, []).document
        if document is not None:
            screens += [screen for _, part in document.sections for screen in part]
    return screens




def text_faults(content: Content, result: Result) -> list[tuple[str, str]]:
    """(kind, text) of each fault in the person's result texts, in both languages."""
    faults: list[tuple[str, str]] = []
    names = _layer_names(content)
    mid_sentence = re.compile(r"[a-zà-ÿ,] (" + "|".join(map(re.escape, names)) + r")\b")
    claimed_low = [layer for layer in result.home if (result.layers.get(layer) or 0) < HOME_FROM]
    for screen in result_texts(content, result):
        for part in _screens(screen):
            if part.key == "start_here" and "layer" in part.params:
                layer = part.params["layer"]
                if layer not in [content.layers[x].in_sentence for x in content.layers]:
                    faults.append(("all three in a layer slot", str(layer)))
            for key, value in part.params.items():
                if isinstance(value, str) and not value.strip() or isinstance(value, dict) and not all(
                        str(v).strip() for v in value.values()):
                    faults.append(("empty slot", f"{part.key}.{key}"))
        for language in LANGUAGES:
            text = plain_text(screen_text(screen, language, content))
            for kind, pattern in _SLOT_FAULTS:
                if pattern.search(text):
                    faults.append((kind, text))
            if mid_sentence.search(text):
                faults.append(("layer name capitalised mid-sentence", text))
            if claimed_low:
                faults.append(("home ground not rated 4 or more", text))
                claimed_low = []  # once per person
    return faults


def weekly_series(content: Content, answers: dict[str, int | None]) -> list[tuple[str, int]]:
    """The prompts a weekly series puts to this person, week by week (oldest first)."""
    points = series.points_of(content, answers, content.current.version, [])
    recent: list[tuple[str, int]] = []
    for _ in range(SERIES_WEEKS):
        recent.insert(0, series.next_in_series(content, points, recent))
    return recent[::-1]


# --- the run ------------------------------------------------------------------------------
def simulate(people: int = PEOPLE, seed: int = SEED, check_texts: int | None = None,
             content: Content | None = None) -> dict[str, StyleFigures]:
    """Score ``people`` simulated answer sets (evenly over the styles) and check the texts of
    the first ``check_texts`` people of each style (None: all of them)."""
    content = content or load_content()
    rng = random.Random(seed)
    per_style = max(1, people // len(STYLES))
    figures: dict[str, StyleFigures] = {}
    for style, weights in STYLES.items():
        tally = figures[style] = StyleFigures()
        for n in range(per_style):
            answers = answer_set(content, rng, weights)
            result = score(answers, content)
            tally.people += 1
            tally.flat += result.flat
            weeks = weekly_series(content, answers)
            tally.series_no_repeat += len(set(weeks)) == len(weeks)
            among = top_is_among_lowest(result)
            if among is not None:
                tally.with_top += 1
                tally.top_is_lowest += among
                tally.tops[result.development_points[0].competency] += 1
                tally.series_first_on_top += weeks[0][0] == result.development_points[0].competency
                tally.series_firsts[weeks[0][0]] += 1
            if check_texts is None or n < check_texts:
                tally.checked += 1
                faults = text_faults(content, result)
                tally.passed += not faults
                for kind, text in faults:
                    tally.faults[kind] += 1
                    tally.example = tally.example or f"{kind}: {text[:160]!r}"
    return figures


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f} %" if whole else "n/a"


def _most(style: str, counts: Counter, whole: int) -> tuple[str, str]:
    """The concentration goal of ``style``, and the most frequent competency with its share."""
    goal = CONCENTRATION_GOAL.get(style)
    top, count = counts.most_common(1)[0] if counts else ("–", 0)
    return (f"≤ {goal * 100:.0f} %" if goal else "—"), f"{top} {_percent(count, whole)}"


def rows(figures: dict[str, StyleFigures]) -> list[tuple[str, str, str]]:
    table = []
    for style, tally in figures.items():
        goal, most = _most(style, tally.tops, tally.with_top)
        table.append((
            f"judgement, {style} ({'/'.join(map(str, STYLES[style]))} %, {tally.people:,} people): "
            "#1 among own lowest · most frequent #1 · flat · texts pass",
            f"100 % · {goal} · — · 100 %",
            f"{_percent(tally.top_is_lowest, tally.with_top)} · {most} · "
            f"{_percent(tally.flat, tally.people)} · {_percent(tally.passed, tally.checked)}",
        ))
    for style, tally in figures.items():
        goal, most = _most(style, tally.series_firsts, tally.with_top)
        table.append((
            f"judgement, {style}: a weekly series over {SERIES_WEEKS} weeks: first on own #1 · "
            "most frequent first · no prompt twice",
            f"100 % · {goal} · 100 %",
            f"{_percent(tally.series_first_on_top, tally.with_top)} · {most} · "
            f"{_percent(tally.series_no_repeat, tally.people)}",
        ))
    faults: Counter = sum((tally.faults for tally in figures.values()), Counter())
    example = next((tally.example for tally in figures.values() if tally.example), "")
    table.append(("judgement: text faults (nl + en, every person's result texts)", "none",
                  "none" if not faults else "; ".join(f"{kind} ×{n:,}" for kind, n in faults.most_common())
                  + f" (e.g. {example})"))
    return table


def run(people: int = PEOPLE, check_texts: int | None = None) -> list[tuple[str, str, str]]:
    return rows(simulate(people, check_texts=check_texts))


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
