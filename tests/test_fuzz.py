"""Property-based fuzzing with Hypothesis, on a fixed, derandomized budget (CI-friendly).

1. A stateful model of :class:`Conversations`: several users fire random (valid, stale and
   forged) assessment events against a real SQLite file; the database is checked after
   every step, and every transition is compared with what the event may change. Two
   reproductions of what it found follow it.
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
from hypothesis import HealthCheck, given, note, settings
from hypothesis import event as hyp_event
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
from bot.buttons import Sizes
from bot.content import LANGUAGES, load_content
from bot.core import Core
from bot.flows.assessment import IN_PROGRESS, ONBOARDING
from bot.flows.coaching import coach_view
from bot.render import (
    MESSAGE_LIMIT,
    NOTICE_LIMIT,
    choice_label,
    notice_text,
    screen_text,
    split_message,
)
from bot.turn import Outcome, Turn, UnclaimedEvent
from bot.turns import buttons, handle
from storage import open_database
from telegram_doubles.fake_api import parse_html

pytestmark = pytest.mark.slow


class Conversations:
    """Events for users, as the handlers fire them (awaitable, like a handler's step)."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def handle(self, user: int, event: str, *, language_code: str | None = None, **kwargs) -> Outcome:
        return handle(self.core, Turn.of(user, language_code), event, kwargs)

CONTENT = load_content()
TOTAL = CONTENT.total
INDEX = {q.id: q.index for q in CONTENT.questions}
ROLE = [q.index for q in CONTENT.questions if q.section == "role"]
OCCASION = {q.index for q in CONTENT.questions if q.occasion}  # "didn't come up" (stored as 0) is allowed here
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
        self.db = open_database(self.path, "OFF")  # restarts, not power loss
        self.convs = self._conversations()
        self.reader = sqlite3.connect(self.path)
        self.furthest: dict[int, int] = {}  # assessment id -> the furthest cursor seen
        self.ever_completed: set[int] = set()
        self.sent: list[tuple[int, str, dict]] = []  # every event fired, for stale replays

    # --- plumbing -----------------------------------------------------------------------
    def clock(self) -> datetime:
        self.moment += timedelta(seconds=7)
        return self.moment

    def _conversations(self) -> Conversations:
        return Conversations(Core.build(self.db, CONTENT, clock=self.clock))

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
        after = self.snapshot()
        self.sent.append((user, event, dict(kwargs)))
        self.check_transition(user, event, kwargs, before, after)
        self.check_screens(user, event, outcome, after)
        hyp_event(f"{event}: {before.state(user)} -> {after.state(user)}")
        self.after_step(after)

    def after_step(self, after: Snapshot) -> None:
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
    def check_transition(self, user: int, event: str, kwargs: dict, before: Snapshot, after: Snapshot,
                         actors: tuple[int, ...] = ()) -> None:
        # Nothing of the other users changes, ever.
        for other in USERS:
            if other not in (user, *actors):
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

        # Answers: only answer/skip/not_occurred change them, one at a time, on the user's open
        # assessment, at the current question or an earlier one, to exactly the value sent
        # ("didn't come up" only on a statement that needs an occasion).
        changed = {key: value for key, value in after.answers.items()
                   if after.owner(key[0]) == user and before.answers.get(key, MISSING) != value}
        if changed:
            assert event in ("answer", "skip", "not_occurred"), f"{event} {kwargs} changed answers {changed}"
            assert len(changed) == 1, changed
            ((assessment_id, question_id), value), = changed.items()
            assert targets_open and assessment_id == opened[0], (kwargs, opened, changed)
            assert INDEX[question_id] == question and 0 <= question <= cursor, (kwargs, opened, changed)
            assert value == {"answer": kwargs.get("value"), "not_occurred": 0}.get(event), (kwargs, changed)
            assert event != "not_occurred" or question in OCCASION, (kwargs, changed)
            assert state in IN_PROGRESS, state

        # Assessments: which status and cursor changes each event may make.
        for aid, row in after.of_user(user).items():
            old = before.assessments.get(aid)
            if old is None:
                assert event in ("consent", "retake", "retake_confirmed"), (event, row)
                assert (row[2], row[3]) == ("in_progress", 0), row
                assert not any(key[0] == aid for key in after.answers), row
                continue
            reopened = old[2] == "in_progress" and old[5] is not None  # a result being completed
            if old[2] != row[2]:
                allowed = {
                    # a reopened result given up for a retake stands as it is
                    ("in_progress", "completed"): ("answer", "skip", "not_occurred") + (
                        ("retake", "retake_confirmed") if reopened else ()),
                    ("in_progress", "abandoned"): () if reopened else ("retake", "retake_confirmed"),
                    ("completed", "in_progress"): ("complete_missing",),
                }.get((old[2], row[2]), ())
                assert event in allowed, f"{event} {kwargs} moved assessment {aid} {old[2]} -> {row[2]}"
            if row[2] == "completed":
                assert row[5] is not None, row
                if old[2] == "in_progress" and event in ("answer", "skip", "not_occurred"):
                    assert row[3] == TOTAL, row
            if old[2] == row[2] == "in_progress" and old[3] != row[3]:
                if event == "back":
                    assert targets_open and question == old[3] and row[3] == old[3] - 1, (kwargs, old, row)
                else:
                    assert event in ("answer", "skip", "not_occurred") and targets_open and question == old[3], \
                        (kwargs, old, row)
                    assert row[3] > old[3], (kwargs, old, row)
            if old[2] == "completed" and row[2] == "in_progress":
                answers = after.answers
                missing = [i for i in ROLE if answers.get((aid, CONTENT.question(i).id)) in (None, 0)]
                assert missing and row[3] == missing[0], (row, missing)
                assert after.state(user) == "completing" and row[5] is not None, row
        new = set(after.of_user(user)) - set(before.of_user(user))
        assert len(new) <= 1, new

        # Progress that must happen: an answer, a skip or Back on the current question.
        if state in ("answering", "paused") and targets_open and question == cursor:
            question_id = CONTENT.question(cursor).id
            now = after.assessments[opened[0]]
            value = {"answer": kwargs.get("value"), "not_occurred": 0}.get(event)
            if event == "skip" or (event == "answer" and value in (1, 2, 3, 4, 5)) or (
                    event == "not_occurred" and cursor in OCCASION):
                assert after.answers.get((opened[0], question_id), MISSING) == value
                if cursor == TOTAL - 1:
                    assert (now[2], now[3], after.state(user)) == ("completed", TOTAL, "completed"), now
                else:
                    assert (now[2], now[3], after.state(user)) == ("in_progress", cursor + 1, "answering"), now
            if event == "back" and cursor > 0:
                assert (now[3], after.state(user)) == (cursor - 1, "answering"), now
        if state in ("answering", "paused", "completing") and event == "retake_confirmed":
            assert len(new) == 1, new
            assert after.assessments[opened[0]][2] == ("completed" if state == "completing" else "abandoned")

    def check_screens(self, user: int, event: str, outcome, after: Snapshot) -> None:
        opened = after.open_of(user)
        assert outcome.screens, "every event shows something"
        if event == "result" and user in self.ever_completed:  # a result reached is always shown
            assert "no_result_yet" not in [screen.key for screen in outcome.screens], outcome.screens
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
            assert value is None or (type(value) is int and 1 <= value <= 5) or (
                value == 0 and INDEX[qid] in OCCASION), (qid, value)
            owner = snap.owner(aid)
            assert owner is not None and snap.users[owner][3] is not None, (aid, owner)
            # answered only where the user has been: before the furthest question reached
            # (Back moves the cursor before answered questions; the answers stay)
            assert INDEX[qid] < self.furthest.get(aid, 0), (aid, qid, snap.assessments[aid], self.furthest)
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
            # a result being completed (reopened) is the open one, and only then
            assert (state == "completing") == any(a[5] is not None for a in open_rows), (row, open_rows)
            if user in self.ever_completed:  # a result once reached is never lost
                assert state == "completing" or any(a[2] == "completed" for a in mine.values()), (row, mine)
        for aid, row in snap.assessments.items():  # statistics count completed assessments only
            if row[2] == "completed":
                assert aid in snap.results, row
            elif aid in snap.results:
                assert row[2] == "in_progress" and row[5] is not None, ("result of", row)

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
        "more_tips", "all_scores", "help", "reject", "ask_language"]), code=codes)
    def simple(self, user, event, code):
        self.fire(user, event, language_code=code)

    @rule(user=users, language=st.sampled_from(["nl", "en", "de", "", "EN", None, "nl\x00"]), code=codes)
    def set_language(self, user, language, code):
        self.fire(user, "set_language", language_code=code, language=language)

    @rule(user=users, accepted=st.sampled_from([True, False, True, "yes", None]))
    def consent(self, user, accepted):
        self.fire(user, "consent", accepted=accepted)

    @rule(user=users, event=st.sampled_from(["answer", "skip", "back", "not_occurred"]),
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
          value=st.integers(1, 5), then=st.lists(st.sampled_from(
              ["complete_missing", "retake", "retake_confirmed", "result", "pause", "start"]), max_size=3))
    def answer_many(self, user, count, skip_roles, value, then):
        """Answer (or skip) straight on, to reach the end, the results, the missing ones."""
        for _ in range(count):
            opened = self.snapshot().open_of(user)
            if opened is None:
                break
            kwargs = {"assessment_id": opened[0], "question": opened[3]}
            if skip_roles and opened[3] in ROLE:  # "didn't come up" where it may: counted like a skip
                self.fire(user, "not_occurred" if opened[3] in OCCASION else "skip", **kwargs)
            else:
                self.fire(user, "answer", value=value, **kwargs)
        for event in then:
            self.fire(user, event)

    @precondition(lambda self: any(self.snapshot().state(u) in ("completed", "completing") for u in USERS))
    @rule(user=users, events=st.lists(st.sampled_from(
        ["retake_confirmed", "answer", "retake", "result", "skip", "pause", "resume", "start", "back",
         "complete_missing", "more_tips", "all_scores", "not_occurred"]), min_size=1, max_size=5))
    def after_the_result(self, user, events):
        """Reopen a result without archetype and wander: finish, give up, retake."""
        self.fire(user, "complete_missing")
        for event in events:
            opened = self.snapshot().open_of(user)
            if event in ("answer", "skip", "back", "not_occurred"):
                kwargs = {"assessment_id": opened[0], "question": opened[3]} if opened else {}
                self.fire(user, event, **kwargs, **({"value": 2} if event == "answer" else {}))
            else:
                self.fire(user, event)

    @rule(user=users, kind=st.sampled_from(["text", "media", "", "sticker"]))
    def unexpected(self, user, kind):
        self.fire(user, "unexpected_input", kind=kind)

    @rule(user=users, text=st.text(max_size=30))
    def free_text(self, user, text):
        self.fire(user, "text", text=text)

    @rule(user=users, event=st.sampled_from(["", "bogus", "show_intro", "record_and_advance", "to_completed",
                                             "trigger", "is_current", "__init__", "complete"]))
    def unknown_event(self, user, event):
        """An event no turn claims is an error, never routed to a flow by default: nothing is
        stored, nothing shown."""
        before = self.snapshot()
        with pytest.raises(UnclaimedEvent):
            self.loop.run_until_complete(self.convs.handle(user, event, language_code="en"))
        assert self.snapshot().state(user) == before.state(user)
        assert self.snapshot().open_of(user) == before.open_of(user)

    @precondition(lambda self: bool(self.sent))
    @rule(user=users, pick=st.integers(0, 10**6))
    def replay(self, user, pick):
        """A stale button: an event sent earlier, by this user or forged by another."""
        _, event, kwargs = self.sent[pick % len(self.sent)]
        self.fire(user, event, **kwargs)

    @rule(pair=st.permutations(USERS).map(lambda users: users[:2]),
          events=st.tuples(*[st.sampled_from(["answer", "skip", "back", "start", "retake_confirmed", "pause",
                                               "result", "complete_missing", "text"])] * 2))
    def concurrently(self, pair, events):
        """Two users' updates handled at the same time (the Application handles users
        concurrently): each may change only its own rows."""
        before = self.snapshot()
        calls = []
        for user, event in zip(pair, events):
            opened = before.open_of(user)
            kwargs = {"assessment_id": opened[0], "question": opened[3]} if opened else {}
            kwargs = kwargs if event in ("answer", "skip", "back") else {"text": "hoi"} if event == "text" else {}
            if event == "answer":
                kwargs["value"] = 3
            calls.append((user, event, kwargs))
        note(f"concurrently: {calls!r}")

        async def both():
            return await asyncio.gather(*(self.convs.handle(user, event, language_code="en", **kwargs)
                                          for user, event, kwargs in calls))

        outcomes = self.loop.run_until_complete(both())
        after = self.snapshot()
        hyp_event("concurrently: " + " | ".join(f"{event}: {before.state(user)} -> {after.state(user)}"
                                                for user, event, _ in calls))
        for (user, event, kwargs), outcome in zip(calls, outcomes):
            self.sent.append((user, event, dict(kwargs)))
            self.check_transition(user, event, kwargs, before, after, actors=pair)
            self.check_screens(user, event, outcome, after)
        self.after_step(after)

    @rule()
    def restart(self):
        """A new process on the same file: nothing survives but the database."""
        self.db.conn.close()
        self.db = open_database(self.path, "OFF")  # restarts, not power loss
        self.convs = self._conversations()


