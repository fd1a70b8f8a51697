"""Structured logs: one JSON object per line (or plain text for a terminal)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.files import write_private

# Logs name a person by a keyed pseudonym, never by their Telegram id, name or text. The key
# lives beside the database (``<db>.logkey``); without it (tests, a one-off command) a key of
# this process only is used, so its pseudonyms link to nothing.
_key = secrets.token_bytes(32)
PSEUDONYM_HEX = 12


def key_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".logkey")


def use_key_beside(db_path: Path) -> None:
    """Use (and on first start create, 0600) the pseudonym key beside the database."""
    global _key
    path = key_path(Path(db_path))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, secrets.token_hex(32).encode())
    _key = bytes.fromhex(path.read_text().strip())


def who(user_id: int | None) -> str:
    """The pseudonym of a Telegram user (or chat) id in the logs: ``u-`` and 12 hex digits."""
    if user_id is None:
        return "nobody"
    digest = hmac.new(_key, str(int(user_id)).encode(), hashlib.sha256).hexdigest()
    return "u-" + digest[:PSEUDONYM_HEX]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: int, json_lines: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("transitions").setLevel(logging.ERROR)  # an ignored stale button is not a warning
