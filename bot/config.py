"""Settings from the environment (and a ``.env`` file in the working directory)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

DEFAULT_API_BASE_URL = "https://api.telegram.org"
MIN_GROUP_FLOOR = 3  # the anonymity threshold can never be set lower
WEBHOOK_SECRET_MIN = 16  # characters: a shorter secret can be guessed
STATS_PERIODS = ("week", "month", "quarter")  # how often published statistics may renew at most


class ConfigError(ValueError):
    """A setting is missing or invalid; the message is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    db_path: Path = Path("data/regiecoach.db")
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    api_base_url: str = DEFAULT_API_BASE_URL
    timezone: str = "Europe/Amsterdam"
    min_group: int = 5  # figures over fewer people are withheld
    retention_days: int | None = None  # erase users inactive for longer; None = keep
    webhook_url: str | None = None  # public https URL Telegram posts updates to (webhook mode)
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1:8080"
    log_format: str = "json"  # json | text
    synchronous: str = "FULL"  # SQLite: FULL survives power loss, NORMAL only a process crash
    sends_per_second: int = 30  # Telegram's overall flood limit for this bot
    feedback_min: int = 3  # colleagues who must have rated before a feedback summary is shown
    stats_period: str = "month"  # published statistics renew at most once per calendar period

    def webhook(self) -> tuple[str, str, str, int]:
        """(url, secret, host, port) for ``regiecoach run --webhook``."""
        if not self.webhook_url or not self.webhook_secret:
            raise ConfigError("webhook mode needs REGIECOACH_WEBHOOK_URL and REGIECOACH_WEBHOOK_SECRET")
        if not re.fullmatch(r"[A-Za-z0-9_-]{%d,256}" % WEBHOOK_SECRET_MIN, self.webhook_secret):
            raise ConfigError(f"REGIECOACH_WEBHOOK_SECRET must be {WEBHOOK_SECRET_MIN} to 256 characters of "
                              "A-Z, a-z, 0-9, _ and - (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')")
        host, _, port = self.webhook_listen.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"REGIECOACH_WEBHOOK_LISTEN must be host:port, got {self.webhook_listen!r}")
        return self.webhook_url, self.webhook_secret, host, int(port)

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: PTB appends the token and the method."""
        return f"{self.api_base_url.rstrip('/')}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_base_url.rstrip('/')}/file/bot"

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: put it in the environment or .env "
                "(see .env.example), or try the bot without Telegram: regiecoach chat"
            )
        return self.token


def _admin_ids(raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(" ", "").split(",") if part)
    except ValueError:
        raise ConfigError(f"REGIECOACH_ADMIN_IDS must be comma-separated Telegram user ids, got {raw!r}") from None


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default: the process environment after loading ``.env``)."""
    if env is None:
        load_dotenv(Path.cwd() / ".env", override=False)
        env = dict(os.environ)
    timezone = env.get("REGIECOACH_TIMEZONE") or "Europe/Amsterdam"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"REGIECOACH_TIMEZONE {timezone!r} is not a known time zone (e.g. Europe/Amsterdam)") from None
    api_base_url = env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL
    if not api_base_url.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_API_BASE_URL must start with http:// or https://, got {api_base_url!r}")
    min_group = env.get("REGIECOACH_MIN_GROUP") or "5"
    if not min_group.isdigit() or int(min_group) < MIN_GROUP_FLOOR:
        raise ConfigError(f"REGIECOACH_MIN_GROUP must be a whole number of at least {MIN_GROUP_FLOOR}, "
                          f"got {min_group!r}: smaller groups would identify people")
    return Settings(
        token=env.get("TELEGRAM_BOT_TOKEN") or None,
        db_path=Path(env.get("REGIECOACH_DB") or "data/regiecoach.db"),
        admin_ids=_admin_ids(env.get("REGIECOACH_ADMIN_IDS", "")),
        api_base_url=api_base_url,
        timezone=timezone,
        min_group=int(min_group),
        retention_days=_retention(env.get("REGIECOACH_RETENTION_DAYS", "")),
        webhook_url=env.get("REGIECOACH_WEBHOOK_URL") or None,
        webhook_secret=env.get("REGIECOACH_WEBHOOK_SECRET") or None,
        webhook_listen=env.get("REGIECOACH_WEBHOOK_LISTEN") or "127.0.0.1:8080",
        log_format=(env.get("REGIECOACH_LOG_FORMAT") or "json").lower(),
        synchronous=_synchronous(env.get("REGIECOACH_SYNCHRONOUS") or "FULL"),
        sends_per_second=_sends_per_second(env.get("REGIECOACH_SENDS_PER_SECOND") or "30"),
        feedback_min=_feedback_min(env.get("REGIECOACH_FEEDBACK_MIN") or "3"),
        stats_period=_stats_period(env.get("REGIECOACH_STATS_PERIOD") or "month"),
    )


def _stats_period(raw: str) -> str:
    if raw.strip().lower() not in STATS_PERIODS:
        raise ConfigError(f"REGIECOACH_STATS_PERIOD must be one of {', '.join(STATS_PERIODS)}, got {raw!r}")
    return raw.strip().lower()


def _feedback_min(raw: str) -> int:
    if not raw.strip().isdigit() or int(raw) < MIN_GROUP_FLOOR:
        raise ConfigError(f"REGIECOACH_FEEDBACK_MIN must be a whole number of at least {MIN_GROUP_FLOOR}, "
                          f"got {raw!r}: fewer raters would identify one")
    return int(raw)


def _sends_per_second(raw: str) -> int:
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 1000:
        raise ConfigError(f"REGIECOACH_SENDS_PER_SECOND must be a whole number from 1 to 1000, got {raw!r}")
    return int(raw)


def _synchronous(raw: str) -> str:
    if raw.upper() not in ("FULL", "NORMAL"):
        raise ConfigError(f"REGIECOACH_SYNCHRONOUS must be full or normal, got {raw!r}")
    return raw.upper()


def _retention(raw: str) -> int | None:
    if not raw.strip() or raw.strip() == "0":
        return None
    if not raw.strip().isdigit():
        raise ConfigError(f"REGIECOACH_RETENTION_DAYS must be a number of days (0 = keep), got {raw!r}")
    return int(raw)