def test_conversations_state_machine():
    run_state_machine_as_test(
        ConversationMachine,
        settings=fuzz_settings(100, stateful_step_count=50),
    )


# Found by the state machine above; fixed in 5ce90bb and a96aa27. Kept as regressions.

async def onboarded(path: Path, user: int) -> Conversations:
    convs = Conversations(Core.build(open_database(path, "OFF"), CONTENT))
    for event, kwargs in [("start", {}), ("next", {}), ("set_language", {"language": "en"}),
                          ("consent", {"accepted": True})]:
        await convs.handle(user, event, language_code="en", **kwargs)
    return convs


async def finish_assessment(convs: Conversations, user: int, value: int, skip_roles: bool) -> None:
    assessment = (await convs.handle(user, "resume", language_code="en")).assessment_id
    for index in range(TOTAL):
        if skip_roles and index in ROLE:
            await convs.handle(user, "skip", assessment_id=assessment, question=index)
        else:
            await convs.handle(user, "answer", assessment_id=assessment, question=index, value=value)


async def result_keys(convs: Conversations, user: int) -> list[str]:
    return [screen.key for screen in (await convs.handle(user, "result", language_code="en")).screens]


async def test_a_reopened_result_survives_starting_over(tmp_path):
    convs = await onboarded(tmp_path / "reopen.db", 7100)
    await finish_assessment(convs, 7100, 4, skip_roles=True)  # a result without archetype
    assert "result_incomplete" in await result_keys(convs, 7100)
    await convs.handle(7100, "complete_missing")  # reopens the completed assessment
    await convs.handle(7100, "retake")
    await convs.handle(7100, "retake_confirmed")  # start over instead
    with sqlite3.connect(tmp_path / "reopen.db") as conn:
        statuses = dict(conn.execute("select id, status from assessments"))
        with_result = [row[0] for row in conn.execute("select assessment_id from results")]
    # before 5ce90bb: ['no_result_yet'], and the result row of an 'abandoned' assessment
    assert "no_result_yet" not in await result_keys(convs, 7100)
    assert with_result and all(statuses[aid] == "completed" for aid in with_result), (statuses, with_result)


