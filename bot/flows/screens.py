"""What a flow asks the edge to show: screens made of a text key, parameters and choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Choice:
    """A button (Telegram) or a numbered option (terminal) that fires ``event`` with ``arg``.

    ``ref`` names the stored object the button acts on (e.g. a check-in); ``selected`` marks
    an option that is currently chosen.
    """

    event: str
    label: str | dict[str, str]  # a UI text key, the label itself when ``literal``, or {language: label}
    arg: str | int | None = None
    literal: bool = False
    ref: int | None = None
    selected: bool = False
    wide: bool = False  # a long label: a row of its own


@dataclass(frozen=True)
class ChartSeries:
    label: str  # a UI text key
    values: tuple[float | None, ...]  # one per axis; None = no answer
    style: str  # self | previous | target


@dataclass(frozen=True)
class Chart:
    """A radar chart over competencies (axes are competency ids)."""

    axes: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    title: str = "chart_title"  # a UI text key: the picture's title (e.g. for a coach, not "your")


@dataclass(frozen=True)
class BarChart:
    """Bars for statistics: ``bars`` (vertical), ``horizontal`` (with ``targets``) or ``funnel``.

    Labels are plain text or ``{language: text}``; a value of None is left out.
    """

    kind: str
    labels: tuple
    values: tuple[float | None, ...]
    targets: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Document:
    """A one-page PDF report: a title, sections (a heading text key and the screens under it)
    and the profile chart; the edge renders it off the event loop and sends it as a file."""

    title: "Screen"
    sections: tuple[tuple[str, tuple["Screen", ...]], ...]
    chart: Chart
    filename: str
    date: str = ""  # the day it was made (shown under the title)


@dataclass(frozen=True)
class When:
    """A moment as people write it in each language: "1 december, 07:30" / "1 December, 07:30"
    (``with_time=False``: "1 december"), in the time zone ``zone``. ``moment`` is ISO text."""

    moment: str
    zone: str
    with_time: bool = True


@dataclass(frozen=True)
class Items:
    """A list parameter: each item a small screen, joined with ``separator`` when shown."""

    screens: tuple["Screen", ...]
    separator: str = "\n"


@dataclass(frozen=True)
class Screen:
    """One thing to show.

    ``params`` values are plain values, ``{language: text}`` mappings that the edge picks
    from, or :class:`Items`. Floats are shown with one decimal in the user's language. ``question`` is set on rating screens, with the answer
    given so far. ``in_place`` asks to replace the screen the
    user acted on; ``echo`` marks a confirmation of what the user just did, which an edge
    that already shows it (the terminal) may leave out; ``notice`` is a short notice (a
    toast on Telegram).
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    question: int | None = None
    answered: bool = False  # the question has an answer: ``chosen`` (None = skipped)
    chosen: int | None = None
    in_place: bool = False
    echo: bool = False
    notice: bool = False
    chart: Chart | BarChart | None = None  # shown as a picture, the text as its caption
    attachment: str | None = None  # a file the caller attaches (e.g. "results_csv")
    template: dict[str, str] | None = None  # a content text used instead of the UI text ``key``
    document: Document | None = None  # sent as a PDF file, the text as its caption
