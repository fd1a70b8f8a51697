"""The rules every statement of the current question set follows (PRODUCT.md, Assessment),
as far as a machine can check them: one behaviour in the last few months, no judgement words,
an occasion named and marked, self and colleague versions in the right person, and the
layers on their own scale. Whether two versions ask the same thing is left to reviewers."""

from __future__ import annotations

import re

import pytest

from bot.content import LANGUAGES, Question, load_content

CONTENT = load_content()
CURRENT = CONTENT.current.questions
RATED = [q for q in CURRENT if q.kind != "layer"]  # statements about behaviour (or, once, experience)


def versions(question: Question) -> list[tuple[str, str, str]]:
    """(who, language, text) for the self and the colleague version in both languages."""
    assert question.about is not None, question.id
    return [(who, language, text[language]) for who, text in (("self", question.statement), ("about", question.about))
            for language in LANGUAGES]


def words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b({pattern})\b", re.IGNORECASE)


# Words the judgement review named (and their kin): they invite a generous answer or grade an outcome.
JUDGEMENT = {
    "nl": words(r"duidelijk\w*|helder\w*|op tijd|tijdig\w*|echt|echte|goed|goede|meteen|merkbaar|effectieve?"
                r"|succesvol\w*|gewonnen|zorgvuldig\w*"),
    "en": words(r"clear\w*|on time|timely|truly|really|well|good|straight away|immediately|noticeabl\w*"
                r"|effective\w*|successful\w*|properly|won over|careful\w*"),
}
# A second behaviour comes in through a conjunction or an "also" clause.
SECOND_IDEA = {
    "nl": words(r"en|ook|niet alleen|in plaats van|evenals"),
    "en": words(r"and|also|including|as well|not just|not only|rather than|instead of"),
}
RECENT = {"nl": "afgelopen maanden", "en": "recent months"}
SO_FAR = {"nl": "tot nu toe", "en": "so far"}
OCCASION_OPENERS = {"nl": ("Toen ", "Als ", "Bij "), "en": ("When ",)}
FIRST_PERSON = {"nl": words(r"ik|mijn|me|mij|mezelf|we|wij|ons|onze"), "en": re.compile(r"\b(I|my|me|myself|we|us|our)\b")}
SECOND_PERSON = {"nl": words(r"je|jij|jou|jouw|jezelf"), "en": words(r"you|your|yourself")}
# The statements the judgement review (section 3) found needing an occasion.
REVIEWED_OCCASIONS = {
    "leider_mensen", "leider_emotie", "leider_opstaan", "manager_harde_kant", "business_requirements",
    "uitrol_systemen", "applicatieontwerp", "technische_problemen", "analytisch_vermogen",
    "communiceren_presentaties", "leiderschap", "werken_in_team", "resultaatgericht_sturen",
    "mensen_meekrijgen", "verandermanagement",
}


@pytest.mark.parametrize("question", CURRENT, ids=lambda q: q.id)
def test_no_judgement_word_and_no_second_idea(question):
    for who, language, text in versions(question):
        judged = JUDGEMENT[language].search(text)
        assert not judged, f"{question.id} {who}.{language}: judgement word {judged.group(0)!r}"
        second = SECOND_IDEA[language].search(text)
        assert not second, f"{question.id} {who}.{language}: a second idea joined by {second.group(0)!r}"


@pytest.mark.parametrize("question", CURRENT, ids=lambda q: q.id)
def test_one_sentence_each(question):
    for who, language, text in versions(question):
        assert text[-1] in ".?", (question.id, who, language)
        assert not re.search(r"[.?!;] ", text), f"{question.id} {who}.{language}: more than one sentence"


@pytest.mark.parametrize("question", RATED, ids=lambda q: q.id)
def test_statements_are_about_the_last_few_months(question):
    """Only the little-experience pitfall asks about experience built up so far (what the source means)."""
    anchor = SO_FAR if question.pitfall == "little_leading" else RECENT
    for who, language, text in versions(question):
        assert anchor[language] in text.lower(), (question.id, who, language)


def test_the_little_experience_pitfall_asks_about_experience_not_avoidance():
    question = next(q for q in CURRENT if q.pitfall == "little_leading")
    for who, language, text in versions(question):
        assert ("ervaring" if language == "nl" else "experience") in text, (who, language)
        assert not re.search(r"uit de weg|vermijd|avoid|kept away", text), (who, language)


@pytest.mark.parametrize("question", CURRENT, ids=lambda q: q.id)
def test_an_occasion_is_named_first_exactly_where_it_is_marked(question):
    for who, language, text in versions(question):
        opens_with_occasion = text.startswith(OCCASION_OPENERS[language])
        assert opens_with_occasion == question.occasion, (
            f"{question.id} {who}.{language}: "
            + ("marked as needing an occasion but does not name it first" if question.occasion
               else "names an occasion but is not marked occasion: true"))


def test_every_statement_the_review_found_needing_an_occasion_is_marked():
    marked = {q.id for q in CURRENT if q.occasion}
    assert REVIEWED_OCCASIONS <= marked, sorted(REVIEWED_OCCASIONS - marked)
    assert not any(q.occasion for q in CURRENT if q.kind in ("pitfall", "layer"))


@pytest.mark.parametrize("question", CURRENT, ids=lambda q: q.id)
def test_self_and_colleague_versions_speak_in_their_own_person(question):
    assert question.about is not None
    for language in LANGUAGES:
        own, about = question.statement[language], question.about[language].replace("{name}", "Kim")
        person = SECOND_PERSON if question.kind == "layer" else FIRST_PERSON  # the layers ask "you"
        assert person[language].search(own), (question.id, language, own)
        for other in (FIRST_PERSON, SECOND_PERSON):
            assert not other[language].search(about), (question.id, language, about)


def test_the_layers_have_their_own_scale_asking_how_much_at_home():
    layers = CONTENT.current.of_kind("layer")
    layer_scales = {q.scale for q in layers}
    other_scales = {q.scale for q in CURRENT if q.kind != "layer"}
    assert len(layer_scales) == 1 and len(other_scales) == 1 and layer_scales != other_scales
    labels = CONTENT.current.scales[layer_scales.pop()]
    for language in LANGUAGES:
        assert len({labels[point][language] for point in labels}) == 5, language  # every point its own label
    for question in layers:  # a rating of how much at home, not a share of time
        for who, language, text in versions(question):
            assert not re.search(r"\b(tijd|time|hoeveel van|how much of)\b", text, re.IGNORECASE), (question.id, who)


def test_every_text_spells_out_singular_or_plural():
    """No "valkuil(en)" or "pitfall(s)": a text reads as a sentence whatever the number."""
    texts = [value for text in CONTENT.ui.values() for value in text.values()]
    for coaching in CONTENT.coaching.values():
        texts += [tip.text[language] for tip in coaching.tips for language in LANGUAGES]
        texts += [text[language] for text in (*coaching.reflections, *coaching.prompts, coaching.overuse)
                  for language in LANGUAGES]
    for text in texts:
        assert not re.search(r"\w\('?(s|en|e|n)\)", text), text