async def test_the_result_shown_while_completing_missing_answers_is_the_latest(tmp_path):
    convs = await onboarded(tmp_path / "completing.db", 7200)
    await finish_assessment(convs, 7200, 5, skip_roles=False)  # earlier: IT Regisseur, all 5
    await convs.handle(7200, "retake")
    await finish_assessment(convs, 7200, 2, skip_roles=True)  # latest: no archetype, all 2
    assert "result_incomplete" in await result_keys(convs, 7200)
    await convs.handle(7200, "complete_missing")  # nothing answered yet
    # before a96aa27: ['result_chart', 'result_summary', 'result_no_gaps'], the earlier "IT Regisseur"
    assert "result_incomplete" in await result_keys(convs, 7200)


# ---------------------------------------------------------------------------------------
# 2. The callback-data parser
# ---------------------------------------------------------------------------------------

SPECS = buttons(Sizes.of(CONTENT))
IDS = ("assessment_id", "checkin_id", "relation_id", "schedule_id")
ARG_RANGES = {
    "value": range(1, 6), "rating": range(1, 6), "index": range(len(CONTENT.competencies)),
    "day": range(7), "slot": range(len(CONTENT.limits.checkin_times)),
    "choice": range(len(CONTENT.competencies) * 10),
}


def check_action(data: object, action: callbacks.Action | None) -> None:
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > callbacks.MAX_BYTES:
        assert action is None, (data, action)
    if action is None:
        return
    assert isinstance(data, str) and data.isascii() and len(data.encode()) <= callbacks.MAX_BYTES, data
    spec = SPECS[action.event]
    assert set(action.kwargs) == {k for k in (spec.ref, spec.index, spec.arg) if k}, (data, action)
    for key, value in action.kwargs.items():
        if key in IDS:
            assert type(value) is int and 0 <= value < 10**15, (data, action)
        elif key == "question":
            assert type(value) is int and 0 <= value < TOTAL, (data, action)
        elif key in ARG_RANGES:
            assert type(value) is int and value in ARG_RANGES[key], (data, action)
        elif key == "language":
            assert value in LANGUAGES, (data, action)
        elif key == "accepted":
            assert type(value) is bool, (data, action)
        elif key == "period":
            assert value in ("all", "30"), (data, action)
        else:  # a keyword added since: at least a plain value
            assert type(value) in (int, str, bool), (data, action)
    # What was accepted survives being built again, and is read back the same.
    arg = action.kwargs.get(spec.arg) if spec.arg else None
    arg = {True: "yes", False: "no"}.get(arg, arg) if spec.arg == "accepted" else arg
    again = callbacks.encode(action.event, arg, ref=action.kwargs.get(spec.ref) if spec.ref else None,
                             index=action.kwargs.get(spec.index) if spec.index else None)
    assert DECODE(again) == action, (data, again)


