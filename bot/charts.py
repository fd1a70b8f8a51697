"""Radar charts as PNG bytes, with matplotlib's object API (thread-safe, no pyplot).

Laid out for a phone: Telegram shows a 1080 px photo at roughly screen width, so the fonts
are sized for that and every length scales with ``size_px``. Each axis label sits outside
the outer ring, aligned away from the centre and wrapped to at most two lines, so 28 axes
stay legible. Missing values (``None``) leave a gap in the line.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

DPI = 150
BASE_PX = 1080  # font sizes below are for this image size and scale with size_px
RADIUS = 0.285  # radius of the outer ring, as a fraction of the image width
CENTRE_Y = 0.49  # height of the chart's centre, as a fraction of the image height
LABEL_PT, RING_PT, TITLE_PT, LEGEND_PT = 9.5, 7.5, 14.0, 10.0
LINE_SPACING = 1.2
MIN_SHRINK = 0.8  # a label whose longest word does not fit may shrink this far
GRID = "#d0d7de"
STYLES = {
    "self": {"color": "#1f6feb", "linewidth": 2.2, "fill": 0.22, "linestyle": "-", "marker": 3.5},
    "previous": {"color": "#6e7781", "linewidth": 1.5, "fill": 0.0, "linestyle": "--", "marker": 2.5},
    "target": {"color": "#bf8700", "linewidth": 1.6, "fill": 0.0, "linestyle": ":", "marker": 0.0},
}


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    style: str = "self"  # "self" (filled), "previous" (dashed), "target" (dotted)


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
            cut = max((n for n in range(1, len(word)) if fits(word[:n] + "-")), default=1)
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


def render_radar(axis_labels: Sequence[str], series: Sequence[Series], *, title: str = "",
                 scale_max: int = 5, size_px: int = 1080) -> bytes:
    """PNG bytes of a square radar chart, ``size_px`` × ``size_px``."""
    count = len(axis_labels)
    if count < 3:
        raise ValueError("a radar chart needs at least 3 axes")
    for item in series:
        if len(item.values) != count:
            raise ValueError(f"series {item.label!r} has {len(item.values)} values for {count} axes")
    scale = size_px / BASE_PX
    figure = Figure(figsize=(size_px / DPI, size_px / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.5 - RADIUS, CENTRE_Y - RADIUS, 2 * RADIUS, 2 * RADIUS), projection="polar")
    angles = [2 * math.pi * i / count for i in range(count)]
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, scale_max)
    axes.set_facecolor("white")
    axes.spines["polar"].set_color(GRID)
    axes.grid(color=GRID, linewidth=0.8 * scale)
    axes.set_xticks(angles)
    axes.set_xticklabels([])
    axes.set_yticks(range(1, scale_max + 1))
    axes.set_yticklabels([str(v) for v in range(1, scale_max + 1)], fontsize=RING_PT * scale, color="#57606a")
    axes.set_rlabel_position(180 / count)  # between the first two axes, not on a spoke
    axes.tick_params(axis="y", pad=0)

    _label_axes(axes, axis_labels, angles, scale_max, scale)

    for item in series:
        style = STYLES.get(item.style, STYLES["self"])
        values = [math.nan if v is None else float(v) for v in item.values]
        closed_angles, closed_values = angles + angles[:1], values + values[:1]
        axes.plot(closed_angles, closed_values, color=style["color"], linewidth=style["linewidth"] * scale,
                  linestyle=style["linestyle"], label=item.label, marker="o" if style["marker"] else None,
                  markersize=style["marker"] * scale, clip_on=False, zorder=3)
        if style["fill"]:
            axes.fill(closed_angles, [0.0 if math.isnan(v) else v for v in closed_values],
                      color=style["color"], alpha=style["fill"], linewidth=0, zorder=2)
    if title:
        figure.text(0.5, 0.985, title, ha="center", va="top", fontsize=TITLE_PT * scale, fontweight="bold")
    if series:
        figure.legend(loc="lower center", bbox_to_anchor=(0.5, 0.005), ncol=len(series),
                      fontsize=LEGEND_PT * scale, frameon=False, handlelength=2.4, columnspacing=1.6)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _label_axes(axes, axis_labels: Sequence[str], angles: Sequence[float], scale_max: int,
                scale: float) -> None:
    """Each label just outside the outer ring, aligned away from the centre. Labels on the
    sides wrap to two lines to fit the margin (shrinking a little for one long word, like
    "Organisatiesensitiviteit"); labels near the top and bottom stay on one line where their
    neighbours are close above and below (but far away sideways). A label straight up or down
    moves out one more line, clear of its neighbours."""
    measure = TextToPath()
    label_pt = LABEL_PT * scale * min(1.0, 28 / len(angles))  # more than 28 axes: smaller labels
    ring_px = RADIUS * BASE_PX * scale
    pad_pt = 4 * scale
    pad_px = pad_pt * DPI / 72
    line_px = label_pt * LINE_SPACING * DPI / 72
    step = 2 * math.pi / len(angles)

    def width_px(text: str, size: float) -> float:
        return measure.get_text_width_height_descent(text, FontProperties(size=size), ismath=False)[0] * DPI / 72

    for label, angle in zip(axis_labels, angles, strict=True):
        x, y = math.sin(angle), math.cos(angle)
        if abs(x) < 0.1:
            room, lines, ha = 0.8 * BASE_PX * scale, 1, "center"
        else:
            room = BASE_PX * scale / 2 - (ring_px + pad_px) * abs(x) - 12 * scale
            # a second line only where the neighbouring labels on the same side are far enough
            # above and below (a label straight up or down has its own line, see below)
            gap_px = ring_px * min([abs(y - math.cos(other)) for other in (angle - step, angle + step)
                                    if math.sin(other) * x > 0.1 * abs(x)] or [2.0])
            lines, ha = (2 if gap_px >= 2 * line_px else 1), ("left" if x > 0 else "right")
        size = label_pt
        longest = max(label.split() or [""], key=lambda word, size=size: width_px(word, size))
        if lines > 1 and width_px(longest, size) > room:
            size *= max(MIN_SHRINK, room / width_px(longest, size))
        text = _wrap(label, lambda t, size=size, room=room: width_px(t, size) <= room, lines)
        height_pt = (text.count("\n") + 1) * size * LINE_SPACING
        extra_pt = size * LINE_SPACING if abs(x) < 0.1 else 0.0
        axes.annotate(text, xy=(angle, scale_max),
                      xytext=(pad_pt * x, (pad_pt + height_pt / 2 + extra_pt) * y),
                      textcoords="offset points", ha=ha, va="center", fontsize=size,
                      linespacing=LINE_SPACING, color="#24292f", annotation_clip=False)
