"""Content: counts from the source document, depth of coaching, both languages complete,
our own words, faults named."""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.content import CONTENT_DIR, LANGUAGES, ContentError, load_content, placeholders

# The source document is not in the repository: only a hash of each of its runs of
# SHARED_WORDS words (normalised as ``_words`` does). Regenerate with
# ``python -m tests.test_content <source.txt>``.
SOURCE_RUNS = Path(__file__).parent / "data" / "source-runs.sha256"
SHARED_WORDS = 8  # no run of this many words may come from the source


def test_every_question_set_has_the_order_of_the_contract(content):
    for version, questions in content.question_sets.items():
        assert questions.total == 43, version
        kinds = Counter(q.kind for q in questions.questions)
        assert kinds == {"leider": 5, "manager": 4, "pitfall": 3, "layer": 3, "competency": 28}, version
        assert [q.id for q in questions.of_kind("layer")] == ["richten", "inrichten", "verrichten"]
        groups = Counter(q.group for q in questions.of_kind("competency"))
        assert groups == {"business": 7, "vaktechnisch": 4, "gedrag": 17}
        assert [q.id for q in questions.of_kind("competency")] == [q.id for q in content.competencies]
    current = [q.kind for q in content.current.questions]
    assert current == ["leider"] * 5 + ["manager"] * 4 + ["pitfall"] * 3 + ["layer"] * 3 + ["competency"] * 28


def test_every_scale_point_is_labelled_and_raters_have_a_third_person_statement(content):
    for scale in content.current.scales.values():
        assert sorted(scale) == [1, 2, 3, 4, 5]
    for question in content.current.questions:
        assert question.about is not None, question.id
        for language in LANGUAGES:
            assert question.about[language].count("{name}") == 1, (question.id, language)


def _texts(node, path=""):
    """Every {nl, en} mapping in a raw YAML tree, with its path."""
    if isinstance(node, dict):
        if set(node) & set(LANGUAGES):
            yield path, node
            return
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, f"{path}[{index}]")


CONTENT_FILES = sorted(p.relative_to(CONTENT_DIR).as_posix() for p in CONTENT_DIR.rglob("*.yaml")
                       if p.name not in {"scoring.yaml", "limits.yaml"})


@pytest.mark.parametrize("filename", CONTENT_FILES)
def test_every_text_exists_in_both_languages_with_the_same_placeholders(filename):
    tree = yaml.safe_load((CONTENT_DIR / filename).read_text(encoding="utf-8"))
    texts = list(_texts(tree))
    assert texts, f"{filename} holds no texts"
    for path, text in texts:
        assert set(text) - {"band"} == set(LANGUAGES), f"{filename}{path}: languages {sorted(text)}"
        assert all(isinstance(text[lang], str) and text[lang].strip() for lang in LANGUAGES), f"{filename}{path}"
        assert placeholders(text["nl"]) == placeholders(text["en"]), f"{filename}{path}: placeholders differ"


def test_ui_texts_format_in_both_languages(content):
    for key, text in content.ui.items():
        for language in LANGUAGES:
            params = {name: "x" for name in placeholders(text[language])}
            assert content.text(key, language, **params)


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return re.findall(r"[\w']+", text)


def _runs(words: list[str], size: int) -> dict[str, tuple[str, ...]]:
    """Each run of ``size`` words by its hash."""
    runs = (tuple(words[i:i + size]) for i in range(len(words) - size + 1))
    return {hashlib.sha256(" ".join(run).encode()).hexdigest(): run for run in runs}


def test_no_sentence_of_eight_words_or_more_comes_from_the_source():
    """Facts carry over from the source, sentences do not (case and punctuation ignored)."""
    source = set(SOURCE_RUNS.read_text(encoding="ascii").split())
    assert len(source) > 500
    for filename in CONTENT_FILES:
        for path, text in _texts(yaml.safe_load((CONTENT_DIR / filename).read_text(encoding="utf-8"))):
            for language in LANGUAGES:
                runs = _runs(_words(text[language]), SHARED_WORDS)
                shared = [runs[digest] for digest in runs.keys() & source]
                assert not shared, f"{filename}{path}.{language}: {' '.join(shared[0])}"