@fuzz_settings(300)
@given(data=st.one_of(
    st.text(),
    st.text(alphabet="1:0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", max_size=70),
    st.binary().map(lambda b: b.decode("latin-1")),
    st.none(), st.integers(), st.binary(), st.floats(), st.lists(st.text(max_size=3), max_size=3),
))
def test_decoder_on_arbitrary_input(data):
    check_action(data, DECODE(data))


MUTANTS = st.one_of(
    st.just(""), st.integers(0, 10**20).map(str), st.integers(-5, 60).map(str), st.sampled_from(
        ["0", "00", "007", "5", "6", "43", "42", "27", "28", "99", "yes", "no", "nl", "en", "all", "30",
         "de", " 3", "3 ", "+3", "-0", "３", "١", "3\n", "\x00", "x" * 9, "12345678", "a1", "Yes"]),
    st.text(max_size=10),
)


VALID_ARGS = {"value": ["1", "5"], "rating": ["3"], "language": list(LANGUAGES), "accepted": ["yes", "no"],
              "period": ["all", "30"], "index": ["0", str(len(CONTENT.competencies) - 1)], "day": ["0", "6"],
              "slot": ["0", str(len(CONTENT.limits.checkin_times) - 1)],
              "choice": ["0", str(len(CONTENT.competencies) * 10 - 1)],
              "moment": ["0", str(coach_view.DAYS_AHEAD * coach_view.TIME_SLOTS - 1)]}
