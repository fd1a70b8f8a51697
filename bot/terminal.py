"""``regiecoach chat``: the same flows in a terminal, numbered choices instead of buttons.

Reads standard input line by line, so it can be scripted; ends cleanly at end of input.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Callable, TextIO

from bot.callbacks import Decoder, choice_data
from bot.commands import COMMAND_EVENTS
from bot.content import Content
from bot.core import Core
from bot.files import write_private
from bot.flows.events import Event
from bot.flows.screens import Choice, Screen
from bot.render import (
    chart_png,
    choice_label,
    plain_text,
    report_job,
    run_job,
    screen_text,
)
from bot.turn import Outcome, Turn
from bot.turns import handle

TERMINAL_USER_ID = 0  # Telegram user ids are positive: 0 is never a Telegram user


class TerminalChat:
    def __init__(self, core: Core, write: Callable[[str], object], chart_dir: Path,
                 user_id: int = TERMINAL_USER_ID) -> None:
        self.core = core
        self.content: Content = core.content
        self.write = write
        self.user_id = user_id
        self.choices: list[tuple[Choice, Screen, int | None]] = []
        self.language = core.language_of(user_id)
        self.explained = False  # the "type a number" line is shown once
        self.chart_dir = chart_dir
        self.decode = Decoder(self.content)

    async def fire(self, event: str, **kwargs: object) -> None:
        outcome = handle(self.core, Turn.of(self.user_id), event, kwargs)
        self.show(outcome)

    def show(self, outcome: Outcome) -> None:
        self.language = outcome.language
        for screen in outcome.screens:
            if screen.echo:
                continue
            self.write(plain_text(screen_text(screen, outcome.language, self.content)))
            if screen.document is not None:
                pdf = run_job(report_job(screen.document, outcome.language, self.content))
                path = self.save_chart(pdf, suffix=".pdf")
                self.write(plain_text(self.content.text("terminal_report_saved", outcome.language, path=str(path))))
            if screen.chart is not None:
                path = self.save_chart(chart_png(screen.chart, outcome.language, self.content))
                self.write(plain_text(self.content.text("terminal_chart_saved", outcome.language, path=str(path))))
            if screen.choices:
                self.choices = [(choice, screen, outcome.assessment_id) for choice in screen.choices]
                labels = []
                for number, (choice, _, _) in enumerate(self.choices, start=1):
                    label = choice_label(choice, screen, outcome.language, self.content)
                    labels.append(label if label == str(number) else f"[{number}] {label}")
                self.write("  ".join(labels))
                if not self.explained:
                    self.write(plain_text(self.content.text("terminal_choices", outcome.language)))
                    self.explained = True
            self.write("")

    def save_chart(self, data: bytes, suffix: str = ".png") -> Path:
        """A chart (or report) beside the database, under a name that is new."""
        self.chart_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.chart_dir / f"regiecoach-{stamp}{suffix}"
        counter = 1
        while path.exists():
            counter += 1
            path = self.chart_dir / f"regiecoach-{stamp}-{counter}{suffix}"
        write_private(path, data)
        return path.resolve()

    async def take(self, line: str) -> None:
        """Act on one line of input: a command, a choice number, or anything else."""
        line = line.strip()
        if not line:
            return
        command = line.split()[0].lower()
        if command.startswith("/") and command[1:] in COMMAND_EVENTS:
            await self.fire(COMMAND_EVENTS[command[1:]])
            return
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            choice, screen, assessment_id = self.choices[int(line) - 1]
            action = self.decode(choice_data(choice, screen, assessment_id))
            if action is not None:
                await self.fire(action.event, **action.kwargs)
                return
        if self.choices:
            self.write(plain_text(self.content.text("terminal_invalid", self.language)) + "\n")
        else:
            await self.fire(Event.TEXT, text=line)

    async def run(self, lines: Iterable[str]) -> None:
        await self.fire(Event.START)
        for line in lines:
            await self.take(line)
        self.write(plain_text(self.content.text("terminal_bye", self.language)))


async def chat(core: Core, stdin: TextIO, stdout: TextIO, chart_dir: Path) -> None:
    def write(text: str) -> None:
        stdout.write(text + "\n")
        stdout.flush()

    await TerminalChat(core, write, chart_dir).run(stdin)
