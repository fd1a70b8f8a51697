"""The commands and the event each fires (Telegram and terminal), as the turns declare them."""

from bot.turns import commands

COMMANDS = commands()
COMMAND_EVENTS: dict[str, str] = {command.name: command.event for command in COMMANDS}
# The public menu; coaches and admins get theirs in their own chat's menu (a coach the moment
# they become one). For anybody else those commands get the ordinary unknown-command reply.
MENU_COMMANDS: list[str] = [command.name for command in COMMANDS if command.menu == "all"]
COACH_COMMANDS: list[str] = [command.name for command in COMMANDS if command.menu == "coach"]
ADMIN_COMMANDS: list[str] = [command.name for command in COMMANDS if command.menu == "admin"]
