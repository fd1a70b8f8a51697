"""What each content file may hold, as pydantic models: unknown keys are refused, numbers are
range-checked, and every text passes one check (both languages, the same placeholders).

A fault names its problem and, where it lies deeper, the key path below the value checked;
:func:`bot.content.load_content` turns the first one into a ContentError naming file and key.
Checks that need the competencies of competencies.yaml read them from the validation context.
"""

from __future__ import annotations

import string
from functools import cached_property
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

LANGUAGES: tuple[str, ...] = ("nl", "en")
RATINGS = (1, 2, 3, 4, 5)
ROLE_KINDS = {"leider": 5, "manager": 4, "pitfall": 3}  # statements of each kind in a question set
LayerId = Literal["richten", "inrichten", "verrichten"]
ArchetypeId = Literal["it_regisseur", "leider", "manager", "vakspecialist"]
PitfallId = Literal["vision_of_other", "little_leading", "inside_out"]
Band = Literal["low", "mid"]  # tips for a self-rating of 1-2, and of 3 and up (below the target)
LAYERS: tuple[str, ...] = get_args(LayerId)
ARCHETYPES: tuple[str, ...] = get_args(ArchetypeId)
PITFALLS: tuple[str, ...] = get_args(PitfallId)
BANDS: tuple[str, ...] = get_args(Band)
MIN_TIPS_PER_BAND, MIN_REFLECTIONS, MIN_PROMPTS = 2, 4, 2
T = TypeVar("T")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _fault(problem: str, *at: str | int) -> PydanticCustomError:
    """A content fault, ``at`` a key path below the value being validated."""
    return PydanticCustomError("content", "{problem}", {"problem": problem, "at": at})


def _agreeing(text: dict[str, str], needs: tuple[str, ...] = ()) -> dict[str, str]:
    """The one check of a text: every language present and not blank, the same {placeholders}
    in each, and each of ``needs`` exactly once in each."""
    for language in text:
        if language not in LANGUAGES:
            raise _fault("unknown language", language)
    for language in LANGUAGES:
        if not text.get(language, "").strip():
            raise _fault("missing language", language)
    for language in LANGUAGES[1:]:
        if placeholders(text[language]) != placeholders(text[LANGUAGES[0]]):
            raise _fault("placeholders differ between languages", language)
    for language in LANGUAGES:
        for name in needs:
            if text[language].count(f"{{{name}}}") != 1:
                raise _fault(f"needs the placeholder {{{name}}} once", language)
    return {language: text[language] for language in LANGUAGES}


def _text(*needs: str) -> AfterValidator:
    return AfterValidator(lambda text: _agreeing(text, needs))


def _unique(items: tuple[Any, ...]) -> tuple[Any, ...]:
    ids = [item.id for item in items]
    for index, item_id in enumerate(ids):
        if item_id in ids[:index]:
            raise _fault("duplicate id", index)
    return items


def _in_order(expected: tuple[str, ...] | str, why: str = "") -> AfterValidator:
    """Items with exactly the ids ``expected`` (a name: those in the context), in that order."""
    def check(items: tuple[Any, ...], info: ValidationInfo) -> tuple[Any, ...]:
        ids = info.context[expected] if isinstance(expected, str) else expected
        if len(items) != len(ids):
            raise _fault(f"expected {len(ids)} items, found {len(items)}")
        for index, (item, wanted) in enumerate(zip(items, ids)):
            if item.id != wanted:
                raise _fault(f"expected {wanted} here{why}", index)
        return items
    return AfterValidator(check)


def _exactly(keys: tuple[str, ...]) -> AfterValidator:
    """A mapping with exactly ``keys``, in that order."""
    def check(value: dict[str, Any]) -> dict[str, Any]:
        for key in [*value, *keys]:
            if (key in keys) != (key in value):
                raise _fault("unknown key" if key in value else "missing key", key)
        return {key: value[key] for key in keys}
    return AfterValidator(check)


def _known(competency_id: str, info: ValidationInfo) -> str:
    if competency_id not in info.context["competencies"]:
        raise _fault("unknown competency")
    return competency_id


def _every_competency_once(priority: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
    twice = [competency for index, competency in enumerate(priority) if competency in priority[:index]]
    missing = [competency for competency in info.context["competencies"] if competency not in priority]
    if twice or missing:
        raise _fault("every competency exactly once: " + (f"{twice[0]!r} given twice" if twice
                                                          else f"{missing[0]!r} missing"))
    return priority


def _role_counts(roles: tuple[RoleStatement, ...]) -> tuple[RoleStatement, ...]:
    for kind, count in ROLE_KINDS.items():
        if sum(role.kind == kind for role in roles) != count:
            raise _fault(f"expected {count} statements of kind {kind}")
    return roles


def _both_bands(tips: tuple[Tip, ...]) -> tuple[Tip, ...]:
    for band in BANDS:
        if sum(tip.band == band for tip in tips) < MIN_TIPS_PER_BAND:
            raise _fault(f"at least {MIN_TIPS_PER_BAND} tips for band {band}")
    return tips


Localized = Annotated[dict[str, str], _text()]
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Unique = Annotated[tuple[T, ...], AfterValidator(_unique)]
CompetencyId = Annotated[str, AfterValidator(_known)]  # a competency of competencies.yaml
Time = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]  # HH:MM


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# competencies.yaml
class Group(_Schema):
    id: Id
    name: Localized