if __name__ == "__main__":  # write the hashes of a source document's word runs
    import sys

    digests = sorted(_runs(_words(Path(sys.argv[1]).read_text(encoding="utf-8")), SHARED_WORDS))
    SOURCE_RUNS.write_text("\n".join(digests) + "\n", encoding="ascii")


def test_coaching_depth_for_every_competency(content):
    assert set(content.coaching) == {q.id for q in content.competencies}
    for competency, coaching in content.coaching.items():
        bands = Counter(tip.band for tip in coaching.tips)
        assert len(coaching.tips) >= 4 and bands["low"] >= 2 and bands["mid"] >= 2, competency
        assert len(coaching.reflections) >= 4, competency
        assert len(coaching.prompts) >= 2, competency
        assert coaching.overuse["en"] and coaching.overuse["nl"], competency
        assert len({tip.text["en"] for tip in coaching.tips}) == len(coaching.tips), competency
        for question in coaching.reflections:  # open questions, not blaming ones
            assert question["en"].rstrip().endswith("?"), (competency, question["en"])
            assert not re.match(r"(why did you|can |do |did |is |are |have )", question["en"].lower()), question["en"]
    assert list(content.archetypes) == ["it_regisseur", "leider", "manager", "vakspecialist"]
    assert list(content.layers) == ["richten", "inrichten", "verrichten"]
    assert set(content.pitfalls) == {q.pitfall for q in content.current.of_kind("pitfall")}


def test_the_vakspecialist_text_claims_no_layer(content):
    for language in LANGUAGES:
        text = (content.archetypes["vakspecialist"].meaning[language] + content.archetypes["vakspecialist"].why[
            language]).lower()
        assert "verrichten" not in text and "operat" not in text


def test_targets_and_weights_are_on_the_scale_and_explained(content):
    assert set(content.scoring.targets) == set(content.scoring.weights) == {q.id for q in content.competencies}
    assert all(1 <= target <= 5 for target in content.scoring.targets.values())
    weights = content.scoring.weights
    for heavier in ("bedrijfsstrategie", "verandermanagement", "mensen_meekrijgen", "resultaatgericht_sturen"):
        assert weights[heavier] > 1, heavier
    raw = (CONTENT_DIR / "scoring.yaml").read_text(encoding="utf-8")
    for competency in yaml.safe_load(raw)["weights"]["overrides"]:  # each choice explained in a comment
        above = raw[:raw.index(f"    {competency}:")].rstrip().splitlines()
        assert above[-1].strip().startswith("#") or above[-2].strip().startswith("#"), competency


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT_DIR, tmp_path / "content", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return tmp_path / "content"


def _edit(directory: Path, filename: str, old: str, new: str) -> None:
    path = directory / filename
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_missing_language_is_named_with_file_and_key(content_copy):
    _edit(content_copy, "ui.yaml", 'btn_skip:\n  nl: "Overslaan"\n', "btn_skip:\n")
    with pytest.raises(ContentError, match=r"ui\.yaml: btn_skip\.nl: missing language"):
        load_content(content_copy)


def test_an_unknown_key_is_named(content_copy):
    _edit(content_copy, "questions_v2.yaml", "  - id: richten\n", "  - id: richten\n    colour: blue\n")
    with pytest.raises(ContentError, match=r"questions_v2\.yaml: layers\.richten\.colour: unknown key$"):
        load_content(content_copy)


def test_a_question_out_of_order_is_named(content_copy):
    _edit(content_copy, "questions_v2.yaml", "  - id: inrichten\n", "  - id: richten\n")
    with pytest.raises(ContentError, match=r"questions_v2\.yaml: layers\.richten: expected inrichten here"):
        load_content(content_copy)


