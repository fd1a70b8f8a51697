"""Property-based fuzzing with Hypothesis, on a fixed, derandomized budget (CI-friendly).

1. A stateful model of :class:`Conversations`: several users fire random (valid, stale and
   forged) assessment events against a real SQLite file; the database is checked after
   every step, and every transition is compared with what the event may change.
2. The callback-data parser on arbitrary and mutated input.
3. Every text handler of the real Application with hostile text, in every state.
4. Message splitting.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import sqlite3
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import event as hyp_event
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bot import callbacks
from bot.content import LANGUAGES, load_content
from bot.conversation import Conversations
from bot.flows.assessment import IN_PROGRESS, ONBOARDING
from bot.render import MESSAGE_LIMIT, NOTICE_LIMIT, choice_label, notice_text, screen_text, split_message
from storage import open_database
from tests.telegram_double import parse_html

CONTENT = load_content()
TOTAL = CONTENT.total
INDEX = {q.id: q.index for q in CONTENT.questions}
ROLE = [q.index for q in CONTENT.questions if q.section == "role"]
DECODE = callbacks.Decoder(CONTENT)


def fuzz_settings(max_examples: int, **kwargs) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.filter_too_much, HealthCheck.data_too_large],
        derandomize=True,
        database=None,
        **kwargs,
    )


# ---------------------------------------------------------------------------------------
# 1. Conversations as a state machine
# ---------------------------------------------------------------------------------------

USERS = (7001, 7002, 7003)
LANGUAGE_CODES = ("en", "nl", None, "de", "en-GB", "NL", "")
MISSING = object()


class Snapshot:
    """Everything of the assessment tables, read with plain sqlite3."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.users = {row[0]: row for row in conn.execute(
            "select id, language, flow_state, consented_at, created_at, updated_at from users")}
        self.assessments = {row[0]: row for row in conn.execute(
            "select id, user_id, status, cursor, started_at, completed_at from assessments")}
        self.answers = {(row[0], row[1]): row[2] for row in conn.execute(
            "select assessment_id, question_id, value from answers")}
        self.answer_times = {(row[0], row[1]): row[2] for row in conn.execute(
            "select assessment_id, question_id, answered_at from answers")}
        self.results = {row[0]: row for row in conn.execute("select * from results")}
        self.duplicates = conn.execute(
            "select assessment_id, question_id, count(*) from answers group by 1, 2 having count(*) > 1"
        ).fetchall()

    def owner(self, assessment_id: int) -> int | None:
        row = self.assessments.get(assessment_id)
        return row[1] if row else None

    def of_user(self, user: int) -> dict[int, tuple]:
        return {aid: row for aid, row in self.assessments.items() if row[1] == user}

    def open_of(self, user: int) -> tuple | None:
        rows = [row for row in self.assessments.values() if row[1] == user and row[2] == "in_progress"]
        return max(rows) if rows else None

    def answers_of_user(self, user: int) -> dict:
        return {key: value for key, value in self.answers.items() if self.owner(key[0]) == user}

    def rows_of_user(self, user: int) -> tuple:
        mine = self.of_user(user)
        return (self.users.get(user), mine,
                {k: (v, self.answer_times[k]) for k, v in self.answers.items() if k[0] in mine},
                {k: v for k, v in self.results.items() if k in mine})

    def state(self, user: int) -> str:
        return self.users[user][2] if user in self.users else "new"


