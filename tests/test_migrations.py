"""Schema changes go through versioned migrations that keep what is stored."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from storage import open_database
from storage.migrations import MIGRATIONS


def test_result_rows_lose_their_stale_answer_copies_and_keep_the_rest(db_path):
    early = Database(sqlite3.connect(db_path))
    MIGRATIONS.apply(early, stop_before="m010_results_without_answer_copies")
    stamp = "2026-11-01T09:00:00+00:00"
    early["users"].insert({"id": 7, "language": "nl", "flow_state": "idle", "created_at": stamp, "updated_at": stamp})
    early["assessments"].insert({"id": 1, "user_id": 7, "status": "completed", "cursor": 43, "started_at": stamp,
                                 "completed_at": stamp, "version": 1})
    early["results"].insert({"assessment_id": 1, "user_id": 7, "started_at": stamp, "completed_at": stamp,
                             "language": "nl", "archetype": "leider", "levels": "richten", "leider": 4.2,
                             "manager": 2.5, "q_richten": 5, "q_bedrijfsstrategie": 2})
    early.conn.commit()
    early.conn.close()

    db = open_database(db_path)
    results = db.table("results")
    assert not [c.name for c in results.columns if c.name.startswith("q_")]
    assert list(results.rows) == [{"assessment_id": 1, "user_id": 7, "started_at": stamp, "completed_at": stamp,
                                   "language": "nl", "archetype": "leider", "levels": "richten", "leider": 4.2,
                                   "manager": 2.5, "rules": None}]  # m012: scored before v3
    assert ["completed_at"] in [index.columns for index in results.indexes]
    assert {fk.other_table for fk in results.foreign_keys} == {"assessments", "users"}
    open_database(db_path)  # applied once: opening again changes nothing
    assert "m010_results_without_answer_copies" in {m.name for m in MIGRATIONS.applied(db)}


def test_a_reply_finds_its_prompt_through_an_index(db_path):
    db = open_database(db_path)
    plan = db.execute("explain query plan select id from prompt_deliveries where coachee_id = ? and message_id = ?",
                      [1, 2]).fetchall()
    assert "USING COVERING INDEX" in plan[0][3], plan
