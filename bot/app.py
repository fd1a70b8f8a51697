"""The one place where the python-telegram-bot ``Application`` is wired."""

from __future__ import annotations

import logging

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot import handlers
from bot.callbacks import Decoder
from bot.config import Settings
from bot.content import load_content
from bot.core import Core, Rules
from bot.faults import Ledger
from bot.health import Health, ObservedRequest
from bot.menus import register_menus
from bot.ratelimit import WindowRateLimiter
from bot.schedule import Scheduler, schedule_jobs
from bot.turn import Clock, utc_now
from bot.turns.result_rows import rescore_results
from storage import Database

log = logging.getLogger(__name__)
JOB_INTERVAL_SECONDS = 30.0  # how often due check-ins and prompts are looked for


def default_rate_limiter(settings: Settings) -> WindowRateLimiter:
    """Telegram's flood limits; an operator with a higher allowance raises the overall one."""
    return WindowRateLimiter(settings.sends_per_second)


def build_application(
    settings: Settings,
    db: Database,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter | None = None,
    clock: Clock = utc_now,
    job_interval: float = JOB_INTERVAL_SECONDS,
    health: Health | None = None,
) -> Application:
    """Build the bot. Tests pass their own offline ``request`` and no rate limiter.

    Both HTTP clients are wrapped so that ``health`` notes every successful send; the runner
    polls ``getUpdates`` itself with ``bot_data["updates_request"]`` (raw, unparsed).
    """
    content = load_content()
    health = health or Health()
    api_request = ObservedRequest(request or HTTPXRequest(connection_pool_size=256), health)
    updates_request = ObservedRequest(get_updates_request or request or HTTPXRequest(connection_pool_size=1), health)
    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .updater(None)  # updates come through bot.runner's durable inbox instead
    )
    builder = builder.request(api_request).get_updates_request(updates_request)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    application = builder.build()
    core = Core.build(db, content, Rules.of(settings), clock)
    rescore_results(core)
    application.bot_data["core"] = core
    application.bot_data["scheduler"] = Scheduler()
    application.bot_data["ledger"] = Ledger()
    application.bot_data["updates_request"] = updates_request
    application.bot_data["health"] = health
    application.bot_data["decoder"] = Decoder(content)
    handlers.register(application)
    application.add_error_handler(handlers.on_error)
    schedule_jobs(application, job_interval)
    return application


async def _post_init(application: Application) -> None:
    """Command menus for everybody, and the fuller ones of admins and coaches in their chats."""
    core: Core = application.bot_data["core"]
    core.knows_username(application.bot.username)
    await register_menus(application.bot, core)
