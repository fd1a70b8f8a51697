"""Opening the database: file, pragmas, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.migrations import MIGRATIONS


SYNCHRONOUS = ("FULL", "NORMAL")


def open_database(path: str | Path, synchronous: str = "FULL") -> Database:
    """Open (and create or upgrade) the SQLite file at ``path`` in WAL mode.

    ``FULL`` keeps every committed answer across a process crash and a power loss; ``NORMAL``
    (faster: no fsync per commit) across a process crash only.
    """
    if synchronous.upper() not in SYNCHRONOUS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS}")
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=5.0)
    db = Database(conn)
    db.enable_wal()
    db.execute(f"PRAGMA synchronous={synchronous.upper()}")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    MIGRATIONS.apply(db)
    return db
