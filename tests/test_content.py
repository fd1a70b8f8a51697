"""Content: counts from the source document, both languages complete, faults named."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.content import CONTENT_DIR, LANGUAGES, ContentError, load_content, placeholders


def test_sections_have_the_counts_of_the_profile(content):
    sections = Counter(q.section for q in content.questions)
    assert sections == {"role": 12, "level": 3, "competency": 28}
    assert content.total == 43
    assert Counter(q.scale for q in content.questions if q.section == "role") == {"leider": 5, "manager": 7}
    assert [q.id for q in content.questions if q.section == "level"] == ["richten", "inrichten", "verrichten"]
    groups = Counter(q.group for q in content.questions if q.section == "competency")
    assert groups == {"business": 7, "vaktechnisch": 4, "gedrag": 17}


def test_competencies_are_grouped_in_order(content):
    groups = [q.group for q in content.questions if q.section == "competency"]
    assert groups == sorted(groups, key=list(content.groups).index)


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


@pytest.mark.parametrize("filename", ["questions.yaml", "coaching.yaml", "ui.yaml"])
def test_every_text_exists_in_both_languages_with_the_same_placeholders(filename):
    tree = yaml.safe_load((CONTENT_DIR / filename).read_text(encoding="utf-8"))
    texts = list(_texts(tree))
    assert texts, f"{filename} holds no texts"
    for path, text in texts:
        assert set(text) == set(LANGUAGES), f"{filename}{path}: languages {sorted(text)}"
        assert all(isinstance(text[lang], str) and text[lang].strip() for lang in LANGUAGES), f"{filename}{path}"
        assert placeholders(text["nl"]) == placeholders(text["en"]), f"{filename}{path}: placeholders differ"


def test_ui_texts_format_in_both_languages(content):
    for key, text in content.ui.items():
        for language in LANGUAGES:
            params = {name: "x" for name in placeholders(text[language])}
            assert content.text(key, language, **params)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    for path in CONTENT_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


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
    _edit(content_copy, "questions.yaml", "  - id: richten\n", "  - id: richten\n    colour: blue\n")
    with pytest.raises(ContentError, match=r"questions\.yaml: levels\[\]\.colour: unknown key"):
        load_content(content_copy)


def test_a_duplicate_id_is_named(content_copy):
    _edit(content_copy, "questions.yaml", "  - id: inrichten\n", "  - id: richten\n")
    with pytest.raises(ContentError, match=r"questions\.yaml: questions\.richten: duplicate id"):
        load_content(content_copy)


def test_a_duplicate_key_is_named(content_copy):
    _edit(content_copy, "ui.yaml", "btn_next:\n", 'btn_skip:\n  nl: "x"\n  en: "y"\nbtn_next:\n')
    with pytest.raises(ContentError, match=r"ui\.yaml: btn_skip: duplicate key"):
        load_content(content_copy)


def test_differing_placeholders_are_named(content_copy):
    _edit(content_copy, "ui.yaml", '  en: "Answer to question {n} changed."', '  en: "Answer changed."')
    with pytest.raises(ContentError, match=r"ui\.yaml: answer_changed\.en: placeholders differ"):
        load_content(content_copy)


def test_coaching_content_for_every_competency(content):
    assert set(content.coaching) == {q.id for q in content.competencies}
    for competency, coaching in content.coaching.items():
        assert len(coaching.tips) >= 3, competency
        assert len(coaching.reflections) >= 2, competency
        assert len(coaching.prompts) >= 2, competency
        assert len({tip["en"] for tip in coaching.tips}) == len(coaching.tips), competency
    assert list(content.archetypes) == ["it_regisseur", "leider", "manager", "vakspecialist"]
    assert list(content.levels) == [q.id for q in content.questions if q.section == "level"]


def test_a_competency_without_enough_tips_is_refused(content_copy):
    path = content_copy / "coaching.yaml"
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    tree["competencies"]["leiderschap"]["tips"] = tree["competencies"]["leiderschap"]["tips"][:2]
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"coaching\.yaml: competencies\.leiderschap\.tips: expected a list"):
        load_content(content_copy)


def test_every_target_is_on_the_scale(content):
    assert set(content.scoring.targets) == {q.id for q in content.competencies}
    assert all(1 <= target <= 5 for target in content.scoring.targets.values())
