"""Charts as PNG bytes, with matplotlib's object API (thread-safe, no pyplot).

Laid out for a phone: Telegram shows a 1080 px photo at roughly screen width, so the fonts
are sized for that and every length scales with ``size_px``.

``render_profile`` (the competency profile) draws one row per competency on a 1–5 scale,
grouped, in portrait: the label left (at most two lines), the target as a bar, "self" as a
dot in its group's colour, "previous" as a ring, "others" as a diamond. Its layout
(``ProfilePlan``) works in points, so the PDF report (``bot.report``) draws the same chart.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextToPath

DPI = 150
BASE_PX = 1080  # font sizes below are for this image size and scale with size_px
LINE_SPACING = 1.2


def _wrap(label: str, fits: Callable[[str], bool], lines: int) -> str:
    """``label`` in at most ``lines`` lines that each ``fits``. A word too long for a line is
    hyphenated; what does not fit in the last line is cut off with "…"."""
    out: list[str] = []
    line = ""
    for word in label.split():
        if line and not fits(f"{line} {word}"):
            out.append(line)
            line = ""
        while not fits(word if not line else f"{line} {word}") and len(word) > 2:
            low, high = 1, len(word) - 1  # the longest start of ``word`` that fits with "-"
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if fits(word[:middle] + "-") else (low, middle - 1)
            cut = low
            cut = max(1, min(cut, len(word) - 4))  # never leave a stub of a few letters
            out.append(word[:cut] + "-")
            word = word[cut:]
        line = f"{line} {word}" if line else word
    out.append(line)
    if len(out) > lines:
        tail = "".join(piece[:-1] if piece.endswith("-") else piece + " " for piece in out[lines - 1:]).strip()
        while len(tail) > 1 and not fits(tail + "…"):
            tail = tail[:-1].rstrip()
        out = out[: lines - 1] + [tail + "…"]
    return "\n".join(out)


FONT = "DejaVu Sans"  # matplotlib's own font: has every Dutch letter
PROFILE_SERIES = ("self", "previous", "others")  # the series a profile row may hold, drawn in this order
SCALE_MIN, SCALE_MAX = 1, 5
PROFILE_LABEL_PT = 12.0  # label size at BASE_PX wide; everything else is a multiple of it
LABEL_SHARE = 0.47  # share of the width for the labels column
MIN_LABEL_SHRINK = 0.85  # a label that needs more than two lines may shrink this far, then is cut
GROUP_COLOURS = ("#0969da", "#1a7f37", "#8250df", "#bf3989", "#0e7490", "#6e5494")
TEXT, MUTED, RULE, STRIPE = "#1f2328", "#57606a", "#d0d7de", "#f6f8fa"
TARGET_COLOUR, PREVIOUS_COLOUR, OTHERS_COLOUR = "#1f2328", "#6e7781", "#d4760a"
TELEGRAM_MAX_SIDES, TELEGRAM_MAX_RATIO = 10_000, 20  # sendPhoto refuses bigger or thinner photos
MAX_CHARS = 300  # more than two lines of a label or title ever hold


@dataclass(frozen=True)
class ProfileRow:
    label: str  # competency name in the chosen language; may be long
    target: float  # the IT Regisseur target, 1..5
    values: dict[str, float | None]  # "self" / "previous" / "others" -> 1..5 or None (not answered)


@dataclass(frozen=True)
class ProfileGroup:
    title: str  # e.g. "Business competencies"
    rows: tuple[ProfileRow, ...]


class TextWidth:
    """Widths in points of text as DejaVu Sans draws it (unhinted, as in a PDF; Agg at 150 dpi
    draws up to ~3 % wider). Widths grow in proportion to the size, so each text is measured
    once. One instance per render: its cache is not shared between threads."""

    REFERENCE_PT = 10.0

    def __init__(self) -> None:
        self._path = TextToPath()
        self._cache: dict[tuple[str, bool], float] = {}
        self._props = {bold: FontProperties(family=FONT, size=self.REFERENCE_PT, weight="bold" if bold else "normal")
                       for bold in (False, True)}

    def __call__(self, text: str, size: float, bold: bool = False) -> float:
        key = (text, bold)
        width = self._cache.get(key)
        if width is None:
            width = self._cache[key] = self._path.get_text_width_height_descent(text, self._props[bold],
                                                                                ismath=False)[0]
        return width * size / self.REFERENCE_PT


def _short(text: str) -> str:
    """``text`` on one line, no longer than any line or two of a chart can show (so that
    wrapping and cutting, which measure again and again, stay quick)."""
    return " ".join(text[:MAX_CHARS + 50].split())[:MAX_CHARS]


def _one_line(text: str, width: Callable[[str], float], room: float) -> str:
    """``text`` on one line of ``room`` points, cut with "…" if needed."""
    text = _short(text)
    if width(text) <= room:
        return text
    while text and width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _check_score(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a number, not {value!r}")
    if not SCALE_MIN <= value <= SCALE_MAX:
        raise ValueError(f"{what} must be between {SCALE_MIN} and {SCALE_MAX}, not {value!r}")
    return float(value)


def check_profile(groups: Sequence[ProfileGroup], legend: dict[str, str]) -> list[str]:
    """The series present in ``groups`` (in drawing order), or ValueError for bad input."""
    if not isinstance(legend, dict):
        raise ValueError("the legend must be a dict of series name -> label")
    if isinstance(groups, (str, bytes)) or not isinstance(groups, Sequence) or not groups:
        raise ValueError("a profile needs at least one group")
    present: set[str] = set()
    for group in groups:
        if not isinstance(group, ProfileGroup) or not isinstance(group.title, str):
            raise ValueError(f"not a ProfileGroup: {group!r}")
        if not isinstance(group.rows, Sequence) or not group.rows:
            raise ValueError(f"group {group.title!r} has no rows (a tuple of ProfileRow)")
        for row in group.rows:
            if not isinstance(row, ProfileRow) or not isinstance(row.label, str) or not row.label.strip():
                raise ValueError(f"a row needs a label: {row!r}")
            _check_score(row.target, f"the target of {row.label!r}")
            if not isinstance(row.values, dict):
                raise ValueError(f"values of {row.label!r} must be a dict")
            for name, value in row.values.items():
                if name not in PROFILE_SERIES:
                    raise ValueError(f"unknown series {name!r} (expected one of {PROFILE_SERIES})")
                if value is not None:
                    _check_score(value, f"{name} of {row.label!r}")
                    present.add(name)
    shown = [name for name in PROFILE_SERIES if name in present]
    for name in shown + ["target"]:
        if not isinstance(legend.get(name), str):
            raise ValueError(f"the legend has no label for {name!r}")
    return shown


class ProfilePlan:
    """Where everything of a profile chart goes, in points, for a given width and label size.
    ``height`` is what it needs; ``draw`` puts it on an Axes whose data units are points
    (x from the left, y down from the top), so the PNG and the PDF report share one look."""

    def __init__(self, groups: Sequence[ProfileGroup], legend: dict[str, str], *, title: str,
                 width: float, font: float, measure: TextWidth | None = None) -> None:
        self.series = check_profile(groups, legend)
        self.groups, self.legend, self.width, self.f = list(groups), legend, width, font
        self.measure = measure or TextWidth()
        f = font
        self.margin = 0.9 * f
        self.strip = 0.35 * f  # the group's colour band on the left
        self.label_x = self.margin + self.strip + 0.6 * f
        self.label_room = LABEL_SHARE * width - self.label_x
        self.plot_left, self.plot_right = LABEL_SHARE * width + 0.9 * f, width - self.margin - 0.6 * f
        y = self.margin * 0.8
        self.title_lines: list[tuple[float, str]] = []
        if title.strip():
            size = 1.3 * f
            text = _wrap(_short(title), lambda t: self.measure(t, size, True) <= width - 2 * self.margin, 2)
            for line in text.split("\n"):
                self.title_lines.append((y, line))
                y += size * 1.25
            y += 0.35 * f
        self.legend_items, y = self._legend(y)
        y += 0.5 * f
        self.blocks: list[tuple[ProfileGroup, float, float, list[tuple[float, float, str, float]]]] = []
        self.headers: list[tuple[str, float, float]] = []  # (title, its centre, the scale numbers' centre)
        for group in self.groups:  # (group, header top, bottom, [(row top, row height, text, size)])
            top = y
            title_size = 1.02 * f
            beside = self.x(SCALE_MIN) - 0.7 * f - self.label_x
            if self.measure(_short(group.title), title_size, True) <= beside:
                self.headers.append((_short(group.title), top + 0.95 * f, top + 0.95 * f))
                y += 1.9 * f
            else:  # a long title gets a line of its own above the scale's numbers
                title = _one_line(group.title, lambda t: self.measure(t, title_size, True),
                                  width - self.margin - 0.5 * f - self.label_x)
                self.headers.append((title, top + 0.95 * f, top + 2.35 * f))
                y += 3.2 * f
            rows = []
            for row in group.rows:
                text, size = self._label(row.label)
                height = (text.count("\n") + 1) * size * LINE_SPACING + 0.75 * f
                rows.append((y, height, text, size))
                y += height
            self.blocks.append((group, top, y, rows))
            y += 0.55 * f
        self.height = y + self.margin * 0.5

    def x(self, value: float) -> float:
        pad = 0.35  # half a step of room beyond 1 and 5 for the markers
        share = (value - SCALE_MIN + pad) / (SCALE_MAX - SCALE_MIN + 2 * pad)
        return self.plot_left + share * (self.plot_right - self.plot_left)

    def _label(self, label: str) -> tuple[str, float]:
        """The label in at most two lines: full size if it fits, a little smaller if that
        makes it fit, else cut with "…" at the smallest size."""
        label = _short(label)
        for shrink in (1.0, 0.93, MIN_LABEL_SHRINK):
            size = self.f * shrink
            text = _wrap(label, lambda t, size=size: self.measure(t, size) <= self.label_room, 99)
            if text.count("\n") < 2:
                return text, size
        return _wrap(label, lambda t, size=size: self.measure(t, size) <= self.label_room, 2), size

    def _legend(self, y: float) -> tuple[list[tuple[float, float, str, str]], float]:
        """Entries (x, y, series, text), flowing onto a new line where the width runs out."""
        f, size = self.f, 0.95 * self.f
        items, x, room = [], self.margin, self.width - 2 * self.margin
        line_height = 1.55 * f
        for name in self.series + ["target"]:
            handle = self._handle_width(name)
            text = _one_line(self.legend[name], lambda t: self.measure(t, size), room - handle)
            entry = handle + 0.45 * f + self.measure(text, size)
            if x > self.margin and x + entry > self.margin + room:
                x, y = self.margin, y + line_height
            items.append((x, y + line_height / 2, name, text))
            x += entry + 1.4 * f
        return items, y + line_height

    def _handle_width(self, name: str) -> float:
        return (0.95 * self.f * min(len(self.groups), len(GROUP_COLOURS))) if name == "self" else 1.3 * self.f

    def draw(self, axes, height: float | None = None) -> None:
        """Everything on ``axes`` (data units = points, y down). Bands, rules and markers go in
        as few artists as possible: drawing text and artists is most of a render's time."""
        f, W = self.f, self.width
        axes.set_xlim(0, W)
        axes.set_ylim(height or self.height, 0)
        axes.set_axis_off()
        text = {"family": FONT, "parse_math": False, "color": TEXT}
        for y, line in self.title_lines:
            axes.text(self.margin, y, line, ha="left", va="top", fontsize=1.3 * f, fontweight="bold", **text)
        for x, y, name, label in self.legend_items:
            self._draw_handle(axes, x, y, name)
            axes.text(x + self._handle_width(name) + 0.45 * f, y, label, ha="left", va="center_baseline",
                      fontsize=0.95 * f, **text)
        patches, fills = [], []  # bands, colour strips and every other row's stripe
        rules, gaps, gap_colours = [], [], []  # grid lines; from "self" to the target
        for index, ((group, top, bottom, rows), (title, title_y, scale_y)) in enumerate(
                zip(self.blocks, self.headers, strict=True)):
            colour = GROUP_COLOURS[index % len(GROUP_COLOURS)]
            header = rows[0][0]
            patches += [Rectangle((self.margin, top), W - 2 * self.margin, header - top),
                        Rectangle((self.margin, top), self.strip, bottom - top)]
            fills += [to_rgba(colour, 0.13), to_rgba(colour)]
            axes.text(self.label_x, title_y, title, ha="left", va="center_baseline",
                      fontsize=1.02 * f, fontweight="bold", **{**text, "color": colour})
            for value in range(SCALE_MIN, SCALE_MAX + 1):
                axes.text(self.x(value), scale_y, str(value), ha="center", va="center_baseline",
                          fontsize=0.85 * f, **{**text, "color": MUTED})
                rules.append([(self.x(value), header), (self.x(value), bottom)])
            centres: dict[str, list[tuple[float, float]]] = {name: [] for name in ("target", *PROFILE_SERIES)}
            for number, (row, (row_top, row_height, label, size)) in enumerate(zip(group.rows, rows, strict=True)):
                centre = row_top + row_height / 2
                if number % 2:
                    patches.append(Rectangle((self.margin + self.strip, row_top), W - 2 * self.margin - self.strip,
                                             row_height))
                    fills.append(to_rgba(STRIPE))
                axes.text(self.label_x, centre, label, ha="left", va="center", fontsize=size,
                          linespacing=LINE_SPACING, **text)
                centres["target"].append((self.x(row.target), centre))
                for name in PROFILE_SERIES:
                    if row.values.get(name) is not None:
                        centres[name].append((self.x(row.values[name]), centre))
                if row.values.get("self") is not None:
                    gaps.append([(self.x(row.values["self"]), centre), (self.x(row.target), centre)])
                    gap_colours.append(to_rgba(colour, 0.35))
            for name, points in centres.items():
                if points:
                    xs, ys = zip(*points)
                    axes.plot(xs, ys, linestyle="none", zorder=3, clip_on=False, **self._marker(name, colour))
        axes.add_collection(PatchCollection(patches, facecolors=fills, linewidths=0, zorder=0), autolim=False)
        axes.add_collection(LineCollection(rules, colors=RULE, linewidths=0.09 * f, zorder=1), autolim=False)
        axes.add_collection(LineCollection(gaps, colors=gap_colours, linewidths=0.28 * f, capstyle="butt",
                                           zorder=2), autolim=False)

    def _marker(self, name: str, colour: str) -> dict:
        f = self.f
        if name == "self":
            return {"marker": "o", "markersize": 0.85 * f, "markerfacecolor": colour, "markeredgecolor": "white",
                    "markeredgewidth": 0.06 * f}
        if name == "previous":
            return {"marker": "o", "markersize": 1.3 * f, "markerfacecolor": "none",
                    "markeredgecolor": PREVIOUS_COLOUR, "markeredgewidth": 0.14 * f}
        if name == "others":
            return {"marker": "D", "markersize": 0.62 * f, "markerfacecolor": OTHERS_COLOUR,
                    "markeredgecolor": "white", "markeredgewidth": 0.06 * f}
        return {"marker": "|", "markersize": 1.45 * f, "markeredgecolor": TARGET_COLOUR,
                "markeredgewidth": 0.2 * f}

    def _draw_handle(self, axes, x: float, y: float, name: str) -> None:
        if name == "self":
            count = min(len(self.groups), len(GROUP_COLOURS))
            for i in range(count):
                axes.plot([x + (i + 0.5) * 0.95 * self.f], [y], linestyle="none", clip_on=False,
                          **self._marker(name, GROUP_COLOURS[i]))
        else:
            axes.plot([x + 0.65 * self.f], [y], linestyle="none", clip_on=False, **self._marker(name, ""))


