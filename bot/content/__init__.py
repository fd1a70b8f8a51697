"""Content catalogs (question sets, competencies, coaching, profiles, UI texts, scoring rules)
as validated data.

Every user-visible text is a mapping ``{nl: ..., en: ...}``. :func:`load_content` checks the
files and raises :class:`ContentError` naming the file and the key of the first fault.

Question sets are versioned (``questions_v<N>.yaml``): an assessment keeps the version it was
taken with; new ones use the newest. Competency ids, names and groups are shared by all
versions (``competencies.yaml``), so results compare across versions by competency.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cache, cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml

CONTENT_DIR: Traversable = files(__name__)  # the installed package's data, wherever it was installed
LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
RATINGS = (1, 2, 3, 4, 5)
DIDNT_COME_UP = 0  # the stored value of "didn't come up": no rating, counted like a skip
ROLE_KINDS = {"leider": 5, "manager": 4, "pitfall": 3}  # statements of each kind, in this order (v2)
LAYERS = ("richten", "inrichten", "verrichten")
ARCHETYPES = ("it_regisseur", "leider", "manager", "vakspecialist")
PITFALLS = ("vision_of_other", "little_leading", "inside_out")
BANDS = ("low", "mid")  # tips for a self-rating of 1-2, and of 3 and up (below the target)
MIN_TIPS_PER_BAND, MIN_REFLECTIONS, MIN_PROMPTS = 2, 4, 2

Localized = dict[str, str]


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
class Tip:
    band: str  # low | mid
    text: Localized


@dataclass(frozen=True)
class Coaching:
    """Coaching texts for one competency."""

    tips: tuple[Tip, ...]
    reflections: tuple[Localized, ...]
    overuse: Localized
    prompts: tuple[Localized, ...]

    def tips_for(self, band: str) -> tuple[Localized, ...]:
        return tuple(tip.text for tip in self.tips if tip.band == band)


@dataclass(frozen=True)
class Archetype:
    name: Localized
    why: Localized  # one line; {leider} {manager} {threshold}
    meaning: Localized
    start_here: Localized  # {layer} {competency}: with a layer to grow in
    start_here_no_layer: Localized  # {competency}: no layer to grow in (at home in all three, or none rated)
    start_here_flat: Localized  # {competency}


@dataclass(frozen=True)
class Layer:
    name: Localized  # as a label or at the start of a sentence ("Richten")
    in_sentence: Localized  # in the middle of a sentence ("richten", "directing")
    meaning: Localized
    grow: Localized  # advice when this is the layer to grow in


@dataclass(frozen=True)
class Pitfall:
    name: Localized
    tip: Localized


@dataclass(frozen=True)
class Scoring:
    threshold: float
    min_leider: int
    min_manager: int
    pitfall_from: int  # a pitfall rated at least this is a watch-out
    targets: dict[str, float]
    weights: dict[str, float]
    priority: tuple[str, ...]  # every competency once: the role's last tie-break
    min_gap: float
    min_points: int  # development points completed to this many with relative ones
    flat_below_sd: float  # answered competency scores with a standard deviation below this: flat
    home_from: int  # a layer rated at least this is home ground
    points_shown: int
    strengths_shown: int
    tips_shown: int
    low_band_up_to: int  # a development point scored up to this gets the tips for 1-2
    unanswered_after: int  # more competencies than this without an answer: the result says so
    max_focus: int
    checkin_times: tuple[str, ...]
    suggested_focus: int  # development points offered first in the focus picker
    feedback_gap: float  # self and others this far apart: a blind spot or a hidden strength
    feedback_open_days: int  # a feedback request closes by itself after this
    feedback_remind_days: int  # a rater who stopped halfway is reminded once after this
    note_limit: int
    own_prompt_limit: int
    reply_limit: int


@dataclass(frozen=True)
class Content:
    question_sets: dict[int, QuestionSet]
    groups: dict[str, Localized]
    ui: dict[str, Localized]
    scoring: Scoring
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


def _named(directory: Traversable, pattern: str) -> list[str]:
    """Names of the files in ``directory`` that match ``pattern``, sorted (a package folder has no glob)."""
    if not directory.is_dir():
        return []
    return sorted(entry.name for entry in directory.iterdir() if entry.is_file() and fnmatch(entry.name, pattern))


class _Reader:
    """Walks one YAML file and reports faults with the file name and key path."""

    def __init__(self, directory: Traversable, filename: str) -> None:
        self.filename = filename
        with (directory / filename).open(encoding="utf-8") as handle:
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
            raise self.fail(f"{key}.{sorted(map(str, unknown))[0]}", "unknown key")
        missing = required - set(value)
        if missing:
            raise self.fail(f"{key}.{sorted(missing)[0]}", "missing key")
        return value

    def localized(self, value: Any, key: str, *, same_placeholders: bool = True,
                  required: set[str] | None = None) -> Localized:
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
            if required is not None and not required <= expected:
                raise self.fail(key, f"needs the placeholders {sorted(required)}")
        return {language: value[language] for language in LANGUAGES}

    def texts(self, value: Any, key: str, at_least: int) -> tuple[Localized, ...]:
        if not isinstance(value, list) or len(value) < at_least:
            raise self.fail(key, f"expected a list of at least {at_least}")
        return tuple(self.localized(item, f"{key}[{i}]") for i, item in enumerate(value))

    def listed(self, key: str, expected: int | None = None) -> list:
        value = self.data.get(key) if isinstance(self.data, dict) else None
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        if expected is not None and len(value) != expected:
            raise self.fail(key, f"expected {expected} items, found {len(value)}")
        return value


def _load_competencies(directory: Traversable) -> tuple[dict[str, Localized], list[tuple[str, str]],
                                                  dict[str, Localized], dict[str, Localized]]:
    """Groups, (competency id, group) in order, names and descriptions."""
    reader = _Reader(directory, "competencies.yaml")
    reader.mapping(reader.data, "(top)", {"groups", "competencies"}, {"groups", "competencies"})
    groups: dict[str, Localized] = {}
    for item in reader.listed("groups"):
        item = reader.mapping(item, "groups[]", {"id", "name"}, {"id", "name"})
        groups[item["id"]] = reader.localized(item["name"], f"groups.{item['id']}.name")
    order, names, descriptions = [], {}, {}
    for item in reader.listed("competencies"):
        fields = {"id", "group", "name", "description"}
        item = reader.mapping(item, "competencies[]", fields, fields)
        key = f"competencies.{item['id']}"
        if item["group"] not in groups:
            raise reader.fail(f"{key}.group", f"unknown group {item['group']!r}")
        if item["id"] in names:
            raise reader.fail(key, "duplicate id")
        order.append((item["id"], item["group"]))
        names[item["id"]] = reader.localized(item["name"], f"{key}.name")
        descriptions[item["id"]] = reader.localized(item["description"], f"{key}.description")
    return groups, order, names, descriptions


def _load_question_set(directory: Traversable, filename: str, competencies: list[tuple[str, str]],
                       names: dict[str, Localized], descriptions: dict[str, Localized],
                       layer_names: dict[str, Localized]) -> QuestionSet:
    reader = _Reader(directory, filename)
    top = {"version", "scales", "roles", "layers", "competencies"}
    data = reader.mapping(reader.data, "(top)", top, top)
    if not isinstance(data["version"], int) or filename != f"questions_v{data['version']}.yaml":
        raise reader.fail("version", "must be the whole number in the file name")
    scales: dict[str, dict[int, Localized]] = {}
    for scale_id, scale in reader.mapping(data["scales"], "scales", set(data["scales"]), set()).items():
        labels = reader.mapping(scale, f"scales.{scale_id}", {"labels"}, {"labels"})["labels"]
        if not isinstance(labels, dict) or sorted(labels) != list(RATINGS):
            raise reader.fail(f"scales.{scale_id}.labels", "every point 1..5 needs a label")
        scales[scale_id] = {point: reader.localized(text, f"scales.{scale_id}.labels.{point}")
                            for point, text in labels.items()}
    questions: list[Question] = []

    def scale_of(item: dict, key: str) -> str:
        scale = item.get("scale", "share" if key.startswith("layers") else "behaviour")
        if scale not in scales:
            raise reader.fail(f"{key}.scale", f"unknown scale {scale!r}")
        return scale

    def about(item: dict, key: str) -> Localized | None:
        if "about" not in item:
            return None
        return reader.localized(item["about"], f"{key}.about", required={"name"})

    def occasion(item: dict, key: str) -> bool:
        value = item.get("occasion", False)
        if not isinstance(value, bool):
            raise reader.fail(f"{key}.occasion", "expected true or false")
        return value

    kinds: list[str] = []
    for item in reader.listed("roles"):
        fields = {"id", "kind", "pitfall", "scale", "statement", "about", "occasion"}
        item = reader.mapping(item, "roles[]", fields, {"id", "kind", "statement"})
        key = f"roles.{item['id']}"
        if item["kind"] not in ROLE_KINDS:
            raise reader.fail(f"{key}.kind", f"must be one of {sorted(ROLE_KINDS)}")
        if (item["kind"] == "pitfall") != (item.get("pitfall") in PITFALLS):
            raise reader.fail(f"{key}.pitfall", f"a pitfall names one of {PITFALLS}, others none")
        kinds.append(item["kind"])
        questions.append(Question(len(questions), item["id"], "role", item["kind"],
                                  reader.localized(item["statement"], f"{key}.statement"), scale_of(item, key),
                                  about(item, key), pitfall=item.get("pitfall"), occasion=occasion(item, key)))
    for kind, count in ROLE_KINDS.items():
        if kinds.count(kind) != count:
            raise reader.fail("roles", f"expected {count} statements of kind {kind}")
    layers = reader.listed("layers", expected=len(LAYERS))
    for layer_id, item in zip(LAYERS, layers):
        item = reader.mapping(item, "layers[]", {"id", "name", "scale", "statement", "about", "occasion"},
                              {"id", "statement"})
        key = f"layers.{item['id']}"
        if item["id"] != layer_id:
            raise reader.fail(key, f"expected {layer_id} here")
        questions.append(Question(len(questions), layer_id, "layer", "layer",
                                  reader.localized(item["statement"], f"{key}.statement"), scale_of(item, key),
                                  about(item, key), name=layer_names[layer_id], occasion=occasion(item, key)))
    items = reader.listed("competencies", expected=len(competencies))
    for (competency_id, group), item in zip(competencies, items):
        item = reader.mapping(item, "competencies[]", {"id", "scale", "statement", "about", "occasion"},
                              {"id", "statement"})
        key = f"competencies.{item['id']}"
        if item["id"] != competency_id:
            raise reader.fail(key, f"expected {competency_id} here (the order of competencies.yaml)")
        questions.append(Question(len(questions), competency_id, "competency", "competency",
                                  reader.localized(item["statement"], f"{key}.statement"), scale_of(item, key),
                                  about(item, key), group=group, name=names[competency_id],
                                  description=descriptions[competency_id], occasion=occasion(item, key)))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise reader.fail("(top)", "a question id is used twice")
    return QuestionSet(data["version"], tuple(questions), scales)


def _load_ui(directory: Traversable) -> dict[str, Localized]:
    """Every ``ui*.yaml`` (texts by area); a key may be in one file only."""
    ui: dict[str, Localized] = {}
    for name in _named(directory, "ui*.yaml"):
        reader = _Reader(directory, name)
        if not isinstance(reader.data, dict):
            raise reader.fail("(top)", "expected a mapping")
        for key, value in reader.data.items():
            if key in ui:
                raise reader.fail(key, "already given in another ui file")
            ui[key] = reader.localized(value, key)
    return ui


def _load_coaching(directory: Traversable, competency_ids: list[str]) -> dict[str, Coaching]:
    coaching: dict[str, Coaching] = {}
    for name in _named(directory / "coaching", "*.yaml"):
        reader = _Reader(directory / "coaching", name)
        if not isinstance(reader.data, dict):
            raise reader.fail("(top)", "expected a mapping of competencies")
        for competency_id, item in reader.data.items():
            if competency_id not in competency_ids:
                raise reader.fail(str(competency_id), "unknown competency")
            if competency_id in coaching:
                raise reader.fail(competency_id, "given in two files")
            fields = {"tips", "reflections", "overuse", "prompts"}
            item = reader.mapping(item, competency_id, fields, fields)
            tips = []
            for number, tip in enumerate(item["tips"] if isinstance(item["tips"], list) else []):
                key = f"{competency_id}.tips[{number}]"
                tip = reader.mapping(tip, key, {"band", *LANGUAGES}, {"band", *LANGUAGES})
                if tip["band"] not in BANDS:
                    raise reader.fail(f"{key}.band", f"must be one of {BANDS}")
                tips.append(Tip(tip["band"], reader.localized({k: tip[k] for k in LANGUAGES}, key)))
            for band in BANDS:
                if sum(tip.band == band for tip in tips) < MIN_TIPS_PER_BAND:
                    raise reader.fail(f"{competency_id}.tips", f"at least {MIN_TIPS_PER_BAND} tips for band {band}")
            coaching[competency_id] = Coaching(
                tips=tuple(tips),
                reflections=reader.texts(item["reflections"], f"{competency_id}.reflections", MIN_REFLECTIONS),
                overuse=reader.localized(item["overuse"], f"{competency_id}.overuse"),
                prompts=reader.texts(item["prompts"], f"{competency_id}.prompts", MIN_PROMPTS),
            )
    missing = [c for c in competency_ids if c not in coaching]
    if missing:
        raise ContentError(f"coaching/: {missing[0]}: no coaching texts")
    return coaching


def _load_profiles(directory: Traversable) -> tuple[dict[str, Archetype], dict[str, Layer], dict[str, Pitfall], Localized]:
    reader = _Reader(directory, "profiles.yaml")
    top = {"archetypes", "layers", "pitfalls", "flat"}
    data = reader.mapping(reader.data, "(top)", top, top)
    archetypes = {}
    for archetype_id in ARCHETYPES:
        key = f"archetypes.{archetype_id}"
        fields = {"name", "why", "meaning", "start_here", "start_here_no_layer", "start_here_flat"}
        item = reader.mapping(reader.mapping(data["archetypes"], "archetypes", set(ARCHETYPES), set(ARCHETYPES))
                              [archetype_id], key, fields, fields)
        archetypes[archetype_id] = Archetype(
            reader.localized(item["name"], f"{key}.name"),
            reader.localized(item["why"], f"{key}.why", required={"leider", "manager", "threshold"}),
            reader.localized(item["meaning"], f"{key}.meaning"),
            reader.localized(item["start_here"], f"{key}.start_here", required={"layer", "competency"}),
            reader.localized(item["start_here_no_layer"], f"{key}.start_here_no_layer", required={"competency"}),
            reader.localized(item["start_here_flat"], f"{key}.start_here_flat", required={"competency"}),
        )
    layers = {}
    for layer_id in LAYERS:
        key = f"layers.{layer_id}"
        fields = ("name", "in_sentence", "meaning", "grow")
        item = reader.mapping(reader.mapping(data["layers"], "layers", set(LAYERS), set(LAYERS))[layer_id],
                              key, set(fields), set(fields))
        layers[layer_id] = Layer(*(reader.localized(item[f], f"{key}.{f}") for f in fields))
    pitfalls = {}
    for pitfall_id in PITFALLS:
        key = f"pitfalls.{pitfall_id}"
        item = reader.mapping(reader.mapping(data["pitfalls"], "pitfalls", set(PITFALLS), set(PITFALLS))[pitfall_id],
                              key, {"name", "tip"}, {"name", "tip"})
        pitfalls[pitfall_id] = Pitfall(reader.localized(item["name"], f"{key}.name"),
                                       reader.localized(item["tip"], f"{key}.tip"))
    flat = reader.mapping(data["flat"], "flat", {"note"}, {"note"})
    return archetypes, layers, pitfalls, reader.localized(flat["note"], "flat.note")


def _number(reader: _Reader, value: Any, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise reader.fail(key, f"expected a number from {low} to {high}")
    return float(value)


def _load_scoring(directory: Traversable, competency_ids: list[str]) -> Scoring:
    reader = _Reader(directory, "scoring.yaml")
    top = {"archetype", "pitfalls", "targets", "weights", "priority", "development", "layers", "result", "limits",
           "plan", "feedback"}
    data = reader.mapping(reader.data, "(top)", top, top)
    archetype = reader.mapping(data["archetype"], "archetype", {"threshold", "min_answers"},
                               {"threshold", "min_answers"})
    minimum = reader.mapping(archetype["min_answers"], "archetype.min_answers", {"leider", "manager"},
                             {"leider", "manager"})
    pitfalls = reader.mapping(data["pitfalls"], "pitfalls", {"watch_out_from"}, {"watch_out_from"})

    def per_competency(section: str, low: float) -> dict[str, float]:
        spec = reader.mapping(data[section], section, {"default", "overrides"}, {"default"})
        overrides = spec.get("overrides") or {}
        for competency_id, value in overrides.items():
            if competency_id not in competency_ids:
                raise reader.fail(f"{section}.overrides.{competency_id}", "unknown competency")
            _number(reader, value, f"{section}.overrides.{competency_id}", low, 5)
        default = _number(reader, spec["default"], f"{section}.default", low, 5)
        return {c: float(overrides.get(c, default)) for c in competency_ids}

    priority = data["priority"]
    if not isinstance(priority, list) or sorted(map(str, priority)) != sorted(competency_ids):
        unknown = sorted(set(map(str, priority if isinstance(priority, list) else [])) - set(competency_ids))
        twice = sorted({c for c in priority if priority.count(c) > 1}) if isinstance(priority, list) else []
        missing = sorted(set(competency_ids) - set(priority if isinstance(priority, list) else []))
        problem = (f"unknown competency {unknown[0]!r}" if unknown else f"{twice[0]!r} given twice" if twice
                   else f"{missing[0]!r} missing" if missing else "expected a list")
        raise reader.fail("priority", f"every competency exactly once: {problem}")
    development_keys = {"min_gap", "min_points", "flat_below_sd"}
    development = reader.mapping(data["development"], "development", development_keys, development_keys)
    layer_rules = reader.mapping(data["layers"], "layers", {"home_from"}, {"home_from"})
    result_keys = {"strengths", "development_points", "tips_shown", "low_band_up_to", "unanswered_after"}
    result = reader.mapping(data["result"], "result", result_keys, result_keys)
    plan_keys = {"max_focus", "checkin_times", "suggested"}
    plan = reader.mapping(data["plan"], "plan", plan_keys, plan_keys)
    feedback_keys = {"gap", "open_days", "remind_after_days"}
    feedback = reader.mapping(data["feedback"], "feedback", feedback_keys, feedback_keys)
    limit_keys = {"checkin_note", "own_prompt", "reply"}
    limits = reader.mapping(data["limits"], "limits", limit_keys, limit_keys)
    for key in sorted(limit_keys):
        if not isinstance(limits[key], int) or not 1 <= limits[key] <= 4000:
            raise reader.fail(f"limits.{key}", "expected a whole number from 1 to 4000")
    for index, time in enumerate(plan["checkin_times"]):
        if not isinstance(time, str) or not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", time):
            raise reader.fail(f"plan.checkin_times[{index}]", "expected HH:MM")
    return Scoring(
        threshold=_number(reader, archetype["threshold"], "archetype.threshold", 1, 5),
        min_leider=int(minimum["leider"]),
        min_manager=int(minimum["manager"]),
        pitfall_from=int(pitfalls["watch_out_from"]),
        targets=per_competency("targets", 1),
        weights=per_competency("weights", 0.1),
        priority=tuple(priority),
        min_gap=float(development["min_gap"]),
        min_points=int(development["min_points"]),
        flat_below_sd=_number(reader, development["flat_below_sd"], "development.flat_below_sd", 0, 4),
        home_from=int(_number(reader, layer_rules["home_from"], "layers.home_from", 1, 5)),
        points_shown=int(result["development_points"]),
        strengths_shown=int(result["strengths"]),
        tips_shown=int(result["tips_shown"]),
        low_band_up_to=int(_number(reader, result["low_band_up_to"], "result.low_band_up_to", 1, 5)),
        unanswered_after=int(_number(reader, result["unanswered_after"], "result.unanswered_after", 0, 28)),
        max_focus=int(plan["max_focus"]),
        checkin_times=tuple(plan["checkin_times"]),
        suggested_focus=int(plan["suggested"]),
        feedback_gap=_number(reader, feedback["gap"], "feedback.gap", 0.1, 4),
        feedback_open_days=int(feedback["open_days"]),
        feedback_remind_days=int(feedback["remind_after_days"]),
        note_limit=limits["checkin_note"],
        own_prompt_limit=limits["own_prompt"],
        reply_limit=limits["reply"],
    )


@cache
def load_content(directory: Traversable = CONTENT_DIR) -> Content:
    """Load and validate every catalog in ``directory`` (once per process)."""
    groups, competencies, names, descriptions = _load_competencies(directory)
    archetypes, layers, pitfalls, flat_note = _load_profiles(directory)
    layer_names = {layer_id: layer.name for layer_id, layer in layers.items()}
    sets = {}
    for name in _named(directory, "questions_v*.yaml"):
        question_set = _load_question_set(directory, name, competencies, names, descriptions, layer_names)
        sets[question_set.version] = question_set
    if not sets:
        raise ContentError("questions_v<N>.yaml: no question set")
    competency_ids = [c for c, _ in competencies]
    return Content(
        question_sets=sets, groups=groups, ui=_load_ui(directory),
        scoring=_load_scoring(directory, competency_ids),
        coaching=_load_coaching(directory, competency_ids),
        archetypes=archetypes, layers=layers, pitfalls=pitfalls, flat_note=flat_note,
        names=names,
    )
