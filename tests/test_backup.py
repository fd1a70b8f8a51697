"""`regiecoach backup FILE`: a consistent, checked copy of the live database, 0600 from creation.

Restoring one under load is in tests/test_e2e_backup.py (the real `regiecoach run`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from storage import open_database
from storage.backup import BackupError, backup
from tests.conftest import regiecoach

ROOT = Path(__file__).resolve().parent.parent


def live_database(path: Path, rows: int = 3000) -> Path:
    """A database of the bot (all migrations) with a table big enough for many backup steps."""
    db = open_database(path, "NORMAL")
    db.execute("create table ledger (id integer primary key, payload text)")
    db.execute("create table pair (a integer, b integer)")
    db.execute("insert into pair values (0, 0)")
    db.conn.commit()
    with db.conn:
        db.conn.executemany("insert into ledger (payload) values (?)", [(os.urandom(400).hex(),) for _ in range(rows)])
    db.conn.close()
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_cli_writes_a_checked_copy_0600_and_says_how_big_and_how_long(tmp_path):
    db = live_database(tmp_path / "live.db")
    result = regiecoach("backup", "copies/first.db", env={"REGIECOACH_DB": str(db), "PYTHONPATH": str(ROOT)},
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    copy = tmp_path / "copies" / "first.db"
    assert str(copy) in result.stdout and f"{copy.stat().st_size:,} bytes" in result.stdout
    assert " s (copy " in result.stdout and "integrity check" in result.stdout
    assert mode(copy) == 0o600 and mode(copy.parent) == 0o700
    assert sorted(p.name for p in copy.parent.iterdir()) == ["first.db"]  # one file: no -wal, -journal, partial
    with sqlite3.connect(copy) as conn:
        assert conn.execute("pragma journal_mode").fetchone() == ("delete",)
        assert conn.execute("select count(*) from ledger").fetchone() == (3000,)
        assert conn.execute("select count(*) from _sqlite_migrations").fetchone()[0] >= 1


@pytest.mark.parametrize("target", ["live.db", "live.db-wal", "live.db-shm", "."])
def test_the_database_itself_or_a_folder_is_refused_in_one_line(tmp_path, target):
    db = live_database(tmp_path / "live.db", rows=10)
    before = db.read_bytes()
    result = regiecoach("backup", target, env={"REGIECOACH_DB": str(db), "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "no backup made" in result.stderr
    assert db.read_bytes() == before


def test_no_database_no_backup(tmp_path):
    result = regiecoach("backup", "copy.db", env={"REGIECOACH_DB": str(tmp_path / "none.db"),
                                                  "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert result.returncode == 1 and "there is no database" in result.stderr
    assert not (tmp_path / "copy.db").exists() and not (tmp_path / "none.db").exists()


def test_the_copy_is_0600_from_its_first_byte_and_the_target_appears_only_when_checked(tmp_path):
    db = live_database(tmp_path / "live.db")
    umask = os.umask(0o000)  # whatever the caller's umask: nobody else may read a byte of it
    try:
        seen: list[tuple[int, bool, int]] = []

        def look(partial: Path, copied: int, total: int) -> None:
            seen.append((mode(partial), (tmp_path / "out" / "copy.db").exists(), copied))

        made = backup(db, tmp_path / "out" / "copy.db", step_pages=16, progress=look)
    finally:
        os.umask(umask)
    assert len(seen) > 10 and {m for m, _, _ in seen} == {0o600}
    assert not any(exists for _, exists, _ in seen)
    assert seen[-1][2] == made.pages and mode(made.path) == 0o600


def test_a_copy_taken_while_someone_writes_is_one_moment_and_never_starts_over(tmp_path):
    """A writer commits two updates per transaction without pause; the copy, in small steps,
    finishes (it holds one read snapshot) and shows both updates of one moment."""
    db = live_database(tmp_path / "live.db")
    stop, commits = threading.Event(), [0]

    def write() -> None:
        conn = sqlite3.connect(db, isolation_level=None)
        while not stop.is_set():
            conn.execute("begin immediate")
            conn.execute("update pair set a = a + 1")
            conn.execute("insert into ledger (payload) values ('x')")
            conn.execute("update pair set b = b + 1")
            conn.execute("commit")
            commits[0] += 1
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        steps: list[int] = []
        made = backup(db, tmp_path / "copy.db", step_pages=8, progress=lambda _p, copied, _t: steps.append(copied))
    finally:
        stop.set()
        writer.join()
    assert commits[0] > 0
    assert steps == sorted(steps)  # never back to the first page
    with sqlite3.connect(made.path) as conn:
        a, b = conn.execute("select a, b from pair").fetchone()
        assert a == b == conn.execute("select count(*) - 3000 from ledger").fetchone()[0]


def test_a_copy_that_fails_its_integrity_check_is_not_left_behind(tmp_path):
    db = tmp_path / "broken.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table t (id integer primary key, v text)")
        conn.execute("create index t_v on t (v)")
        conn.executemany("insert into t (v) values (?)", [(f"value {n}",) for n in range(2000)])
    with sqlite3.connect(db) as conn:
        root = conn.execute("select rootpage from sqlite_schema where name = 't_v'").fetchone()[0]
        page_size = conn.execute("pragma page_size").fetchone()[0]
    with open(db, "r+b") as raw:  # scribble over the cells at the end of the index's root page
        raw.seek(root * page_size - 300)
        raw.write(b"\xff" * 300)
    with pytest.raises(BackupError, match="integrity check"):
        backup(db, tmp_path / "out" / "copy.db")
    assert list((tmp_path / "out").iterdir()) == []
