"""The assessment machine on its own: events in, screens out, no Telegram."""

from __future__ import annotations

import pytest

from bot.flows.assessment import AssessmentModel, fire
from bot.flows.effects import (
    BeginAssessment,
    CompleteAssessment,
    GiveConsent,
    RecordAnswer,
)


def model(content, **kwargs) -> AssessmentModel:
    defaults = dict(state="new", language="en", consented=False)
    return AssessmentModel(content, **(defaults | kwargs))


def answering(content, cursor=0, answers=None) -> AssessmentModel:
    return model(content, state="answering", consented=True, assessment_id=1, cursor=cursor,
                 answers=answers or {})


def keys(m: AssessmentModel) -> list[str]:
    return [s.key for s in m.screens]


def changed(m: AssessmentModel) -> dict:
    """The answers the event asks to store."""
    return {e.question_id: e.value for e in m.effects if isinstance(e, RecordAnswer)}


def did(m: AssessmentModel, kind: type) -> bool:
    return any(isinstance(e, kind) for e in m.effects)


def test_onboarding_goes_intro_language_consent_first_question(content):
    m = model(content)
    fire(m, "start")
    assert (m.state, keys(m)) == ("intro", ["intro"])
    m.screens.clear()
    fire(m, "next")
    assert (m.state, keys(m)) == ("language", ["choose_language"])
    m.screens.clear()
    fire(m, "set_language", language="nl")
    assert (m.state, m.language, keys(m)) == ("consent", "nl", ["privacy_consent"])
    m.screens.clear()
    fire(m, "consent", accepted=True)
    assert (m.state, did(m, GiveConsent), did(m, BeginAssessment)) == ("answering", True, True)
    assert m.screens[0].question == 0 and m.screens[0].params["n"] == 1


def test_declining_stores_nothing_and_can_be_undone(content):
    m = model(content, state="consent")
    fire(m, "consent", accepted=False)
    assert (m.state, m.consented, did(m, BeginAssessment)) == ("declined", False, False)
    fire(m, "consent", accepted=True)
    assert (m.state, m.consented, did(m, BeginAssessment)) == ("answering", True, True)


def test_an_answer_is_recorded_and_the_next_question_shown(content):
    m = answering(content)
    fire(m, "answer", assessment_id=1, question=0, value=4)
    first = content.question(0).id
    assert changed(m) == {first: 4} and m.cursor == 1
    saved, nxt = m.screens  # a toast confirms the choice; the pressed message becomes the next question
    assert (saved.key, saved.notice, saved.params) == ("answer_saved", True, {"n": 1, "value": 4})
    assert (nxt.question, nxt.params["n"], nxt.params["total"], nxt.in_place) == (1, 2, content.total, True)


def test_skip_records_no_value_and_back_returns(content):
    m = answering(content, cursor=5)
    fire(m, "skip", assessment_id=1, question=5)
    assert changed(m) == {content.question(5).id: None} and m.cursor == 6
    m.screens.clear()
    fire(m, "back", assessment_id=1, question=6)
    assert m.cursor == 5 and m.screens[0].question == 5 and m.screens[0].in_place


def test_back_on_the_first_question_says_so(content):
    m = answering(content)
    fire(m, "back", assessment_id=1, question=0)
    assert m.cursor == 0 and keys(m) == ["first_question"]


def test_an_earlier_question_changes_and_returns_to_where_the_user_was(content):
    first = content.question(0).id
    m = answering(content, cursor=3, answers={first: 2})
    fire(m, "answer", assessment_id=1, question=0, value=5)
    assert changed(m) == {first: 5} and m.cursor == 3
    assert keys(m) == ["answer_changed", "rate_statement"]
    assert m.screens[1].question == 3 and m.screens[1].in_place  # the pressed message shows where the user is


def test_the_same_earlier_answer_changes_nothing(content):
    first = content.question(0).id
    m = answering(content, cursor=1, answers={first: 2})
    fire(m, "answer", assessment_id=1, question=0, value=2)
    assert changed(m) == {} and keys(m) == ["answer_unchanged", "rate_statement"]
    # the pressed message (whose edit may have failed) shows the current question again
    assert m.screens[1].question == 1 and m.screens[1].in_place


@pytest.mark.parametrize("kwargs", [
    dict(assessment_id=2, question=3, value=3),  # someone else's / an old assessment
    dict(assessment_id=1, question=4, value=3),  # a question not reached yet
    dict(assessment_id=1, question=3, value=9),  # a value out of range
    dict(assessment_id=1, question=-1, value=3),
    dict(),
])
def test_forged_answers_change_nothing(content, kwargs):
    m = answering(content, cursor=3)
    fire(m, "answer", **kwargs)
    assert changed(m) == {} and m.cursor == 3 and keys(m) == ["stale_button"]


def test_the_last_answer_completes(content):
    last = content.total - 1
    m = answering(content, cursor=last)
    fire(m, "answer", assessment_id=1, question=last, value=3)
    assert (m.state, did(m, CompleteAssessment), m.cursor) == ("completed", True, content.total)
    # only one answer: no archetype yet, and an offer to complete the role statements
    assert keys(m) == ["answer_saved", "completed", "result_chart", "result_incomplete"]
    assert m.screens[1].in_place  # the last question becomes "done"
    assert m.screens[2].chart is not None


def test_pause_and_resume_keep_the_place(content):
    m = answering(content, cursor=11)
    fire(m, "pause")
    assert m.state == "paused" and m.screens[0].params == {"n": 12, "total": content.total}
    m.screens.clear()
    fire(m, "resume")
    assert m.state == "answering" and m.screens[0].question == 11


def test_a_button_while_paused_answers_and_resumes(content):
    m = answering(content, cursor=2)
    m.state = "paused"
    fire(m, "answer", assessment_id=1, question=2, value=1)
    assert m.state == "answering" and m.cursor == 3


def test_unknown_events_and_wrong_states_get_a_stale_notice(content):
    m = model(content, state="intro")
    fire(m, "answer", assessment_id=1, question=0, value=3)
    assert m.state == "intro" and keys(m) == ["stale_button"]
    m.screens.clear()
    fire(m, "no_such_event")
    assert m.state == "intro" and keys(m) == ["stale_button"]


def test_changing_language_mid_assessment_reshows_the_question(content):
    m = answering(content, cursor=7)
    fire(m, "set_language", language="nl")
    assert m.language == "nl" and keys(m) == ["language_set", "rate_statement"]
    m.screens.clear()
    fire(m, "set_language", language="de")
    assert m.language == "nl" and keys(m) == ["stale_button"]
