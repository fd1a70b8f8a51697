"""A consistent copy of the live database while the bot runs (``regiecoach backup FILE``).

SQLite's online backup API copies the pages from one read snapshot of the source, held from
the first step to the last: in WAL mode a reader never blocks a writer, so the bot keeps
committing answers throughout and the copy is the database as it was at one moment. The
copy goes into a new file created 0600 beside the target (no moment at which others may
read it), is checked with ``PRAGMA integrity_check``, written to disk, and only then renamed
to the target: a target is a complete, checked copy or it is absent.

SQLite commits the copy only at its last step. Left alone, the kernel would then write the
whole copy out at once, and the bot's own commits (each an fsync) would queue behind it: a
stall of about 0.3 s at 600 MB (bench/backup.py). So each step's pages are flushed as they
are copied, and the disk's queue stays short.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

STEP_PAGES = 1024  # pages copied (and flushed) per step: 4 MiB at 4 KiB pages; the snapshot holds across steps
OPEN_TIMEOUT_S = 10.0  # waiting for a lock only happens while SQLite recovers a WAL file


class BackupError(RuntimeError):
    """The backup could not be made; the message says why. Nothing is left at the target."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes
    pages: int
    copy_seconds: float
    check_seconds: float

    @property
    def seconds(self) -> float:
        return self.copy_seconds + self.check_seconds


Progress = Callable[[Path, int, int], object]  # (the file being written, pages copied, pages in all)


def backup(source: str | Path, target: str | Path, step_pages: int = STEP_PAGES,
           progress: Progress | None = None) -> Backup:
    """Copy the database at ``source`` to ``target`` (replaced atomically if it exists);
    ``progress`` is called after each step."""
    source, target = Path(source).absolute(), Path(target).absolute()
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if _is_the_database(source, target):
        raise BackupError(f"{target} is the database itself; name a new file")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; name a file")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)  # 0600
    os.close(handle)
    partial = Path(name)
    try:
        began = time.perf_counter()
        pages = _copy(source, partial, step_pages, progress)
        copied = time.perf_counter()
        _check(partial)
        checked = time.perf_counter()
        _sync(partial)
        os.replace(partial, target)
        _sync(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Backup(target, target.stat().st_size, pages, copied - began, checked - copied)


def _is_the_database(source: Path, target: Path) -> bool:
    """``target`` is the database file or one of its companions (``-wal``, ``-shm``, ``-journal``)."""
    own = {source.resolve().with_name(source.resolve().name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}
    return target.resolve() in own or (target.exists() and os.path.samefile(source, target))


def _copy(source: Path, partial: Path, step_pages: int, progress: Progress | None) -> int:
    """Copy every page of ``source`` into the empty file ``partial``; returns the page count."""
    reader = sqlite3.connect(f"file:{quote(str(source))}?mode=rw", uri=True, timeout=OPEN_TIMEOUT_S,
                             isolation_level=None)
    writer = sqlite3.connect(str(partial), isolation_level=None)
    flushed = os.open(partial, os.O_RDONLY)
    try:
        writer.execute("PRAGMA journal_mode=MEMORY")  # no journal file beside the copy
        # One read snapshot for the whole copy: without it each step starts a new read, and a
        # commit by the bot in between makes SQLite start the copy again from the first page.
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_schema").fetchone()

        def step(_status: int, remaining: int, total: int) -> None:
            os.fdatasync(flushed)  # this step's pages to disk now, not all at the end
            if progress is not None:
                progress(partial, total - remaining, total)

        reader.backup(writer, pages=step_pages, progress=step)
        reader.execute("COMMIT")
        # The pages say WAL, as the source's do: one self-contained file is what a backup should
        # be (the bot turns WAL on again when it opens a restored copy).
        writer.execute("PRAGMA journal_mode=DELETE")
        return writer.execute("PRAGMA page_count").fetchone()[0]
    finally:
        os.close(flushed)
        writer.close()
        reader.close()


def _check(path: Path) -> None:
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:  # too damaged to even list what is wrong
        problems = [str(error)]
    finally:
        conn.close()
    if problems != ["ok"]:
        raise BackupError("the copy failed its integrity check: " + "; ".join(problems[:3]))


def _sync(path: Path) -> None:
    """Make ``path`` (a file, or a folder's entries) durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
