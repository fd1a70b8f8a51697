"""Opening the database: file, pragmas, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.migrations import MIGRATIONS


def open_database(path: str | Path) -> Database:
    """Open (and create or upgrade) the SQLite file at ``path`` in WAL mode.

    ``synchronous=FULL`` keeps every committed answer across a crash and a power loss.
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=5.0)
    db = Database(conn)
    db.enable_wal()
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    MIGRATIONS.apply(db)
    return db
