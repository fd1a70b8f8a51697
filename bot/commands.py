"""The commands and the flow event each fires (Telegram and terminal)."""

from bot.flows import coaching

# Advertised to everybody in the command menu.
MENU_COMMANDS: dict[str, str] = {
    "start": "start",
    "resume": "resume",
    "pause": "pause",
    "result": "result",
    "report": "report",
    "retake": "retake",
    "plan": "plan",
    "feedback": "feedback",
    "mycoach": "mycoach",
    "privacy": "privacy",
    "export": "export",
    "delete": "delete",
    "language": "ask_language",
    "help": "help",
}

# Not in the public menu: coaches and admins get theirs in their own chat's menu (a coach the
# moment they become one). For anybody else these get the
# ordinary unknown-command reply.
COACH_COMMANDS: dict[str, str] = {name: name for name in coaching.COACH_COMMANDS}
ADMIN_COMMANDS: dict[str, str] = {
    "stats": "stats",
    "exportcsv": "exportcsv",
    "invitecoach": "invitecoach",
    "coaches": "coaches",
}
COMMAND_EVENTS: dict[str, str] = MENU_COMMANDS | COACH_COMMANDS | ADMIN_COMMANDS
