"""Opening the database: file, pragmas, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from storage.migrations import MIGRATIONS

SYNCHRONOUS = ("FULL", "NORMAL", "OFF")  # OFF only for tests that do not test durability
DatabaseError = sqlite3.Error  # what the database raises; callers outside storage/ catch this


def busy(error: BaseException) -> bool:
    """SQLite could not get a lock in time (another connection holds it): try again later."""
    return isinstance(error, sqlite3.OperationalError) and any(
        word in str(error).lower() for word in ("locked", "busy"))


BUSY_TIMEOUT_MS = 2000
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024  # bytes a -wal file keeps after a checkpoint
WIPE_WAIT_MS = 200  # how long a truncating checkpoint waits for readers before it is left for later
PRIVATE = 0o600  # the database and its -wal and -shm: readable by the bot's own user only


def make_private(path: Path) -> None:
    """Create the database file readable by its owner only (SQLite gives its -wal and -shm the
    same mode), or take the rights of others away from files made before."""
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o777 != PRIVATE:
            file.chmod(PRIVATE)


def wipe_freed_bytes(db: Database) -> bool:
    """After an erasure: copy the -wal into the database and truncate it to nothing, so no old
    page with erased data is left in either file (``secure_delete`` has zeroed the freed bytes in
    the database). False when a reader kept the -wal busy: call again later."""
    waits = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout={WIPE_WAIT_MS}")  # a reader (a backup) may hold it: try again later
    try:
        busy_flag, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        db.execute(f"PRAGMA busy_timeout={int(waits)}")
    return busy_flag == 0


def open_database(path: str | Path, synchronous: str = "FULL", busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open (and create or upgrade) the SQLite file at ``path`` in WAL mode.

    ``FULL`` keeps every committed answer across a process crash and a power loss; ``NORMAL``
    (faster: no fsync per commit) across a process crash only; ``OFF`` (tests that do not test
    durability) not even that. When another connection holds
    the write lock (a backup, a ``sqlite3`` shell), a write waits ``busy_timeout_ms`` and then
    fails with "database is locked"; callers keep the work and try again later. The wait
    blocks the event loop, so it is short.
    """
    if synchronous.upper() not in SYNCHRONOUS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS}")
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
        make_private(path)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=busy_timeout_ms / 1000)
    db = Database(conn)
    db.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not just unlinked
    db.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
    db.enable_wal()
    db.execute(f"PRAGMA synchronous={synchronous.upper()}")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    MIGRATIONS.apply(db)
    return db


@contextmanager
def immediate(db: Database) -> Iterator[Database]:
    """One write transaction taken at its start (``BEGIN IMMEDIATE``): what is read inside it
    is still true when its writes commit. Inside another transaction: a savepoint."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.execute("COMMIT")