def render_profile(groups: Sequence[ProfileGroup], legend: dict[str, str], *, title: str = "",
                   size_px: int = 1080) -> bytes:
    """PNG bytes of a competency profile, ``size_px`` wide and as tall as the rows need
    (about 1080 × 1700 for 28 competencies in three groups). One row per competency: the
    label on the left (at most two lines), on a 1–5 scale the target as a bar, "self" as a
    dot in the group's colour, "previous" as a ring, "others" as a diamond. ``legend`` maps
    "self", "previous", "others" and "target" to the words shown; only the series with at
    least one value are drawn and listed. Bad input raises ValueError."""
    if not isinstance(size_px, int) or not 320 <= size_px <= 4000:
        raise ValueError(f"size_px must be a whole number from 320 to 4000, not {size_px!r}")
    plan = ProfilePlan(groups, legend, title=title, width=size_px * 72 / DPI,
                       font=PROFILE_LABEL_PT * size_px / BASE_PX)
    height_px = math.ceil(plan.height * DPI / 72)
    if size_px + height_px > TELEGRAM_MAX_SIDES or height_px > TELEGRAM_MAX_RATIO * size_px:
        raise ValueError(f"{sum(len(g.rows) for g in groups)} rows make a photo too tall for Telegram")
    figure = Figure(figsize=(size_px / DPI, height_px / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    plan.draw(axes, height_px * 72 / DPI)
    buffer = io.BytesIO()
    # zlib level 3 instead of 6: a third less time for a tenth more bytes
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 3})
    return buffer.getvalue()
