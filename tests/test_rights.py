"""Privacy rights: /privacy, /export, /delete (no row left anywhere), retention."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

from bot.config import Settings
from bot.schedule import housekeeping, send_due_checkins
from storage import USER_COLUMNS
from telegram_doubles.fake_api import parse_html
from tests.conftest import (
    ADMIN,
    TOKEN,
    FakeClock,
    answer_all,
    bytes_holding,
    link_payload,
    make_plan,
    onboard,
    pick_prompt,
    reply_to_prompt,
    rows_mentioning,
)

PERSON = 987_654_321  # distinctive, so a search for it finds only rows about this person


def test_every_table_with_people_in_it_is_known_to_delete(db_path):
    from storage import open_database

    open_database(db_path)
    with sqlite3.connect(db_path) as conn:
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert tables - {"_sqlite_migrations", "meta", "sqlite_sequence"} == set(USER_COLUMNS)


async def test_delete_leaves_no_row_about_the_person(make_harness, db_path, content):
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
    harness = make_harness(Settings(token=TOKEN, db_path=db_path, admin_ids=frozenset({ADMIN})), clock=clock)
    async with harness.application:
        # the person is a coachee with a coach, a plan, a check-in and a reply, and also a coach
        admin = harness.user(ADMIN, first_name="Ada")
        await admin.send("/invitecoach")
        coach = harness.user(5555, first_name="Carla")
        await coach.send(f"/start {link_payload(admin.last().text)}")
        await coach.send("/invite")
        person = harness.user(PERSON, first_name="Pim")
        await person.send(f"/start {link_payload(coach.last().text)}")
        await person.tap(content.text("btn_share", "en"))
        await person.tap(content.text("btn_next", "en"))
        await person.tap("🇬🇧 English")
        await person.tap(content.text("btn_agree", "en"))
        await answer_all(person, content, lambda i: 3)
        await make_plan(person, content, picks=2)
        clock.now += timedelta(days=3)
        await send_due_checkins(harness.application)
        await person.tap(content.text("btn_answer_done", "en"))
        await person.send("a note")
        await coach.send("/prompt")
        await coach.tap("Pim")
        await pick_prompt(coach, 1)
        await coach.tap(content.text("btn_send_now", "en"))
        await reply_to_prompt(person, content, "my reply")
        await admin.send("/invitecoach")
        await person.send(f"/start {link_payload(admin.last().text)}")  # the person becomes a coach too
        harness.application.bot_data["core"].stores.inbox.add(  # a raw update still in the inbox
            [__import__("storage").InboxItem(10**9, PERSON, json.dumps({"from": {"id": PERSON}}))], "x")
        assert len(rows_mentioning(db_path, PERSON)) >= 10
        await person.send("/export")
        exported = json.loads(next(iter(harness.api.calls_to("sendDocument")[-1].params["files"].values())))
        assert exported["profile"]["id"] == PERSON and len(exported["assessments"][0]["answers"]) == 43
        assert exported["checkins"][0]["note"] == "a note"
        assert exported["reflection_replies"][0]["text"] == "my reply"
        assert exported["coach_relations"][0]["coach_name"] == "Carla"
        await person.send("/delete")
        await person.tap(content.text("btn_keep", "en"))
        assert rows_mentioning(db_path, PERSON)
        await person.send("/delete")
        await person.tap(content.text("btn_delete_everything", "en"))
        assert person.last().text == parse_html(content.text("deleted", "en"))
    assert rows_mentioning(db_path, PERSON) == {}
    with sqlite3.connect(db_path) as conn:  # the coach keeps their own data
        assert conn.execute("select count(*) from coaches where user_id = 5555").fetchone() == (1,)
    assert harness.errors == []


async def test_privacy_text_and_retention(make_harness, db_path, content):
    clock = FakeClock(datetime(2026, 1, 1, 8, 0, tzinfo=timezone.utc))
    harness = make_harness(Settings(token=TOKEN, db_path=db_path, retention_days=180), clock=clock)
    async with harness.application:
        old, recent = harness.user(PERSON), harness.user(4242)
        await old.send("/privacy")
        assert "180 days" in old.last().text
        await onboard(old, content)
        clock.now += timedelta(days=100)
        await onboard(recent, content)
        clock.now += timedelta(days=100)
        assert housekeeping(harness.application)[0] == 1
        assert rows_mentioning(db_path, PERSON) == {}
        assert rows_mentioning(db_path, 4242)
        # the bytes went too: nothing of the person in the database file or its -wal
        assert bytes_holding(db_path, [str(PERSON).encode(), PERSON.to_bytes(4, "big")]) == {}
