"""Shared fixtures: a real Application on a real SQLite file, offline."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from telegram.ext import Application, ContextTypes

from bot.app import build_application
from bot.config import Settings
from bot.content import Content, load_content
from storage import open_database
from telegram_doubles.fake_api import FakeBotApi, TelegramUser, parse_html

TOKEN = "123456:TEST-TOKEN"


def say(content: Content, key: str, **params) -> str:
    """A text of the content in English, as the user reads it (tags removed)."""
    return parse_html(content.text(key, "en", **params))


def rows(db_path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def content() -> Content:
    return load_content()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "regiecoach.db"


@dataclass
class BotHarness:
    """The real Application, its offline Bot API, and every error its handlers raised."""

    application: Application
    api: FakeBotApi
    db_path: Path
    errors: list[BaseException] = field(default_factory=list)

    def user(self, user_id: int, language_code: str | None = "en", **kwargs) -> TelegramUser:
        return TelegramUser(self.application, self.api, user_id, language_code, **kwargs)


@pytest.fixture
def make_harness(db_path: Path, request: pytest.FixtureRequest) -> Callable[..., BotHarness]:
    """Build a new Application on the same database file (a restart), sharing one fake API.

    Commits skip fsync (``synchronous=OFF``) unless the test is marked ``durable``."""
    api = FakeBotApi()
    synchronous = "FULL" if request.node.get_closest_marker("durable") else "OFF"

    def make(settings: Settings | None = None, **options) -> BotHarness:
        settings = settings or Settings(token=TOKEN, db_path=db_path)
        db = open_database(settings.db_path, synchronous)
        application = build_application(settings, db, request=api, **options)
        harness = BotHarness(application, api, settings.db_path)

        async def collect(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            harness.errors.append(context.error)

        application.add_error_handler(collect)
        return harness

    return make


@pytest.fixture
async def harness(make_harness: Callable[..., BotHarness]) -> AsyncIterator[BotHarness]:
    harness = make_harness()
    async with harness.application:
        yield harness
    assert harness.errors == [], f"handlers raised: {harness.errors!r}"
