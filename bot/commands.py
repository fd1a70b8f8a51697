"""The commands and the flow event each fires (Telegram and terminal)."""

# Advertised to everybody in the command menu.
MENU_COMMANDS: dict[str, str] = {
    "start": "start",
    "resume": "resume",
    "pause": "pause",
    "result": "result",
    "retake": "retake",
    "plan": "plan",
    "mycoach": "mycoach",
    "privacy": "privacy",
    "export": "export",
    "delete": "delete",
    "language": "ask_language",
    "help": "help",
}

# Not in the public menu: coaches learn theirs when they become one (and get them in their own
# menu at the next start); admins get theirs in their own menu. For anybody else these get the
# ordinary unknown-command reply.
COACH_COMMANDS: dict[str, str] = {
    "invite": "invite",
    "coachees": "coachees",
    "prompt": "prompt",
    "schedules": "schedules",
}
ADMIN_COMMANDS: dict[str, str] = {
    "stats": "stats",
    "exportcsv": "exportcsv",
    "invitecoach": "invitecoach",
}
COMMAND_EVENTS: dict[str, str] = MENU_COMMANDS | COACH_COMMANDS | ADMIN_COMMANDS
