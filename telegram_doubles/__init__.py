"""Bot API doubles shared by the tests and the benchmarks (no network beyond loopback).

- :mod:`telegram_doubles.fake_api`: ``FakeBotApi``, an offline ``BaseRequest`` with Telegram's
  semantics, and ``TelegramUser``, a person who talks to the real Application;
- :mod:`telegram_doubles.canned`: ``CannedRequest``, a minimal offline ``BaseRequest`` that
  answers at once without checking anything, so benchmarks measure only the bot's own work;
- :mod:`telegram_doubles.server`: ``BotApiServer``, the same methods over real HTTP on
  127.0.0.1, for end-to-end runs of ``regiecoach run``.
"""

from telegram.request import BaseRequest


class OfflineRequest(BaseRequest):
    """A Bot API that answers in this process (python-telegram-bot's own offline-testing hook):
    nothing to open or close; subclasses answer ``do_request``."""

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return None