# Events whose buttons this file knows how to build (a new kind of argument needs an entry above).
BUILDABLE = sorted(event for event, spec in SPECS.items() if spec.arg is None or spec.arg in VALID_ARGS)


def valid_fields(event: str, draw) -> list[str]:
    """The five fields of a well-formed button for ``event``."""
    spec = SPECS[event]
    arg = draw(st.sampled_from(VALID_ARGS[spec.arg])) if spec.arg else ""
    return ["1", spec.code, "7" if spec.ref else "", str(TOTAL - 1) if spec.index else "", arg]


@fuzz_settings(400)
@given(event=st.sampled_from(BUILDABLE), data=st.data(),
       mutate=st.lists(st.integers(0, 4), max_size=2, unique=True),
       separator=st.sampled_from([":"] * 8 + [";", "::", ""]),
       extra=st.sampled_from([""] * 8 + [":", ":1", "\n", " " * 60, "\x00"]))
def test_decoder_on_mutated_valid_data(event, data, mutate, separator, extra):
    fields = valid_fields(event, data.draw)
    for position in mutate:
        fields[position] = data.draw(
            st.one_of(MUTANTS, st.sampled_from([spec.code for spec in SPECS.values()]), st.characters())
            if position == 1 else MUTANTS, label=f"field {position}")
    built = separator.join(fields) + extra
    action = DECODE(built)
    check_action(built, action)
    if not mutate and separator == ":" and not extra:
        assert action is not None and action.event == event, built


