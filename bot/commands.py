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

# Not advertised: coaches learn theirs when they become one; admins know theirs. For anybody
# else these get the ordinary unknown-command reply.
COACH_COMMANDS: dict[str, str] = {
    "invite": "invite",
    "coachees": "coachees",
    "prompt": "prompt",
    "schedules": "schedules",
    "invitecoach": "invitecoach",
    "stats": "stats",
    "exportcsv": "exportcsv",
}
COMMAND_EVENTS: dict[str, str] = MENU_COMMANDS | COACH_COMMANDS