def test_a_duplicate_key_is_named(content_copy):
    _edit(content_copy, "ui.yaml", "btn_next:\n", 'btn_skip:\n  nl: "x"\n  en: "y"\nbtn_next:\n')
    with pytest.raises(ContentError, match=r"ui\.yaml: btn_skip: duplicate key"):
        load_content(content_copy)


def test_differing_placeholders_are_named(content_copy):
    _edit(content_copy, "ui.yaml", '  en: "Answer to question {n} changed."', '  en: "Answer changed."')
    with pytest.raises(ContentError, match=r"ui\.yaml: answer_changed\.en: placeholders differ"):
        load_content(content_copy)


def test_a_competency_without_two_tips_for_a_score_band_is_refused(content_copy):
    path = content_copy / "coaching" / "gedrag.yaml"
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    tree["leiderschap"]["tips"] = [tip for tip in tree["leiderschap"]["tips"] if tip["band"] == "mid"]
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"gedrag\.yaml: leiderschap\.tips: at least 2 tips for band low"):
        load_content(content_copy)


def test_an_occasion_that_is_not_true_or_false_is_named(content_copy):
    _edit(content_copy, "questions_v3.yaml", "  - id: leiderschap\n    occasion: true\n",
          "  - id: leiderschap\n    occasion: sometimes\n")
    with pytest.raises(ContentError, match=r"questions_v3\.yaml: competencies\.leiderschap\.occasion: expected true"):
        load_content(content_copy)


# Faults the schema refuses: (file, [(old, new), ...] edits, the one-line message it must give).
FAULTS = [
    ("scoring.yaml", [("threshold: 3.5 ", "threshold: 7 ")],
     r"scoring\.yaml: threshold: Input should be less than or equal to 5"),
    ("scoring.yaml", [("min_leider: 3 ", "min_leider: 2.5 ")],
     r"scoring\.yaml: min_leider: Input should be a valid integer"),
    ("scoring.yaml", [("home_from: 4 ", "tips_shown: 2\nhome_from: 4 ")], r"scoring\.yaml: tips_shown: unknown key"),
    ("scoring.yaml", [("  - aandacht_voor_detail\n", "  - aandacht_voor_detail\n  - leiderschap\n")],
     r"scoring\.yaml: priority: every competency exactly once: 'leiderschap' given twice"),
    ("scoring.yaml", [("  - leiderschap\n", "")],
     r"scoring\.yaml: priority: every competency exactly once: 'leiderschap' missing"),
    ("scoring.yaml", [("    aandacht_voor_detail: 0.75", "    aandacht_voor_detail: 0.75\n    leadership: 2")],
     r"scoring\.yaml: weights\.overrides\.leadership: unknown competency"),
    ("scoring.yaml", [("    samenwerken: 1.5", "    samenwerken: 0")],
     r"scoring\.yaml: weights\.overrides\.samenwerken: Input should be greater than or equal to 0\.1"),
    ("limits.yaml", [('"12:30"', '"12:60"')], r"limits\.yaml: checkin_times\[2\]: String should match pattern"),
    ("limits.yaml", [("feedback_remind_days: 2 ", "feedback_remind_days: 14 ")],
     r"limits\.yaml: feedback_remind_days: must be less than feedback_open_days"),
    ("limits.yaml", [("reply_chars: 2000 ", "reply_chars: 5000 ")],
     r"limits\.yaml: reply_chars: Input should be less than or equal to 4000"),
    ("limits.yaml", [("max_focus: 3 ", "# max_focus: 3 ")], r"limits\.yaml: max_focus: missing key"),
    ("questions_v3.yaml", [('nl: "{name} heeft de afgelopen maanden voor het team', 'nl: "{naam} heeft de afgelopen'),
                           ("In recent months {name} outlined for the team", "In recent months {naam} outlined")],
     r"questions_v3\.yaml: roles\.leider_koers\.about\.nl: needs the placeholder \{name\} once"),
    ("questions_v3.yaml", [("  - id: leider_koers\n    kind: leider\n",
                            "  - id: leider_koers\n    kind: leider\n    pitfall: inside_out\n")],
     r"questions_v3\.yaml: roles\.leider_koers\.pitfall: a pitfall names one of"),
    ("questions_v3.yaml", [('      5:\n        nl: "volledig"', '      6:\n        nl: "volledig"')],
     r"questions_v3\.yaml: scales\.behaviour\.labels\.6: Input should be 1, 2, 3, 4 or 5"),
    ("questions_v3.yaml", [("  - id: leiderschap\n", "  - id: leiderschap\n    scale: agree\n")],
     r"questions_v3\.yaml: competencies\.leiderschap\.scale: unknown scale 'agree'"),
    ("profiles.yaml", [("vanaf {threshold} telt", "vanaf 3,5 telt"),
                       ("strong from {threshold} up", "strong from 3.5 up")],
     r"profiles\.yaml: archetypes\.it_regisseur\.why\.nl: needs the placeholder \{threshold\} once"),
    ("profiles.yaml", [("  vakspecialist:\n", "  specialist:\n")],
     r"profiles\.yaml: archetypes\.specialist: unknown key"),
    ("ui.yaml", [('btn_skip:\n  nl: "Overslaan"\n', 'btn_skip:\n  de: "Weiter"\n  nl: "Overslaan"\n')],
     r"ui\.yaml: btn_skip\.de: unknown language"),
    ("ui_feedback.yaml", [("\n", '\nbtn_skip:\n  nl: "Overslaan"\n  en: "Skip"\n')],
     r"ui_feedback\.yaml: btn_skip: already given in another ui file"),
    ("competencies.yaml", [("  - id: bedrijfsstrategie\n", "  - id: Bedrijfsstrategie\n")],
     r"competencies\.yaml: competencies\.Bedrijfsstrategie\.id: String should match pattern"),
    ("competencies.yaml", [("    group: business\n", "    group: busines\n")],
     r"competencies\.yaml: competencies\.bedrijfsstrategie\.group: unknown group 'busines'"),
    ("coaching/business.yaml", [("{band: low,", "{band: high,")],
     r"business\.yaml: bedrijfsstrategie\.tips\[0\]\.band: Input should be 'low' or 'mid'"),
]


