"""Bar charts for admin statistics (matplotlib object API, thread-safe)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 150
COLOUR, TARGET = "#1f6feb", "#d29922"
MANY = 12  # more bars than this get sparse labels


def render_bars(kind: str, labels: Sequence[str], values: Sequence[float | None],
                targets: Sequence[float] | None = None, *, title: str = "", size_px: int = 1080) -> bytes:
    """PNG bytes. ``None`` values are left out (withheld figures)."""
    if len(labels) != len(values) or (targets is not None and len(targets) != len(values)):
        raise ValueError("labels, values and targets must have the same length")
    height_px = size_px if kind != "horizontal" else max(size_px, 40 * len(labels) + 200)
    figure = Figure(figsize=(size_px / DPI, height_px / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.38, 0.06, 0.57, 0.86) if kind == "horizontal" else (0.12, 0.22, 0.83, 0.68))
    shown = [(i, label, value) for i, (label, value) in enumerate(zip(labels, values)) if value is not None]
    positions = [i for i, _, _ in shown]
    numbers = [value for _, _, value in shown]
    if kind == "horizontal":
        axes.barh(positions, numbers, color=COLOUR, height=0.6)
        if targets is not None:
            axes.scatter(targets, range(len(targets)), marker="|", s=200, color=TARGET, zorder=3, label="target")
        axes.set_yticks(range(len(labels)))
        axes.set_yticklabels(labels, fontsize=7)
        axes.invert_yaxis()
        axes.set_xlim(0, 5)
    elif kind == "funnel":
        axes.plot(positions, numbers, color=COLOUR, marker="o", markersize=3)
        axes.fill_between(positions, numbers, color=COLOUR, alpha=0.2)
        _every_third_label(axes, labels)
        axes.set_ylim(bottom=0)
    elif len(labels) > MANY:  # e.g. one bar per question: every third label, upright
        axes.bar(positions, numbers, color=COLOUR)
        _every_third_label(axes, labels)
        axes.set_xlim(-1, len(labels))
    else:
        axes.bar(positions, numbers, color=COLOUR)
        axes.set_xticks(range(len(labels)))
        axes.set_xticklabels(labels, fontsize=8, rotation=20, ha="right")
    axes.tick_params(labelsize=7)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if title:
        figure.suptitle(title, fontsize=11)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _every_third_label(axes: Axes, labels: Sequence[str]) -> None:
    """Many points along the x axis: label every third one, upright."""
    axes.set_xticks(range(0, len(labels), 3))
    axes.set_xticklabels([labels[i] for i in range(0, len(labels), 3)], fontsize=7)
