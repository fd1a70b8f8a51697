"""A one-page A4 PDF of a person's profile, written by matplotlib itself (object API, no pyplot).

Layout: a header (title, subtitle, a coloured rule), the competency chart at the top right
(``bot.charts.ProfilePlan``, the phone chart's look in vector form), the sections in a column
beside it that runs the full width below it, and the footer at the bottom. Text is wrapped
to the width it has at each height. When it does not fit, the body text shrinks a little
(9.5 pt down to 7 pt); when it still does not fit, every paragraph keeps as many of its first
lines as let all sections fit, ending in "…" (so one very long paragraph does not push the
others off the page), and as a last resort the text is cut at the page's end with "…". So
the result is always exactly one page, and text never runs into the chart, off the page or
into the footer.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure

from bot.charts import (
    FONT,
    MUTED,
    RULE,
    TEXT,
    ProfileGroup,
    ProfilePlan,
    TextWidth,
    check_profile,
)

PAGE_W, PAGE_H = 595.276, 841.890  # A4 in points
MARGIN = 40.0
GUTTER = 16.0  # between the text column and the chart
CHART_SHARE = 0.46  # of the width inside the margins
CHART_FONT, MIN_CHART_FONT = 7.5, 5.5
MIN_LEGIBLE_PT = 3.0  # a chart that would need smaller labels to fit the page is refused
TITLE_PT, SUBTITLE_PT, FOOTER_PT = 17.0, 10.0, 7.5
BODY_SIZES = (9.5, 9.0, 8.5, 8.0, 7.5, 7.0)  # tried in turn until everything fits
LEADING = 1.32  # line height as a multiple of the font size
HEADING_SCALE = 1.12
ACCENT = "#0969da"
BULLETS = ("• ", "- ", "* ", "– ", "— ")
ELLIPSIS = "…"
SAFETY = 0.975  # widths are summed word by word and drawn a little wider than measured


@dataclass(frozen=True)
class Report:
    title: str  # e.g. "Regiecoach — your IT Regisseur profile"
    subtitle: str  # e.g. a name and date line; may be empty
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, paragraphs or bullets as plain text)
    chart: tuple[ProfileGroup, ...]  # drawn with render_profile's look
    legend: dict[str, str]  # as for render_profile
    footer: str  # e.g. "Made with Regiecoach · only you decide whom you share this with"


@dataclass(frozen=True)
class Line:
    """One line of text on the page: ``x`` left, ``y`` baseline, both in points from the top left."""
    x: float
    y: float
    text: str
    size: float
    bold: bool = False
    colour: str = TEXT


@dataclass
class Page:
    """Where everything goes; ``complete`` says whether all the sections' text is on it."""
    lines: list[Line] = field(default_factory=list)
    chart: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x, y (top), width, height
    plan: ProfilePlan | None = None
    rules: list[tuple[float, float, float, str]] = field(default_factory=list)  # x0, x1, y, colour
    body_size: float = 0.0
    paragraph_lines: int | None = None
    complete: bool = True


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, not {type(value).__name__}")
    return value


def _check(report: Report) -> list[tuple[str, list[str]]]:
    if not isinstance(report, Report):
        raise ValueError("render_report needs a Report")
    if not _text(report.title, "the title").strip():
        raise ValueError("a report needs a title")
    _text(report.subtitle, "the subtitle")
    _text(report.footer, "the footer")
    if not isinstance(report.legend, dict):
        raise ValueError("the legend must be a dict")
    check_profile(report.chart, report.legend)
    sections = []
    if isinstance(report.sections, (str, bytes)) or not isinstance(report.sections, Sequence):
        raise ValueError("sections must be a sequence of (heading, paragraphs)")
    for section in report.sections:
        if not isinstance(section, Sequence) or isinstance(section, str) or len(section) != 2:
            raise ValueError(f"a section is (heading, paragraphs), not {section!r}")
        heading, paragraphs = section
        if isinstance(paragraphs, str) or not isinstance(paragraphs, Sequence):
            raise ValueError(f"the paragraphs of {heading!r} must be a sequence of texts")
        sections.append((_text(heading, "a heading"), [_text(p, f"a paragraph of {heading!r}") for p in paragraphs]))
    return sections


def _prefix(word: str, room: float, width) -> int:
    """How many letters of ``word`` fit ``room`` (at least one), adding up each letter's width
    (linear, so a 10,000-letter "word" costs no more than its letters)."""
    used = 0.0
    for index, letter in enumerate(word):
        used += width(letter)
        if used > room:
            return max(1, index)
    return len(word)


