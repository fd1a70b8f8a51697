"""Content catalogs (questions, coaching texts, UI texts, scoring rules) as validated data.

Every user-visible text is a mapping ``{nl: ..., en: ...}``. :func:`load_content` checks
the files and raises :class:`ContentError` naming the file and the key of the first fault.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).parent
LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

Localized = dict[str, str]


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Question:
    """One of the statements the manager rates 1..5, in asking order."""

    index: int
    id: str
    section: str  # role | level | competency
    statement: Localized
    scale: str | None = None  # leider | manager (role statements)
    group: str | None = None  # competency group id
    name: Localized | None = None
    description: Localized | None = None


@dataclass(frozen=True)
class Coaching:
    """Coaching texts for one competency."""

    low: Localized
    high: Localized
    tips: tuple[Localized, ...]
    reflections: tuple[Localized, ...]
    prompts: tuple[Localized, ...]


@dataclass(frozen=True)
class Profile:
    """What an archetype or a 9-cell level means and the next step towards IT Regisseur."""

    meaning: Localized
    next_step: Localized
    name: Localized | None = None


@dataclass(frozen=True)
class Scoring:
    threshold: float
    min_leider: int
    min_manager: int
    targets: dict[str, float]
    min_gap: float
    strengths_shown: int
    development_points_shown: int
    tips_shown: int
    max_focus: int
    checkin_times: tuple[str, ...]
    note_limit: int
    own_prompt_limit: int
    reply_limit: int


@dataclass(frozen=True)
class Content:
    questions: tuple[Question, ...]
    groups: dict[str, Localized]
    ui: dict[str, Localized]
    scoring: Scoring
    coaching: dict[str, Coaching]
    archetypes: dict[str, Profile]
    levels: dict[str, Profile]

    @property
    def competencies(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == "competency")

    def by_id(self, question_id: str) -> Question:
        return self._index[question_id]

    @cached_property
    def _index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @property
    def total(self) -> int:
        return len(self.questions)

    def question(self, index: int) -> Question:
        return self.questions[index]

    def text(self, key: str, language: str, **params: Any) -> str:
        """The UI text ``key`` in ``language``, formatted with ``params``."""
        template = self.ui[key][language]
        return template.format(**params) if params else template


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise ContentError(f"{loader.name}: {key}: duplicate key (line {key_node.start_mark.line + 1})")
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Reader:
    """Walks one YAML file and reports faults with the file name and key path."""

    def __init__(self, directory: Path, filename: str) -> None:
        self.filename = filename
        with open(directory / filename, encoding="utf-8") as handle:
            loader = _UniqueKeyLoader(handle)
            loader.name = filename
            try:
                self.data = loader.get_single_data()
            finally:
                loader.dispose()

    def fail(self, key: str, problem: str) -> ContentError:
        return ContentError(f"{self.filename}: {key}: {problem}")

    def mapping(self, value: Any, key: str, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping")
        unknown = set(value) - allowed
        if unknown:
            raise self.fail(f"{key}.{sorted(unknown)[0]}", "unknown key")
        missing = required - set(value)
        if missing:
            raise self.fail(f"{key}.{sorted(missing)[0]}", "missing key")
        return value

    def localized(self, value: Any, key: str, *, same_placeholders: bool = True) -> Localized:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping of languages")
        for language in value:
            if language not in LANGUAGES:
                raise self.fail(f"{key}.{language}", "unknown language")
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                raise self.fail(f"{key}.{language}", "missing language")
        if same_placeholders:
            expected = placeholders(value[LANGUAGES[0]])
            for language in LANGUAGES[1:]:
                if placeholders(value[language]) != expected:
                    raise self.fail(f"{key}.{language}", "placeholders differ between languages")
        return {language: value[language] for language in LANGUAGES}

    def listed(self, key: str, expected: int | None = None) -> list:
        value = self.data.get(key) if isinstance(self.data, dict) else None
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        if expected is not None and len(value) != expected:
            raise self.fail(key, f"expected {expected} items, found {len(value)}")
        return value

    @staticmethod
    def unique(ids: list[str], reader: "_Reader", key: str) -> None:
        seen: set[str] = set()
        for item_id in ids:
            if item_id in seen:
                raise reader.fail(f"{key}.{item_id}", "duplicate id")
            seen.add(item_id)


def _load_questions(directory: Path) -> tuple[tuple[Question, ...], dict[str, Localized]]:
    reader = _Reader(directory, "questions.yaml")
    reader.mapping(reader.data, "(top)", {"roles", "levels", "groups", "competencies"},
                   {"roles", "levels", "groups", "competencies"})
    groups: dict[str, Localized] = {}
    for item in reader.listed("groups"):
        item = reader.mapping(item, "groups[]", {"id", "name"}, {"id", "name"})
        if item["id"] in groups:
            raise reader.fail(f"groups.{item['id']}", "duplicate id")
        groups[item["id"]] = reader.localized(item["name"], f"groups.{item['id']}.name")

    questions: list[Question] = []
    for item in reader.listed("roles"):
        item = reader.mapping(item, "roles[]", {"id", "scale", "statement"},
                              {"id", "scale", "statement"})
        key = f"roles.{item['id']}"
        if item["scale"] not in ("leider", "manager"):
            raise reader.fail(f"{key}.scale", "must be leider or manager")
        questions.append(Question(len(questions), item["id"], "role",
                                  reader.localized(item["statement"], f"{key}.statement"),
                                  scale=item["scale"]))
    for item in reader.listed("levels", expected=3):
        item = reader.mapping(item, "levels[]", {"id", "name", "statement"},
                              {"id", "name", "statement"})
        key = f"levels.{item['id']}"
        questions.append(Question(len(questions), item["id"], "level",
                                  reader.localized(item["statement"], f"{key}.statement"),
                                  name=reader.localized(item["name"], f"{key}.name")))
    for item in reader.listed("competencies"):
        fields = {"id", "group", "name", "description", "statement"}
        item = reader.mapping(item, "competencies[]", fields, fields)
        key = f"competencies.{item['id']}"
        if item["group"] not in groups:
            raise reader.fail(f"{key}.group", f"unknown group {item['group']!r}")
        questions.append(Question(
            len(questions), item["id"], "competency",
            reader.localized(item["statement"], f"{key}.statement"),
            group=item["group"],
            name=reader.localized(item["name"], f"{key}.name"),
            description=reader.localized(item["description"], f"{key}.description"),
        ))
    _Reader.unique([q.id for q in questions], reader, "questions")
    return tuple(questions), groups


def _load_ui(directory: Path) -> dict[str, Localized]:
    reader = _Reader(directory, "ui.yaml")
    if not isinstance(reader.data, dict):
        raise reader.fail("(top)", "expected a mapping")
    return {key: reader.localized(value, key) for key, value in reader.data.items()}


MIN_TIPS, MIN_REFLECTIONS, MIN_PROMPTS = 3, 2, 2
ARCHETYPES = ("it_regisseur", "leider", "manager", "vakspecialist")


def _load_coaching(directory: Path, questions: tuple[Question, ...]) -> tuple[
        dict[str, Coaching], dict[str, Profile], dict[str, Profile]]:
    reader = _Reader(directory, "coaching.yaml")
    reader.mapping(reader.data, "(top)", {"competencies", "archetypes", "levels"},
                   {"competencies", "archetypes", "levels"})
    competency_ids = [q.id for q in questions if q.section == "competency"]
    raw = reader.mapping(reader.data["competencies"], "competencies", set(competency_ids), set(competency_ids))

    def texts(value: object, key: str, at_least: int) -> tuple[Localized, ...]:
        if not isinstance(value, list) or len(value) < at_least:
            raise reader.fail(key, f"expected a list of at least {at_least}")
        return tuple(reader.localized(item, f"{key}[{i}]") for i, item in enumerate(value))

    coaching: dict[str, Coaching] = {}
    fields = {"low", "high", "tips", "reflections", "prompts"}
    for competency_id in competency_ids:
        key = f"competencies.{competency_id}"
        item = reader.mapping(raw[competency_id], key, fields, fields)
        coaching[competency_id] = Coaching(
            low=reader.localized(item["low"], f"{key}.low"),
            high=reader.localized(item["high"], f"{key}.high"),
            tips=texts(item["tips"], f"{key}.tips", MIN_TIPS),
            reflections=texts(item["reflections"], f"{key}.reflections", MIN_REFLECTIONS),
            prompts=texts(item["prompts"], f"{key}.prompts", MIN_PROMPTS),
        )

    def profiles(section: str, ids: list[str], named: bool) -> dict[str, Profile]:
        raw_section = reader.mapping(reader.data[section], section, set(ids), set(ids))
        fields = {"meaning", "next_step"} | ({"name"} if named else set())
        result = {}
        for profile_id in ids:
            key = f"{section}.{profile_id}"
            item = reader.mapping(raw_section[profile_id], key, fields, fields)
            result[profile_id] = Profile(
                meaning=reader.localized(item["meaning"], f"{key}.meaning"),
                next_step=reader.localized(item["next_step"], f"{key}.next_step"),
                name=reader.localized(item["name"], f"{key}.name") if named else None,
            )
        return result

    level_ids = [q.id for q in questions if q.section == "level"]
    return coaching, profiles("archetypes", list(ARCHETYPES), True), profiles("levels", level_ids, False)


def _load_scoring(directory: Path, questions: tuple[Question, ...]) -> Scoring:
    reader = _Reader(directory, "scoring.yaml")
    top = {"archetype", "targets", "development", "result", "limits", "plan"}
    data = reader.mapping(reader.data, "(top)", top, top)
    archetype = reader.mapping(data["archetype"], "archetype", {"threshold", "min_answers"},
                               {"threshold", "min_answers"})
    minimum = reader.mapping(archetype["min_answers"], "archetype.min_answers", {"leider", "manager"},
                             {"leider", "manager"})
    targets = reader.mapping(data["targets"], "targets", {"default", "overrides"}, {"default"})
    competency_ids = {q.id for q in questions if q.section == "competency"}
    overrides = targets.get("overrides") or {}
    for competency_id in overrides:
        if competency_id not in competency_ids:
            raise reader.fail(f"targets.overrides.{competency_id}", "unknown competency")
    development = reader.mapping(data["development"], "development", {"min_gap"}, {"min_gap"})
    result = reader.mapping(data["result"], "result", {"strengths", "development_points", "tips_shown"},
                            {"strengths", "development_points", "tips_shown"})
    plan = reader.mapping(data["plan"], "plan", {"max_focus", "checkin_times"}, {"max_focus", "checkin_times"})
    limit_keys = {"checkin_note", "own_prompt", "reply"}
    limits = reader.mapping(data["limits"], "limits", limit_keys, limit_keys)
    for key in sorted(limit_keys):
        if not isinstance(limits[key], int) or not 1 <= limits[key] <= 4000:
            raise reader.fail(f"limits.{key}", "expected a whole number from 1 to 4000")
    for index, time in enumerate(plan["checkin_times"]):
        if not isinstance(time, str) or not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", time):
            raise reader.fail(f"plan.checkin_times[{index}]", "expected HH:MM")
    return Scoring(
        threshold=float(archetype["threshold"]),
        min_leider=int(minimum["leider"]),
        min_manager=int(minimum["manager"]),
        targets={q: float(overrides.get(q, targets["default"])) for q in sorted(competency_ids)},
        min_gap=float(development["min_gap"]),
        strengths_shown=int(result["strengths"]),
        development_points_shown=int(result["development_points"]),
        tips_shown=int(result["tips_shown"]),
        max_focus=int(plan["max_focus"]),
        checkin_times=tuple(plan["checkin_times"]),
        note_limit=limits["checkin_note"],
        own_prompt_limit=limits["own_prompt"],
        reply_limit=limits["reply"],
    )


@cache
def load_content(directory: Path = CONTENT_DIR) -> Content:
    """Load and validate every catalog in ``directory`` (once per process)."""
    questions, groups = _load_questions(directory)
    coaching, archetypes, levels = _load_coaching(directory, questions)
    return Content(
        questions=questions, groups=groups, ui=_load_ui(directory),
        scoring=_load_scoring(directory, questions),
        coaching=coaching, archetypes=archetypes, levels=levels,
    )
