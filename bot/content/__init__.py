"""Content catalogs (question sets, competencies, coaching, profiles, UI texts, scoring rules,
limits) as validated data.

Every user-visible text is a mapping ``{nl: ..., en: ...}``. Each file is checked against its
model in :mod:`bot.content.schema`; :func:`load_content` raises :class:`ContentError` naming
the file and the key of the first fault.

Question sets are versioned (``questions_v<N>.yaml``): an assessment keeps the version it was
taken with; new ones use the newest. Competency ids, names and groups are shared by all
versions (``competencies.yaml``), so results compare across versions by competency.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from functools import cache, cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from bot.content.schema import (
    ARCHETYPES,
    BANDS,
    LANGUAGES,
    LAYERS,
    MIN_PROMPTS,
    MIN_REFLECTIONS,
    MIN_TIPS_PER_BAND,
    PITFALLS,
    RATINGS,
    ROLE_KINDS,
    Archetype,
    Catalog,
    Coaching,
    CompetencyId,
    Layer,
    Limits,
    Localized,
    Pitfall,
    Profiles,
    QuestionFile,
    Scoring,
    Tip,
    placeholders,
)

__all__ = ["ARCHETYPES", "BANDS", "CONTENT_DIR", "DEFAULT_LANGUAGE", "DIDNT_COME_UP", "LANGUAGES", "LAYERS",
           "MIN_PROMPTS", "MIN_REFLECTIONS", "MIN_TIPS_PER_BAND", "PITFALLS", "RATINGS", "ROLE_KINDS", "Archetype",
           "Coaching", "Content", "ContentError", "Layer", "Limits", "Localized", "Pitfall", "Question",
           "QuestionSet", "Scoring", "Tip", "load_content", "placeholders"]

CONTENT_DIR: Traversable = files(__name__)  # the installed package's data, wherever it was installed
DEFAULT_LANGUAGE = "nl"
DIDNT_COME_UP = 0  # the stored value of "didn't come up": no rating, counted like a skip


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Question:
    """One statement the manager rates 1..5, in asking order within its question set."""

    index: int
    id: str
    section: str  # role | layer | competency
    kind: str  # leider | manager | pitfall (roles); layer; competency
    statement: Localized
    scale: str  # id of the set's scale whose labels are shown
    about: Localized | None = None  # the same behaviour in the third person ({name}), for raters
    pitfall: str | None = None
    group: str | None = None
    name: Localized | None = None
    description: Localized | None = None
    occasion: bool = False  # needs something to have happened: offers "didn't come up", counted like Skip


@dataclass(frozen=True)
class QuestionSet:
    version: int
    questions: tuple[Question, ...]
    scales: dict[str, dict[int, Localized]]

    @property
    def total(self) -> int:
        return len(self.questions)

    def question(self, index: int) -> Question:
        return self.questions[index]

    @cached_property
    def _index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def by_id(self, question_id: str) -> Question | None:
        return self._index.get(question_id)

    def of_kind(self, kind: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind == kind)

    @cached_property
    def scale_lines(self) -> dict[str, Localized]:
        """Every point of each scale, labelled: "1 helemaal niet · 2 nauwelijks …"."""
        return {scale: {language: " · ".join(f"{point} {labels[point][language]}" for point in RATINGS)
                        for language in LANGUAGES} for scale, labels in self.scales.items()}


@dataclass(frozen=True)
class Content:
    question_sets: dict[int, QuestionSet]
    groups: dict[str, Localized]
    ui: dict[str, Localized]
    scoring: Scoring
    limits: Limits
    coaching: dict[str, Coaching]
    archetypes: dict[str, Archetype]
    layers: dict[str, Layer]
    pitfalls: dict[str, Pitfall]
    flat_note: Localized
    names: dict[str, Localized] = field(default_factory=dict)  # competency id -> name

    @property
    def version(self) -> int:
        """The question set new assessments use."""
        return max(self.question_sets)

    @property
    def current(self) -> QuestionSet:
        return self.question_sets[self.version]

    def questions_of(self, version: int | None) -> QuestionSet:
        return self.question_sets.get(version or self.version, self.current)

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.current.questions

    @property
    def competencies(self) -> tuple[Question, ...]:
        return self.current.of_kind("competency")

    def archetype_name(self, archetype_id: str) -> Localized:
        """An archetype's name; "not enough answers" for an archetype that could not be told."""
        return self.archetypes[archetype_id].name if archetype_id in self.archetypes \
            else self.ui["archetype_unknown"]

    def by_id(self, question_id: str) -> Question:
        """A question of the current set (competencies and layers exist in every set)."""
        question = self.current.by_id(question_id)
        if question is None:
            raise KeyError(question_id)
        return question

    @property
    def total(self) -> int:
        return self.current.total

    def question(self, index: int) -> Question:
        return self.current.question(index)

    def text(self, key: str, language: str, **params: Any) -> str:
        """The UI text ``key`` in ``language``, formatted with ``params``."""
        template = self.ui[key][language]
        return template.format(**params) if params else template

    def localized(self, key: str, **params: Any) -> Localized:
        """The UI text ``key`` in every language (e.g. a button label naming a person)."""
        return {language: self.text(key, language, **params) for language in LANGUAGES}


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