class ConversationMachine(RuleBasedStateMachine):
    """Two or three users, random events, a real SQLite file; checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="regiecoach-fuzz-"))
        self.path = self.dir / "fuzz.db"
        self.loop = asyncio.new_event_loop()
        self.moment = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
        self.db = open_database(self.path)
        self.convs = self._conversations()
        self.reader = sqlite3.connect(self.path)
        self.furthest: dict[int, int] = {}  # assessment id -> the furthest cursor seen
        self.ever_completed: set[int] = set()
        self.sent: list[tuple[int, str, dict]] = []  # every event fired, for stale replays
        self.calls = 0

    # --- plumbing -----------------------------------------------------------------------
    def clock(self) -> datetime:
        self.moment += timedelta(seconds=7)
        return self.moment

    def _conversations(self) -> Conversations:
        return Conversations(self.db, CONTENT, clock=self.clock)

    def teardown(self) -> None:
        self.reader.close()
        self.db.conn.close()
        self.loop.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def snapshot(self) -> Snapshot:
        return Snapshot(self.reader)

    def fire(self, user: int, event: str, language_code: str | None = "en", **kwargs) -> None:
        before = self.snapshot()
        note(f"{user}: {event} {kwargs!r} (state {before.state(user)!r}, "
             f"open {before.open_of(user)!r})")
        outcome = self.loop.run_until_complete(
            self.convs.handle(user, event, language_code=language_code, **kwargs))
        self.calls += 1
        after = self.snapshot()
        self.sent.append((user, event, dict(kwargs)))
        self.check_transition(user, event, kwargs, before, after)
        self.check_screens(user, outcome, after)
        hyp_event(f"{event}: {before.state(user)} -> {after.state(user)}")
        for row in after.assessments.values():
            self.furthest[row[0]] = max(self.furthest.get(row[0], 0), row[3])
            if row[2] == "completed":
                self.ever_completed.add(row[1])

    def target_assessment(self, user: int, target: str, snap: Snapshot) -> int | None:
        own = snap.open_of(user)
        others = [row for row in snap.assessments.values() if row[1] != user]
        older = [row for row in snap.of_user(user).values() if row[2] != "in_progress"]
        if target == "own" and own:
            return own[0]
        if target == "own_old" and older:
            return older[-1][0]
        if target == "other" and others:
            return others[-1][0]
        if target == "next":  # the id the next assessment will get
            return max(snap.assessments, default=0) + 1
        if target == "none":
            return None
        return own[0] + 1_000_000 if own else 2**62

    @staticmethod
    def target_question(cursor: int, relation: str, offset: int) -> int:
        return {
            "current": cursor,
            "older": cursor - 1 - offset % max(cursor, 1),
            "future": cursor + 1 + offset,
            "last": TOTAL - 1,
            "total": TOTAL,
            "negative": -1 - offset,
            "huge": 10**18 + offset,
        }[relation]

    # --- checks -------------------------------------------------------------------------
    def check_transition(self, user: int, event: str, kwargs: dict, before: Snapshot, after: Snapshot) -> None:
        # Nothing of the other users changes, ever.
        for other in USERS:
            if other != user:
                assert before.rows_of_user(other) == after.rows_of_user(other), (
                    f"event {event} {kwargs} of user {user} changed rows of user {other}")
        # Nothing is ever deleted.
        assert set(before.assessments) <= set(after.assessments)
        assert set(before.answers) <= set(after.answers)

        state = before.state(user)
        opened = before.open_of(user)
        cursor = opened[3] if opened else None
        targets_open = opened is not None and kwargs.get("assessment_id") == opened[0]
        question = kwargs.get("question")

        # Answers: only answer/skip change them, one at a time, on the user's open assessment,
        # at the current question or an earlier one, to exactly the value sent.
        changed = {key: value for key, value in after.answers.items()
                   if before.answers.get(key, MISSING) != value}
        if changed:
            assert event in ("answer", "skip"), f"{event} {kwargs} changed answers {changed}"
            assert len(changed) == 1, changed
            ((assessment_id, question_id), value), = changed.items()
            assert targets_open and assessment_id == opened[0], (kwargs, opened, changed)
            assert INDEX[question_id] == question and 0 <= question <= cursor, (kwargs, opened, changed)
            assert value == (kwargs.get("value") if event == "answer" else None), (kwargs, changed)
            assert state in IN_PROGRESS, state

        # Assessments: which status and cursor changes each event may make.
        for aid, row in after.of_user(user).items():
            old = before.assessments.get(aid)
            if old is None:
                assert event in ("consent", "retake", "retake_confirmed"), (event, row)
                assert (row[2], row[3]) == ("in_progress", 0), row
                assert not any(key[0] == aid for key in after.answers), row
                continue
            if old[2] != row[2]:
                allowed = {
                    ("in_progress", "completed"): ("answer", "skip"),
                    ("in_progress", "abandoned"): ("retake", "retake_confirmed"),
                    ("completed", "in_progress"): ("complete_missing",),
                }.get((old[2], row[2]), ())
                assert event in allowed, f"{event} {kwargs} moved assessment {aid} {old[2]} -> {row[2]}"
            if row[2] == "completed":
                assert row[3] == TOTAL and row[5] is not None, row
            if old[2] == row[2] == "in_progress" and old[3] != row[3]:
                if event == "back":
                    assert targets_open and question == old[3] and row[3] == old[3] - 1, (kwargs, old, row)
                else:
                    assert event in ("answer", "skip") and targets_open and question == old[3], (kwargs, old, row)
                    assert row[3] > old[3], (kwargs, old, row)
            if old[2] == "completed" and row[2] == "in_progress":
                answers = after.answers
                missing = [i for i in ROLE if answers.get((aid, CONTENT.question(i).id)) is None]
                assert missing and row[3] == missing[0], (row, missing)
        new = set(after.of_user(user)) - set(before.of_user(user))
        assert len(new) <= 1, new

        # Progress that must happen: an answer, a skip or Back on the current question.
        if state in ("answering", "paused") and targets_open and question == cursor:
            question_id = CONTENT.question(cursor).id
            now = after.assessments[opened[0]]
            value = kwargs.get("value") if event == "answer" else None
            if event == "skip" or (event == "answer" and value in (1, 2, 3, 4, 5)):
                assert after.answers.get((opened[0], question_id), MISSING) == value
                if cursor == TOTAL - 1:
                    assert (now[2], now[3], after.state(user)) == ("completed", TOTAL, "completed"), now
                else:
                    assert (now[2], now[3], after.state(user)) == ("in_progress", cursor + 1, "answering"), now
            if event == "back" and cursor > 0:
                assert (now[3], after.state(user)) == (cursor - 1, "answering"), now
        if state in ("answering", "paused", "completing") and event == "retake_confirmed":
            assert len(new) == 1 and before.assessments.get(opened[0]) and \
                after.assessments[opened[0]][2] == "abandoned"

    def check_screens(self, user: int, outcome, after: Snapshot) -> None:
        opened = after.open_of(user)
        assert outcome.screens, "every event shows something"
        language = outcome.language
        assert language in LANGUAGES
        for screen in outcome.screens:
            text = screen_text(screen, language, CONTENT)
            if screen.notice:
                assert 0 < len(notice_text(text)) <= NOTICE_LIMIT
            else:
                assert all(0 < len(part) <= MESSAGE_LIMIT for part in split_message(text))
                parse_html(text)  # well-formed Telegram HTML
            if screen.question is not None:
                assert screen.params["n"] == screen.question + 1, screen.params
                assert screen.params["total"] == TOTAL
                assert 0 <= screen.question < TOTAL
                assert outcome.assessment_id is not None
                assert after.owner(outcome.assessment_id) == user
                if not screen.in_place:  # the question the user is at now
                    assert opened is not None and opened[0] == outcome.assessment_id, (opened, outcome)
                    assert screen.question == opened[3], (screen.question, opened)
            for choice in screen.choices:
                choice_label(choice, screen, language, CONTENT)
                data = callbacks.choice_data(choice, screen, outcome.assessment_id)
                assert len(data.encode()) <= callbacks.MAX_BYTES
                action = DECODE(data)
                assert action is not None and action.event == choice.event, (data, choice)
                if screen.question is not None and choice.ref is None:
                    assert action.kwargs.get("question") == screen.question
                    assert action.kwargs.get("assessment_id") == outcome.assessment_id

    @invariant()
    def database_is_consistent(self) -> None:
        snap = self.snapshot()
        assert snap.duplicates == []
        for (aid, qid), value in snap.answers.items():
            assert qid in INDEX, qid
            assert value is None or (type(value) is int and 1 <= value <= 5), value
            owner = snap.owner(aid)
            assert owner is not None and snap.users[owner][3] is not None, (aid, owner)
            assert INDEX[qid] < self.furthest.get(aid, 0) or (
                snap.assessments[aid][2] == "in_progress" and INDEX[qid] <= snap.assessments[aid][3]), (
                aid, qid, snap.assessments[aid], self.furthest.get(aid))
        for user, row in snap.users.items():
            state, consented = row[2], row[3]
            mine = snap.of_user(user)
            open_rows = [a for a in mine.values() if a[2] == "in_progress"]
            assert len(open_rows) <= 1, open_rows
            assert all(a[2] in ("in_progress", "completed", "abandoned") for a in mine.values())
            for a in open_rows:
                assert 0 <= a[3] <= TOTAL - 1, a
            if state in ONBOARDING:
                assert consented is None and not mine, (row, mine)
            else:
                assert consented is not None, row
            assert (state in IN_PROGRESS) == bool(open_rows), (row, open_rows)
            if user in self.ever_completed:  # a result once reached is never lost
                assert state == "completing" or any(a[2] == "completed" for a in mine.values()), (row, mine)
        for aid in snap.results:
            assert snap.assessments[aid][2] != "abandoned", ("result of an abandoned assessment", aid)

    # --- rules --------------------------------------------------------------------------
    users = st.sampled_from(USERS)
    codes = st.sampled_from(LANGUAGE_CODES)

    def onboard(self, user: int, language: str, accept: bool = True) -> None:
        self.fire(user, "start")
        self.fire(user, "next")
        self.fire(user, "set_language", language=language)
        self.fire(user, "consent", accepted=accept)

    @initialize(languages=st.tuples(st.sampled_from(LANGUAGES), st.sampled_from(LANGUAGES)))
    def two_users_begin(self, languages):
        for user, language in zip(USERS[:2], languages):
            self.onboard(user, language)

    @precondition(lambda self: any(self.snapshot().state(u) in ONBOARDING for u in USERS))
    @rule(user=users, language=st.sampled_from(LANGUAGES), accept=st.booleans())
    def onboarding(self, user, language, accept):
        self.onboard(user, language, accept)

    @rule(user=users, event=st.sampled_from([
        "start", "next", "pause", "resume", "result", "retake", "retake_confirmed", "complete_missing",
        "more_tips", "full_list", "help", "reject", "ask_language"]), code=codes)
    def simple(self, user, event, code):
        self.fire(user, event, language_code=code)

    @rule(user=users, language=st.sampled_from(["nl", "en", "de", "", "EN", None, "nl\x00"]), code=codes)
    def set_language(self, user, language, code):
        self.fire(user, "set_language", language_code=code, language=language)

    @rule(user=users, accepted=st.sampled_from([True, False, True, "yes", None]))
    def consent(self, user, accepted):
        self.fire(user, "consent", accepted=accepted)

    @rule(user=users, event=st.sampled_from(["answer", "skip", "back"]),
          whom=st.sampled_from(["own", "own", "own", "own", "own_old", "other", "next", "none", "forged"]),
          relation=st.sampled_from(["current", "current", "current", "older", "future", "last", "total",
                                    "negative", "huge"]),
          offset=st.integers(0, 50), value=st.sampled_from([1, 2, 3, 4, 5, 1, 5, 0, 6, -1, None]))
    def rate(self, user, event, whom, relation, offset, value):
        snap = self.snapshot()
        opened = snap.open_of(user)
        kwargs = {"assessment_id": self.target_assessment(user, whom, snap),
                  "question": self.target_question(opened[3] if opened else 0, relation, offset)}
        if event == "answer":
            kwargs["value"] = value
        self.fire(user, event, **kwargs)

    @precondition(lambda self: any(self.snapshot().open_of(u) for u in USERS))
    @rule(user=users, count=st.sampled_from([1, 2, 3, 5, 10, 20, TOTAL, TOTAL]), skip_roles=st.booleans(),
          value=st.integers(1, 5), then=st.sampled_from([None, "complete_missing", "retake", "result"]))
    def answer_many(self, user, count, skip_roles, value, then):
        """Answer (or skip) straight on, to reach the end, the results, the missing ones."""
        for _ in range(count):
            opened = self.snapshot().open_of(user)
            if opened is None:
                break
            kwargs = {"assessment_id": opened[0], "question": opened[3]}
            if skip_roles and opened[3] in ROLE:
                self.fire(user, "skip", **kwargs)
            else:
                self.fire(user, "answer", value=value, **kwargs)
        if then is not None:
            self.fire(user, then)

    @rule(user=users, kind=st.sampled_from(["text", "media", "", "sticker"]))
    def unexpected(self, user, kind):
        self.fire(user, "unexpected_input", kind=kind)

    @rule(user=users, text=st.text(max_size=30))
    def free_text(self, user, text):
        self.fire(user, "text", text=text)

    @rule(user=users, event=st.sampled_from(["", "bogus", "show_intro", "record_and_advance", "to_completed",
                                             "trigger", "is_current", "__init__", "complete"]))
    def unknown_event(self, user, event):
        self.fire(user, event)

    @precondition(lambda self: bool(self.sent))
    @rule(user=users, pick=st.integers(0, 10**6))
    def replay(self, user, pick):
        """A stale button: an event sent earlier, by this user or forged by another."""
        _, event, kwargs = self.sent[pick % len(self.sent)]
        self.fire(user, event, **kwargs)

    @rule()
    def restart(self):
        """A new process on the same file: nothing survives but the database."""
        self.db.conn.close()
        self.db = open_database(self.path)
        self.convs = self._conversations()


def test_conversations_state_machine():
    run_state_machine_as_test(
        ConversationMachine,
        settings=fuzz_settings(60, stateful_step_count=40),
    )
