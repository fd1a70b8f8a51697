"""Screens to text and buttons: shared by Telegram and the terminal."""

from __future__ import annotations

import html
import os
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.bar_charts import render_bars
from bot.charts import ProfileGroup, ProfileRow, render_profile
from bot.content import DIDNT_COME_UP, Content
from bot.flows.screens import BarChart, Chart, Choice, Document, Items, Screen, When
from bot.report import Report, render_report

MESSAGE_LIMIT = 4096  # Telegram's limit on one message's text
NOTICE_LIMIT = 200  # Telegram's limit on an answerCallbackQuery text
BAR_WIDTH = 8
_TAG = re.compile(r"</?[a-z]+>")


def progress_bar(n: int, total: int) -> str:
    filled = BAR_WIDTH * n // total if total else 0
    return "▰" * filled + "▱" * (BAR_WIDTH - filled)


def number(value: float, language: str, content: Content) -> str:
    """One decimal in the language's notation; whole numbers without decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", content.text("decimal_separator", language))


def moment_text(when: When, language: str, content: Content) -> str:
    """"1 december, 07:30" (nl) or "1 December, 07:30" (en), in the moment's own time zone."""
    local = datetime.fromisoformat(when.moment).astimezone(ZoneInfo(when.zone))
    month = content.text("months", language).split()[local.month - 1]
    day = content.text("date_day", language, day=local.day, month=month)
    if not when.with_time:
        return day
    return content.text("date_time", language, date=day, time=local.strftime("%H:%M"))


def _resolve(value: Any, language: str, content: Content) -> Any:
    if isinstance(value, When):
        return moment_text(value, language, content)
    if isinstance(value, Items):
        return value.separator.join(screen_text(item, language, content) for item in value.screens)
    if value is None:
        return content.text("no_score", language)
    if isinstance(value, float):
        return number(value, language, content)
    if isinstance(value, dict):
        value = value[language]
    return html.escape(value, quote=False) if isinstance(value, str) else value


def screen_text(screen: Screen, language: str, content: Content) -> str:
    """The screen's text in Telegram HTML."""
    params = {key: _resolve(value, language, content) for key, value in screen.params.items()}
    if screen.question is not None:
        params["progress"] = content.text(
            "progress", language, n=params["n"], total=params["total"],
            bar=progress_bar(params["n"], params["total"]),
        )
    if screen.template is not None:
        return screen.template[language].format(**params)
    return content.text(screen.key, language, **params)


def plain_text(text: str) -> str:
    """Telegram HTML to plain terminal text."""
    return html.unescape(_TAG.sub("", text))


def choice_label(choice: Choice, screen: Screen, language: str, content: Content) -> str:
    if isinstance(choice.label, dict):
        label = choice.label[language]
    else:
        label = choice.label if choice.literal else content.text(choice.label, language)
    if choice.selected:
        return content.text("selected_mark", language, label=label)
    if screen.answered and (
        (choice.event == "answer" and choice.arg == screen.chosen)
        or (choice.event == "skip" and screen.chosen is None)
        or (choice.event == "not_occurred" and screen.chosen == DIDNT_COME_UP)
    ):
        label = content.text("answer_mark", language, label=label)
    return label


def notice_text(text: str) -> str:
    text = plain_text(text)
    return text if len(text) <= NOTICE_LIMIT else text[: NOTICE_LIMIT - 1] + "…"


_TOKEN = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;")


def _safe_cuts(text: str, limit: int) -> list[int]:
    """Positions up to ``limit`` where Telegram HTML may be cut: outside every tag pair, tag
    and character entity (``&amp;`` stays whole)."""
    cuts, depth, position = [], 0, 0
    for token in _TOKEN.finditer(text):
        if token.start() > limit:
            break
        if depth == 0:
            cuts.extend(range(position, token.start() + 1))
        piece = token.group()
        if piece.startswith("</"):
            depth = max(depth - 1, 0)
        elif piece.startswith("<") and not piece.endswith("/>"):
            depth += 1
        position = token.end()
    if depth == 0:
        cuts.extend(range(position, min(len(text), limit) + 1))
    return [cut for cut in cuts if 0 < cut <= limit]


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split Telegram HTML into parts of at most ``limit`` characters: at a paragraph end, else
    a line end, else a space, else anywhere — but never inside a tag pair or an entity."""
    parts: list[str] = []
    while len(text) > limit:
        cuts = _safe_cuts(text, limit) or [limit]
        allowed = set(cuts)
        best = max(cuts)
        for separator in ("\n\n", "\n", " "):
            found = [i for i in cuts if text.startswith(separator, i)]
            if found and max(found) > 0:
                best = max(found)
                break
        cut = best if best in allowed and best > 0 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n ")
    parts.append(text)
    return [part for part in parts if part.strip()] or [text]


def profile_groups(chart: Chart, language: str, content: Content) -> tuple[tuple[ProfileGroup, ...], dict[str, str]]:
    """A competency chart as the profile renderer's groups (by competency group) and legend."""
    targets = next((s.values for s in chart.series if s.style == "target"), (None,) * len(chart.axes))
    others = [s for s in chart.series if s.style != "target"]
    groups = []
    for group, title in content.groups.items():
        rows = tuple(ProfileRow(content.names[axis][language], float(targets[n] or 0),
                                {s.style: s.values[n] for s in others})
                     for n, axis in enumerate(chart.axes) if content.by_id(axis).group == group)
        if rows:
            groups.append(ProfileGroup(title[language], rows))
    legend = {s.style: content.text(s.label, language) for s in chart.series}
    return tuple(groups), legend


def chart_job(chart: Chart | BarChart, language: str, content: Content) -> tuple[Callable[..., bytes], tuple, dict]:
    """The rendering call for ``chart`` as (function, args, kwargs) of plain, picklable values,
    so it can run in another process."""
    if isinstance(chart, BarChart):
        labels = [label[language] if isinstance(label, dict) else label for label in chart.labels]
        return render_bars, (chart.kind, labels, chart.values, chart.targets), {}
    groups, legend = profile_groups(chart, language, content)
    return render_profile, (groups, legend), {"title": content.text(chart.title, language)}


def report_job(document: Document, language: str, content: Content) -> tuple[Callable[..., bytes], tuple, dict]:
    """The rendering call of a one-page PDF report, as plain values (another process runs it)."""
    groups, legend = profile_groups(document.chart, language, content)
    sections = tuple((content.text(heading, language),
                      tuple(plain_text(screen_text(screen, language, content)) for screen in screens))
                     for heading, screens in document.sections)
    subtitle = content.text("report_date", language, date=document.date) if document.date else ""
    report = Report(plain_text(screen_text(document.title, language, content)), subtitle, sections, groups, legend,
                    content.text("report_footer", language))
    return render_report, (report,), {}


def exit_with(parent: int, every: float = 1.0) -> None:
    """In a worker process: end it once ``parent`` is gone (killed, even with ``kill -9``), so
    no worker outlives the bot. Started as the worker's initializer."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def run_job(job: tuple[Callable[..., bytes], tuple, dict]) -> bytes:
    function, args, kwargs = job
    return function(*args, **kwargs)


def chart_png(chart: Chart | BarChart, language: str, content: Content) -> bytes:
    """The chart as PNG bytes, here and now (slow: not on the event loop)."""
    return run_job(chart_job(chart, language, content))