_WORDING = {"missing": "missing key", "extra_forbidden": "unknown key", "bool_type": "expected true or false",
            "dict_type": "expected a mapping", "model_type": "expected a mapping", "tuple_type": "expected a list"}


def _where(data: Any, path: tuple[str | int, ...]) -> str:
    """A key path as the file reads: list items by their id where they have one."""
    where = ""
    for step in path:
        if isinstance(data, list) and isinstance(step, int):
            data = data[step] if step < len(data) else None
            item_id = data.get("id") if isinstance(data, dict) else None
            where += f".{item_id}" if isinstance(item_id, str) else f"[{step}]"
        else:
            data = data.get(step) if isinstance(data, dict) else None
            where += f".{step}"
    return where.lstrip(".") or "(top)"


def _check(schema: Any, directory: Traversable, filename: str, **context: Any) -> Any:
    """The YAML file ``filename`` validated against ``schema``; a fault raises ContentError."""
    if not (directory / filename).is_file():
        raise ContentError(f"{filename}: (top): missing file")
    with (directory / filename).open(encoding="utf-8") as handle:
        loader = _UniqueKeyLoader(handle)
        loader.name = filename
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    try:
        return TypeAdapter(schema).validate_python(data, context=context)
    except ValidationError as error:
        fault = error.errors()[0]
        path = tuple(step for step in fault["loc"] if step != "[key]") + (fault.get("ctx") or {}).get("at", ())
        raise ContentError(f"{filename}: {_where(data, path)}: {_WORDING.get(fault['type'], fault['msg'])}") from None


def _named(directory: Traversable, pattern: str) -> list[str]:
    """Names of the files in ``directory`` that match ``pattern``, sorted (a package folder has no glob)."""
    if not directory.is_dir():
        return []
    return sorted(entry.name for entry in directory.iterdir() if entry.is_file() and fnmatch(entry.name, pattern))


def _question_set(file: QuestionFile, catalog: Catalog, layers: dict[str, Layer]) -> QuestionSet:
    competencies = {competency.id: competency for competency in catalog.competencies}
    questions = [Question(0, q.id, "role", q.kind, q.statement, q.scale, q.about, pitfall=q.pitfall,
                          occasion=q.occasion) for q in file.roles]
    questions += [Question(0, q.id, "layer", "layer", q.statement, q.scale, q.about, name=layers[q.id].name,
                           occasion=q.occasion) for q in file.layers]
    questions += [Question(0, q.id, "competency", "competency", q.statement, q.scale, q.about,
                           group=competencies[q.id].group, name=competencies[q.id].name,
                           description=competencies[q.id].description, occasion=q.occasion) for q in file.competencies]
    return QuestionSet(file.version, tuple(replace(q, index=n) for n, q in enumerate(questions)),
                       {scale_id: scale.labels for scale_id, scale in file.scales.items()})


@cache
def load_content(directory: Traversable = CONTENT_DIR) -> Content:
    """Load and validate every catalog in ``directory`` (once per process)."""
    catalog: Catalog = _check(Catalog, directory, "competencies.yaml")
    ids = tuple(competency.id for competency in catalog.competencies)
    profiles: Profiles = _check(Profiles, directory, "profiles.yaml")
    sets = {}
    for name in _named(directory, "questions_v*.yaml"):
        file: QuestionFile = _check(QuestionFile, directory, name, competencies=ids)
        if name != f"questions_v{file.version}.yaml":
            raise ContentError(f"{name}: version: must be the whole number in the file name")
        sets[file.version] = _question_set(file, catalog, profiles.layers)
    if not sets:
        raise ContentError("questions_v<N>.yaml: no question set")
    ui: dict[str, Localized] = {}
    for name in _named(directory, "ui*.yaml"):  # texts by area; a key may be in one file only
        for key, text in _check(dict[str, Localized], directory, name).items():
            if key in ui:
                raise ContentError(f"{name}: {key}: already given in another ui file")
            ui[key] = text
    coaching: dict[str, Coaching] = {}
    for name in _named(directory / "coaching", "*.yaml"):
        for competency_id, texts in _check(dict[CompetencyId, Coaching], directory / "coaching", name,
                                           competencies=ids).items():
            if competency_id in coaching:
                raise ContentError(f"{name}: {competency_id}: given in two files")
            coaching[competency_id] = texts
    missing = [competency_id for competency_id in ids if competency_id not in coaching]
    if missing:
        raise ContentError(f"coaching/: {missing[0]}: no coaching texts")
    return Content(
        question_sets=sets, groups={group.id: group.name for group in catalog.groups}, ui=ui,
        scoring=_check(Scoring, directory, "scoring.yaml", competencies=ids),
        limits=_check(Limits, directory, "limits.yaml"),
        coaching=coaching, archetypes=profiles.archetypes, layers=profiles.layers, pitfalls=profiles.pitfalls,
        flat_note=profiles.flat["note"], names={competency.id: competency.name for competency in catalog.competencies},
    )