class Competency(_Schema):
    id: Id
    group: str
    name: Localized
    description: Localized


class Catalog(_Schema):
    groups: Unique[Group]
    competencies: Unique[Competency]  # in asking order

    @model_validator(mode="after")
    def _grouped(self) -> Catalog:
        for index, competency in enumerate(self.competencies):
            if competency.group not in {group.id for group in self.groups}:
                raise _fault(f"unknown group {competency.group!r}", "competencies", index, "group")
        return self


# questions_v<N>.yaml
class Scale(_Schema):
    labels: dict[Literal[1, 2, 3, 4, 5], Localized] = Field(min_length=len(RATINGS))  # every point


class Statement(_Schema):
    id: Id
    statement: Localized
    about: Annotated[dict[str, str], _text("name")] | None = None  # the same, in the third person, for raters
    scale: str = "behaviour"
    occasion: StrictBool = False  # needs something to have happened: offers "didn't come up"


class RoleStatement(Statement):
    kind: Literal["leider", "manager", "pitfall"]
    pitfall: PitfallId | None = None

    @model_validator(mode="after")
    def _pitfall_named(self) -> RoleStatement:
        if (self.kind == "pitfall") != (self.pitfall is not None):
            raise _fault(f"a pitfall names one of {PITFALLS}, others none", "pitfall")
        return self


class LayerStatement(Statement):
    scale: str = "share"
    name: Localized | None = None  # set 2 repeats it; the name shown is profiles.yaml's


class QuestionFile(_Schema):
    version: StrictInt
    scales: dict[str, Scale]
    roles: Annotated[tuple[RoleStatement, ...], AfterValidator(_role_counts)]
    layers: Annotated[tuple[LayerStatement, ...], _in_order(LAYERS)]
    competencies: Annotated[tuple[Statement, ...], _in_order("competencies", " (the order of competencies.yaml)")]

    @model_validator(mode="after")
    def _scales_and_ids(self) -> QuestionFile:
        seen: set[str] = set()
        for section in ("roles", "layers", "competencies"):
            for index, item in enumerate(getattr(self, section)):
                if item.scale not in self.scales:
                    raise _fault(f"unknown scale {item.scale!r}", section, index, "scale")
                if item.id in seen:
                    raise _fault("a question id is used twice", section, index)
                seen.add(item.id)
        return self


# coaching/*.yaml: competency id -> Coaching
class Tip(_Schema):
    band: Band
    nl: str
    en: str

    @model_validator(mode="after")
    def _text_agrees(self) -> Tip:
        _agreeing(self.text)
        return self

    @property
    def text(self) -> dict[str, str]:
        return {language: getattr(self, language) for language in LANGUAGES}


class Coaching(_Schema):
    """Coaching texts for one competency."""

    tips: Annotated[tuple[Tip, ...], AfterValidator(_both_bands)]
    reflections: tuple[Localized, ...] = Field(min_length=MIN_REFLECTIONS)
    overuse: Localized
    prompts: tuple[Localized, ...] = Field(min_length=MIN_PROMPTS)

    def tips_for(self, band: str) -> tuple[dict[str, str], ...]:
        return tuple(tip.text for tip in self.tips if tip.band == band)


# profiles.yaml
class Archetype(_Schema):
    name: Localized
    why: Annotated[dict[str, str], _text("leider", "manager", "threshold")]  # one line
    meaning: Localized
    start_here: Annotated[dict[str, str], _text("layer", "competency")]  # with a layer to grow in
    start_here_no_layer: Annotated[dict[str, str], _text("competency")]  # at home in all three, or none rated
    start_here_flat: Annotated[dict[str, str], _text("competency")]


class Layer(_Schema):
    name: Localized  # as a label or at the start of a sentence ("Richten")
    in_sentence: Localized  # in the middle of a sentence ("richten", "directing")
    meaning: Localized
    grow: Localized  # advice when this is the layer to grow in


class Pitfall(_Schema):
    name: Localized
    tip: Localized


class Profiles(_Schema):
    archetypes: Annotated[dict[str, Archetype], _exactly(ARCHETYPES)]
    layers: Annotated[dict[str, Layer], _exactly(LAYERS)]
    pitfalls: Annotated[dict[str, Pitfall], _exactly(PITFALLS)]
    flat: Annotated[dict[str, Localized], _exactly(("note",))]


# scoring.yaml
class PerCompetency(_Schema, Generic[T]):
    default: T
    overrides: dict[CompetencyId, T] = {}