class _Flow:
    """Lines from the top of the body down; a line whose height meets the chart's is narrow."""

    def __init__(self, measure: TextWidth, top: float, bottom: float, chart: tuple[float, float, float, float]):
        self.measure, self.y, self.bottom = measure, top, bottom
        self.left, self.right = MARGIN, PAGE_W - MARGIN
        x, y, _, height = chart
        self.beside = (y, y + height + GUTTER / 2, x - GUTTER)
        self.lines: list[Line] = []

    def right_at(self, top: float, height: float) -> float:
        """The right edge of a line from ``top`` down ``height`` points."""
        chart_top, chart_bottom, narrow = self.beside
        return narrow if top < chart_bottom and top + height > chart_top else self.right

    def room(self, height: float) -> bool:
        return self.y + height <= self.bottom

    def width(self, text: str, size: float, bold: bool) -> float:
        words = text.split(" ")
        return sum(self.measure(word, size, bold) for word in words) + (len(words) - 1) * self.measure(" ", size, bold)

    def fit(self, words: list[str], room: float, size: float, bold: bool) -> tuple[str, list[str]]:
        """The longest start of ``words`` that fits ``room``, and the rest. A word wider than
        a whole line is split with a hyphen."""
        room *= SAFETY
        space = self.measure(" ", size, bold)
        used = -space
        for index, word in enumerate(words):
            # no letter is narrower than a fifth of the size: a word that long need not be measured
            used += space + (room + 1 if len(word) * size * 0.2 > room else self.measure(word, size, bold))
            if used > room:
                if index:
                    return " ".join(words[:index]), words[index:]
                cut = _prefix(word, room - self.measure("-", size, bold), lambda c: self.measure(c, size, bold))
                return word[:cut] + "-", [word[cut:]] + words[1:]
        return " ".join(words), []

    def ellipsize(self, line: Line, room: float) -> Line:
        """``line`` ending in "…" within ``room`` points of its start."""
        text = line.text.rstrip(" -.,;:")
        room = room * SAFETY - self.measure(ELLIPSIS, line.size, line.bold)
        while " " in text and self.width(text, line.size, line.bold) > room:  # whole words first
            text = text.rsplit(" ", 1)[0].rstrip(" -.,;:")
        if self.width(text, line.size, line.bold) > room:  # one word left: cut it
            text = text[:_prefix(text, room, lambda c: self.measure(c, line.size, line.bold))]
        return Line(line.x, line.y, text + ELLIPSIS, line.size, line.bold, line.colour)

    def paragraph(self, text: str, size: float, *, bold: bool = False, colour: str = TEXT,
                  limit: int | None = None, indent: float = 0.0, marker: str = "") -> bool:
        """Lays ``text`` out in at most ``limit`` lines (the last then ends in "…"). False if
        the page ran out first (the last line on the page then ends in "…")."""
        words = text.split()
        height = size * LEADING
        count = 0
        while words:
            if not self.room(height):
                self.cut_last()
                return False
            room = self.right_at(self.y, height) - self.left - indent
            line_text, words = self.fit(words, room, size, bold)
            line = Line(self.left + indent, self.y + size, line_text, size, bold, colour)
            count += 1
            limited = limit is not None and count >= limit
            if words and (limited or not self.room(2 * height)):
                line = self.ellipsize(line, room)
            if marker and count == 1:
                self.lines.append(Line(self.left, self.y + size, marker, size, bold, colour))
            self.lines.append(line)
            self.y += height
            if words and limited:
                return True  # cut on purpose, the page goes on
            if words and not self.room(height):
                return False
        return True

    def cut_last(self) -> None:
        """The last line on the page ends in "…" (more text was left out)."""
        if self.lines and not self.lines[-1].text.endswith(ELLIPSIS):
            last = self.lines[-1]
            top = last.y - last.size
            self.lines[-1] = self.ellipsize(last, self.right_at(top, last.size * LEADING) - last.x)


def _body(flow: _Flow, sections: list[tuple[str, list[str]]], size: float, limit: int | None) -> bool:
    """All sections through ``flow``; False when the page ran out."""
    for number, (heading, paragraphs) in enumerate(sections):
        if number:
            flow.y += size * 0.7
        if heading.strip():
            heading_size = size * HEADING_SCALE
            if not flow.room(heading_size * LEADING + size * (LEADING + 0.15)):  # a heading never ends a page
                flow.cut_last()
                return False
            if not flow.paragraph(heading, heading_size, bold=True, colour=ACCENT, limit=2):
                return False
            flow.y += size * 0.15
        for paragraph in paragraphs:
            pieces = [piece.strip() for piece in paragraph.split("\n") if piece.strip()]
            for piece in pieces:
                marker = next((b for b in BULLETS if piece.startswith(b)), "")
                text = piece[len(marker):] if marker else piece
                indent = flow.measure("• ", size) if marker else 0.0
                if not flow.paragraph(text, size, limit=limit, indent=indent, marker="•" if marker else ""):
                    return False
            if pieces:
                flow.y += size * 0.4
    return True


