"""Command menus: everybody's in each language, and a fuller one in the own chat of each admin
and coach, changed the moment a role changes."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.commands import ADMIN_COMMANDS, COACH_COMMANDS, MENU_COMMANDS
from bot.content import DEFAULT_LANGUAGE, LANGUAGES, Content
from bot.core import Core
from bot.logs import who

log = logging.getLogger(__name__)


def bot_commands(content: Content, language: str, names: Iterable[str] = MENU_COMMANDS) -> list[BotCommand]:
    return [BotCommand(name, content.text(f"cmd_{name}", language)) for name in names]


def role_commands(core: Core, user_id: int) -> list[str]:
    """The commands in this person's own menu, their role's first; only the public ones when
    they have no role."""
    coach = core.stores.coaching.coach(user_id) is not None
    admin = core.rules.is_admin(user_id)
    return [*(COACH_COMMANDS if coach else ()), *(ADMIN_COMMANDS if admin else ()), *MENU_COMMANDS]


async def refresh_menu(bot: Bot, core: Core, user_id: int) -> None:
    """Set (or, without a role, remove) the menu of this person's own chat."""
    names = role_commands(core, user_id)
    scope = BotCommandScopeChat(user_id)
    try:
        if len(names) == len(MENU_COMMANDS):
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(bot_commands(core.content, core.language_of(user_id), names),
                                      scope=scope)
    except TelegramError as error:  # e.g. an admin who never opened the bot: no chat yet
        log.info("no command menu for %s: %s", who(user_id), error)


async def register_menus(bot: Bot, core: Core) -> None:
    """At start-up: the public menu in every language (the default one without a code), and
    the menus of every admin and coach."""
    content = core.content
    await bot.set_my_commands(bot_commands(content, DEFAULT_LANGUAGE))
    for language in LANGUAGES:
        await bot.set_my_commands(bot_commands(content, language), language_code=language)
    for user_id in sorted(set(core.stores.coaching.coach_ids()) | core.rules.admin_ids):
        await refresh_menu(bot, core, user_id)
