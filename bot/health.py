"""How a running bot is doing, in a heartbeat file beside the database.

``regiecoach run`` writes ``<db>.status.json`` every few seconds and whenever a fault starts
or ends: when it last received and sent, which faults last now (since when, why) and the
last error. It is a file, not a table, so that it still tells the truth while the database
itself is locked. ``regiecoach status`` reads it together with the counts in the database.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.files import write_private

HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 30.0  # a heartbeat older than this: the run is not alive (or hangs)


def status_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".status.json")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Fault:
    since: str
    message: str


@dataclass
class Health:
    """The live state of one run; faults are named by area (receiving, database, scheduler …)."""

    path: Path | None = None
    pid: int = field(default_factory=os.getpid)
    started_at: str = field(default_factory=_now)
    heartbeat_at: str | None = None
    last_received_at: str | None = None
    last_sent_at: str | None = None
    faults: dict[str, Fault] = field(default_factory=dict)
    last_error: Fault | None = None
    _sent: float = field(default=0.0, repr=False)

    def received(self) -> None:
        self.last_received_at = _now()

    def sent(self) -> None:
        self._sent = time.time()  # on every send: formatted only when the file is written

    def fault(self, area: str, message: str) -> None:
        """``area`` is failing now; written at once when the fault is new."""
        self.last_error = Fault(_now(), f"{area}: {message}")
        if area not in self.faults:
            self.faults[area] = Fault(_now(), message)
            self.write()
        else:
            self.faults[area].message = message

    def ok(self, area: str) -> None:
        if self.faults.pop(area, None) is not None:
            self.write()

    def error(self, message: str) -> None:
        self.last_error = Fault(_now(), message)

    def write(self) -> None:
        """Replace the heartbeat file atomically (never a half-written file)."""
        if self.path is None:
            return
        self.heartbeat_at = _now()
        if self._sent:
            self.last_sent_at = datetime.fromtimestamp(self._sent, timezone.utc).isoformat(timespec="seconds")
        data = {key: value for key, value in asdict(self).items() if key not in ("path", "_sent")}
        try:
            write_private(self.path, json.dumps(data, indent=1).encode())
        except OSError:  # a full disk must not stop the bot; status will call it stale
            pass


def read_heartbeat(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class ObservedRequest(BaseRequest):
    """Wraps the HTTP client of the Bot API and notes every successful send in ``health``."""

    RECEIVING = ("getUpdates", "getMe", "getWebhookInfo")

    def __init__(self, inner: BaseRequest, health: Health) -> None:
        self.inner, self.health = inner, health

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(url, method, request_data, read_timeout, write_timeout,
                                                    connect_timeout, pool_timeout)
        if 200 <= code < 300 and not url.endswith(self.RECEIVING):
            self.health.sent()
        return code, payload
