"""The commands a manager can use and the flow event each fires (Telegram and terminal)."""

COMMAND_EVENTS: dict[str, str] = {
    "start": "start",
    "resume": "resume",
    "pause": "pause",
    "result": "result",
    "retake": "retake",
    "plan": "plan",
    "language": "ask_language",
    "help": "help",
}
