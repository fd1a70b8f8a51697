"""The durable inbox of Telegram updates: stored before they are acknowledged, done once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

OFFSET_KEY = "updates_offset"


@dataclass
class InboxItem:
    update_id: int
    user_id: int | None
    payload: str


class InboxStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def offset(self) -> int | None:
        row = next(self.db.query("select value from meta where key = ?", [OFFSET_KEY]), None)
        return int(row["value"]) if row else None

    def add(self, items: list[InboxItem], now: str) -> int:
        """Store new updates (duplicates by update_id are ignored) and move the offset past them,
        in one transaction. Returns how many were new."""
        if not items:
            return 0
        with self.db.atomic():
            added = 0
            for item in items:
                added += self.db.execute(
                    "insert or ignore into inbox (update_id, user_id, payload, status, received_at) "
                    "values (?, ?, ?, 'pending', ?)", [item.update_id, item.user_id, item.payload, now]).rowcount
            following = max(item.update_id for item in items) + 1
            self.db.execute(
                "insert into meta (key, value) values (?, ?) on conflict(key) do update set value = "
                "max(cast(value as integer), cast(excluded.value as integer))", [OFFSET_KEY, str(following)])
        return added

    def pending(self, limit: int = 500) -> list[InboxItem]:
        return [InboxItem(r["update_id"], r["user_id"], r["payload"]) for r in self.db.query(
            "select update_id, user_id, payload from inbox where status = 'pending' order by update_id limit ?",
            [limit])]

    def mark_done(self, update_id: int, now: str) -> None:
        self.db.execute("update inbox set status = 'done', done_at = ? where update_id = ? and status = 'pending'",
                        [now, update_id])

    def is_done(self, update_id: int) -> bool:
        row = next(self.db.query("select status from inbox where update_id = ?", [update_id]), None)
        return row is None or row["status"] == "done"

    def purge_done(self, before: str) -> int:
        return self.db.execute("delete from inbox where status = 'done' and done_at < ?", [before]).rowcount