@fuzz_settings(200)
@given(event=st.sampled_from(BUILDABLE), ref=st.integers(0, 10**15 - 1), index=st.integers(0, TOTAL - 1),
       data=st.data())
def test_decoder_reads_back_every_valid_button(event, ref, index, data):
    spec = SPECS[event]
    arg = data.draw(st.sampled_from(VALID_ARGS[spec.arg]), label="arg") if spec.arg else None
    built = callbacks.encode(event, arg, ref=ref if spec.ref else None, index=index if spec.index else None)
    action = DECODE(built)
    assert action is not None and action.event == event, built
    check_action(built, action)


# ---------------------------------------------------------------------------------------
# 3. Every text handler of the real Application, in every state
# ---------------------------------------------------------------------------------------

HOSTILE = st.sampled_from([
    "\u202e", "\u202d", "\u200f", "\u200d", "\u200b", "\ufeff", "\u2028", "\u00a0", "\x00", "\x01", "\x08",
    "\x1b", "\x1f", "\x7f", "\t", "\n", "\r", "👩‍👩‍👧‍👦", "🙂", "🏳️‍🌈", "🇳🇱", "e\u0301", "<b>", "</i>",
    "<a href='x'>", "&amp;", "&", "<", ">", "{0}", "{name}", "%s", "\\", "'", '"', "`", "１", "٣", "ﷺ",
])
PIECES = st.one_of(st.characters(codec="utf-8"), HOSTILE)  # any code point but surrogates, and worse


