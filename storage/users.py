"""Users: language, where they are in the conversation, consent, and where their next text goes."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database


@dataclass
class UserRecord:
    id: int
    language: str
    flow_state: str
    consented_at: str | None = None


class UserStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, user_id: int) -> UserRecord | None:
        row = self.db.execute("select id, language, flow_state, consented_at from users where id = ?",
                              [user_id]).fetchone()
        return UserRecord(*row) if row else None

    def save_state(self, user_id: int, state: str, language: str, now: str) -> None:
        """Where the user is in the conversation, and their language (a new user gets a row)."""
        self.db.execute(
            "insert into users (id, language, flow_state, created_at, updated_at) values (?, ?, ?, ?, ?) "
            "on conflict(id) do update set language = excluded.language, flow_state = excluded.flow_state, "
            "updated_at = excluded.updated_at", [user_id, language, state, now, now])

    def consent(self, user_id: int, now: str) -> None:
        self.db.execute("update users set consented_at = ? where id = ?", [now, user_id])

    def ensure_user(self, user_id: int, language: str, now: str) -> None:
        """A row for ``user_id`` (a coach or coachee may arrive before any assessment)."""
        self.db.execute(
            "insert into users (id, language, flow_state, created_at, updated_at) values (?, ?, 'new', ?, ?) "
            "on conflict(id) do nothing", [user_id, language, now, now])

    def language_of(self, user_id: int) -> str | None:
        row = self.db.execute("select language from users where id = ?", [user_id]).fetchone()
        return row[0] if row else None

    def text_context(self, user_id: int) -> dict | None:
        """Where the user's next free text goes, as they chose it (None: nowhere in particular)."""
        row = self.db.execute("select text_context from users where id = ?", [user_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def set_text_context(self, user_id: int, context: dict | None) -> None:
        self.db.execute("update users set text_context = ? where id = ?",
                        [json.dumps(context, ensure_ascii=False) if context else None, user_id])