def _head(flow: _Flow, report: Report) -> None:
    for text, size, bold, colour in ((report.title, TITLE_PT, True, TEXT),
                                     (report.subtitle, SUBTITLE_PT, False, MUTED)):
        if text.strip():
            flow.paragraph(" ".join(text.split()), size, bold=bold, colour=colour, limit=2)


def layout(report: Report) -> Page:
    """Where everything of ``report`` goes on the page (``render_report`` draws it)."""
    sections = _check(report)
    measure = TextWidth()
    page = Page()
    nowhere = (0.0, -1e9, 0.0, 0.0)  # no chart beside the header and footer
    head = _Flow(measure, MARGIN - 6, PAGE_H, nowhere)
    _head(head, report)
    rule_y = head.y + 4
    page.rules.append((MARGIN, PAGE_W - MARGIN, rule_y, ACCENT))
    page.lines += head.lines

    footer_lines: list[Line] = []
    if report.footer.strip():
        foot = _Flow(measure, 0.0, PAGE_H, nowhere)
        foot.paragraph(" ".join(report.footer.split()), FOOTER_PT, colour=MUTED, limit=2)
        shift = PAGE_H - MARGIN + 10 - foot.y  # the footer's last line sits on the bottom margin
        footer_lines = [Line(ln.x, ln.y + shift, ln.text, ln.size, ln.bold, ln.colour) for ln in foot.lines]
        body_bottom = PAGE_H - MARGIN + 10 - (foot.y + 8)
        page.rules.append((MARGIN, PAGE_W - MARGIN, body_bottom + 4, RULE))
    else:
        body_bottom = PAGE_H - MARGIN
    body_top = rule_y + 14

    # the chart: top right, as tall as its rows need, smaller when that is more than the body
    width = (PAGE_W - 2 * MARGIN) * CHART_SHARE
    font = CHART_FONT
    plan = ProfilePlan(report.chart, report.legend, title="", width=width, font=font, measure=measure)
    while plan.height > body_bottom - body_top and font > MIN_CHART_FONT:
        font = max(MIN_CHART_FONT, font - 0.25)
        plan = ProfilePlan(report.chart, report.legend, title="", width=width, font=font, measure=measure)
    if plan.height > body_bottom - body_top:  # many rows: narrower too, everything in proportion
        factor = (body_bottom - body_top) / plan.height * 0.995
        if font * factor < MIN_LEGIBLE_PT:
            raise ValueError(f"{sum(len(g.rows) for g in report.chart)} rows are too many for one page")
        width *= factor
        plan = ProfilePlan(report.chart, report.legend, title="", width=width, font=font * factor,
                           measure=measure)
    page.plan = plan
    page.chart = (PAGE_W - MARGIN - width, body_top, width, plan.height)

    def attempt(size: float, limit: int | None) -> tuple[bool, _Flow]:
        flow = _Flow(measure, body_top, body_bottom, page.chart)
        return _body(flow, sections, size, limit), flow

    for size in BODY_SIZES:
        fits, flow = attempt(size, None)
        if fits:
            page.body_size = size
            break
    else:  # at the smallest size, the most lines per paragraph that fit (by halving)
        page.complete = False
        page.body_size = size = BODY_SIZES[-1]
        low, high = 0, int((body_bottom - body_top) / (size * LEADING))
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if attempt(size, middle)[0] else (low, middle - 1)
        page.paragraph_lines = max(low, 1)
        flow = attempt(size, page.paragraph_lines)[1]  # with 0 fitting, cut where the page ends
    page.lines += flow.lines + footer_lines
    return page


def render_report(report: Report) -> bytes:
    """PDF bytes of ``report`` on exactly one A4 page. Bad input raises ValueError."""
    figure = page_figure(layout(report))
    FigureCanvasPdf(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf", facecolor="white",
                   metadata={"Title": " ".join(report.title.split()), "Creator": "Regiecoach"})
    return buffer.getvalue()


def page_figure(page: Page) -> Figure:
    """The page as a Figure (no canvas yet: PDF for the report, or PNG to look at it)."""
    figure = Figure(figsize=(PAGE_W / 72, PAGE_H / 72), dpi=72, facecolor="white")
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, PAGE_W)
    axes.set_ylim(PAGE_H, 0)
    axes.set_axis_off()
    for x0, x1, y, colour in page.rules:
        axes.plot([x0, x1], [y, y], color=colour, linewidth=1.2 if colour == ACCENT else 0.6,
                  solid_capstyle="butt")
    for line in page.lines:
        axes.text(line.x, line.y, line.text, fontsize=line.size, family=FONT, color=line.colour,
                  fontweight="bold" if line.bold else "normal", ha="left", va="baseline", parse_math=False)
    x, y, width, height = page.chart
    chart_axes = figure.add_axes((x / PAGE_W, 1 - (y + height) / PAGE_H, width / PAGE_W, height / PAGE_H))
    page.plan.draw(chart_axes)
    return figure