class Scoring(_Schema):
    """The scoring rules (PRODUCT.md "Scoring"); each is explained in scoring.yaml."""

    threshold: StrictFloat = Field(ge=1, le=5)
    min_leider: StrictInt = Field(ge=1, le=ROLE_KINDS["leider"])
    min_manager: StrictInt = Field(ge=1, le=ROLE_KINDS["manager"])
    pitfall_from: StrictInt = Field(ge=1, le=5)  # a pitfall rated at least this is a watch-out
    target_rule: PerCompetency[Annotated[StrictFloat, Field(ge=1, le=5)]] = Field(alias="targets")
    weight_rule: PerCompetency[Annotated[StrictFloat, Field(ge=0.1, le=5)]] = Field(alias="weights")
    priority: Annotated[tuple[CompetencyId, ...], AfterValidator(_every_competency_once)]  # the last tie-break
    min_gap: StrictFloat = Field(gt=0, le=4)
    min_points: StrictInt = Field(ge=0)  # development points completed to this many with relative ones
    flat_below_sd: StrictFloat = Field(ge=0, le=4)  # answered scores with a standard deviation below this: flat
    home_from: StrictInt = Field(ge=1, le=5)  # a layer rated at least this is home ground
    low_band_up_to: StrictInt = Field(ge=1, le=5)  # a development point scored up to this gets the tips for 1-2
    unanswered_after: StrictInt = Field(ge=0, le=28)  # more competencies than this without an answer: said
    feedback_gap: StrictFloat = Field(ge=0.1, le=4)  # self and others this far apart: a blind spot or hidden strength
    jump_points: StrictInt = Field(ge=1, le=4)  # a rise this large since the previous assessment …
    jump_competencies: StrictInt = Field(ge=1, le=28)  # … in this many competencies: a large self-reported jump

    @cached_property
    def targets(self) -> dict[str, float]:
        """Every competency's target, in priority order."""
        return {c: self.target_rule.overrides.get(c, self.target_rule.default) for c in self.priority}

    @cached_property
    def weights(self) -> dict[str, float]:
        return {c: self.weight_rule.overrides.get(c, self.weight_rule.default) for c in self.priority}


# limits.yaml
class Limits(_Schema):
    """What is not a scoring rule: text lengths, what a screen shows, times and days."""

    note_chars: StrictInt = Field(ge=1, le=4000)  # characters of free text (a Telegram message holds 4096)
    own_prompt_chars: StrictInt = Field(ge=1, le=4000)
    reply_chars: StrictInt = Field(ge=1, le=4000)
    strengths_shown: StrictInt = Field(ge=1)
    points_shown: StrictInt = Field(ge=1)
    tips_shown: StrictInt = Field(ge=1)
    max_focus: StrictInt = Field(ge=1)
    suggested_focus: StrictInt = Field(ge=1)  # development points offered first in the focus picker
    checkin_times: tuple[Time, ...] = Field(min_length=1)
    feedback_open_days: StrictInt = Field(ge=1)  # a feedback request closes by itself after this
    feedback_remind_days: StrictInt = Field(ge=1)  # a rater who stopped halfway is reminded once after this
    action_chars: StrictInt = Field(ge=20, le=1000)  # characters of an action the user types
    picker_tips: StrictInt = Field(ge=1, le=9)  # ideas offered when choosing an action
    action_by_weeks: tuple[Annotated[StrictInt, Field(ge=1, le=12)], ...] = Field(min_length=1, max_length=5)
    steady_weeks: StrictInt = Field(ge=2)  # done this many check-ins in a row: a next step is offered
    trend_every: StrictInt = Field(ge=1)  # every this many answered check-ins on an action: the trend
    trend_shown: StrictInt = Field(ge=1, le=20)  # answers in the trend's strip
    ignored_before_offer: StrictInt = Field(ge=1)  # unanswered check-ins in a row before the offer
    quiet_weeks: StrictInt = Field(ge=1, le=26)  # no check-ins after the offer, unless answered
    pause_weeks: StrictInt = Field(ge=1, le=26)
    review_weeks: StrictInt = Field(ge=1, le=52)
    stalled_days: StrictInt = Field(ge=1)  # an assessment untouched this long gets one reminder
    reminder_gap_days: StrictInt = Field(ge=1)  # at most one reminder per person in this many days
    # The coach's desk: the coachee seen by the coach
    coach_quiet_days: StrictInt = Field(ge=1, le=365)  # no activity this long: quiet in /coachees
    coach_label_chars: StrictInt = Field(ge=4, le=40)  # a coach's own label for a coachee
    coach_checkins_shown: StrictInt = Field(ge=1, le=50)  # check-ins the coach sees on a coachee's plan
    coach_notes_time: Time  # the daily note to a coach is sent from this local time
    prompt_repeat_weeks: StrictInt = Field(ge=1, le=104)  # a series never repeats a prompt to a person within this

    @model_validator(mode="after")
    def _remind_while_open(self) -> Limits:
        if self.feedback_remind_days >= self.feedback_open_days:
            raise _fault("must be less than feedback_open_days", "feedback_remind_days")
        return self
