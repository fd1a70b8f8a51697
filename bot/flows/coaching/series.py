"""Prompts that fit the person: which prompt one delivery carries.

A weekly library schedule is a series. Each week every receiver gets the next prompt on
*their own* current development points (the focus of their plan first, then where they
scored lowest), in their language, taking turns over those points; a prompt put to a person
within ``prompt_repeat_weeks`` is not put to them again. A coach's own text goes in the
version the coach wrote for the receiver's language, or as written with a one-line note that
these are the coach's own words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bot.content import Content
from bot.flows.records import ScheduleView
from bot.flows.scoring import heaviest, score, to_work_on


@dataclass(frozen=True)
class PromptChoice:
    """The prompt one delivery carries (a library prompt, or the coach's own text)."""

    competency: str | None = None
    prompt_index: int | None = None  # into pool(content, competency)
    text: str | None = None
    own_words: bool = False  # the text goes as written, with the note


def pool(content: Content, competency: str) -> tuple[dict[str, str], ...]:
    """A competency's prompts a coach may send: the library prompts, then its reflections."""
    coaching = content.coaching[competency]
    return (*coaching.prompts, *coaching.reflections)


def words(content: Content, competency: str | None, index: int | None) -> dict[str, str] | None:
    """One prompt in every language; None for an index content no longer has."""
    if competency not in content.coaching or index is None:
        return None
    prompts = pool(content, competency)
    return prompts[index] if 0 <= index < len(prompts) else None


def prompt_words(content: Content, text: str | None, competency: str | None,
                 index: int | None) -> str | dict[str, str]:
    """A prompt's words: the coach's own text, or the library prompt in each language."""
    return text or words(content, competency, index) or "…"


def points_of(content: Content, answers: dict[str, int | None] | None, version: int,
              focus: list[str]) -> list[str]:
    """A person's current development points: their plan's focus, then where they scored
    lowest; without a result, the competencies that weigh most for the Regisseur."""
    count = content.limits.points_shown
    found = to_work_on(content, score(answers, content, version), count) if answers is not None else []
    points = [c for c in focus if c in content.coaching] + found
    if not points:
        points = list(heaviest(content, count))
    return list(dict.fromkeys(points))


def next_in_series(content: Content, points: list[str], recent: list[tuple[str, int]]) -> tuple[str, int]:
    """The next prompt for a person: the point asked about least lately (ties: in the order
    of ``points``), and its first prompt not put to them lately. ``recent`` is newest first;
    when every prompt of the point was asked lately, the one asked longest ago goes again."""
    asked = Counter(competency for competency, _ in recent)
    competency = min(points, key=lambda c: (asked[c], points.index(c)))
    seen = [index for c, index in recent if c == competency]
    fresh = [i for i in range(len(pool(content, competency))) if i not in seen]
    return competency, fresh[0] if fresh else seen[-1]


def choose(content: Content, schedule: ScheduleView, language: str, *, points: Callable[[], list[str]],
           recent: Callable[[], list[tuple[str, int]]], sent_before: Callable[[], int]) -> PromptChoice:
    """What ``schedule`` puts to one receiver this time. What the person was asked lately and
    their points are read only when a series needs them (a broadcast of one text reads nothing)."""
    if schedule.own_text:
        version = schedule.own_versions.get(language)
        return PromptChoice(text=version or schedule.own_text, own_words=not version)
    if schedule.kind != "weekly" and schedule.competency is not None:
        return PromptChoice(schedule.competency, schedule.prompt_index)
    asked = recent()
    picked = (schedule.competency, schedule.prompt_index)
    if schedule.competency is not None and picked not in asked and sent_before() == 0:
        return PromptChoice(schedule.competency, schedule.prompt_index)  # a weekly pick: the coach's first
    competency, index = next_in_series(content, points(), asked)
    return PromptChoice(competency, index)
