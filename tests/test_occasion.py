""""Didn't come up" (PRODUCT.md "Manager > Assessment"): a statement that needs an occasion
offers it, it is stored as its own value (not a skip, never a rating), counted like Skip
everywhere, and offered nowhere else, through the real Application on a real SQLite file."""

from __future__ import annotations

import json

from bot import callbacks
from bot.content import DIDNT_COME_UP
from bot.core import Core
from bot.flows.feedback import rater_questions
from bot.terminal import TerminalChat
from storage import open_database
from tests.conftest import manager_with_link, onboard, rows, say

NOT_OCCURRED = "Didn't come up"


async def answer(user, content, label_of) -> None:
    """Answer every question with the button ``label_of(question)`` names."""
    for question in content.questions:
        await user.tap(label_of(question))


def stored(db_path, user_id: int) -> dict[str, int | None]:
    return dict(rows(db_path, "select x.question_id, x.value from answers x join assessments a "
                              "on a.id = x.assessment_id where a.user_id = ?", user_id))


def conflict_statement(content):
    """The statement about handling a conflict: it needs an occasion."""
    question = content.by_id("leiderschap")
    assert question.occasion and "conflict" in question.statement["en"].lower()
    return question


async def test_only_statements_that_need_an_occasion_offer_it_and_it_is_stored_apart_from_skip(harness, content):
    assert content.text("btn_not_occurred", "en") == NOT_OCCURRED
    user = harness.user(4101)
    await onboard(user, content)
    conflict = conflict_statement(content)
    skipped = next(q for q in content.competencies if q.occasion and q.id != conflict.id)
    for question in content.questions:
        shown = user.last().labels()
        assert (NOT_OCCURRED in shown) == question.occasion, (question.id, shown)
        if question.occasion:  # 1-5, then Back, Skip, and Didn't come up
            assert shown[-2:] == [content.text("btn_skip", "en"), NOT_OCCURRED]
        label = NOT_OCCURRED if question is conflict else "Skip" if question is skipped else "4"
        await user.tap(label)
    answers = stored(harness.db_path, user.id)
    assert answers[conflict.id] == DIDNT_COME_UP and answers[skipped.id] is None
    assert sum(value == DIDNT_COME_UP for value in answers.values()) == 1
    assert say(content, "answer_not_occurred", n=conflict.index + 1) in user.toasts()
    assert any("41 answered, 1 skipped, 1 that didn't come up" in m.text for m in user.messages()[-4:])


async def test_didnt_come_up_on_a_conflict_never_becomes_a_development_point(harness, content):
    """Everything else 4 or 5: a 1 ("not at all") on the conflict statement would be the one
    development point; "didn't come up" is no score at all, and no relative point either."""
    user = harness.user(4102)
    await onboard(user, content)
    conflict = conflict_statement(content)
    await answer(user, content, lambda q: NOT_OCCURRED if q is conflict else str(4 + q.index % 2))
    await user.tap(content.text("btn_points", "en"))
    points = user.last().text
    assert conflict.name["en"] not in points
    await user.tap(content.text("btn_all_scores", "en"))
    assert f"{conflict.name['en']}: – / 4" in user.last().text
    # the same answers with a 1 instead: it is the development point
    rated = harness.user(4103)
    await onboard(rated, content)
    await answer(rated, content, lambda q: "1" if q is conflict else str(4 + q.index % 2))
    await rated.tap(content.text("btn_points", "en"))
    assert f"1. {conflict.name['en']} (1, target 4)" in rated.last().text


async def test_a_forged_didnt_come_up_on_another_statement_is_refused(harness, content):
    user = harness.user(4104)
    await onboard(user, content)
    assessment = rows(harness.db_path, "select id from assessments where user_id = ?", user.id)[0][0]
    plain = content.question(0)
    assert not plain.occasion
    question_message = user.last()
    await user.press(callbacks.encode("not_occurred", ref=assessment, index=0), question_message)
    assert user.toasts()[-1] == say(content, "not_occurred_refused")
    assert stored(harness.db_path, user.id) == {} and user.last().text.startswith("1/43")
    await user.tap("3")  # answered; a forged "didn't come up" on it afterwards changes nothing
    await user.press(callbacks.encode("not_occurred", ref=assessment, index=0), question_message)
    assert user.toasts()[-1] == say(content, "not_occurred_refused")
    assert stored(harness.db_path, user.id) == {plain.id: 3}
    # on a statement that needs an occasion it is taken, also from an older message
    occasion = next(q for q in content.questions if q.occasion)
    while not user.last().text.startswith(f"{occasion.index + 1}/43"):
        await user.tap("3")
    await user.tap(NOT_OCCURRED)
    assert stored(harness.db_path, user.id)[occasion.id] == DIDNT_COME_UP
    await user.press(callbacks.encode("answer", 2, ref=assessment, index=occasion.index), question_message)
    assert stored(harness.db_path, user.id)[occasion.id] == 2  # changed like any earlier answer