def hostile_text(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(PIECES, min_size=min_size, max_size=max_size).map("".join)


SUFFIX = hostile_text()
COMMAND_NAME = st.text("abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=12)
TEXTS = st.one_of(
    hostile_text(1, 300),
    hostile_text(1, 6).map(lambda unit: (unit * 10_000)[:10_000]),
    SUFFIX.map(lambda suffix: "/start " + suffix),
    st.sampled_from(["/start@regiecoach_test_bot", "/start@other_bot", "/START", "/start@", "/xyz", "/",
                     "/help@regiecoach_test_bot now", "/start " + "k" * 300, "/start c", "/start k",
                     "3", "1", "5", "Skip", "Overslaan", "stop"]),
    st.tuples(COMMAND_NAME, SUFFIX).map(lambda parts: f"/{parts[0]} {parts[1]}".rstrip()),
    st.tuples(COMMAND_NAME, SUFFIX).map(lambda parts: f"/{parts[0]}@regiecoach_test_bot {parts[1]}".rstrip()),
)
STATES = ["new", "intro", "language", "consent", "declined", "answering", "paused", "completed", "completing"]
TEXT_USER_IDS = itertools.count(500_000)


async def reach(user, state: str, answered: int) -> None:
    """Take a new Telegram user to ``state`` through the real Application."""
    if state == "new":
        return
    await user.send("/start")
    steps = [("intro", "next", None), ("language", "set_language", "en"), ("consent", None, None)]
    for name, event, arg in steps:
        if state == name:
            return
        if event:
            await user.press(callbacks.encode(event, arg), user.last())
    await user.press(callbacks.encode("consent", "no" if state == "declined" else "yes"), user.last())
    if state == "declined":
        return
    skip = CONTENT.text("btn_skip", "en")
    count = TOTAL if state in ("completed", "completing") else answered
    for index in range(count):
        await user.tap(skip if state == "completing" and index in ROLE else str(index % 5 + 1))
    if state == "completing":
        await user.press(callbacks.encode("complete_missing"), user.last())
    if state == "paused":
        await user.send("/pause")


def answers_and_state(db_path, user_id: int) -> tuple:
    with sqlite3.connect(db_path) as conn:
        answers = conn.execute(
            "select x.assessment_id, x.question_id, x.value, x.answered_at from answers x "
            "join assessments a on a.id = x.assessment_id where a.user_id = ? order by 1, 2", [user_id]).fetchall()
        state = conn.execute("select flow_state from users where id = ?", [user_id]).fetchone()
    return answers, state[0] if state else "new"


@pytest.mark.parametrize("state", STATES)
@fuzz_settings(10)
@given(answered=st.integers(0, 5),
       language_code=st.sampled_from(["en", "nl", None, "de"]),
       messages=st.lists(st.tuples(TEXTS, st.booleans()), min_size=1, max_size=4))
async def test_hostile_text_in_every_state(harness, state, answered, language_code, messages):
    user = harness.user(next(TEXT_USER_IDS), language_code=language_code)
    await reach(user, state, answered)
    assert harness.errors == []
    before = answers_and_state(harness.db_path, user.id)
    first_call = len(harness.api.calls)
    for text, edited in messages:
        sent = len(harness.api.calls_to("sendMessage"))
        await user.send(text, edited=edited)
        assert harness.errors == [], (text, edited, harness.errors)
        assert len(harness.api.calls_to("sendMessage")) > sent, f"no reply to {text[:80]!r}"
    for call in harness.api.calls[first_call:]:
        if call.method == "answerCallbackQuery":
            assert len(call.params.get("text", "")) <= NOTICE_LIMIT
        elif "text" in call.params:
            assert 0 < len(call.params["text"]) <= MESSAGE_LIMIT, call
            parse_html(call.params["text"])
    answers, flow_state = answers_and_state(harness.db_path, user.id)
    assert answers == before[0], "text changed stored answers"
    if not any(text.startswith("/") for text, edited in messages if not edited):
        assert flow_state == before[1], "free text changed the conversation's state"


# ---------------------------------------------------------------------------------------
# 4. Message splitting
# ---------------------------------------------------------------------------------------

SPLIT_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("ab \n\n\t.<>&é🙂\u00a0\u2028"), max_size=400),
    st.lists(st.text("abcdefgh ", min_size=0, max_size=60), max_size=30).map("\n".join),
    st.lists(st.text("abcdefgh \n", min_size=0, max_size=60), max_size=30).map("\n\n".join),
)


def visible(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


@fuzz_settings(500)
@given(text=SPLIT_TEXT, limit=st.one_of(st.integers(1, 80), st.just(MESSAGE_LIMIT)))
def test_split_message_keeps_every_character_within_the_limit(text, limit):
    parts = split_message(text, limit)
    assert parts, text
    assert all(len(part) <= limit for part in parts), (parts, limit)
    assert visible("".join(parts)) == visible(text)  # nothing lost, nothing added, same order
    if visible(text):
        assert all(parts), parts
    else:
        assert all(part.isspace() for part in parts) or parts == [""], parts
    if len(text) <= limit:
        assert parts == [text] or (not text and parts == [""]), (parts, text)


@fuzz_settings(200)
@given(paragraphs=st.lists(st.text("abcdefgh éï🙂", min_size=1, max_size=300).filter(str.strip),
                           min_size=1, max_size=40))
def test_split_message_cuts_a_long_text_at_paragraph_or_line_ends(paragraphs):
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_message(text)
    assert all(0 < len(part) <= MESSAGE_LIMIT for part in parts)
    # no paragraph (each far shorter than the limit) is cut in two
    assert set("\n\n".join(parts).split("\n\n")) == {p.strip() for p in paragraphs}
