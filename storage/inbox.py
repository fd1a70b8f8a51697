"""The durable inbox of Telegram updates: stored raw before they are acknowledged, done once.

An update is kept exactly as Telegram sent it (JSON text) before anything parses it, so an
update the library cannot parse is stored, marked ``unparseable`` and passed over: it never
blocks the offset, its sender or a restart.

Offsets follow the Bot API's rules. An update is confirmed by a ``getUpdates`` whose offset
is higher than its id; after a week without updates Telegram picks the next id at random,
possibly lower. So the offset to send is the last stored batch's highest id + 1, sent until
one call with it succeeds (that confirms the batch); after that the bot polls without an
offset, which returns exactly the unconfirmed updates whatever their ids. A stored offset
older than Telegram's 24-hour retention is dropped: nothing it could confirm is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

OFFSET_KEY = "updates_offset"
OFFSET_AT_KEY = "updates_offset_at"
OFFSET_MAX_AGE = timedelta(hours=23)  # Telegram keeps an unconfirmed update for 24 hours


@dataclass
class InboxItem:
    update_id: int
    user_id: int | None  # the sender (or the chat, for updates without one): orders and erases
    payload: str


@dataclass
class InboxCounts:
    pending: int
    oldest_pending_at: str | None
    unparseable: int
    failed: int


class InboxStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return row[0] if row else None

    def offset(self, now: datetime | None = None) -> int | None:
        """The offset the next ``getUpdates`` must send, or None to poll without one."""
        value, at = self._meta(OFFSET_KEY), self._meta(OFFSET_AT_KEY)
        if value is None:
            return None
        if now is not None and at is not None and now - datetime.fromisoformat(at) > OFFSET_MAX_AGE:
            return None
        return int(value)

    def acknowledged(self, offset: int) -> None:
        """A ``getUpdates`` with ``offset`` succeeded: the batch below it is confirmed."""
        with self.db.atomic():
            if self._meta(OFFSET_KEY) == str(offset):
                self.db.execute("delete from meta where key in (?, ?)", [OFFSET_KEY, OFFSET_AT_KEY])

    def add(self, items: list[InboxItem], now: str) -> int:
        """Store new updates (an update_id seen before is ignored) and the offset that will
        confirm them, in one transaction. Returns how many were new."""
        if not items:
            return 0
        with self.db.atomic():
            added = 0
            for item in items:
                added += self.db.execute(
                    "insert or ignore into inbox (update_id, user_id, payload, status, received_at) "
                    "values (?, ?, ?, 'pending', ?)", [item.update_id, item.user_id, item.payload, now]).rowcount
            following = str(max(item.update_id for item in items) + 1)
            for key, value in ((OFFSET_KEY, following), (OFFSET_AT_KEY, now)):
                self.db.execute("insert into meta (key, value) values (?, ?) on conflict(key) do update "
                                "set value = excluded.value", [key, value])
        return added

    def pending_owners(self, limit: int = 1000) -> list[int | None]:
        """Senders with pending updates, the longest waiting first (None: updates without one)."""
        return [row[0] for row in self.db.execute(
            "select user_id from inbox where status = 'pending' group by user_id order by min(update_id) limit ?",
            [limit]).fetchall()]

    def pending_of(self, owner: int | None, limit: int = 20) -> list[InboxItem]:
        """The pending updates of one sender, in order."""
        rows = self.db.execute(
            "select update_id, user_id, payload from inbox where status = 'pending' and "
            + ("user_id is null" if owner is None else "user_id = ?") + " order by update_id limit ?",
            ([] if owner is None else [owner]) + [limit]).fetchall()
        return [InboxItem(*row) for row in rows]

    def mark_done(self, update_id: int, now: str) -> None:
        self.db.execute("update inbox set status = 'done', done_at = ? where update_id = ? and status = 'pending'",
                        [now, update_id])

    def mark_unparseable(self, update_id: int, error: str, now: str) -> None:
        self.db.execute("update inbox set status = 'unparseable', error = ?, done_at = ? where update_id = ?",
                        [error[:500], now, update_id])

    def mark_failed(self, update_id: int, error: str, now: str) -> None:
        self.db.execute("update inbox set status = 'failed', error = ?, done_at = ? "
                        "where update_id = ? and status = 'pending'", [error[:500], now, update_id])

    def is_done(self, update_id: int) -> bool:
        row = self.db.execute("select status from inbox where update_id = ?", [update_id]).fetchone()
        return row is None or row[0] != "pending"

    def counts(self) -> InboxCounts:
        pending, oldest = self.db.execute(
            "select count(*), min(received_at) from inbox where status = 'pending'").fetchone()
        unparseable, failed = self.db.execute(
            "select sum(status = 'unparseable'), sum(status = 'failed') from inbox").fetchone()
        return InboxCounts(pending, oldest, unparseable or 0, failed or 0)

    def purge_done(self, before: str) -> int:
        return self.db.execute("delete from inbox where status != 'pending' and done_at < ?", [before]).rowcount