@pytest.mark.parametrize("filename, edits, message", FAULTS,
                         ids=[f"{filename}:{message.split(': ')[1]}".replace("\\", "") for filename, _, message in FAULTS])
def test_a_fault_the_schema_refuses_is_named_in_one_line(content_copy, filename, edits, message):
    for old, new in edits:
        _edit(content_copy, filename, old, new)
    with pytest.raises(ContentError, match=f"^{message}") as caught:
        load_content(content_copy)
    assert "\n" not in str(caught.value)


def test_coaching_for_an_unknown_competency_or_too_few_reflections_is_named(content_copy):
    path = content_copy / "coaching" / "gedrag.yaml"
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    tree["leiderschap"]["reflections"] = tree["leiderschap"]["reflections"][:3]
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"^gedrag\.yaml: leiderschap\.reflections: Tuple should have at least 4 "):
        load_content(content_copy)
    tree["leadership"] = tree.pop("leiderschap")
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"^gedrag\.yaml: leadership: unknown competency"):
        load_content(content_copy)


def test_a_missing_file_is_named(content_copy):
    (content_copy / "limits.yaml").unlink()
    with pytest.raises(ContentError, match=r"^limits\.yaml: \(top\): missing file"):
        load_content(content_copy)


def test_the_newest_question_set_is_current_and_the_older_ones_stay_loaded(content):
    assert content.version == max(content.question_sets) and content.current.version == content.version
    assert len(content.question_sets) >= 3
    assert content.questions_of(None) is content.current
    for version, questions in content.question_sets.items():  # an older assessment keeps its own set
        assert content.questions_of(version) is questions and questions.version == version
