"""Radar charts as PNG bytes, with matplotlib's object API (thread-safe, no pyplot)."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 150
STYLES = {
    "self": {"color": "#1f6feb", "linewidth": 2.2, "fill": 0.25, "linestyle": "-"},
    "previous": {"color": "#8b949e", "linewidth": 1.6, "fill": 0.0, "linestyle": "--"},
    "target": {"color": "#d29922", "linewidth": 1.6, "fill": 0.0, "linestyle": ":"},
}


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    style: str = "self"


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def render_radar(axis_labels: Sequence[str], series: Sequence[Series], *, title: str = "",
                 scale_max: int = 5, size_px: int = 1080) -> bytes:
    """PNG bytes of a square radar chart, ``size_px`` × ``size_px``."""
    count = len(axis_labels)
    if count < 3:
        raise ValueError("a radar chart needs at least 3 axes")
    for item in series:
        if len(item.values) != count:
            raise ValueError(f"series {item.label!r} has {len(item.values)} values for {count} axes")
    figure = Figure(figsize=(size_px / DPI, size_px / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.17, 0.15, 0.66, 0.66), projection="polar")
    angles = [2 * math.pi * i / count for i in range(count)]
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, scale_max)
    axes.set_yticks(range(1, scale_max + 1))
    axes.set_yticklabels([str(v) for v in range(1, scale_max + 1)], fontsize=6, color="#57606a")
    axes.set_xticks(angles)
    axes.set_xticklabels([_short(label) for label in axis_labels], fontsize=6)
    for item in series:
        style = STYLES.get(item.style, STYLES["self"])
        values = [float("nan") if v is None else float(v) for v in item.values]
        closed_angles, closed_values = angles + angles[:1], values + values[:1]
        axes.plot(closed_angles, closed_values, color=style["color"], linewidth=style["linewidth"],
                  linestyle=style["linestyle"], label=item.label)
        if style["fill"]:
            axes.fill(closed_angles, [0 if math.isnan(v) else v for v in closed_values],
                      color=style["color"], alpha=style["fill"])
    if title:
        figure.suptitle(title, fontsize=11, y=0.97)
    figure.legend(loc="lower center", ncol=max(1, len(series)), fontsize=7, frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()