async def test_the_result_says_how_many_went_unanswered_when_that_lowers_what_it_can_say(harness, content):
    allowed = content.scoring.unanswered_after
    occasions = [q for q in content.competencies if q.occasion]
    assert len(occasions) > allowed + 1
    few, many = harness.user(4105), harness.user(4106)
    for user in (few, many):
        await onboard(user, content)
    # up to the allowed number of competencies without an answer: nothing said
    await answer(few, content, lambda q: NOT_OCCURRED if q in occasions[:allowed] else str(2 + q.index % 3))
    note = say(content, "unanswered_absent", count=allowed)
    assert note not in few.last().text
    # one more, and a role statement skipped: the summary says how many, split by kind
    role = next(q for q in content.questions if q.kind == "leider" and not q.occasion)
    await answer(many, content, lambda q: NOT_OCCURRED if q in occasions[:allowed + 1]
                 else "Skip" if q is role else str(2 + q.index % 3))
    summary = many.last().text
    assert say(content, "unanswered_note", parts=f"1 skipped, {allowed + 1} didn't come up").strip() in summary


async def test_raters_get_the_same_button_and_their_didnt_come_up_is_no_rating(bot, content):
    mia, payload = await manager_with_link(bot, content)
    questions = rater_questions(content)
    assert [q.id for q in questions if q.occasion] == [q.id for q in content.questions if q.occasion]
    conflict = conflict_statement(content)
    for n, value in enumerate(("3", "5", "4")):
        rater = bot.user(4110 + n, first_name=f"R{n}")
        await rater.send(f"/start {payload}")
        await rater.tap(content.text("btn_feedback_agree", "en"))
        await rater.tap(content.text("relation_peer", "en"))
        for question in questions:
            shown = rater.last().labels()
            assert (NOT_OCCURRED in shown) == question.occasion, (question.id, shown)
            if n == 0 and not question.occasion:  # a forged one on a statement without an occasion
                session = rows(bot.db_path, "select id from feedback_raters where rater_id = ?", rater.id)[0][0]
                await rater.press(callbacks.encode("fb_not_occurred", ref=session, index=question.index),
                                  rater.last())
                assert rater.toasts()[-1] == say(content, "not_occurred_refused")
            await rater.tap(NOT_OCCURRED if question is conflict and n == 0 else value)
    stored_values = rows(bot.db_path, "select a.value from feedback_answers a join feedback_raters r "
                                      "on r.id = a.session_id where r.rater_id = 4110 and a.question_id = ?",
                         conflict.id)
    assert stored_values == [(DIDNT_COME_UP,)]
    await mia.send("/feedback")
    await mia.tap(content.text("btn_feedback_close", "en"))
    summary = json.loads(rows(bot.db_path, "select summary from feedback_requests")[0][0])
    assert conflict.id not in summary["others"]  # two ratings only: below the threshold of three
    assert summary["others"][content.competencies[0].id] == 4.0  # 3, 5 and 4
    export_of_rater = bot.user(4110)
    await export_of_rater.send("/export")
    given = json.loads(next(iter(bot.api.calls_to("sendDocument")[-1].params["files"].values())))["feedback_given"]
    answer_row = next(a for a in given[0]["answers"] if a["question_id"] == conflict.id)
    assert (answer_row["value"], answer_row["didnt_come_up"]) == (None, True)


async def test_the_export_says_didnt_come_up_and_never_shows_it_as_a_rating(harness, content):
    user = harness.user(4107)
    await onboard(user, content)
    conflict = conflict_statement(content)
    await answer(user, content, lambda q: NOT_OCCURRED if q is conflict else "Skip" if q.index == 0 else "3")
    await user.send("/export")
    exported = json.loads(next(iter(harness.api.calls_to("sendDocument")[-1].params["files"].values())))
    answers = {a["question_id"]: (a["value"], a["didnt_come_up"]) for a in exported["assessments"][0]["answers"]}
    assert answers[conflict.id] == (None, True)
    assert answers[content.question(0).id] == (None, False)
    assert answers[content.question(2).id] == (3, False)


async def test_the_terminal_numbers_didnt_come_up_after_back_and_skip(tmp_path, content):
    lines: list[str] = []
    core = Core.build(open_database(tmp_path / "t.db"), content)
    chat = TerminalChat(core, lines.append, tmp_path / "charts")
    occasion = next(q for q in content.questions if q.occasion)
    assert occasion.index > 0
    await chat.run(["1", "2", "1"] + ["3"] * occasion.index + ["8"])
    text = "\n".join(lines)
    assert f"[6] ◀ Back  [7] Skip  [8] {NOT_OCCURRED}" in text
    stored_here = core.stores.assessments.answers(1)
    assert stored_here[occasion.id] == DIDNT_COME_UP and len(stored_here) == occasion.index + 1
